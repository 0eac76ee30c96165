"""``training_taken``: each officer takes part in a stage of study by a day ("大学习"全覆盖)."""

from __future__ import annotations

from typing import ClassVar, Literal

from .._figures import Figures, figure
from ._officer_rules import DoneByDueFigures, TrainingByDue, TrainingByDueTracker


class TrainingTakenFigures(DoneByDueFigures):
    training_after_due: str | None = figure("期限后学习培训日期", "training after the due day")


class TrainingTaken(TrainingByDue):
    """Each officer has a training record of any kind (a study session, a course) from
    ``counted_from`` to ``due``: a stage of study every officer takes part in ("大学习"全覆盖).
    An officer who entered enforcement after ``due`` is not required; one whose first training
    came after it is ``late``."""

    kind: Literal["training_taken"]

    figures: ClassVar[type[Figures]] = TrainingTakenFigures
    after_due_figure: ClassVar[str] = "training_after_due"
    record_words: ClassVar[tuple[str, str]] = ("学习培训", "training")
    late_words: ClassVar[tuple[str, str]] = (
        "执法人员 {subject} 在 {start} 至 {due} 期间没有学习培训记录,"
        "首次学习培训在 {after},晚于期限。",
        "Officer {subject} has no training between {start} and {due}; the first came on "
        "{after}, after the deadline.",
    )


class TrainingTakenTracker(TrainingByDueTracker, follows=TrainingTaken):
    how: ClassVar[str] = (
        "per officer: any training from the first counted day to the due day, one after it; "
        "`pending`, `late` or `not_met` decided from the due moment and the clock"
    )
