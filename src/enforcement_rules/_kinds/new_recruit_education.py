"""``new_recruit_education``: each officer recruited in the rule's period holds at least a
degree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, dated_in, equals
from .._fields import EducationName
from .._figures import Figures, figure
from .._live._base import Alarms, Change, Observation, iso, start_moment
from .._rulebase import Context, Period, Status
from .._vocab import Education, label
from ._decisions import clock, findings, live_clock, ordinal
from ._officer_rules import OfficerRule, OfficerTracker, education_at_least
from ._officers import enforcement_officers


class NewRecruitEducationFigures(Figures):
    hired_on: str = figure("录用日期", "hired on")
    education: str | None = figure("学历", "education")
    minimum: str = figure("最低人数", "minimum")


class NewRecruitEducation(OfficerRule):
    """Each officer recruited (``hired_on``) in the rule's period holds at least
    ``minimum_education``; one whose education is not recorded is ``incomplete``."""

    kind: Literal["new_recruit_education"]
    minimum_education: EducationName
    on_duty_only: bool = False

    figures: ClassVar[type[Figures]] = NewRecruitEducationFigures

    def decision(self, in_force: Period) -> Decision:
        """On an officer's day ``hired``, ``today``, whether their education is ``recorded``
        and whether it is ``qualified`` (``minimum_education`` or above)."""
        hired = dated_in("hired", in_force)
        return {
            Status.INCOMPLETE.value: all_of(*hired, equals("recorded", False)),
            Status.NOT_MET.value: all_of(
                *hired, equals("recorded", True), equals("qualified", False)
            ),
        }

    def check(self, ctx: Context) -> pl.DataFrame:
        officers = enforcement_officers(ctx, self, self.employment, self.on_duty_only).with_columns(
            ordinal("hired_on").alias("hired"),
            pl.col("education").is_not_null().alias("recorded"),
            pl.col("education")
            .is_in(education_at_least(self.minimum_education))
            .alias("qualified"),
            **clock(ctx.as_of),
        )
        return findings(
            self,
            ctx,
            officers,
            subject="id",
            figures=NewRecruitEducationFigures.columns(
                "hired_on education", minimum=pl.lit(str(self.minimum_education))
            ),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        minimum = label(Education(figures["minimum"]))
        if figures["education"] is None:
            return (
                f"执法人员 {subject_id}({figures['hired_on']} 录用)没有学历记录,"
                f"无法判断是否达到{minimum}以上。",
                f"Officer {subject_id} (hired {figures['hired_on']}) has no education recorded; "
                f"{figures['minimum']} or above is expected.",
            )
        return (
            f"执法人员 {subject_id}({figures['hired_on']} 录用)学历为"
            f"{label(Education(figures['education']))},低于{minimum}。",
            f"Officer {subject_id} (hired {figures['hired_on']}) holds {figures['education']}, "
            f"below {figures['minimum']}.",
        )


class NewRecruitEducationTracker(OfficerTracker, follows=NewRecruitEducation):
    how: ClassVar[str] = (
        "per officer: the day hired against the period and the clock's day, and the "
        "education against the minimum and those above it (`incomplete` when none is recorded)"
    )

    rule: NewRecruitEducation
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.alarms: Alarms[str] = Alarms()
        self.qualifying = frozenset(education_at_least(self.rule.minimum_education))

    def on_change(self, change: Change) -> Iterable[Observation]:
        return [self.observe(o) for o in self.changed_officers(change)]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        return [self.observe(o) for o in self.alarms.rung(self.state.now)]

    def observe(self, officer_id: str) -> Observation:
        officer = self.officer_in_scope(officer_id)
        if officer is None or officer["hired_on"] is None:
            return self.outside(officer_id)
        hired: date = officer["hired_on"]
        self.alarms.at(start_moment(hired), officer_id, self.state.now)
        education = officer["education"]
        event = {
            "hired": hired.toordinal(),
            "recorded": education is not None,
            "qualified": education in self.qualifying,
            **live_clock(self.state),
        }
        return self.observation(
            officer_id,
            officer["department"],
            event,
            lambda: NewRecruitEducationFigures.of(
                hired_on=iso(hired), education=education, minimum=str(self.rule.minimum_education)
            ),
        )
