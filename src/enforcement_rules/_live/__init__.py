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
from .quotas import ActivityMinutesTracker
from .systems import (
    DecisionPublicityTracker,
    MajorDecisionReviewTracker,
    WholeProcessRecordTracker,
)
from .training import RotationTrainingTracker, TrainingHoursTracker, TrainingParticipationTracker

TRACKERS: dict[str, type[Tracker]] = {
    "certified_participants": CertifiedParticipantsTracker,
    "no_auxiliary_participants": NoAuxiliaryParticipantsTracker,
    "certificate_exit": CertificateExitTracker,
    "training_participation": TrainingParticipationTracker,
    "training_hours": TrainingHoursTracker,
    "rotation_training": RotationTrainingTracker,
    "whole_process_record": WholeProcessRecordTracker,
    "major_decision_review": MajorDecisionReviewTracker,
    "decision_publicity": DecisionPublicityTracker,
    "activity_minutes": ActivityMinutesTracker,
}
"""The tracker of each kind the monitor follows, by the kind's name."""

_SCHEDULE = (
    "an obligation schedule (owers, periods, due days, sections, publication) not compiled "
    "for the monitor yet; evaluate and the calendar check it"
)
_SCOPED = (
    "counts only the departments the campaign_scope rule places in its campaign, a placement "
    "made over every department and enrolment at once; not compiled for the monitor yet"
)
UNSUPPORTED: dict[str, str] = {
    "deliverable": _SCHEDULE,
    "yearly_deliverable": _SCHEDULE,
    "quarterly_deliverable": _SCHEDULE,
    "relative_deliverable": _SCHEDULE,
    "quota": _SCHEDULE,
    "task_table": _SCHEDULE,
    "campaign_scope": (
        "places each department in a campaign from every department and enrolment at once "
        "(enforcement-rules scope); not compiled for the monitor yet"
    ),
    "exam_taken": _SCOPED,
    "exam_average": _SCOPED + "; a department's average of every exam",
    "register_completeness": _SCOPED,
    "contest_teams": "the contest's team rules are not compiled for the monitor yet",
    "exam_paper_weights": "exam papers are not compiled for the monitor yet",
    "contest_ranking": (
        "a ranking of every team: each team moves the others' places (enforcement-rules contest)"
    ),
    "contest_ties": "ties are found across the ranking of every team (enforcement-rules contest)",
    "certificate_annual_review": "certificates by year are not compiled for the monitor yet",
    "certificate_holder_employment": "certificate holders are not compiled for the monitor yet",
    "new_recruit_education": "officers' education is not compiled for the monitor yet",
    "education_share": "a department's share at a day, not compiled for the monitor yet",
    "staff_ratio": "a ratio of a department's staff figures, not compiled for the monitor yet",
}
"""Kinds the monitor does not follow, with the reason, by the kind's name."""


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
