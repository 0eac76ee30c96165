"""``certified_participants``: each action has enough participants holding a certificate valid
on its date (持证执法), unless a recognised law lets one officer carry it out."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import (
    Condition,
    Decision,
    all_of,
    any_of,
    at_least,
    decided,
    expression,
    field,
    less,
    none_of,
    one_of,
    rows_where,
    within,
)
from .._exceptions import ExceptionRegister, Judgement, Verdict, levels_zh
from .._fields import BasisLevelName
from .._figures import Figures, figure
from .._findings import exemption_frame
from .._rulebase import Context, Period, Status
from .._vocab import BasisLevel, label
from ._acts import ActionKindsRule, ParticipantsTracker, act_findings
from ._participations import certified_actions, uncertified
from ._words import kinds_zh, listed


class CertifiedCountFigures(Figures):
    """The figures of a rule that honours no exception."""

    date: str = figure("日期", "date")
    kind: str = figure("类型", "kind")
    domain: str | None = figure("领域", "domain")
    participants: int = figure("参与人数", "participants")
    certified: int = figure("持证人数", "certified")
    required: int = figure("要求", "required")
    uncertified: list[str] = figure("未持证人员", "uncertified")


class CertifiedParticipantsFigures(CertifiedCountFigures):
    """With ``exception_levels``: the exception basis the action names, as it was read."""

    exception_basis: str | None = figure("例外依据", "exception basis", None)
    basis_level: str | None = figure("依据层级", "level of the basis", None)
    basis_provision: str | None = figure("认可的例外条文", "recognised provision", None)
    basis_verdict: str | None = figure("依据认定", "basis judged", None)


class CertifiedParticipantsExemptionFigures(CertifiedParticipantsFigures):
    minimum: int = figure("最低人数", "minimum")


class CertifiedParticipants(ActionKindsRule):
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
    minimum_certified: int = Field(default=1, ge=1)
    every_participant: bool = False
    certificate_covers_domain: bool = False
    exception_levels: list[BasisLevelName] = Field(default_factory=list)

    figures: ClassVar[type[Figures]] = CertifiedParticipantsFigures
    exemption_figures: ClassVar[type[Figures] | None] = CertifiedParticipantsExemptionFigures

    @property
    def counted(self) -> str:
        """The event's field of the participants whose certificate counts."""
        return "certified_in_domain" if self.certificate_covers_domain else "certified"

    @property
    def accepted(self) -> list[str]:
        """The levels that may provide otherwise, as values."""
        return [BasisLevel(level).value for level in self.exception_levels]

    def required(self, exempt_level: str) -> int:
        """The certified participants an action needs: one where a recognised law allowing
        fewer officers applies (the act is still carried out by a qualified officer)."""
        return 1 if exempt_level in self.accepted else self.minimum_certified

    def decision(self, in_force: Period) -> Decision:
        """On an action's ``participants``, its certified ones (``counted``) and the level
        of a recognised provision allowing it (``exempt_level``)."""
        too_few = less(self.counted, self.minimum_certified)
        if self.exception_levels:
            too_few = any_of(
                all_of(none_of("exempt_level", self.accepted), too_few),
                all_of(one_of("exempt_level", self.accepted), less(self.counted, 1)),
            )
        if self.every_participant:
            too_few = any_of(too_few, less(self.counted, field("participants")))
        return {Status.NOT_MET.value: all_of(*self.scope(in_force), too_few)}

    def exempt(self, in_force: Period) -> Condition:
        """An action below the minimum that a recognised exception lets one certified officer
        carry out: an exemption, not a finding."""
        conditions = [
            *self.scope(in_force),
            one_of("exempt_level", self.accepted),
            less(self.counted, self.minimum_certified),
            at_least(self.counted, 1),
        ]
        if self.every_participant:
            conditions.append(at_least(self.counted, field("participants")))
        return all_of(*conditions)

    def figure_model(self) -> type[Figures]:
        return CertifiedParticipantsFigures if self.exception_levels else CertifiedCountFigures

    def shown(self) -> dict[str, str]:
        listed = "uncertified_in_domain" if self.certificate_covers_domain else "uncertified"
        return super().shown() | {"certified": self.counted, "uncertified": listed}

    # -- the batch ----------------------------------------------------------------------

    def _actions(self, ctx: Context) -> pl.DataFrame:
        """The actions within the rule's scope (its period and kinds; no other is decided),
        with the columns the decision, the figures and the exception bases read, once."""
        return ctx.shared((self.id, "actions"), lambda: self._gather(ctx))

    def _gather(self, ctx: Context) -> pl.DataFrame:
        actions = rows_where(
            certified_actions(ctx),
            expression(all_of(*self.scope(ctx.in_force(self))))
            & within("department", ctx.departments(self)),
        )
        if self.exception_levels:
            actions = judged_bases(actions, ctx.pack_of(self).exceptions, self.exception_levels)
        else:
            actions = actions.with_columns(exempt_level=pl.lit(""))
        required = pl.when(pl.col("exempt_level").is_in(self.accepted))
        return actions.with_columns(
            required=required.then(pl.lit(1)).otherwise(pl.lit(self.minimum_certified))
        )

    def _listed(self, ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with the list of its uncertified participants the figures show."""
        listed = self.shown()["uncertified"]
        if frame.height == 0:  # no finding: no list to read
            return frame
        lists = uncertified(ctx).select(pl.col("action").alias("id"), listed)
        frame = frame.join(lists, on="id", how="left", maintain_order="left")
        return frame.with_columns(pl.col(listed).fill_null([]))

    def check(self, ctx: Context) -> pl.DataFrame:
        found = decided(self._actions(ctx), self.decision(ctx.in_force(self)))
        return act_findings(self._listed(ctx, found), self.figure_columns())

    def exemptions(self, ctx: Context) -> pl.DataFrame | None:
        if not self.exception_levels:
            return None
        exempt = decided(self._actions(ctx), {"exempt": self.exempt(ctx.in_force(self))})
        return exemption_frame(
            self._listed(ctx, exempt),
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            basis=pl.col("exception_basis"),
            figures=CertifiedParticipantsExemptionFigures.columns(
                **self.figure_columns(), minimum=pl.lit(self.minimum_certified)
            ),
        )

    # -- words --------------------------------------------------------------------------

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


def basis_read(judgement: Judgement | None, accepted: list[BasisLevel]) -> dict[str, Any]:
    """An exception basis as read against the register (both evaluators): the recognised
    provision it cites, its level (the provision's, else the level stated or derived from the
    title) and the verdict against the ``accepted`` levels."""
    if judgement is None:
        return dict.fromkeys(["basis_provision", "basis_level", "basis_verdict"])
    return {
        "basis_provision": judgement.provision,
        "basis_level": judgement.level.value if judgement.level else None,
        "basis_verdict": judgement.verdict(accepted).value,
    }


def judged_bases(
    actions: pl.DataFrame, register: ExceptionRegister, accepted: list[BasisLevel]
) -> pl.DataFrame:
    """``actions`` with their exception basis read against ``register`` (``basis_read``; its
    ``basis_level`` then the level read) and ``exempt_level`` (the level of a provision
    allowing the act, ``""`` when none does). Each distinct basis is read once."""
    keys = ["exception_basis", "basis_level", "kind", "domain", "procedure"]
    names = [*basis_read(None, accepted), "exempt_level"]
    if actions.get_column("exception_basis").null_count() == actions.height:  # none names one
        return actions.with_columns(
            pl.lit(None, pl.String).alias(n) for n in names[:-1]
        ).with_columns(exempt_level=pl.lit(""))
    based = (
        actions.select(keys).with_row_index("_a").filter(pl.col("exception_basis").is_not_null())
    )
    distinct = based.select(keys).unique()
    judgements = [register.judge(*row) for row in distinct.iter_rows()]
    read = pl.DataFrame(
        [basis_read(j, accepted) | {"exempt_level": j.exempt_level} for j in judgements],
        schema=dict.fromkeys(names, pl.String),
    )
    # Only the few actions naming a basis are joined; the rest are placed by row.
    placed = based.join(distinct.with_row_index("_d"), on=keys, how="left", nulls_equal=True)
    return actions.with_columns(
        pl.repeat(None, actions.height, dtype=pl.String, eager=True)
        .scatter(placed["_a"], read[name].gather(placed["_d"]))
        .alias(name)
        for name in read.columns
    ).with_columns(pl.col("exempt_level").fill_null(""))


class CertifiedParticipantsTracker(ParticipantsTracker, follows=CertifiedParticipants):
    how: ClassVar[str] = (
        "per action: participants, those with a certificate valid on its date and those also "
        "covering its domain, read as the batch's participations read them; the decision holds "
        "the minimum, the period in force, the action kinds, and the levels whose recognised "
        "exceptions lower the minimum to one (the event carries the level of a register "
        "provision allowing the act, read once per action)"
    )
    rule: CertifiedParticipants

    def figure_values(self, gathered: dict[str, Any]) -> dict[str, Any]:
        rule = self.rule
        read = basis_read(gathered["judgement"], rule.exception_levels)
        required = rule.required(gathered["exempt_level"])
        return super().figure_values(gathered | read | {"required": required})
