"""``rotation_training``: each officer has rotation training (全员轮训) by a day."""

from __future__ import annotations

from typing import ClassVar, Literal

from .._figures import Figures, figure
from ._officer_rules import DoneByDueFigures, TrainingByDue, TrainingByDueTracker


class RotationTrainingFigures(DoneByDueFigures):
    rotation_after_due: str | None = figure("期限后轮训日期", "rotation after the due day")


class RotationTraining(TrainingByDue):
    """Each officer has rotation training (全员轮训) on or before ``due``, counted from
    ``counted_from`` (default: the start of the rule's period in force). An officer who entered
    enforcement after ``due`` is not required."""

    kind: Literal["rotation_training"]

    figures: ClassVar[type[Figures]] = RotationTrainingFigures
    after_due_figure: ClassVar[str] = "rotation_after_due"
    record_words: ClassVar[tuple[str, str]] = ("全员轮训", "rotation training")
    late_words: ClassVar[tuple[str, str]] = (
        "执法人员 {subject} 的全员轮训在 {after} 完成,晚于 {due} 的期限。",
        "Officer {subject} had the rotation training on {after}, after the {due} deadline.",
    )
    rotation_only: ClassVar[bool] = True


class RotationTrainingTracker(TrainingByDueTracker, follows=RotationTraining):
    how: ClassVar[str] = (
        "per officer: a rotation training in time, one after the due day; `pending`, `late` "
        "or `not_met` decided from the due moment and the clock"
    )
