"""``certificate_annual_review``: each certificate passes the annual review (年审) of every year
it is valid on 1 January."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, equals
from .._figures import Figures, figure
from .._findings import empty_findings
from .._live._base import Change, Observation, iso
from .._rulebase import Context, Period, RuleBase
from .._semantics import valid, valid_expr
from ._certificates import CertificateTracker, certificates_in_scope
from ._decisions import by_due, clock, findings, live_clock
from ._officer_rules import year_table, years_passed


class CertificateAnnualReviewFigures(Figures):
    officer: str = figure("执法人员", "officer")
    year: int = figure("年度", "year")
    valid_from: str = figure("有效期起", "valid from")
    valid_to: str = figure("有效期止", "valid to")
    reviewed_years: list[int] = figure("已年审年度", "reviewed years")


class CertificateAnnualReview(RuleBase):
    """Each certificate valid on 1 January of a year of the rule's period passed that year's
    annual review (``reviewed_years``). A year is judged once it has ended; during it, a
    certificate not yet reviewed is ``pending``."""

    kind: Literal["certificate_annual_review"]

    subject_type: ClassVar[str] = "certificate"
    figures: ClassVar[type[Figures]] = CertificateAnnualReviewFigures

    def decision(self, in_force: Period) -> Decision:
        """On a certificate and year: whether it was ``valid`` on 1 January and ``reviewed``
        that year, and the year's end (``due``) against the clock (``now``)."""
        return by_due(all_of(equals("valid", True), equals("reviewed", False)))

    def check(self, ctx: Context) -> pl.DataFrame:
        frame = year_table(ctx, self)
        if frame.height == 0:
            return empty_findings()
        rows = (
            certificates_in_scope(self, ctx)
            .join(frame, how="cross")
            .with_columns(january_1=pl.date(pl.col("year"), 1, 1))
            .with_columns(
                valid=valid_expr("january_1"),
                reviewed=pl.col("reviewed_years").list.contains(pl.col("year")),
                now=clock(ctx.as_of)["now"],
            )
        )
        return findings(
            self,
            ctx,
            rows,
            subject="id",
            figures=CertificateAnnualReviewFigures.columns(
                "officer year valid_from valid_to reviewed_years"
            ),
            period=pl.col("year").cast(pl.String),
            due=pl.col("last_day"),
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


class CertificateAnnualReviewTracker(CertificateTracker, follows=CertificateAnnualReview):
    how: ClassVar[str] = (
        "per certificate and year of the rule's period up to the clock: whether it was valid "
        "on 1 January (`_semantics.valid`) and whether the year was reviewed; `pending` until "
        "the year ends, then `not_met`"
    )
    rule: CertificateAnnualReview

    def on_change(self, change: Change) -> Iterable[Observation]:
        years = self.state.active_years(self.rule, self.pack)
        return [self.observe(c, y) for c in self.changed(change) for y in years]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        years = years_passed(self, before, after)
        return [self.observe(c, y) for y in years for c in self.everything()]

    def observe(self, certificate: dict[str, Any], year: int) -> Observation:
        holder = self.holder(certificate)
        if holder is None:
            return self.outside(certificate["id"], str(year))
        due = date(year, 12, 31)
        event = {
            "valid": valid(certificate, date(year, 1, 1)),
            "reviewed": year in certificate["reviewed_years"],
            **live_clock(self.state, due),
        }
        return self.observation(
            certificate["id"],
            holder["department"],
            event,
            lambda: CertificateAnnualReviewFigures.of(
                officer=certificate["officer"],
                year=year,
                valid_from=iso(certificate["valid_from"]),
                valid_to=iso(certificate["valid_to"]),
                reviewed_years=list(certificate["reviewed_years"]),
            ),
            period=str(year),
            due=due,
        )
