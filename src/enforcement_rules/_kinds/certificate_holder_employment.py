"""``certificate_holder_employment``: only officers of the allowed employment hold a
certificate (执法资格)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, dated_in, none_of
from .._fields import EmploymentName
from .._figures import Figures, figure
from .._live._base import Alarms, Change, Observation, iso, start_moment
from .._rulebase import Context, Period, RuleBase, Status
from .._vocab import Employment, label, parse_enum
from ._acts import day_number
from ._certificates import CertificateTracker, certificates_in_scope
from ._decisions import findings


class CertificateHolderEmploymentFigures(Figures):
    officer: str = figure("执法人员", "officer")
    employment: str = figure("用工性质", "employment")
    valid_from: str = figure("有效期起", "valid from")
    allowed: list[str] = figure("允许的用工性质", "employment allowed")


class CertificateHolderEmployment(RuleBase):
    """A certificate issued (``valid_from``) in the rule's period is held by an officer
    employed as one of ``employment``."""

    kind: Literal["certificate_holder_employment"]
    employment: list[EmploymentName] = Field(
        default_factory=lambda: [Employment.STAFF], min_length=1
    )

    subject_type: ClassVar[str] = "certificate"
    figures: ClassVar[type[Figures]] = CertificateHolderEmploymentFigures

    @property
    def allowed(self) -> list[str]:
        return [str(e) for e in self.employment]

    def decision(self, in_force: Period) -> Decision:
        """On a certificate's day of issue (``issued``) against the period and ``today``, and
        its holder's ``employment``."""
        return {
            Status.NOT_MET.value: all_of(
                *dated_in("issued", in_force), none_of("employment", self.allowed)
            )
        }

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = certificates_in_scope(self, ctx).with_columns(
            issued=day_number("valid_from"), today=pl.lit(ctx.as_of.toordinal())
        )
        return findings(
            self,
            ctx,
            rows,
            subject="id",
            figures=CertificateHolderEmploymentFigures.columns(
                "officer employment valid_from",
                allowed=pl.lit(self.allowed, dtype=pl.List(pl.String)),
            ),
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


class CertificateHolderEmploymentTracker(CertificateTracker, follows=CertificateHolderEmployment):
    how: ClassVar[str] = (
        "per certificate: the day it was issued against the period and the clock's day (a "
        "certificate issued later waits for its day), and its holder's employment against "
        "those the rule allows"
    )
    rule: CertificateHolderEmployment

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.alarms: Alarms[str] = Alarms()

    def on_change(self, change: Change) -> Iterable[Observation]:
        return [self.observe(c) for c in self.changed(change)]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        found = (self.state.certificate(i) for i in self.alarms.rung(self.state.now))
        return [self.observe(c) for c in found if c is not None]

    def observe(self, certificate: dict[str, Any]) -> Observation:
        holder = self.holder(certificate)
        if holder is None:
            return self.outside(certificate["id"])
        issued: date = certificate["valid_from"]
        self.alarms.at(start_moment(issued), certificate["id"], self.state.now)
        event = {
            "issued": issued.toordinal(),
            "today": self.state.day,
            "employment": holder["employment"],
        }
        return self.observation(
            certificate["id"],
            holder["department"],
            event,
            lambda: CertificateHolderEmploymentFigures.of(
                officer=certificate["officer"],
                employment=holder["employment"],
                valid_from=iso(issued),
                allowed=self.rule.allowed,
            ),
        )
