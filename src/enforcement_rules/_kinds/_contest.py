"""What the contest kinds share: the teams as of a day, competition ranks, ties at a cut-off
place, and the teams the monitor holds as the same table ``evaluate`` reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from .._rulebase import Context

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

TEAM_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "department": pl.String(),
    "date": pl.Date(),
    "members": pl.List(pl.String()),
    "scores": pl.List(pl.Struct({"key": pl.String(), "value": pl.Float64()})),
    "final_score": pl.Float64(),
}


def contest_teams(ctx: Context) -> pl.DataFrame:
    """The contest teams as of the day."""
    return ctx.records.table("contest_teams").filter(pl.col("date") <= ctx.as_of)


def held_teams(teams: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Teams the monitor holds (record rows), as the table ``contest_teams`` gives them."""
    rows = [
        {
            **{name: team[name] for name in ("id", "department", "date", "members")},
            "scores": team["scores"] or [],  # as a record row holds them: [{key, value}]
            "final_score": None if team["final_score"] is None else float(team["final_score"]),
        }
        for team in teams
    ]
    return pl.DataFrame(rows, schema=TEAM_SCHEMA)


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
