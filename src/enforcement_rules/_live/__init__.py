"""The live monitor's piece of each rule kind: a ``Tracker`` that follows the rule record by
record and turns arriving records (and the moving clock) into the events its decision reads.

A kind's tracker names it (``class XTracker(Tracker, follows=X)``); a kind without one says
why in its ``not_followed``. ``followed()`` lists both, for the monitor and ``docs/monitor.md``.
"""

from __future__ import annotations

from .._kinds import KINDS
from .._rulebase import RuleBase
from . import (  # noqa: F401  the trackers not yet beside their kinds register on import
    campaign,
    certificates,
    contest,
    deliverables,
    education,
    inspections,
    personnel,
    quotas,
    registers,
    staffing,
    systems,
    tasks,
    training,
)
from ._base import Change, LiveState, Observation, Tracker


def followed() -> dict[str, type[Tracker] | str]:
    """Each kind's tracker, or the reason the monitor does not follow it, by kind name."""
    return {
        kind.kind_name(): kind.tracker if kind.tracker is not None else kind.not_followed
        for kind in KINDS
    }


def tracker_class(rule: RuleBase) -> type[Tracker] | None:
    return type(rule).tracker


__all__ = [
    "Change",
    "LiveState",
    "Observation",
    "Tracker",
    "followed",
    "tracker_class",
]
