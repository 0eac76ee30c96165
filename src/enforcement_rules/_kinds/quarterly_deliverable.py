"""``quarterly_deliverable``: a deliverable in each calendar quarter ("每季度报")."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from .._rulebase import Period
from ._deliverables import HOW, DeliverableKind, DeliverableTracking
from ._schedule import horizon, opening_in_force, quarter_named, quarter_periods


class QuarterlyDeliverable(DeliverableKind):
    """A deliverable in each calendar quarter of the period in force, due on its last day
    ("每季度报"). A submission without a period counts for the quarter of its day."""

    kind: Literal["quarterly_deliverable"]

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        periods = quarter_periods(in_force.start, horizon(in_force, as_of))
        return opening_in_force(periods, in_force)

    def period_for(self, day: date) -> str:
        return quarter_named(day)

    def when(self) -> str:
        return "每季度末前"


class QuarterlyDeliverableTracker(DeliverableTracking, follows=QuarterlyDeliverable):
    how: ClassVar[str] = (
        HOW + "; one item per quarter; a submission without a period counts for the quarter "
        "of its day"
    )
