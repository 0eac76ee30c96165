"""The live monitor's piece of each rule kind: a ``Tracker`` that compiles the rule into a
durable-rules ruleset and turns arriving records (and the moving clock) into observations.

A kind the monitor follows is one ``Tracker`` subclass in the module of its family, listed in
``TRACKERS``. A kind it cannot follow is listed in ``UNSUPPORTED`` with the reason, which the
monitor reports for each rule it leaves out; ``docs/monitor.md`` keeps the same table.
"""

from __future__ import annotations

from .._rulebase import RuleBase
from ._base import Change, LiveState, Observation, Tracker
from .campaign import CampaignScopeTracker
from .certificates import CertificateAnnualReviewTracker, CertificateHolderEmploymentTracker
from .contest import ContestTeamsTracker, ExamPaperWeightsTracker
from .deliverables import (
    DeliverableTracker,
    QuarterlyDeliverableTracker,
    RelativeDeliverableTracker,
    YearlyDeliverableTracker,
)
from .education import (
    EducationShareTracker,
    ExamAverageTracker,
    ExamTakenTracker,
    NewRecruitEducationTracker,
)
from .inspections import InspectionMethodTracker
from .personnel import (
    CertificateExitTracker,
    CertifiedParticipantsTracker,
    NoAuxiliaryParticipantsTracker,
)
from .quotas import ActivityMinutesTracker, QuotaTracker
from .registers import RegisterCompletenessTracker
from .staffing import StaffRatioTracker
from .systems import (
    DecisionPublicityTracker,
    MajorDecisionReviewTracker,
    WholeProcessRecordTracker,
)
from .tasks import TaskTableTracker
from .training import (
    RotationTrainingTracker,
    TrainingHoursTracker,
    TrainingParticipationTracker,
    TrainingTakenTracker,
)

TRACKERS: dict[str, type[Tracker]] = {
    "certified_participants": CertifiedParticipantsTracker,
    "no_auxiliary_participants": NoAuxiliaryParticipantsTracker,
    "certificate_exit": CertificateExitTracker,
    "training_participation": TrainingParticipationTracker,
    "training_hours": TrainingHoursTracker,
    "rotation_training": RotationTrainingTracker,
    "training_taken": TrainingTakenTracker,
    "whole_process_record": WholeProcessRecordTracker,
    "major_decision_review": MajorDecisionReviewTracker,
    "decision_publicity": DecisionPublicityTracker,
    "inspection_method": InspectionMethodTracker,
    "activity_minutes": ActivityMinutesTracker,
    "deliverable": DeliverableTracker,
    "yearly_deliverable": YearlyDeliverableTracker,
    "quarterly_deliverable": QuarterlyDeliverableTracker,
    "relative_deliverable": RelativeDeliverableTracker,
    "quota": QuotaTracker,
    "task_table": TaskTableTracker,
    "staff_ratio": StaffRatioTracker,
    "certificate_annual_review": CertificateAnnualReviewTracker,
    "certificate_holder_employment": CertificateHolderEmploymentTracker,
    "new_recruit_education": NewRecruitEducationTracker,
    "education_share": EducationShareTracker,
    "campaign_scope": CampaignScopeTracker,
    "exam_taken": ExamTakenTracker,
    "exam_average": ExamAverageTracker,
    "register_completeness": RegisterCompletenessTracker,
    "contest_teams": ContestTeamsTracker,
    "exam_paper_weights": ExamPaperWeightsTracker,
}
"""The tracker of each kind the monitor follows, by the kind's name."""

_RANKING = (
    "the ranking places every team against all the others and has no due day: while teams "
    "and scores are entered one at a time, each one moves the other teams' places, so a "
    "finding would arise and vanish with the order of entry (a finalist without a final score "
    "until its score is typed in, a tie until the next team's score); run "
    "`enforcement-rules contest` (er.contest) once the results are in"
)
UNSUPPORTED: dict[str, str] = {
    "contest_ranking": _RANKING,
    "contest_ties": _RANKING,
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
