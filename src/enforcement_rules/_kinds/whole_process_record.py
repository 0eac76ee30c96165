"""``whole_process_record``: each action is recorded over its whole process (全过程记录)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from .._conditions import Decision, all_of, equals
from .._figures import Figures, figure
from .._rulebase import Period, Status
from ._acts import RECORDED, ActionKindsRule, ActTracker
from ._words import kinds_zh


class WholeProcessRecordFigures(Figures):
    date: str = figure("日期", "date")
    kind: str = figure("类型", "kind")
    recorded: bool | None = figure("全过程记录", "recorded")


class WholeProcessRecord(ActionKindsRule):
    """Each action is recorded over its whole process (``recorded`` true). ``false`` is
    ``not_met``; an action whose record does not say is ``missing``."""

    kind: Literal["whole_process_record"]

    figures: ClassVar[type[Figures]] = WholeProcessRecordFigures

    def decision(self, in_force: Period) -> Decision:
        """On an action's ``record`` (yes, no, or unknown when its record does not say)."""
        scope = self.scope(in_force)
        return {
            Status.MISSING.value: all_of(*scope, equals("record", RECORDED[None])),
            Status.NOT_MET.value: all_of(*scope, equals("record", RECORDED[False])),
        }

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        head_zh = f"执法行为 {subject_id}({figures['date']},{kinds_zh(figures['kind'])})"
        head_en = f"Action {subject_id} ({figures['date']}, {figures['kind']})"
        if figures["recorded"] is None:
            return (
                head_zh + "没有记载是否进行了全过程记录。",
                head_en + " does not say whether it was recorded over its whole process.",
            )
        return (
            head_zh + "未进行全过程记录。",
            head_en + " was not recorded over its whole process.",
        )


class WholeProcessRecordTracker(ActTracker, follows=WholeProcessRecord):
    how: ClassVar[str] = "per action: recorded, not recorded, or not stated"
    rule: WholeProcessRecord
