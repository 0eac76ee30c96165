"""Every rule kind, and the discriminated union a rule file is validated against.

A new kind is one ``RuleBase`` subclass (its typed parameters, ``check`` and ``describe``) in
the module of its family, listed in ``KINDS``, plus its Gherkin scenarios.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from .._rulebase import RuleBase
from .campaign import CampaignScope
from .certificates import CertificateAnnualReview, CertificateHolderEmployment
from .contest import ContestRanking, ContestTeams, ContestTies, ExamPaperWeights
from .deliverables import (
    Deliverable,
    QuarterlyDeliverable,
    RelativeDeliverable,
    YearlyDeliverable,
)
from .education import EducationShare, ExamAverage, ExamTaken, NewRecruitEducation
from .inspections import InspectionMethodRule
from .personnel import CertificateExit, CertifiedParticipants, NoAuxiliaryParticipants
from .quotas import ActivityMinutes, Quota
from .registers import RegisterCompleteness
from .staffing import StaffRatio
from .systems import DecisionPublicity, MajorDecisionReview, WholeProcessRecord
from .tasks import TaskTable
from .training import RotationTraining, TrainingHours, TrainingParticipation, TrainingTaken

KINDS: tuple[type[RuleBase], ...] = (
    CertifiedParticipants,
    NoAuxiliaryParticipants,
    CertificateExit,
    TrainingParticipation,
    TrainingHours,
    RotationTraining,
    TrainingTaken,
    CampaignScope,
    ExamTaken,
    ExamAverage,
    ContestTeams,
    ExamPaperWeights,
    ContestRanking,
    ContestTies,
    RegisterCompleteness,
    CertificateAnnualReview,
    CertificateHolderEmployment,
    WholeProcessRecord,
    MajorDecisionReview,
    DecisionPublicity,
    InspectionMethodRule,
    NewRecruitEducation,
    EducationShare,
    Deliverable,
    YearlyDeliverable,
    QuarterlyDeliverable,
    RelativeDeliverable,
    Quota,
    ActivityMinutes,
    TaskTable,
    StaffRatio,
)

RuleSpec = Annotated[Union[KINDS], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
RULE_ADAPTER: TypeAdapter[RuleBase] = TypeAdapter(RuleSpec)


def kind_names() -> list[str]:
    """The ``kind`` of every rule kind."""
    return [k.model_fields["kind"].annotation.__args__[0] for k in KINDS]  # type: ignore[union-attr]
