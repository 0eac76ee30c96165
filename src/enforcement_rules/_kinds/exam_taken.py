"""``exam_taken``: each officer of the campaign's departments sits an exam by a day
(全员参与)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar, Literal

import polars as pl

from .._figures import Figures, figure
from .._live._base import Change
from .._rulebase import Context
from ._campaign import live_municipal
from ._exams import ExamRule
from ._officer_rules import DoneByDue, DoneByDueFigures, DoneByDueTracker


class ExamTakenFigures(DoneByDueFigures):
    exam_after_due: str | None = figure("期限后考试日期", "exam after the due day")


class ExamTaken(ExamRule, DoneByDue):
    """Each officer sat an exam on or before ``due`` (全员参与), counted from ``counted_from``
    (default: the start of the rule's period in force); one sat after it is ``late``."""

    kind: Literal["exam_taken"]

    figures: ClassVar[type[Figures]] = ExamTakenFigures
    after_due_figure: ClassVar[str] = "exam_after_due"
    record_words: ClassVar[tuple[str, str]] = ("考试", "exam")
    late_words: ClassVar[tuple[str, str]] = (
        "执法人员 {subject} 在 {after} 参加考试,晚于 {due} 的期限。",
        "Officer {subject} sat the exam on {after}, after the {due} deadline.",
    )

    def records(self, ctx: Context) -> pl.LazyFrame:
        return self.exam_records(ctx).lazy()


class ExamTakenTracker(DoneByDueTracker, follows=ExamTaken):
    how: ClassVar[str] = (
        "per officer of the departments the `campaign_scope` rule places in its municipal "
        "campaign (a placement from each department's own level and domain, kept as "
        "departments arrive): an exam by the due day, or one after it (`late`)"
    )

    rule: ExamTaken
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "exams"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.exam_days: dict[str, list[date]] = {}

    def counted_departments(self) -> frozenset[str]:
        return live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)

    def days(self, officer_id: str) -> Iterable[date]:
        return self.exam_days.get(officer_id, ())

    def touched(self, change: Change) -> Iterable[str]:
        row = change.row
        if not self.rule.counts_exam(row):
            return ()
        self.exam_days.setdefault(row["officer"], []).append(row["date"])
        return (row["officer"],)
