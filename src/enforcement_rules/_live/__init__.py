"""The live monitor's piece of each rule kind: a ``Tracker`` that compiles the rule into a
durable-rules ruleset and turns arriving records (and the moving clock) into observations.

A kind the monitor follows is one ``Tracker`` subclass in the module of its family, listed in
``TRACKERS``. A kind it cannot follow is listed in ``UNSUPPORTED`` with the reason, which the
monitor reports for each rule it leaves out; ``docs/monitor.md`` keeps the same table.
"""

from __future__ import annotations

from .._rulebase import RuleBase
from ._base import Change, LiveState, Observation, Tracker
from .personnel import (
    CertificateExitTracker,
    CertifiedParticipantsTracker,
    NoAuxiliaryParticipantsTracker,
)
from .training import RotationTrainingTracker, TrainingHoursTracker, TrainingParticipationTracker

TRACKERS: dict[str, type[Tracker]] = {
    "certified_participants": CertifiedParticipantsTracker,
    "no_auxiliary_participants": NoAuxiliaryParticipantsTracker,
    "certificate_exit": CertificateExitTracker,
    "training_participation": TrainingParticipationTracker,
    "training_hours": TrainingHoursTracker,
    "rotation_training": RotationTrainingTracker,
}
"""The tracker of each kind the monitor follows, by the kind's name."""

UNSUPPORTED: dict[str, str] = {}
"""Kinds the monitor does not follow, with the reason (English), by the kind's name."""


def tracker_class(rule: RuleBase) -> type[Tracker] | None:
    return TRACKERS.get(rule.kind)


__all__ = [
    "TRACKERS",
    "UNSUPPORTED",
    "Change",
    "LiveState",
    "Observation",
    "Tracker",
    "tracker_class",
]
