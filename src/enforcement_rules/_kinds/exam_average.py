"""``exam_average``: each department of the campaign has an exam average by a day."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, equals, greater, reached
from .._figures import Figures, figure
from .._live._base import Change, Observation, first_moment, last_moment
from .._rulebase import Context, Period, Status
from ._campaign import live_municipal
from ._decisions import by_due, clock, findings, live_clock
from ._exams import ExamRule
from ._officer_rules import CountedToDue
from ._officers import MembersTracker


class ExamAverageFigures(Figures):
    officers: int = figure("有关执法人员", "officers")
    examined: int = figure("参考人数", "examined")


class ExamAverage(CountedToDue, ExamRule):
    """Each department has an exam average by ``due``: the mean of its officers' first exam
    score from ``counted_from`` to ``due``. A department none of whose officers sat the exam
    has none (``missing``; ``pending`` before ``due``)."""

    kind: Literal["exam_average"]

    subject_type: ClassVar[str] = "department"
    figures: ClassVar[type[Figures]] = ExamAverageFigures

    def decision(self, in_force: Period) -> Decision:
        """On a department's ``officers`` and those ``examined``, ``today``, ``due`` and
        ``now``."""
        none = all_of(reached(self.start(in_force)), greater("officers", 0), equals("examined", 0))
        return by_due(none, Status.MISSING)

    def averages(self, ctx: Context) -> pl.DataFrame:
        """Per department of the scope: officers, examined, average score (null when none
        sat the exam) and rank (1 is the highest average; ties share a rank)."""
        firsts = (
            self.exam_records(ctx)
            .filter(pl.col("date").is_between(self.start(ctx.in_force(self)), self.due))
            .sort("date", "score", descending=[False, True])
            .group_by("officer", maintain_order=True)
            .first()
            .select("officer", "score")
        )
        departments = pl.DataFrame(
            {"department": self.counted_departments(ctx)}, schema={"department": pl.String}
        )
        officers = self.officers(ctx).join(firsts, on="officer", how="left")
        per_department = officers.group_by("department").agg(
            pl.len().alias("officers"),
            pl.col("score").is_not_null().sum().alias("examined"),
            pl.col("score").mean().alias("average"),
        )
        return (
            departments.join(per_department, on="department", how="left")
            .with_columns(pl.col("officers", "examined").fill_null(0))
            .with_columns(
                pl.col("average").rank("min", descending=True).cast(pl.Int64).alias("rank")
            )
            .sort("rank", "department", nulls_last=True)
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = self.averages(ctx).with_columns(**clock(ctx.as_of, self.due))
        return findings(
            self,
            ctx,
            rows,
            subject="department",
            due=self.due,
            figures=ExamAverageFigures.columns("officers examined"),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"部门 {subject_id} 的 {figures['officers']} 名执法人员均无考试成绩,"
            f"无法计算部门考试平均成绩。",
            f"None of the {figures['officers']} officers of department {subject_id} has an exam "
            f"score, so the department has no exam average.",
        )


class ExamAverageTracker(MembersTracker, follows=ExamAverage):
    how: ClassVar[str] = (
        "per department of the municipal campaign: its counted officers and those with an "
        "exam from `counted_from` to the due day; `pending`, then `missing` when none has one"
    )

    rule: ExamAverage
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "exams"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.start = self.rule.start(self.in_force)
        self.moments = (first_moment(self.start), last_moment(self.rule.due))
        self.examined: set[str] = set()  # officers with an exam in the window

    def counts(self, officer: dict[str, Any]) -> bool:
        return self.rule.counts_officer(officer)

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type != "exams":
            return super().on_change(change)
        if not self.rule.counts_exam(row) or not self.start <= row["date"] <= self.rule.due:
            return ()
        self.examined.add(row["officer"])
        officer = self.state.officers.get(row["officer"])
        return (self.observe(officer["department"]),) if officer else ()

    def observe(self, department: str) -> Observation:
        if department not in live_municipal(
            self.state, self.rule, self.pack, self.rule.campaign_scope
        ):
            return self.outside(department)
        officers = self.members(department)
        count, examined = len(officers), len(officers & self.examined)
        event = {"officers": count, "examined": examined, **live_clock(self.state, self.rule.due)}
        return self.observation(
            department,
            department,
            event,
            lambda: ExamAverageFigures.of(officers=count, examined=examined),
            due=self.rule.due,
        )
