"""``certificate_exit``: a certificate suspended, withdrawn or cancelled is not valid from
``status_since`` (执法证件退出)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, greater
from .._figures import Figures, figure
from .._findings import empty_findings
from .._rulebase import Context, Period, Status
from .._vocab import CertificateStatus, label, parse_enum
from ._acts import ActRule, ParticipantsTracker, listed_act_findings
from ._participations import certificate_exits
from ._words import listed


class CertificateExitFigures(Figures):
    date: str = figure("日期", "date")
    officers: list[dict[str, str]] = figure("有关执法人员", "officers")


class CertificateExit(ActRule):
    """A certificate suspended, withdrawn or cancelled is not valid from ``status_since``:
    an officer whose only certificates covering the day had exited took part in an action."""

    kind: Literal["certificate_exit"]

    figures: ClassVar[type[Figures]] = CertificateExitFigures

    def shown(self) -> dict[str, str]:
        return {"date": "date", "officers": "exited"}

    def decision(self, in_force: Period) -> Decision:
        """On an action's participants whose certificates had ``exited`` (a count)."""
        return {Status.NOT_MET.value: all_of(*self.scope(in_force), greater("exited", 0))}

    def check(self, ctx: Context) -> pl.DataFrame:
        # gathered for the actions with such participants: the others count none
        exits = certificate_exits(ctx)
        if exits.height == 0:
            return empty_findings()
        exited = (
            exits.lazy()
            .with_columns(pl.struct("officer", "certificate", "status", "since").alias("exit"))
            .sort("action", "officer")
            .group_by("action", maintain_order=True)
            .agg(pl.col("action_row").first(), pl.col("exit").alias("officers"))
            .collect(engine="in-memory")
        )
        return listed_act_findings(self, ctx, exited, "exited", CertificateExitFigures)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        zh = [
            f"{o['officer']}(证件 {o['certificate']} 自 {o['since']} 起"
            f"{label(parse_enum(CertificateStatus, o['status']))})"
            for o in figures["officers"]
        ]
        en = [
            f"{o['officer']} (certificate {o['certificate']} {o['status']} since {o['since']})"
            for o in figures["officers"]
        ]
        return (
            f"执法行为 {subject_id}({figures['date']})的参与人员证件已失效:{listed(zh)}。",
            f"Action {subject_id} ({figures['date']}) had participants whose certificate was no "
            f"longer valid: {', '.join(en)}.",
        )


class CertificateExitTracker(ParticipantsTracker, follows=CertificateExit):
    how: ClassVar[str] = (
        "per action: participants whose certificates covering the day had all been suspended, "
        "withdrawn or cancelled (a count), read once per action"
    )
    rule: CertificateExit
