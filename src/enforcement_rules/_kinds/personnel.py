"""Who may enforce: certificates held on the day, two certified officers, auxiliary staff,
and certificates that were suspended, withdrawn or cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._fields import enum_field
from .._findings import exemption_frame, finding_frame
from .._rulebase import RuleBase, Status
from .._vocab import ActionKind, Employment, label
from ._words import kinds_zh, listed

if TYPE_CHECKING:
    from .._context import Context

ActionKindName = enum_field(ActionKind)


def _actions_in_scope(rule: RuleBase, ctx: Context, action_kinds: list[ActionKind]) -> pl.Expr:
    period = ctx.in_force(rule)
    condition = pl.col("department").is_in(ctx.departments(rule)) & (pl.col("date") >= period.start)
    if period.end is not None:
        condition &= pl.col("date") <= period.end
    if action_kinds:
        condition &= pl.col("kind").is_in([k.value for k in action_kinds])
    return condition


class CertifiedParticipants(RuleBase):
    """Each action has enough participants holding a certificate valid on its date.

    ``minimum_certified``: how many certified participants an action needs.
    ``every_participant``: every participant must be certified (not only ``minimum``).
    ``certificate_covers_domain``: the certificate's authorised scope must include the
    action's domain (an empty scope means the holder's department's domain).
    ``exempt_with_exception_basis``: an action naming the law that allows fewer officers
    (``exception_basis``) is exempt from ``minimum_certified``.
    """

    kind: Literal["certified_participants"]
    action_kinds: list[ActionKindName] = Field(default_factory=list)  # type: ignore[valid-type]
    minimum_certified: int = Field(default=1, ge=1)
    every_participant: bool = False
    certificate_covers_domain: bool = False
    exempt_with_exception_basis: bool = False

    subject_type: ClassVar[str] = "action"

    @property
    def _column(self) -> str:
        return "certified_in_domain" if self.certificate_covers_domain else "certified"

    def _checked(self, ctx: Context) -> pl.DataFrame:
        """Each action in scope with its certified participants and what it requires."""
        return ctx.shared((self.id, "checked"), lambda: self._count(ctx))

    def _count(self, ctx: Context) -> pl.DataFrame:
        # A law allowing fewer officers lowers the count to one: the act is still carried
        # out by a qualified officer.
        exempt = pl.lit(self.exempt_with_exception_basis) & pl.col("exception_basis").is_not_null()
        return (
            ctx.certified_actions.lazy()
            .filter(_actions_in_scope(self, ctx, self.action_kinds))
            .select(
                pl.col("id").alias("action"),
                "department",
                "date",
                "kind",
                "domain",
                "exception_basis",
                pl.col("participants").list.len().alias("participants"),
                pl.col(self._column).alias("certified"),
                exempt.alias("exempt"),
            )
            .with_columns(
                pl.when(pl.col("exempt"))
                .then(pl.lit(1))
                .otherwise(pl.lit(self.minimum_certified))
                .alias("required")
            )
            .collect()
        )

    def _with_uncertified(self, ctx: Context, actions: pl.DataFrame) -> pl.DataFrame:
        """``actions`` with ``uncertified``: their participants without a certificate that
        counts, by id."""
        column = "uncertified_in_domain" if self.certificate_covers_domain else "uncertified"
        lists = ctx.uncertified.select("action", pl.col(column).alias("uncertified"))
        return actions.join(lists, on="action", how="left", maintain_order="left").with_columns(
            pl.col("uncertified").fill_null([])
        )

    def _failing(self) -> pl.Expr:
        failing = pl.col("certified") < pl.col("required")
        if self.every_participant:
            failing |= pl.col("certified") < pl.col("participants")
        return failing

    def _figures(self) -> dict[str, pl.Expr]:
        figures = {
            "date": pl.col("date"),
            "kind": pl.col("kind"),
            "domain": pl.col("domain"),
            "participants": pl.col("participants"),
            "certified": pl.col("certified"),
            "required": pl.col("required"),
            "uncertified": pl.col("uncertified"),
        }
        if self.exempt_with_exception_basis:
            figures["exception_basis"] = pl.col("exception_basis")
        return figures

    def check(self, ctx: Context) -> pl.DataFrame:
        return finding_frame(
            self._with_uncertified(ctx, self._checked(ctx).filter(self._failing())),
            subject_type="action",
            subject_id=pl.col("action"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures=self._figures(),
        )

    def exemptions(self, ctx: Context) -> pl.DataFrame | None:
        if not self.exempt_with_exception_basis:
            return None
        exempt = self._checked(ctx).filter(
            pl.col("exempt") & (pl.col("certified") < self.minimum_certified) & ~self._failing()
        )
        return exemption_frame(
            self._with_uncertified(ctx, exempt),
            subject_type="action",
            subject_id=pl.col("action"),
            department=pl.col("department"),
            basis=pl.col("exception_basis"),
            figures={**self._figures(), "minimum": pl.lit(self.minimum_certified)},
        )

    def describe_exemption(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"执法行为 {subject_id}({figures['date']},{kinds_zh(figures['kind'])})"
            f"持证参与人员 {figures['certified']} 人,少于一般要求的 {figures['minimum']} 人;"
            f"该行为载明允许少于该人数的依据:{figures['exception_basis']},不作为违规。",
            f"Action {subject_id} ({figures['date']}, {figures['kind']}) had "
            f"{figures['certified']} certified participant(s), fewer than the usual "
            f"{figures['minimum']}; it names the law that allows this: "
            f"{figures['exception_basis']}, so it is exempt.",
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        scope_zh = f"且授权范围含{figures['domain']}" if self.certificate_covers_domain else ""
        scope_en = f" covering {figures['domain']}" if self.certificate_covers_domain else ""
        head_zh = (
            f"执法行为 {subject_id}({figures['date']},{kinds_zh(figures['kind'])})"
            f"参与人员 {figures['participants']} 人,"
            f"其中持当日有效执法证件{scope_zh}的 {figures['certified']} 人"
        )
        head_en = (
            f"Action {subject_id} ({figures['date']}, {figures['kind']}) had "
            f"{figures['participants']} participant(s), {figures['certified']} with a "
            f"certificate valid that day{scope_en}"
        )
        if figures["certified"] < figures["required"]:
            tail_zh = f",少于要求的 {figures['required']} 人"
            tail_en = f", fewer than the {figures['required']} required"
        else:
            tail_zh = ",要求每名参与人员均持证"
            tail_en = "; every participant must hold one"
        if figures["uncertified"]:
            tail_zh += f";未持有效证件:{listed(figures['uncertified'])}"
            tail_en += f"; without: {', '.join(figures['uncertified'])}"
        return head_zh + tail_zh + "。", head_en + tail_en + "."


class NoAuxiliaryParticipants(RuleBase):
    """No participant of an action is auxiliary staff (辅助人员)."""

    kind: Literal["no_auxiliary_participants"]
    action_kinds: list[ActionKindName] = Field(default_factory=list)  # type: ignore[valid-type]

    subject_type: ClassVar[str] = "action"

    def check(self, ctx: Context) -> pl.DataFrame:
        scoped = (
            ctx.actions.lazy()
            .filter(_actions_in_scope(self, ctx, self.action_kinds))
            .select(pl.col("id").alias("action"))
            .collect()
        )
        staff = ctx.officers.filter(pl.col("employment") == Employment.AUXILIARY.value)["id"]
        auxiliary = ctx.with_action(
            ctx.participations.filter(pl.col("officer").is_in(staff.implode()))
            .join(scoped, on="action", how="semi")
            .group_by("action", maintain_order=True)
            .agg(pl.col("action_row").first(), pl.col("officer").sort().alias("auxiliary")),
            "department",
            "date",
        )
        return finding_frame(
            auxiliary,
            subject_type="action",
            subject_id=pl.col("action"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures={"date": pl.col("date"), "auxiliary": pl.col("auxiliary")},
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"执法行为 {subject_id}({figures['date']})有辅助人员直接参与:"
            f"{listed(figures['auxiliary'])}。",
            f"Action {subject_id} ({figures['date']}) had auxiliary staff taking part: "
            f"{', '.join(figures['auxiliary'])}.",
        )


class CertificateExit(RuleBase):
    """A certificate suspended, withdrawn or cancelled is not valid from ``status_since``:
    an officer whose only certificates covering the day had exited took part in an action."""

    kind: Literal["certificate_exit"]

    subject_type: ClassVar[str] = "action"

    def check(self, ctx: Context) -> pl.DataFrame:
        scoped = (
            ctx.actions.lazy()
            .filter(_actions_in_scope(self, ctx, []))
            .select(pl.col("id").alias("action"))
            .collect()
        )
        exited = (
            ctx.certificate_exits.join(scoped, on="action", how="semi")
            .with_columns(
                pl.struct(
                    "officer",
                    pl.col("certificates").list.first().alias("certificate"),
                    pl.col("statuses").list.first().alias("status"),
                    pl.col("since").list.first().alias("since"),
                ).alias("exit")
            )
            .sort("action", "officer")
            .group_by("action", maintain_order=True)
            .agg(pl.col("action_row").first(), pl.col("exit").alias("officers"))
        )
        exited = ctx.with_action(exited, "department", "date")
        return finding_frame(
            exited,
            subject_type="action",
            subject_id=pl.col("action"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures={"date": pl.col("date"), "officers": pl.col("officers")},
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        from .._vocab import CertificateStatus, parse_enum

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
