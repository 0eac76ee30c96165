"""The figures of a finding: each kind's typed model, with every figure's name in Chinese and
in English beside it.

A kind declares ``class XFigures(Figures)`` with one ``figure("中文名", "English name")`` per
figure; both evaluators build a finding's figures against it (``evaluate`` with ``columns``,
the monitor with ``of``), and every reader of figures (``Finding.explain()``, the HTML report,
the docs, the Gherkin steps 「该发现的 持证人数 为 1」) takes their names from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import polars as pl
from pydantic import BaseModel, ConfigDict, Field


def figure(zh: str, en: str, default: Any = ..., key: str | None = None) -> Any:
    """A figure of a kind's ``Figures``, with its Chinese and English names (``key``: the
    figure's key where it is a Python word, ``from``)."""
    return Field(default, title=zh, description=en, alias=key)


class Figures(BaseModel):
    """The typed figures of one kind's findings (a subclass per kind)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: ClassVar[list[type[Figures]]] = []

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        Figures.models.append(cls)

    @classmethod
    def labels(cls) -> dict[str, tuple[str, str]]:
        """Each figure's (Chinese, English) name, in order."""
        return {
            info.alias or name: (info.title or name, info.description or name)
            for name, info in cls.model_fields.items()
        }

    @classmethod
    def figure_keys(cls) -> list[str]:
        """The figures' keys, in order."""
        return [info.alias or name for name, info in cls.model_fields.items()]

    @classmethod
    def columns(cls, **columns: pl.Expr) -> dict[str, pl.Expr]:
        """The figures of many findings as polars expressions, one per figure, in the model's
        order (for ``_findings.finding_frame``): every figure and no other."""
        cls._exactly(columns)
        return {key: columns[key] for key in cls.figure_keys()}

    @classmethod
    def of(cls, **values: Any) -> dict[str, Any]:
        """The figures of one finding as plain values, in the model's order: every figure and
        no other (typed by ``validate``, which the tests run on every finding)."""
        cls._exactly(values)
        return {key: values[key] for key in cls.figure_keys()}

    @classmethod
    def _exactly(cls, given: Mapping[str, object]) -> None:
        keys = set(cls.figure_keys())
        if given.keys() != keys:
            missing = sorted(keys - given.keys())
            extra = sorted(given.keys() - keys)
            raise TypeError(f"{cls.__name__}: missing {missing}, not figures {extra}")


FIGURES: dict[str, tuple[str, str]] = {
    "action_kinds": ("执法行为类型", "kinds of action"),
    "activity_on": ("活动日期", "activity day"),
    "after_due": ("期限后次数", "held after the due day"),
    "allowed": ("允许的用工性质", "employment allowed"),
    "auxiliary": ("辅助人员", "auxiliary staff"),
    "basis": ("依据", "basis"),
    "basis_level": ("依据层级", "level of the basis"),
    "basis_provision": ("认可的例外条文", "recognised provision"),
    "basis_verdict": ("依据认定", "basis judged"),
    "certified": ("持证人数", "certified"),
    "completed": ("完成日期", "completed on"),
    "count": ("次数", "count"),
    "counted_from": ("起算日期", "counted from"),
    "cut": ("分界名次", "boundary place"),
    "date": ("日期", "date"),
    "days_after": ("迟延天数", "days after"),
    "decided_on": ("决定日期", "decided on"),
    "department": ("部门", "department"),
    "department_officers": ("部门执法人员数", "officers of the department"),
    "department_trained": ("部门参训人数", "officers trained"),
    "departments": ("各部门", "departments"),
    "document_percent": ("文书纠错试题占比", "document share"),
    "domain": ("领域", "domain"),
    "due": ("期限", "due"),
    "education": ("学历", "education"),
    "employment": ("用工性质", "employment"),
    "enrolled": ("参加的活动", "enrolled in"),
    "enterprise": ("涉企", "enterprise"),
    "exam": ("考试", "exam"),
    "exam_after_due": ("期限后考试日期", "exam after the due day"),
    "examined": ("参考人数", "examined"),
    "exception_basis": ("例外依据", "exception basis"),
    "expected": ("应参加的活动", "expected campaign"),
    "failing": ("不符合条件的队员", "members failing"),
    "field": ("字段", "field"),
    "final_score": ("决赛成绩", "final score"),
    "finalists": ("决赛名额", "finalists"),
    "first_year": ("新进当年", "first year"),
    "from": ("起始日", "from"),
    "hired_on": ("录用日期", "hired on"),
    "hours": ("学时", "hours"),
    "kind": ("类型", "kind"),
    "lacking": ("缺项", "lacking"),
    "legal_basis": ("法律依据", "legal basis"),
    "legal_review_on": ("法制审核日期", "legal review on"),
    "legal_reviewers": ("法制审核人员数", "legal reviewers"),
    "level": ("层级", "level"),
    "members": ("队员", "members"),
    "method": ("检查方式", "inspection method"),
    "minimum": ("最低人数", "minimum"),
    "minutes": ("会商记录", "minutes"),
    "missing": ("缺失的编号", "missing id"),
    "missing_sections": ("缺少的部分", "missing sections"),
    "months": ("月数", "months"),
    "name": ("名称", "name"),
    "not_members": ("非队员", "not members"),
    "obligation": ("应交成果", "deliverable"),
    "officer": ("执法人员", "officer"),
    "officers": ("有关执法人员", "officers"),
    "other_enrollments": ("其他活动", "other enrolments"),
    "participants": ("参与人数", "participants"),
    "percent": ("百分比", "percent"),
    "period": ("期间", "period"),
    "places": ("所跨名次", "places"),
    "procedure_percent": ("流程纠错试题占比", "procedure share"),
    "publicized_on": ("公示日期", "publicised on"),
    "published": ("公开日期", "published on"),
    "qualified": ("达标人数", "qualified"),
    "rank": ("名次", "rank"),
    "reason": ("理由", "reason"),
    "record_type": ("记录类型", "record type"),
    "recorded": ("全过程记录", "recorded"),
    "records": ("记录", "records"),
    "reports": ("完成记录数", "reports"),
    "required": ("要求", "required"),
    "required_document_percent": ("要求的文书纠错试题占比", "required document share"),
    "required_members": ("要求队员数", "required members"),
    "required_procedure_percent": ("要求的流程纠错试题占比", "required procedure share"),
    "required_share": ("要求比例", "required share"),
    "required_teams": ("要求队伍数", "required teams"),
    "required_theory_percent": ("要求的理论试题占比", "required theory share"),
    "reviewed_years": ("已年审年度", "reviewed years"),
    "rotation_after_due": ("期限后轮训日期", "rotation after the due day"),
    "score": ("成绩", "score"),
    "share": ("比例", "share"),
    "staff": ("执法人员总数", "enforcement staff"),
    "staff_from": ("人数来源", "staff counted from"),
    "stage": ("阶段", "stage"),
    "submissions": ("报送次数", "submissions"),
    "submitted": ("报送日期", "submitted on"),
    "submitted_moment": ("报送时刻", "submitted at"),
    "target_type": ("引用的记录类型", "referred record type"),
    "task": ("任务", "task"),
    "team_ids": ("队伍编号", "team ids"),
    "teams": ("队伍", "teams"),
    "theory_percent": ("理论试题占比", "theory share"),
    "to": ("截止日", "to"),
    "total": ("总分", "total"),
    "training_after_due": ("期限后学习培训日期", "training after the due day"),
    "trainings": ("培训次数", "trainings"),
    "uncertified": ("未持证人员", "uncertified"),
    "uncovered": ("未覆盖的类型", "kinds not covered"),
    "units": ("责任单位", "responsible units"),
    "unknown": ("未记载人数", "unknown"),
    "unscored": ("无成绩队员", "unscored"),
    "valid_from": ("有效期起", "valid from"),
    "valid_to": ("有效期止", "valid to"),
    "value": ("数值", "value"),
    "year": ("年度", "year"),
}
"""Every figure key a kind emits -> (Chinese label, English label)."""


def all_labels() -> dict[str, tuple[str, str]]:
    """Every figure's names, of every kind's ``Figures`` (and of the kinds still naming their
    figures in ``FIGURES``); a name means one figure throughout."""
    labels = dict(FIGURES)
    for model in Figures.models:
        labels.update(model.labels())
    return labels


KEYS_BY_LABEL: dict[str, str] = {zh: key for key, (zh, _) in FIGURES.items()}
"""Chinese label -> figure key (labels are unique)."""


def figure_label(key: str, lang: str = "zh") -> str:
    """The label of a figure (the key itself for a figure without one)."""
    zh, en = FIGURES.get(key, (key, key))
    return zh if lang == "zh" else en
