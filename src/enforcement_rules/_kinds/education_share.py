"""``education_share``: in each department, a share of the officers hold at least a degree by
a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, less, reached
from .._fields import EducationName
from .._figures import Figures, figure
from .._live._base import Change, DepartmentTracker, Members, Observation, first_moment, last_moment
from .._rulebase import Context, Period
from ._decisions import by_due, clock, findings, live_clock
from ._officer_rules import EDUCATION_RANK, OfficerRule, education_rank, education_words
from ._officers import enforcement_officers
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

    def check(self, ctx: Context) -> pl.DataFrame:
        minimum = EDUCATION_RANK[str(self.minimum_education)]
        rows = (
            enforcement_officers(ctx, self, self.employment, self.on_duty_only)
            .filter(
                pl.col("entered_enforcement_on").is_null()
                | (pl.col("entered_enforcement_on") <= self.due)
            )
            .group_by("department")
            .agg(
                pl.len().alias("officers"),
                (education_rank("education") >= minimum).sum().alias("qualified"),
                pl.col("education").is_null().sum().alias("unknown"),
            )
            .with_columns(
                (pl.col("qualified") / pl.col("officers")).alias("share"),
                **clock(ctx.as_of, self.due),
            )
        )
        return findings(
            self,
            ctx,
            rows,
            subject="department",
            period=str(self.due.year),
            due=self.due,
            figures=EducationShareFigures.columns(
                "officers qualified unknown",
                share=pl.col("share").round(4),
                required_share=pl.lit(self.minimum_share),
                minimum=pl.lit(str(self.minimum_education)),
            ),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        share = number(round(figures["share"] * 100, 1))
        required = number(round(figures["required_share"] * 100, 1))
        minimum = education_words(figures["minimum"])
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


class EducationShareTracker(DepartmentTracker, follows=EducationShare):
    how: ClassVar[str] = (
        "per department: the share of its counted officers (employment, on duty, in "
        "enforcement by the due day) holding the minimum education, against the minimum "
        "share; `pending` until the due day ends"
    )

    rule: EducationShare
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        due = self.rule.due
        self.members = Members(
            lambda o: (
                self.rule.counts_officer(o)
                and (o["entered_enforcement_on"] is None or o["entered_enforcement_on"] <= due)
            )
        )
        self.moments = (first_moment(self.in_force.start), last_moment(self.rule.due))
        self.minimum = EDUCATION_RANK[str(self.rule.minimum_education)]

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return (self.observe(change.row["id"]),)
        return [self.observe(d) for d in self.members.update(change.row)]

    def observe(self, department: str) -> Observation:
        officers = [self.state.officers[o] for o in self.members(department)]
        if department not in self.departments() or not officers:
            return self.outside(department, str(self.rule.due.year))
        educations = [o["education"] for o in officers]
        qualified = sum(
            1 for e in educations if e is not None and EDUCATION_RANK[e] >= self.minimum
        )
        unknown = educations.count(None)
        share = qualified / len(officers)
        event = {"share": share, **live_clock(self.state, self.rule.due)}
        return self.observation(
            department,
            department,
            event,
            lambda: EducationShareFigures.of(
                officers=len(officers),
                qualified=qualified,
                unknown=unknown,
                share=pl.Series([share]).round(4).item(),  # rounded as the batch rounds it
                required_share=self.rule.minimum_share,
                minimum=str(self.rule.minimum_education),
            ),
            period=str(self.rule.due.year),
            due=self.rule.due,
        )
