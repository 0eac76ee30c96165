"""``contest_ties``: teams tied on a cut-off place of the contest's ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, decided, equals
from .._figures import Figures, figure
from .._findings import empty_findings, finding_frame
from .._live._base import Observation
from .._rulebase import Context, Period, RuleBase, SourceRef, Status
from ._contest import FINAL, STAGE_LABELS, contest_teams
from ._words import listed, number
from .contest_ranking import ContestRanking, StandingsTracker


class ContestTiesFigures(Figures):
    stage: str = figure("阶段", "stage")
    cut: int = figure("分界名次", "boundary place")
    teams: list[str] = figure("队伍", "teams")
    departments: list[str] = figure("各部门", "departments")
    score: float = figure("成绩", "score")
    places: str = figure("所跨名次", "places")


class ContestTies(RuleBase):
    """Teams tied on a cut-off place of the ``ranking`` rule: the finalists' last place, or a
    prize's last place. The text does not say how a tie is settled, so the tied teams are
    reported (``incomplete``) and none is placed above the others. ``sources``: the first is
    the sentence of the finalists' cut, a second (if any) the sentence of the final's prizes;
    a tie in the final cites the second first."""

    kind: Literal["contest_ties"]
    ranking: str

    subject_type: ClassVar[str] = "ranking"
    figures: ClassVar[type[Figures]] = ContestTiesFigures

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return {"ranking": (self.ranking, "contest_ranking")}

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        if figures.get("stage") == FINAL and len(self.sources) > 1:
            return [self.sources[1], self.sources[0], *self.sources[2:]]
        return list(self.sources)

    def ranking_rule(self, rules: Sequence[RuleBase]) -> ContestRanking:
        """The ranking rule this rule names, of its pack's ``rules``."""
        rule = next(r for r in rules if r.id == self.ranking)
        assert isinstance(rule, ContestRanking)  # checked when the rules were loaded
        return rule

    def decision(self, in_force: Period) -> Decision:
        """On each group of teams with equal scores straddling a cut-off place (``tied``)."""
        return {Status.INCOMPLETE.value: equals("tied", True)}

    def check(self, ctx: Context) -> pl.DataFrame:
        teams = contest_teams(ctx)
        if teams.height == 0:
            return empty_findings()
        ranking = self.ranking_rule(ctx.pack_of(self).rules)
        ties = ranking.ties(ranking.preliminary(teams)).with_columns(pl.lit(True).alias("tied"))
        return finding_frame(
            decided(ties, self.decision(ctx.in_force(self))),
            subject_type="ranking",
            subject_id=pl.concat_str(
                pl.col("stage").replace_strict(STAGE_LABELS, return_dtype=pl.String),
                pl.lit("第"),
                pl.col("cut").cast(pl.String),
                pl.lit("名"),
            ),
            department=pl.lit(None, dtype=pl.String),
            status=pl.col("status"),
            figures=ContestTiesFigures.columns(
                "stage cut teams departments score",
                places=pl.concat_str(
                    pl.col("rank_min").cast(pl.String),
                    pl.lit("-"),
                    pl.col("rank_max").cast(pl.String),
                ),
            ),
        )

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
    rule: ContestTies

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.told: set[str] = set()

    def ranking(self) -> ContestRanking:
        return self.rule.ranking_rule(self.pack.rules)

    def observe(self, preliminary: pl.DataFrame | None) -> list[Observation]:
        ties = [] if preliminary is None else self.ranking().ties(preliminary).to_dicts()
        observations = []
        now: set[str] = set()
        for tie in ties:
            subject = f"{STAGE_LABELS[tie['stage']]}第{tie['cut']}名"
            now.add(subject)
            figures = ContestTiesFigures.of(
                **{key: tie[key] for key in ("stage", "cut", "teams", "departments", "score")},
                places=f"{tie['rank_min']}-{tie['rank_max']}",
            )
            observations.append(self.observation(subject, None, {"tied": True}, figures.copy))
        observations += [self.outside(subject) for subject in sorted(self.told - now)]
        self.told = now
        return observations
