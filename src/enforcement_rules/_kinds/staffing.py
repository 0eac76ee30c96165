"""Staffing ratios: a unit holds at least a share of its enforcement staff in some role."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._findings import empty_findings, finding_frame
from .._rulebase import RuleBase, Status
from .._vocab import Employment
from ._officers import enforcement_officers
from ._words import number
from .training import EmploymentName, _default_employment

if TYPE_CHECKING:
    from .._rulebase import Context


class StaffRatio(RuleBase):
    """Each unit has at least ``minimum_percent`` % of its enforcement staff as legal reviewers
    (法制审核人员), in whole persons: the share rounded up (5% of 21 is 1.05, so 2 persons).

    Enforcement staff is the department's ``enforcement_staff`` where given, else its officers
    of ``employment`` on duty. A department that gives no ``legal_reviewers`` is ``missing``.
    """

    kind: Literal["staff_ratio"]
    minimum_percent: float = Field(gt=0, le=100)
    employment: list[EmploymentName] = Field(  # type: ignore[valid-type]
        default_factory=_default_employment,
        description="Officers counted as enforcement staff when the department gives no count",
    )

    subject_type: ClassVar[str] = "department"

    @property
    def share(self) -> Fraction:
        """The share exactly (5% is 1/20): whole persons are ceil(staff * share)."""
        return Fraction(str(self.minimum_percent)) / 100

    def required(self, staff: int) -> int:
        """The legal reviewers ``staff`` enforcement staff need, in whole persons."""
        share = self.share
        return (staff * share.numerator + share.denominator - 1) // share.denominator

    def check(self, ctx: Context) -> pl.DataFrame:
        if ctx.as_of < ctx.in_force(self).start:
            return empty_findings()
        scope = ctx.departments(self)
        officers = (
            enforcement_officers(ctx, self, [Employment(e) for e in self.employment], True)
            .group_by("department")
            .agg(pl.len().alias("officers"))
        )
        share = self.share
        rows = (
            ctx.records.departments.unique(subset="id", keep="first")
            .filter(pl.col("id").is_in(scope))
            .join(officers, left_on="id", right_on="department", how="left")
            .with_columns(
                pl.coalesce("enforcement_staff", pl.col("officers").fill_null(0)).alias("staff"),
                pl.when(pl.col("enforcement_staff").is_not_null())
                .then(pl.lit("department"))
                .otherwise(pl.lit("officers"))
                .alias("staff_from"),
            )
            .with_columns(
                (
                    (pl.col("staff") * share.numerator + share.denominator - 1) // share.denominator
                ).alias("required")
            )
            .filter(
                pl.col("legal_reviewers").is_null()
                | (pl.col("legal_reviewers") < pl.col("required"))
            )
        )
        return finding_frame(
            rows,
            subject_type="department",
            subject_id=pl.col("id"),
            department=pl.col("id"),
            status=pl.when(pl.col("legal_reviewers").is_null())
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.NOT_MET.value)),
            figures={
                "staff": pl.col("staff"),
                "staff_from": pl.col("staff_from"),
                "legal_reviewers": pl.col("legal_reviewers"),
                "required": pl.col("required"),
                "percent": pl.lit(self.minimum_percent),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        staff, required = figures["staff"], figures["required"]
        percent = number(figures["percent"])
        counted_zh = "" if figures["staff_from"] == "department" else "(按在岗执法人员记录计)"
        counted_en = "" if figures["staff_from"] == "department" else " (counted from its officers)"
        need_zh = f"执法人员 {staff} 人{counted_zh},{percent}% 向上取整须 {required} 人"
        need_en = f"{staff} enforcement staff{counted_en}; {percent}% rounded up is {required}"
        if figures["legal_reviewers"] is None:
            return (
                f"{subject_id} 未填报法制审核人员数;{need_zh}。",
                f"{subject_id} gives no number of legal reviewers; {need_en}.",
            )
        return (
            f"{subject_id} 法制审核人员 {figures['legal_reviewers']} 人,少于要求:{need_zh}。",
            f"{subject_id} has {figures['legal_reviewers']} legal reviewer(s), too few: {need_en}.",
        )
