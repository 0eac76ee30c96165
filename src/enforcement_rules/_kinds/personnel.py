"""Who may enforce: certificates held on the day, two certified officers, auxiliary staff,
and certificates that were suspended, withdrawn or cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._exceptions import ExceptionRegister, Verdict, levels_zh
from .._fields import ActionKindName, BasisLevelName
from .._findings import exemption_frame, finding_frame
from .._rulebase import RuleBase, Status
from .._vocab import ActionKind, BasisLevel, Employment, label
from ._participations import (
    certificate_exits,
    certified_actions,
    participations,
    uncertified,
    with_action,
)
from ._words import kinds_zh, listed

if TYPE_CHECKING:
    from .._rulebase import Context


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
    ``exception_levels``: the levels of law that may provide otherwise (法律 for 行政处罚法
    第四十二条). An action whose ``exception_basis`` cites a provision of the register of
    recognised exceptions that allows it, of one of these levels, needs one certified officer
    and is listed as an exemption; any other basis leaves the finding, which says why.
    """

    kind: Literal["certified_participants"]
    action_kinds: list[ActionKindName] = Field(default_factory=list)
    minimum_certified: int = Field(default=1, ge=1)
    every_participant: bool = False
    certificate_covers_domain: bool = False
    exception_levels: list[BasisLevelName] = Field(default_factory=list)

    subject_type: ClassVar[str] = "action"

    @property
    def _column(self) -> str:
        return "certified_in_domain" if self.certificate_covers_domain else "certified"

    @property
    def accepted(self) -> list[str]:
        """The levels that may provide otherwise, as values."""
        return [BasisLevel(level).value for level in self.exception_levels]

    def _checked(self, ctx: Context) -> pl.DataFrame:
        """Each action in scope with its certified participants and what it requires."""
        return ctx.shared((self.id, "checked"), lambda: self._count(ctx))

    def _count(self, ctx: Context) -> pl.DataFrame:
        actions = (
            certified_actions(ctx)
            .lazy()
            .filter(_actions_in_scope(self, ctx, self.action_kinds))
            .select(
                pl.col("id").alias("action"),
                "department",
                "date",
                "kind",
                "domain",
                "procedure",
                "exception_basis",
                "basis_level",
                pl.col("participants").list.len().alias("participants"),
                pl.col(self._column).alias("certified"),
            )
            .collect()
        )
        if self.exception_levels:
            actions = judged_bases(actions, ctx.pack_of(self).exceptions)
        else:
            actions = actions.with_columns(
                pl.lit(None, pl.String).alias(c) for c in ("basis_read", "basis_provision")
            ).with_columns(pl.lit("").alias("exempt_level"))
        # A recognised law allowing fewer officers lowers the count to one: the act is still
        # carried out by a qualified officer.
        exempt = pl.col("exempt_level").is_in(self.accepted)
        return actions.with_columns(
            exempt.alias("exempt"),
            pl.when(exempt)
            .then(pl.lit(1))
            .otherwise(pl.lit(self.minimum_certified))
            .alias("required"),
            pl.when(pl.col("exception_basis").is_null())
            .then(pl.lit(None, pl.String))
            .when(pl.col("basis_provision").is_null())
            .then(pl.lit(Verdict.UNRECOGNISED.value))
            .when(pl.col("exempt_level") == "")
            .then(pl.lit(Verdict.NOT_ALLOWING.value))
            .when(exempt)
            .then(pl.lit(Verdict.EXEMPT.value))
            .otherwise(pl.lit(Verdict.LEVEL.value))
            .alias("basis_verdict"),
        )

    def _with_uncertified(self, ctx: Context, actions: pl.DataFrame) -> pl.DataFrame:
        """``actions`` with ``uncertified``: their participants without a certificate that
        counts, by id."""
        column = "uncertified_in_domain" if self.certificate_covers_domain else "uncertified"
        lists = uncertified(ctx).select("action", pl.col(column).alias("uncertified"))
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
        if self.exception_levels:
            figures |= {
                "exception_basis": pl.col("exception_basis"),
                "basis_level": pl.col("basis_read"),
                "basis_provision": pl.col("basis_provision"),
                "basis_verdict": pl.col("basis_verdict"),
            }
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
        if not self.exception_levels:
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
        provision = figures["basis_provision"]
        level = BasisLevel(figures["basis_level"])
        return (
            f"执法行为 {subject_id}({figures['date']},{kinds_zh(figures['kind'])})"
            f"持证参与人员 {figures['certified']} 人,少于一般要求的 {figures['minimum']} 人;"
            f"该行为载明的依据「{figures['exception_basis']}」是认可的例外 {provision}"
            f"（{label(level)}），允许由一名执法人员实施，不作为违规。",
            f"Action {subject_id} ({figures['date']}, {figures['kind']}) had "
            f"{figures['certified']} certified participant(s), fewer than the usual "
            f"{figures['minimum']}; the basis it names, {figures['exception_basis']}, is the "
            f"recognised exception {provision} (a {level.value.replace('_', ' ')}), which "
            f"allows one officer, so it is exempt.",
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
        zh, en = head_zh + tail_zh + "。", head_en + tail_en + "."
        if figures.get("exception_basis") is not None:
            basis_zh, basis_en = self._basis_words(figures)
            zh, en = zh + basis_zh, en + " " + basis_en
        return zh, en

    def _basis_words(self, figures: dict[str, Any]) -> tuple[str, str]:
        """Why the exception basis the action names does not exempt it: (Chinese, English)."""
        basis = figures["exception_basis"]
        verdict = Verdict(figures["basis_verdict"])
        level = figures["basis_level"]
        level_zh = label(BasisLevel(level)) if level else "层级不明"
        level_en = level.replace("_", " ") if level else "of unknown level"
        accepted_zh = levels_zh(self.exception_levels)
        accepted_en = ", ".join(BasisLevel(lv).value.replace("_", " ") for lv in self.accepted)
        provision = figures["basis_provision"]
        if verdict == Verdict.EXEMPT:
            return (
                f"所载依据「{basis}」（认可的例外 {provision}）只免除人数要求，不免除执法资格。",
                f"The basis named, {basis} (recognised exception {provision}), lowers the number "
                f"of officers, not the need for a certificate.",
            )
        if verdict == Verdict.NOT_ALLOWING:
            return (
                f"所载依据「{basis}」是认可例外登记中的 {provision}，但该条不允许以少于两名执法"
                f"人员实施此类行为（见登记的解读），不能豁免。",
                f"The basis named, {basis}, is {provision} of the register of recognised "
                f"exceptions, which does not allow fewer officers for this act (see its "
                f"reading), so it does not exempt it.",
            )
        if verdict == Verdict.LEVEL:
            return (
                f"所载依据「{basis}」（{provision}）为{level_zh}，本规则只认可{accepted_zh}"
                f"另有规定，不能豁免。",
                f"The basis named, {basis} ({provision}), is a {level_en}; this rule lets only "
                f"a {accepted_en} provide otherwise, so it does not exempt it.",
            )
        if level in self.accepted:
            return (
                f"所载依据「{basis}」（{level_zh}）不在认可的例外登记中，未认定其允许少于两人，"
                f"不能豁免；如该条确有此规定，请由法制机构将其登记。",
                f"The basis named, {basis} ({level_en}), is not in the register of recognised "
                f"exceptions, so it is not taken to allow fewer officers; if it does, have the "
                f"legal office register it.",
            )
        return (
            f"所载依据「{basis}」为{level_zh}，不是{accepted_zh}，也不在认可的例外登记中，"
            f"不能豁免。",
            f"The basis named, {basis}, is {'a ' + level_en if level else level_en}, not a "
            f"{accepted_en}, and is not in the register of recognised exceptions, so it does not "
            f"exempt it.",
        )


def judged_bases(actions: pl.DataFrame, register: ExceptionRegister) -> pl.DataFrame:
    """``actions`` with their exception basis read against ``register``: ``basis_provision``
    (the recognised provision cited), ``basis_read`` (its level, else the level stated or
    derived from the title) and ``exempt_level`` (the level of a provision allowing the act,
    ``""`` when none does). Each distinct basis is read once."""
    keys = ["exception_basis", "basis_level", "kind", "domain", "procedure"]
    distinct = actions.filter(pl.col("exception_basis").is_not_null()).select(keys).unique()
    judgements = [register.judge(*row) for row in distinct.iter_rows()]
    judged = distinct.with_columns(
        pl.Series("basis_provision", [j.provision for j in judgements], dtype=pl.String),
        pl.Series(
            "basis_read",
            [j.level.value if j.level is not None else None for j in judgements],
            dtype=pl.String,
        ),
        pl.Series("exempt_level", [j.exempt_level for j in judgements], dtype=pl.String),
    )
    return actions.join(
        judged, on=keys, how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(pl.col("exempt_level").fill_null(""))


class NoAuxiliaryParticipants(RuleBase):
    """No participant of an action is auxiliary staff (辅助人员)."""

    kind: Literal["no_auxiliary_participants"]
    action_kinds: list[ActionKindName] = Field(default_factory=list)

    subject_type: ClassVar[str] = "action"

    def check(self, ctx: Context) -> pl.DataFrame:
        scoped = (
            ctx.actions.lazy()
            .filter(_actions_in_scope(self, ctx, self.action_kinds))
            .select(pl.col("id").alias("action"))
            .collect()
        )
        staff = ctx.officers.filter(pl.col("employment") == Employment.AUXILIARY.value)["id"]
        auxiliary = with_action(
            ctx,
            participations(ctx)
            .filter(pl.col("officer").is_in(staff.implode()))
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
            certificate_exits(ctx)
            .join(scoped, on="action", how="semi")
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
        exited = with_action(ctx, exited, "department", "date")
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
