"""Live piece of ``activity_minutes``: each activity of the kind is judged when it arrives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from .._engine import Condition, all_of, at_least, at_most, equals
from .._kinds.quotas import ActivityMinutes
from .._rulebase import Status
from .._vocab import ActivityKind, parse_enum
from ._base import Change, LiveState, Observation, Tracker


class ActivityMinutesTracker(Tracker):
    """Each activity of the rule's kind, of its departments and dated in its period, kept a
    record (``minutes`` true); false or not stated is ``not_met``."""

    rule: ActivityMinutes
    reads: ClassVar[frozenset[str]] = frozenset({"activities"})
    about_acts: ClassVar[bool] = True

    def ruleset(self) -> dict[str, Condition]:
        period = LiveState.in_force(self.rule, self.pack)
        conditions = [
            equals("kind", parse_enum(ActivityKind, self.rule.activity).value),
            at_least("day", period.start.toordinal()),
            equals("minutes", False),
        ]
        if period.end is not None:
            conditions.append(at_most("day", period.end.toordinal()))
        return {Status.NOT_MET.value: all_of(*conditions)}

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if row["department"] not in self.state.departments_in_scope(self.rule, self.pack):
            return (self.outside(row["id"]),)
        event = {
            "kind": row["kind"],
            "day": row["date"].toordinal(),
            "minutes": bool(row["minutes"]),
        }
        figures = {"date": row["date"].isoformat(), "minutes": row["minutes"]}
        return (self.observation(row["id"], row["department"], event, lambda: figures),)
