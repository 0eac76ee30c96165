"""``contest_ranking``: the ranking the text prescribes (team score, finalists, prizes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, equals
from .._figures import Figures, figure
from .._rulebase import Period, RuleBase, Spec, Status
from ._contest import (
    ELIMINATED,
    FINAL,
    FINALIST,
    NO_PRIZE,
    PRELIMINARY,
    TIED,
    UNSCORED,
    StandingsRule,
    StandingsTracker,
    ranks,
    ties_at,
)
from ._words import listed, number


class Prize(Spec):
    """A prize of the final and how many teams receive it."""

    name: str = Field(min_length=1)
    count: int = Field(ge=1)


class ContestRankingFigures(Figures):
    date: str = figure("日期", "date")
    members: list[str] = figure("队员", "members")
    required_members: int = figure("要求队员数", "required members")
    unscored: list[str] = figure("无成绩队员", "unscored")
    not_members: list[str] = figure("非队员", "not members")
    total: float | None = figure("总分", "total")
    rank: int | None = figure("名次", "rank")
    finalists: int = figure("决赛名额", "finalists")
    final_score: float | None = figure("决赛成绩", "final score")


class ContestRanking(StandingsRule):
    """The ranking the text prescribes. A team's preliminary score is the sum of its
    ``members_per_team`` members' online scores; the top ``finalists`` go to the final; the
    final's prizes go, in order, to the next ``count`` teams by final score.

    Findings: a team whose score cannot be computed that way (``incomplete``); a team
    outside the finalists holding a final score (``not_met``); a finalist with no final
    score while other teams have one (``missing``). Ties at a cut-off are the
    ``contest_ties`` rule's. The ranking takes every contest team of the records.
    """

    kind: Literal["contest_ranking"]
    members_per_team: int = Field(default=3, ge=1)
    finalists: int = Field(default=10, ge=1)
    prizes: list[Prize] = Field(min_length=1)

    subject_type: ClassVar[str] = "contest_team"
    figures: ClassVar[type[Figures]] = ContestRankingFigures
    event: ClassVar[tuple[str, ...]] = ("placement", "final", "final_held")

    def cuts(self) -> list[int]:
        """The last place of each prize (2, 5, 10 for prizes of 2, 3 and 5)."""
        places, total = [], 0
        for prize in self.prizes:
            total += prize.count
            places.append(total)
        return places

    def decision(self, in_force: Period) -> Decision:
        """On a team's ``placement`` after the preliminary round, whether it has a final score
        (``final``) and whether any team has one (``final_held``)."""
        return {
            Status.INCOMPLETE.value: equals("placement", UNSCORED),
            Status.NOT_MET.value: all_of(equals("placement", ELIMINATED), equals("final", True)),
            Status.MISSING.value: all_of(
                equals("placement", FINALIST), equals("final", False), equals("final_held", True)
            ),
        }

    def preliminary(self, teams: pl.DataFrame) -> pl.DataFrame:
        """Every team with its members' scores, total, ranks and placement, and what the
        decision reads (``final``, ``final_held``)."""
        members = pl.col("members")
        keys = pl.col("scores").list.eval(pl.element().struct.field("key"))
        values = pl.col("scores").list.eval(pl.element().struct.field("value"))
        scored = teams.select(
            pl.col("id").alias("team"),
            "department",
            "date",
            "members",
            pl.col("scores").fill_null([]),
            "final_score",
        ).with_columns(
            keys.alias("scored"),
            members.list.set_difference(keys).list.sort().alias("unscored"),
            keys.list.set_difference(members).list.sort().alias("not_members"),
            values.list.sum().alias("_sum"),
        )
        complete = (
            (members.list.len() == self.members_per_team)
            & (pl.col("unscored").list.len() == 0)
            & (pl.col("not_members").list.len() == 0)
        )
        with_total = scored.with_columns(
            pl.when(complete).then(pl.col("_sum")).alias("total"), complete.alias("complete")
        ).drop("_sum")
        return with_total.with_columns(*ranks("total")).with_columns(
            pl.when(~pl.col("complete"))
            .then(pl.lit(UNSCORED))
            .when(pl.col("rank_max") <= self.finalists)
            .then(pl.lit(FINALIST))
            .when(pl.col("rank_min") <= self.finalists)
            .then(pl.lit(TIED))
            .otherwise(pl.lit(ELIMINATED))
            .alias("placement"),
            pl.col("final_score").is_not_null().alias("final"),
            pl.col("final_score").is_not_null().any().alias("final_held"),
        )

    def final(self, preliminary: pl.DataFrame) -> pl.DataFrame:
        """The teams of the final (a final score, not eliminated) with ranks and prize: a
        prize's name, ``None`` past the last prize, or "A/B" when a tie straddles them."""
        entered = preliminary.filter(
            pl.col("final_score").is_not_null() & (pl.col("placement") != ELIMINATED)
        ).select("team", "department", "final_score")
        names = [p.name for p in self.prizes]
        # The prize of a place: its index in ``names``; len(names) is no prize.
        by_index = dict(enumerate([*names, NO_PRIZE]))

        def prize_of(place: str) -> pl.Expr:
            return pl.sum_horizontal([(pl.col(place) > cut).cast(pl.Int64) for cut in self.cuts()])

        def name_of(index: pl.Expr) -> pl.Expr:
            return index.replace_strict(by_index, return_dtype=pl.String)

        low, high = prize_of("rank_min"), prize_of("rank_max")
        prize = (
            pl.when(low == high)
            .then(pl.when(low < len(names)).then(name_of(low)))
            .otherwise(pl.concat_str(name_of(low), pl.lit("/"), name_of(high)))
        )
        return (
            entered.with_columns(*ranks("final_score"))
            .with_columns(prize.alias("prize"))
            .sort("rank_min", "team")
        )

    def ties(self, preliminary: pl.DataFrame) -> pl.DataFrame:
        """Ties at the finalists' cut-off and at each prize's last place."""
        ranked = preliminary.filter(pl.col("complete"))
        return pl.concat(
            [
                ties_at(ranked, [self.finalists], PRELIMINARY, "total"),
                ties_at(self.final(preliminary), self.cuts(), FINAL, "final_score"),
            ]
        )

    def standings(self, rules: Sequence[RuleBase], teams: pl.DataFrame) -> pl.DataFrame:
        return self.preliminary(teams).with_columns(pl.col("team").alias("subject"))

    def figure_columns(self) -> dict[str, pl.Expr]:
        return ContestRankingFigures.columns(
            "date members unscored not_members total final_score",
            required_members=pl.lit(self.members_per_team),
            rank=pl.col("rank_min"),
            finalists=pl.lit(self.finalists),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        required = figures["required_members"]
        if figures["total"] is None:
            parts_zh, parts_en = [], []
            if len(figures["members"]) != required:
                parts_zh.append(f"队员 {len(figures['members'])} 人而非 {required} 人")
                parts_en.append(f"{len(figures['members'])} members, not {required}")
            if figures["unscored"]:
                parts_zh.append(f"{listed(figures['unscored'])} 没有在线考试成绩")
                parts_en.append(f"no online score for {', '.join(figures['unscored'])}")
            if figures["not_members"]:
                parts_zh.append(f"成绩中的 {listed(figures['not_members'])} 不是本队队员")
                parts_en.append(f"scores for non-members {', '.join(figures['not_members'])}")
            return (
                f"队伍 {subject_id} 的初赛成绩无法按 {required} 名队员成绩总分计算:"
                f"{';'.join(parts_zh)}。",
                f"Team {subject_id}'s preliminary score cannot be the total of its {required} "
                f"members' scores: {'; '.join(parts_en)}.",
            )
        total, rank, finalists = number(figures["total"]), figures["rank"], figures["finalists"]
        if figures["final_score"] is not None:
            return (
                f"队伍 {subject_id} 初赛总分 {total},排名第 {rank},未进入前 {finalists} 名,"
                f"却有决赛成绩 {number(figures['final_score'])}。",
                f"Team {subject_id} scored {total} in the preliminary round (place {rank}), "
                f"outside the top {finalists}, yet has a final score.",
            )
        return (
            f"队伍 {subject_id} 初赛总分 {total},排名第 {rank},进入决赛,但没有决赛成绩。",
            f"Team {subject_id} scored {total} (place {rank}) and went to the final, but has "
            f"no final score.",
        )


class ContestRankingTracker(StandingsTracker, follows=ContestRanking):
    how: ClassVar[str] = (
        "per team, held by id: the whole ranking computed again (`ContestRanking.preliminary`, "
        "on the teams dated up to the clock's day) whenever a team arrives or the clock "
        "reaches a team's day; each team's placement and final score against the decision"
    )
