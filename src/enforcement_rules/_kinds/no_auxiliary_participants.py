"""``no_auxiliary_participants``: no participant of an action is auxiliary staff (辅助人员)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, greater
from .._figures import Figures, figure
from .._rulebase import Context, Period, Status
from .._vocab import Employment
from ._acts import ActionKindsRule, ParticipantsTracker, listed_act_findings, with_ids
from ._participations import participations
from ._words import listed


class NoAuxiliaryParticipantsFigures(Figures):
    date: str = figure("日期", "date")
    auxiliary: list[str] = figure("辅助人员", "auxiliary staff")


class NoAuxiliaryParticipants(ActionKindsRule):
    """No participant of an action is auxiliary staff (辅助人员)."""

    kind: Literal["no_auxiliary_participants"]

    figures: ClassVar[type[Figures]] = NoAuxiliaryParticipantsFigures

    def decision(self, in_force: Period) -> Decision:
        """On an action's ``auxiliary`` participants (a count)."""
        return {Status.NOT_MET.value: all_of(*self.scope(in_force), greater("auxiliary", 0))}

    def check(self, ctx: Context) -> pl.DataFrame:
        # gathered for the actions with auxiliary participants: the others count none
        staff = ctx.officers.filter(pl.col("employment") == Employment.AUXILIARY.value)["id"]
        actions = (
            with_ids(ctx, participations(ctx).filter(pl.col("officer").is_in(staff.implode())))
            .group_by("action", maintain_order=True)
            .agg(pl.col("action_row").first(), pl.col("officer").sort().alias("officers"))
        )
        return listed_act_findings(self, ctx, actions, "auxiliary", NoAuxiliaryParticipantsFigures)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"执法行为 {subject_id}({figures['date']})有辅助人员直接参与:"
            f"{listed(figures['auxiliary'])}。",
            f"Action {subject_id} ({figures['date']}) had auxiliary staff taking part: "
            f"{', '.join(figures['auxiliary'])}.",
        )


class NoAuxiliaryParticipantsTracker(ParticipantsTracker, follows=NoAuxiliaryParticipants):
    how: ClassVar[str] = "per action: its auxiliary participants (a count), read once per action"
    rule: NoAuxiliaryParticipants
