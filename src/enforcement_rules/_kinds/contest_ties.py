"""``contest_ties``: teams tied on a cut-off place of the contest's ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, equals
from .._figures import Figures, figure
from .._rulebase import Period, RuleBase, SourceRef, Status
from ._campaign import linked
from ._contest import FINAL, STAGE_LABELS, StandingsRule, StandingsTracker
from ._words import listed, number
from .contest_ranking import ContestRanking


class ContestTiesFigures(Figures):
    stage: str = figure("阶段", "stage")
    cut: int = figure("分界名次", "boundary place")
    teams: list[str] = figure("队伍", "teams")
    departments: list[str] = figure("各部门", "departments")
    score: float = figure("成绩", "score")
    places: str = figure("所跨名次", "places")


class ContestTies(StandingsRule):
    """Teams tied on a cut-off place of the ``ranking`` rule: the finalists' last place, or a
    prize's last place. The text does not say how a tie is settled, so the tied teams are
    reported (``incomplete``) and none is placed above the others. ``sources``: the first is
    the sentence of the finalists' cut, a second (if any) the sentence of the final's prizes;
    a tie in the final cites the second first."""

    kind: Literal["contest_ties"]
    ranking: str

    subject_type: ClassVar[str] = "ranking"
    figures: ClassVar[type[Figures]] = ContestTiesFigures
    event: ClassVar[tuple[str, ...]] = ("tied",)

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return {"ranking": (self.ranking, "contest_ranking")}

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        if figures.get("stage") == FINAL and len(self.sources) > 1:
            return [self.sources[1], self.sources[0], *self.sources[2:]]
        return list(self.sources)

    def decision(self, in_force: Period) -> Decision:
        """On each group of teams with equal scores straddling a cut-off place (``tied``)."""
        return {Status.INCOMPLETE.value: equals("tied", True)}

    def standings(self, rules: Sequence[RuleBase], teams: pl.DataFrame) -> pl.DataFrame:
        ranking = linked(rules, self.ranking, ContestRanking)
        return ranking.ties(ranking.preliminary(teams)).with_columns(
            pl.concat_str(
                pl.col("stage").replace_strict(STAGE_LABELS, return_dtype=pl.String),
                pl.lit("第"),
                pl.col("cut").cast(pl.String),
                pl.lit("名"),
            ).alias("subject"),
            pl.lit(None, dtype=pl.String).alias("department"),
            pl.lit(True).alias("tied"),
        )

    def figure_columns(self) -> dict[str, pl.Expr]:
        places = pl.concat_str(
            pl.col("rank_min").cast(pl.String), pl.lit("-"), pl.col("rank_max").cast(pl.String)
        )
        return ContestTiesFigures.columns("stage cut teams departments score", places=places)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        stage = STAGE_LABELS[figures["stage"]]
        teams, score, cut = figures["teams"], number(figures["score"]), figures["cut"]
        return (
            f"{stage}第 {cut} 名处并列:{listed(teams)} 同为 {score} 分,"
            f"并列第 {figures['places']} 名,文件未规定并列时如何取舍,需由组织方决定。",
            f"Tie at place {cut} of the {figures['stage']}: {', '.join(teams)} all scored "
            f"{score} (places {figures['places']}); the text does not say how to settle a tie.",
        )


class ContestTiesTracker(StandingsTracker, follows=ContestTies):
    how: ClassVar[str] = (
        "per cut-off place: the ties of the whole ranking computed again whenever a team "
        "arrives or the clock reaches a team's day (`ContestRanking.ties`); a tie that no "
        "longer holds is withdrawn"
    )
