"""Certificates themselves: the annual review of each year a certificate is in force, and
who may hold one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._fields import EmploymentName
from .._findings import empty_findings, finding_frame
from .._rulebase import RuleBase, Status
from .._semantics import valid_expr
from .._vocab import Employment, label, parse_enum
from ._decisions import judged_status

if TYPE_CHECKING:
    from .._rulebase import Context


def _certificates_in_scope(rule: RuleBase, ctx: Context) -> pl.DataFrame:
    """Certificates of the officers of the rule's departments, with holder's department and
    employment."""
    holders = ctx.officers.filter(pl.col("department").is_in(ctx.departments(rule))).select(
        pl.col("id").alias("officer"), "department", "employment"
    )
    return ctx.records.certificates.join(holders, on="officer", how="inner")


class CertificateAnnualReview(RuleBase):
    """Each certificate valid on 1 January of a year of the rule's period passed that year's
    annual review (``reviewed_years``). A year is judged once it has ended; during it, a
    certificate not yet reviewed is ``pending``."""

    kind: Literal["certificate_annual_review"]

    subject_type: ClassVar[str] = "certificate"

    def check(self, ctx: Context) -> pl.DataFrame:
        years = ctx.years(self)
        if not years:
            return empty_findings()
        frame = pl.DataFrame(
            {"year": [y for y, _ in years], "judged": [j for _, j in years]},
            schema={"year": pl.Int64, "judged": pl.Boolean},
        ).with_columns(pl.date(pl.col("year"), 1, 1).alias("year_start"))
        rows = (
            _certificates_in_scope(self, ctx)
            .join(frame, how="cross")
            .filter(valid_expr("year_start"))
            .filter(~pl.col("reviewed_years").list.contains(pl.col("year")))
        )
        return finding_frame(
            rows,
            subject_type="certificate",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=judged_status(pl.col("judged")),
            period=pl.col("year").cast(pl.String),
            due=pl.date(pl.col("year"), 12, 31),
            figures={
                "officer": pl.col("officer"),
                "year": pl.col("year"),
                "valid_from": pl.col("valid_from"),
                "valid_to": pl.col("valid_to"),
                "reviewed_years": pl.col("reviewed_years"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        reviewed = "、".join(str(y) for y in figures["reviewed_years"]) or "无"
        return (
            f"执法证件 {subject_id}(持证人 {figures['officer']},有效期 {figures['valid_from']} 至 "
            f"{figures['valid_to']})没有 {figures['year']} 年度的年审记录(已年审年度:{reviewed})。",
            f"Certificate {subject_id} (holder {figures['officer']}, valid "
            f"{figures['valid_from']} to {figures['valid_to']}) has no annual review for "
            f"{figures['year']}.",
        )


class CertificateHolderEmployment(RuleBase):
    """A certificate issued (``valid_from``) in the rule's period is held by an officer
    employed as one of ``employment``."""

    kind: Literal["certificate_holder_employment"]
    employment: list[EmploymentName] = Field(
        default_factory=lambda: [Employment.STAFF], min_length=1
    )

    subject_type: ClassVar[str] = "certificate"

    def check(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        issued = (pl.col("valid_from") >= period.start) & (pl.col("valid_from") <= ctx.as_of)
        if period.end is not None:
            issued &= pl.col("valid_from") <= period.end
        rows = _certificates_in_scope(self, ctx).filter(
            issued & ~pl.col("employment").is_in([str(e) for e in self.employment])
        )
        return finding_frame(
            rows,
            subject_type="certificate",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures={
                "officer": pl.col("officer"),
                "employment": pl.col("employment"),
                "valid_from": pl.col("valid_from"),
                "allowed": pl.lit([str(e) for e in self.employment], dtype=pl.List(pl.String)),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        employment = label(parse_enum(Employment, figures["employment"]))
        allowed = "、".join(label(parse_enum(Employment, e)) for e in figures["allowed"])
        return (
            f"执法证件 {subject_id}({figures['valid_from']} 起有效)的持证人 {figures['officer']} "
            f"为{employment}人员,不属{allowed}人员,不得取得行政执法资格。",
            f"Certificate {subject_id} (valid from {figures['valid_from']}) is held by "
            f"{figures['officer']}, employed as {figures['employment']}, not "
            f"{'/'.join(figures['allowed'])}.",
        )
