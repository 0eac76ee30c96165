"""``deliverable``: a report, list or plan a department hands in once, by a day."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from .._rulebase import Period
from ._deliverables import HOW, DeliverableKind, DeliverableTracking
from ._schedule import span


class Deliverable(DeliverableKind):
    """A one-off deliverable due on or before ``due`` ("X月X日前"). Submissions of any period
    count."""

    kind: Literal["deliverable"]
    due: date

    matches_period: ClassVar[bool] = False

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        start = in_force.start
        return [span(None, start, self.due, self.due, start)]

    def when(self) -> str:
        return f"{self.due.isoformat()} 前"


class DeliverableTracker(DeliverableTracking, follows=Deliverable):
    how: ClassVar[str] = HOW
