"""``education_share``: in each department, a share of the officers hold at least a degree by
a day."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, less, reached
from .._fields import EducationName
from .._figures import Figures, figure
from .._live._base import Observation, first_moment, last_moment
from .._rulebase import Context, Period
from .._vocab import Education, label
from ._decisions import by_due, judged_findings, live_clock
from ._officer_rules import OfficerRule, education_at_least, in_enforcement_by
from ._officers import MembersTracker, enforcement_officers
from ._words import number


class EducationShareFigures(Figures):
    officers: int = figure("有关执法人员", "officers")
    qualified: int = figure("达标人数", "qualified")
    unknown: int = figure("未记载人数", "unknown")
    share: float = figure("比例", "share")
    required_share: float = figure("要求比例", "required share")
    minimum: str = figure("最低人数", "minimum")


class EducationShare(OfficerRule):
    """In each department, at least ``minimum_share`` of the officers hold
    ``minimum_education`` or above on ``due`` (officers whose education is not recorded do
    not count as holding it). Before ``due`` a department short of it is ``pending``."""

    kind: Literal["education_share"]
    minimum_education: EducationName
    minimum_share: float = Field(default=0.9, gt=0, le=1)
    due: date

    subject_type: ClassVar[str] = "department"
    figures: ClassVar[type[Figures]] = EducationShareFigures

    def decision(self, in_force: Period) -> Decision:
        """On a department's ``share``, ``today``, ``due`` and ``now``."""
        return by_due(all_of(reached(in_force.start), less("share", self.minimum_share)))

    def judged(
        self, officers: int, qualified: int, unknown: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A department's event (without the clock) and figures, from its counted officers,
        those holding ``minimum_education`` or above and those with none recorded."""
        share = qualified / officers
        return {"share": share}, EducationShareFigures.of(
            officers=officers,
            qualified=qualified,
            unknown=unknown,
            share=round(share * 10_000) / 10_000,  # as polars rounds to 4 places (half to even)
            required_share=self.minimum_share,
            minimum=str(self.minimum_education),
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        officers = enforcement_officers(ctx, self, self.employment, self.on_duty_only)
        counted = officers.filter(in_enforcement_by(self.due))
        counts = counted.group_by("department").agg(
            pl.len(),
            pl.col("education").is_in(education_at_least(self.minimum_education)).sum(),
            pl.col("education").is_null().sum().alias("unknown"),
        )
        judged = [(d, d, *self.judged(*numbers)) for d, *numbers in counts.iter_rows()]
        return judged_findings(self, ctx, judged, period=str(self.due.year), due=self.due)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        share = number(round(figures["share"] * 100, 1))
        required = number(round(figures["required_share"] * 100, 1))
        minimum = label(Education(figures["minimum"]))
        unknown_zh = f"(其中 {figures['unknown']} 人无学历记录)" if figures["unknown"] else ""
        unknown_en = (
            f" ({figures['unknown']} with no education recorded)" if figures["unknown"] else ""
        )
        return (
            f"部门 {subject_id} 执法人员 {figures['officers']} 人,{minimum}以上学历 "
            f"{figures['qualified']} 人,占 {share}%,低于要求的 {required}%{unknown_zh}。",
            f"Department {subject_id}: {figures['qualified']} of {figures['officers']} officers "
            f"hold {figures['minimum']} or above ({share}%), below the {required}% "
            f"required{unknown_en}.",
        )


class EducationShareTracker(MembersTracker, follows=EducationShare):
    how: ClassVar[str] = (
        "per department: the share of its counted officers (employment, on duty, in "
        "enforcement by the due day) holding the minimum education, against the minimum "
        "share; `pending` until the due day ends"
    )

    rule: EducationShare

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.moments = (first_moment(self.in_force.start), last_moment(self.rule.due))
        self.qualifying = frozenset(education_at_least(self.rule.minimum_education))

    def counts(self, officer: dict[str, Any]) -> bool:
        return self.rule.counts_officer(officer, self.rule.due)

    def observe(self, department: str) -> Observation:
        officers = [self.state.officers[o] for o in self.members(department)]
        if department not in self.departments() or not officers:
            return self.outside(department, str(self.rule.due.year))
        educations = [o["education"] for o in officers]
        qualified = sum(1 for e in educations if e in self.qualifying)
        event, figures = self.rule.judged(len(officers), qualified, educations.count(None))
        return self.observation(
            department,
            department,
            event | live_clock(self.state, self.rule.due),
            lambda: figures,
            period=str(self.rule.due.year),
            due=self.rule.due,
        )
