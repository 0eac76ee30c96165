"""The record contract: what a host system provides, one pydantic model per record type.

Field names are the public contract. Dates are ``YYYY-MM-DD`` (a day in Asia/Shanghai);
date-times carry their UTC offset; enumerations take the English value or the Chinese words;
an unknown field is an error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from ._fields import (
    ActionKindName,
    ActivityKindName,
    BasisLevelName,
    CertificateStatusName,
    Day,
    DayOrMoment,
    EducationName,
    EmploymentName,
    InspectionMethodName,
    Key,
    LevelName,
    PeriodLabel,
    ProcedureName,
    Text,
    UniqueTexts,
)
from ._limits import MAX_COUNT, MAX_HOURS
from ._vocab import (
    CertificateStatus,
)

NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
Year = Annotated[int, Field(ge=1949, le=2200)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Score = Annotated[float, Field(ge=0, allow_inf_nan=False)]
LegalBasisLevel = Annotated[
    BasisLevelName | None,
    Field(
        description="The level of legal_basis (法律, 行政法规, 地方性法规, 规章, 规范性文件); "
        "when absent, read from its title"
    ),
]
Hours = Annotated[float, Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)]

PERSONAL: dict[str, JsonValue] = {"personal": True}
"""Marks a field that holds personal data: a problem with it names the field and the record,
never the value."""


class Record(BaseModel):
    """Base of every record: strict types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Department(Record):
    """A unit that enforces (行政执法部门/单位), or that receives reports."""

    id: Text
    name: Text
    region: Annotated[list[Text], Field(min_length=1)] = Field(
        description="Region names from the province down, e.g. "
        '["宁夏回族自治区","石嘴山市","大武口区"]'
    )
    level: LevelName
    domain: Text = Field(description="Sector (领域); canonical name or alias, e.g. 市场监管")
    enforcement_staff: NonNegativeInt | None = Field(
        default=None, description="Enforcement staff; when absent, its officers are counted"
    )
    legal_reviewers: NonNegativeInt | None = Field(
        default=None, description="Legal reviewers (法制审核人员)"
    )


class Officer(Record):
    """An enforcement officer (行政执法人员) or auxiliary staff member."""

    id: Text
    name: Text | None = Field(default=None, json_schema_extra=PERSONAL)
    department: Text
    employment: EmploymentName
    on_duty: bool = True
    entered_enforcement_on: Day | None = Field(
        default=None, description="The calendar year of this date is the officer's first year"
    )
    hired_on: Day | None = None
    education: EducationName | None = None


class Certificate(Record):
    """An enforcement certificate (行政执法证件)."""

    id: Text = Field(description="The certificate number (执法证号)")
    officer: Text
    valid_from: Day
    valid_to: Day
    status: CertificateStatusName = CertificateStatus.VALID
    status_since: Day | None = Field(
        default=None, description="Required unless valid: not valid from that day on"
    )
    domains: UniqueTexts = Field(
        default_factory=list,
        description="Authorised scope (授权范围); empty means the holder's department's domain",
    )
    reviewed_years: list[Year] = Field(
        default_factory=list, description="Years whose annual review (年审) was passed"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Certificate:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to on or after valid_from")
        if self.status != CertificateStatus.VALID and self.status_since is None:
            raise ValueError(f"status_since, the day the certificate became {self.status.value}")
        return self


class Training(Record):
    """Hours of training an officer received on a day."""

    id: Text | None = None
    officer: Text
    date: Day
    hours: Hours
    rotation: bool = Field(default=False, description="Part of the full rotation (全员轮训)")
    topic: Text | None = None


class Action(Record):
    """An enforcement act or case (执法行为/案件)."""

    id: Text
    department: Text
    date: Day
    kind: ActionKindName
    domain: Text | None = Field(default=None, description="Defaults to the department's domain")
    participants: UniqueTexts = Field(description="Officer ids")
    procedure: ProcedureName | None = None
    major: bool = Field(default=False, description="A major enforcement decision (重大执法决定)")
    decided_on: Day | None = None
    legal_review_on: Day | None = None
    recorded: bool | None = Field(
        default=None, description="Recorded over its whole process (全过程记录)"
    )
    publicized_on: Day | None = None
    exception_basis: Text | None = Field(
        default=None,
        description="The provision that allows fewer officers, cited by statute and article "
        "(e.g. 《中华人民共和国道路交通安全法》第一百零七条); it exempts the act only when the "
        "register of recognised exceptions holds it and it allows the act",
    )
    basis_level: BasisLevelName | None = Field(
        default=None,
        description="The level of exception_basis (法律, 行政法规, 地方性法规, 规章, 规范性文件); "
        "when absent, read from its title",
    )
    method: InspectionMethodName | None = Field(
        default=None,
        description="For an inspection, how it was started: random (双随机抽查), routine "
        "(日常巡查), special (专项检查), complaint (投诉举报核查), referral (转办交办), key "
        "(重点监管), other",
    )
    enterprise: bool | None = Field(
        default=None, description="Whether its object is an enterprise (涉企)"
    )


class Submission(Record):
    """A deliverable a department handed in: a report, list, catalogue, plan."""

    id: Text
    department: Text
    obligation: Text = Field(
        description="The id of a deliverable the rules define (enforcement-rules obligations)"
    )
    period: PeriodLabel | None = Field(
        default=None,
        description="The period a recurring deliverable covers: 2024 or 2024-Q1 "
        "(when absent, read from submitted_on)",
    )
    submitted_on: DayOrMoment = Field(
        description="A day, or a date-time with its UTC offset (judged by its day in Asia/Shanghai)"
    )
    sections: UniqueTexts = Field(
        default_factory=list, description="Titles of the sections it contains"
    )
    published_on: Day | None = Field(
        default=None, description="The day it was made public (并予以公开, 向社会公布)"
    )


class Activity(Record):
    """Something a department held or did: a lecture, a review, a meeting."""

    id: Text
    department: Text
    kind: ActivityKindName
    date: Day
    count: Count = 1
    covers: UniqueTexts = Field(
        default_factory=list,
        description="What it covered, e.g. the enforcement kinds a case-file review covered",
    )
    minutes: bool | None = Field(default=None, description="A record (会议记录) was kept")
    stage: Text | None = Field(
        default=None, description="For a plan evaluation: mid_term (中期) or final (终期)"
    )


class TaskReport(Record):
    """Evidence that a department completed a task of a pack's task table."""

    id: Text | None = None
    task: Text = Field(
        description="A task id of a pack's task table (enforcement-rules obligations)"
    )
    department: Text
    completed_on: Day
    period: PeriodLabel | None = Field(
        default=None,
        description="For a task carried on continuously: the quarter the evidence covers, "
        "e.g. 2024-Q1 (when absent, the quarter of completed_on)",
    )
    evidence: Text | None = None


class CampaignEnrollment(Record):
    department: Text
    campaign: Text


class Exam(Record):
    officer: Text
    exam: Text
    date: Day
    score: Percent


class ExamPaper(Record):
    """The make-up of an exam paper, as shares of its questions in percent."""

    id: Text
    exam: Text
    theory_percent: Percent
    document_percent: Percent
    procedure_percent: Percent
    preliminary: bool | None = Field(
        default=None, description="The contest's preliminary online paper (大比武初赛在线考试)"
    )


class ContestTeam(Record):
    id: Text
    department: Text
    members: UniqueTexts
    date: Day
    scores: dict[Key, Score] | None = None
    final_score: Score | None = None


class MonitoringDevice(Record):
    """An electronic monitoring device (电子技术监控设备)."""

    id: Text
    department: Text
    location: Text
    legal_basis: Text | None = None
    basis_level: LegalBasisLevel = None
    legal_review_on: Day | None = None
    technical_review_on: Day | None = None
    location_published_on: Day | None = None


class Entrustment(Record):
    """Enforcement entrusted to another body (委托执法)."""

    id: Text
    department: Text
    entrusted: Text
    legal_basis: Text | None = None
    basis_level: LegalBasisLevel = None
    agreement_signed_on: Day | None = None
    published_on: Day | None = None


RECORD_TYPES: dict[str, type[Record]] = {
    "departments": Department,
    "officers": Officer,
    "certificates": Certificate,
    "trainings": Training,
    "actions": Action,
    "submissions": Submission,
    "activities": Activity,
    "task_reports": TaskReport,
    "campaign_enrollments": CampaignEnrollment,
    "exams": Exam,
    "exam_papers": ExamPaper,
    "contest_teams": ContestTeam,
    "monitoring_devices": MonitoringDevice,
    "entrustments": Entrustment,
}
"""Every record type of the interchange file, by the name of its array."""


class RecordsFile(BaseModel):
    """The JSON interchange file: an object with one array per record type."""

    model_config = ConfigDict(strict=True, extra="forbid", title="enforcement-rules records")

    departments: list[Department] = Field(default_factory=list)
    officers: list[Officer] = Field(default_factory=list)
    certificates: list[Certificate] = Field(default_factory=list)
    trainings: list[Training] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    submissions: list[Submission] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    task_reports: list[TaskReport] = Field(default_factory=list)
    campaign_enrollments: list[CampaignEnrollment] = Field(default_factory=list)
    exams: list[Exam] = Field(default_factory=list)
    exam_papers: list[ExamPaper] = Field(default_factory=list)
    contest_teams: list[ContestTeam] = Field(default_factory=list)
    monitoring_devices: list[MonitoringDevice] = Field(default_factory=list)
    entrustments: list[Entrustment] = Field(default_factory=list)


def personal_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a record type that hold personal data (an officer's name)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("personal")
    )
