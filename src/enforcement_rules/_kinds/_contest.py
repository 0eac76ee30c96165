"""What the contest kinds share: the teams as of a day, competition ranks, ties at a cut-off
place, and the rules judged on the whole contest's standings (``StandingsRule``), which the
batch and the monitor gather alike: the monitor ranks the teams it holds as ``evaluate``
ranks the records' teams."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

import polars as pl

from .._dates import local_day
from .._findings import empty_findings
from .._live._base import Change, Observation, Tracker
from .._records import SCHEMAS
from .._rulebase import Context, RuleBase
from ._decisions import findings

# Placement of a team after the preliminary round.
FINALIST = "finalist"
TIED = "tied"  # tied at the cut-off: the text does not say who goes on
ELIMINATED = "eliminated"
UNSCORED = "unscored"  # its score cannot be computed as the text prescribes

PLACEMENT_LABELS = {
    FINALIST: "进入决赛",
    TIED: "并列待定",
    ELIMINATED: "未进入决赛",
    UNSCORED: "无法计分",
}
PRELIMINARY, FINAL = "preliminary", "final"
STAGE_LABELS = {PRELIMINARY: "初赛", FINAL: "决赛"}
NO_PRIZE = "未获奖"


def contest_teams(ctx: Context) -> pl.DataFrame:
    """The contest teams as of the day."""
    return ctx.records.table("contest_teams").filter(pl.col("date") <= ctx.as_of)


def ranks(score: str) -> list[pl.Expr]:
    """Competition ranks by ``score``, highest first: the first and last place a group of
    equal scores spans (``rank_min`` 1, ``rank_max`` 2 for two teams tied at the top)."""
    column = pl.col(score)
    return [
        column.rank("min", descending=True).cast(pl.Int64).alias("rank_min"),
        column.rank("max", descending=True).cast(pl.Int64).alias("rank_max"),
    ]


TIE_SCHEMA: dict[str, pl.DataType] = {
    "stage": pl.String(),
    "cut": pl.Int64(),
    "teams": pl.List(pl.String()),
    "departments": pl.List(pl.String()),
    "score": pl.Float64(),
    "rank_min": pl.Int64(),
    "rank_max": pl.Int64(),
}


def ties_at(ranked: pl.DataFrame, cuts: list[int], stage: str, score: str) -> pl.DataFrame:
    """Groups of equal scores that straddle a cut-off place (``rank_min <= cut < rank_max``):
    one row per cut-off, with the tied teams and their score."""
    if ranked.height == 0 or not cuts:
        return pl.DataFrame(schema=TIE_SCHEMA)
    frame = pl.DataFrame({"cut": cuts}, schema={"cut": pl.Int64})
    return (
        ranked.join(frame, how="cross")
        .filter((pl.col("rank_min") <= pl.col("cut")) & (pl.col("cut") < pl.col("rank_max")))
        .sort("team")
        .group_by("cut", maintain_order=True)
        .agg(
            pl.col("team").alias("teams"),
            pl.col("department").unique(maintain_order=True).alias("departments"),
            pl.col(score).first().cast(pl.Float64).alias("score"),
            pl.col("rank_min").first(),
            pl.col("rank_max").first(),
        )
        .with_columns(pl.lit(stage).alias("stage"))
        .select(list(TIE_SCHEMA))
        .sort("cut")
    )


class StandingsRule(RuleBase):
    """A rule judged on the standings of every contest team dated by the day. A kind gives
    its ``standings`` (one row per subject: ``subject``, ``department``, the fields its
    decision reads, named in ``event``) and its figures as columns of them."""

    event: ClassVar[tuple[str, ...]]

    def standings(self, rules: Sequence[RuleBase], teams: pl.DataFrame) -> pl.DataFrame:
        """The subjects' rows, from the teams (as ``contest_teams`` gives them) and the rules
        of the rule's pack."""
        raise NotImplementedError

    def figure_columns(self) -> dict[str, pl.Expr]:
        raise NotImplementedError

    def check(self, ctx: Context) -> pl.DataFrame:
        teams = contest_teams(ctx)
        if teams.height == 0:
            return empty_findings()
        rows = self.standings(ctx.pack_of(self).rules, teams)
        return findings(self, ctx, rows, subject="subject", figures=self.figure_columns())


class StandingsTracker(Tracker):
    """Keeps every contest team by id and gathers the rule's standings again (on the teams
    dated on or before the clock's day) when a team arrives or the clock reaches a team's
    day: the contest is small, so it is ranked whole each time. The figures are the batch's
    columns of the same rows."""

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "contest_teams"})
    rule: StandingsRule

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.teams: dict[str, dict[str, Any]] = {}
        self.told: set[str] = set()

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "contest_teams":
            self.teams[change.row["id"]] = change.row
        return self.rank()

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        since = None if before is None else local_day(before)
        today = local_day(after)
        days = (t["date"] for t in self.teams.values())
        if any((since is None or since < day) and day <= today for day in days):
            return self.rank()
        return ()

    def rank(self) -> list[Observation]:
        today = self.state.today
        counted = [t for t in self.teams.values() if today is None or t["date"] <= today]
        rows: list[dict[str, Any]] = []
        if counted and self.departments():
            columns = self.rule.figure_columns().items()
            figures = pl.struct([e.alias(k) for k, e in columns]).struct.json_encode()
            teams = pl.DataFrame(counted, schema=SCHEMAS["contest_teams"])  # as the records'
            standings = self.rule.standings(self.pack.rules, teams)
            rows = standings.select(
                "subject", "department", *self.rule.event, figures.alias("figures")
            ).to_dicts()
        now = {row["subject"] for row in rows}
        observations = [self.outside(subject) for subject in sorted(self.told - now)]
        self.told = now
        return observations + [
            self.observation(
                row["subject"],
                row["department"],
                {key: row[key] for key in self.rule.event},
                partial(json.loads, row["figures"]),
            )
            for row in rows
        ]
