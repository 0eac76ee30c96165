"""Exams and schooling: every officer examined by a day, department exam averages, the degree
new recruits hold, and the share of officers with a given degree."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._dates import has_ended
from .._fields import EducationName
from .._findings import empty_findings, finding_frame
from .._rulebase import Status
from .._vocab import Education, label
from ._officers import enforcement_officers
from ._words import number
from .campaign import municipal_departments, scope_link
from .training import DoneByDue, _OfficerRule

if TYPE_CHECKING:
    from .._rulebase import Context


# Highest first; OTHER is below every named level.
EDUCATION_RANK: dict[str, int] = {
    Education.DOCTORATE.value: 6,
    Education.MASTER.value: 5,
    Education.BACHELOR.value: 4,
    Education.ASSOCIATE.value: 3,
    Education.SECONDARY.value: 2,
    Education.OTHER.value: 1,
}


def _rank(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(EDUCATION_RANK, default=None, return_dtype=pl.Int8)


def _level_zh(value: str) -> str:
    return label(Education(value))


class _ExamRule(_OfficerRule):
    """Exams that count: those of ``exams`` (any exam when empty), of the departments the
    ``campaign_scope`` rule places in its municipal campaign (all of the rule's when none)."""

    exams: list[str] = Field(default_factory=list)
    campaign_scope: str | None = None

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    def _officers(self, ctx: Context) -> pl.DataFrame:
        departments = municipal_departments(self, self.campaign_scope, ctx)
        return super()._officers(ctx).filter(pl.col("department").is_in(departments))

    def _exams(self, ctx: Context) -> pl.DataFrame:
        exams = ctx.records.table("exams").filter(pl.col("date") <= ctx.as_of)
        if self.exams:
            exams = exams.filter(pl.col("exam").is_in(self.exams))
        return exams


class ExamTaken(_ExamRule, DoneByDue):
    """Each officer sat an exam on or before ``due`` (全员参与), counted from ``counted_from``
    (default: the start of the rule's period in force); one sat after it is ``late``."""

    kind: Literal["exam_taken"]

    _after_due_figure: ClassVar[str] = "exam_after_due"

    def _events(self, ctx: Context) -> pl.DataFrame:
        return self._exams(ctx)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        due = figures["due"]
        if figures["exam_after_due"]:
            after = figures["exam_after_due"]
            return (
                f"执法人员 {subject_id} 在 {after} 参加考试,晚于 {due} 的期限。",
                f"Officer {subject_id} sat the exam on {after}, after the {due} deadline.",
            )
        return (
            f"执法人员 {subject_id} 在 {figures['counted_from']} 至 {due} 期间没有考试记录。",
            f"Officer {subject_id} has no exam between {figures['counted_from']} and {due}.",
        )


class ExamAverage(_ExamRule):
    """Each department has an exam average by ``due``: the mean of its officers' first exam
    score from ``counted_from`` to ``due``. A department none of whose officers sat the exam
    has none (``missing``; ``pending`` before ``due``)."""

    kind: Literal["exam_average"]
    due: date
    counted_from: date | None = None

    subject_type: ClassVar[str] = "department"

    def averages(self, ctx: Context) -> pl.DataFrame:
        """Per department of the scope: officers, examined, average score (null when none
        sat the exam) and rank (1 is the highest average; ties share a rank)."""
        start = self.counted_from or ctx.in_force(self).start
        firsts = (
            self._exams(ctx)
            .filter(pl.col("date").is_between(start, self.due))
            .sort("date", "score", descending=[False, True])
            .group_by("officer", maintain_order=True)
            .first()
            .select("officer", "score")
        )
        departments = pl.DataFrame(
            {"department": municipal_departments(self, self.campaign_scope, ctx)},
            schema={"department": pl.String},
        )
        officers = self._officers(ctx).join(firsts, on="officer", how="left")
        per_department = officers.group_by("department").agg(
            pl.len().alias("officers"),
            pl.col("score").is_not_null().sum().alias("examined"),
            pl.col("score").mean().alias("average"),
        )
        return (
            departments.join(per_department, on="department", how="left")
            .with_columns(pl.col("officers", "examined").fill_null(0))
            .with_columns(
                pl.col("average").rank("min", descending=True).cast(pl.Int64).alias("rank")
            )
            .sort("rank", "department", nulls_last=True)
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        if ctx.as_of < (self.counted_from or ctx.in_force(self).start):
            return empty_findings()
        judged = has_ended(self.due, ctx.as_of)
        rows = self.averages(ctx).filter((pl.col("examined") == 0) & (pl.col("officers") > 0))
        return finding_frame(
            rows,
            subject_type="department",
            subject_id=pl.col("department"),
            department=pl.col("department"),
            status=Status.MISSING.value if judged else Status.PENDING.value,
            due=self.due,
            figures={"officers": pl.col("officers"), "examined": pl.col("examined")},
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"部门 {subject_id} 的 {figures['officers']} 名执法人员均无考试成绩,"
            f"无法计算部门考试平均成绩。",
            f"None of the {figures['officers']} officers of department {subject_id} has an exam "
            f"score, so the department has no exam average.",
        )


class NewRecruitEducation(_OfficerRule):
    """Each officer recruited (``hired_on``) in the rule's period holds at least
    ``minimum_education``; one whose education is not recorded is ``incomplete``."""

    kind: Literal["new_recruit_education"]
    minimum_education: EducationName
    on_duty_only: bool = False

    def check(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        hired = pl.col("hired_on").is_between(period.start, period.end or ctx.as_of) & (
            pl.col("hired_on") <= ctx.as_of
        )
        officers = enforcement_officers(ctx, self, self.employment, self.on_duty_only)
        rows = officers.filter(hired).filter(
            pl.col("education").is_null()
            | (_rank("education") < EDUCATION_RANK[str(self.minimum_education)])
        )
        return finding_frame(
            rows,
            subject_type="officer",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(pl.col("education").is_null())
            .then(pl.lit(Status.INCOMPLETE.value))
            .otherwise(pl.lit(Status.NOT_MET.value)),
            figures={
                "hired_on": pl.col("hired_on"),
                "education": pl.col("education"),
                "minimum": pl.lit(str(self.minimum_education)),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        minimum = _level_zh(figures["minimum"])
        if figures["education"] is None:
            return (
                f"执法人员 {subject_id}({figures['hired_on']} 录用)没有学历记录,"
                f"无法判断是否达到{minimum}以上。",
                f"Officer {subject_id} (hired {figures['hired_on']}) has no education recorded; "
                f"{figures['minimum']} or above is expected.",
            )
        return (
            f"执法人员 {subject_id}({figures['hired_on']} 录用)学历为"
            f"{_level_zh(figures['education'])},低于{minimum}。",
            f"Officer {subject_id} (hired {figures['hired_on']}) holds {figures['education']}, "
            f"below {figures['minimum']}.",
        )


class EducationShare(_OfficerRule):
    """In each department, at least ``minimum_share`` of the officers hold
    ``minimum_education`` or above on ``due`` (officers whose education is not recorded do
    not count as holding it). Before ``due`` a department short of it is ``pending``."""

    kind: Literal["education_share"]
    minimum_education: EducationName
    minimum_share: float = Field(default=0.9, gt=0, le=1)
    due: date

    subject_type: ClassVar[str] = "department"

    def check(self, ctx: Context) -> pl.DataFrame:
        if ctx.as_of < ctx.in_force(self).start:
            return empty_findings()
        minimum = EDUCATION_RANK[str(self.minimum_education)]
        officers = enforcement_officers(ctx, self, self.employment, self.on_duty_only).filter(
            pl.col("entered_enforcement_on").is_null()
            | (pl.col("entered_enforcement_on") <= self.due)
        )
        rows = (
            officers.group_by("department")
            .agg(
                pl.len().alias("officers"),
                (_rank("education") >= minimum).sum().alias("qualified"),
                pl.col("education").is_null().sum().alias("unknown"),
            )
            .with_columns((pl.col("qualified") / pl.col("officers")).alias("share"))
            .filter(pl.col("share") < self.minimum_share)
        )
        judged = has_ended(self.due, ctx.as_of)
        return finding_frame(
            rows,
            subject_type="department",
            subject_id=pl.col("department"),
            department=pl.col("department"),
            status=Status.NOT_MET.value if judged else Status.PENDING.value,
            period=str(self.due.year),
            due=self.due,
            figures={
                "officers": pl.col("officers"),
                "qualified": pl.col("qualified"),
                "unknown": pl.col("unknown"),
                "share": pl.col("share").round(4),
                "required_share": pl.lit(self.minimum_share),
                "minimum": pl.lit(str(self.minimum_education)),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        share = number(round(figures["share"] * 100, 1))
        required = number(round(figures["required_share"] * 100, 1))
        minimum = _level_zh(figures["minimum"])
        unknown_zh = f"(其中 {figures['unknown']} 人无学历记录)" if figures["unknown"] else ""
        unknown_en = (
            f" ({figures['unknown']} with no education recorded)" if figures["unknown"] else ""
        )
        return (
            f"部门 {subject_id} 执法人员 {figures['officers']} 人,{minimum}以上学历 "
            f"{figures['qualified']} 人,占 {share}%,低于要求的 {required}%{unknown_zh}。",
            f"Department {subject_id}: {figures['qualified']} of {figures['officers']} officers "
            f"hold {figures['minimum']} or above ({share}%), below the {required}% "
            f"required{unknown_en}.",
        )
