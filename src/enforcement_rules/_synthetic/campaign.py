"""遵义's campaign in the synthetic province: enrolments, the contest, the exam paper, and the
registers of monitoring devices and entrustments.

These are a few hundred records at most, one per department or team: they are built from the
rules that ask for them (the scope rule places each department in its campaign, the contest
rules say how many teams of how many members).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from .._context import Context
from .._kinds._campaign import municipal_departments
from .._kinds.campaign_scope import CampaignScope
from .._kinds.contest_ranking import ContestRanking
from .._kinds.contest_teams import ContestTeams
from .._kinds.exam_paper_weights import ExamPaperWeights
from .._kinds.register_completeness import RegisterCompleteness
from .._records import Records
from .._rules import Pack
from .._vocab import Employment
from .owed import typed
from .people import as_dates, days

ENROLMENT_SHARES = {"right": 0.93, "wrong": 0.03}  # the rest did not enrol
OTHER_TEAMS = 12  # teams of the province's other cities, ranked with 遵义's
DEVICE_DOMAINS = ("交通运输", "公安", "城市管理", "综合行政执法", "生态环境")
ENTRUSTMENT_SHARE = 0.15  # of county-level departments
COMPLETE_SHARE = 0.9  # a register entry with every part


def campaign_records(
    base: dict[str, pl.DataFrame], packs: list[Pack], as_of: date, rng: np.random.Generator
) -> dict[str, pl.DataFrame]:
    """Enrolments, contest teams, exam papers, monitoring devices and entrustments for the
    campaign rules of ``packs``."""
    ctx = Context(Records(base), as_of, packs)
    found: dict[str, list[pl.DataFrame]] = {
        "campaign_enrollments": [],
        "contest_teams": [],
        "exam_papers": [],
        "monitoring_devices": [],
        "entrustments": [],
    }
    for pack in packs:
        for rule in pack.rules:
            if isinstance(rule, CampaignScope):
                found["campaign_enrollments"].append(_enrolments(rule, ctx, rng))
            elif isinstance(rule, ContestTeams):
                ranking = next((r for r in pack.rules if isinstance(r, ContestRanking)), None)
                found["contest_teams"].append(_teams(rule, ranking, ctx, rng))
            elif isinstance(rule, ExamPaperWeights):
                found["exam_papers"].append(_paper(rule, pack.id))
            elif isinstance(rule, RegisterCompleteness):
                found[rule.record_type].append(_register(rule, ctx, rng))
    return {
        kind: pl.concat([typed(kind, f) for f in frames]) if frames else typed(kind, pl.DataFrame())
        for kind, frames in found.items()
    }


def _enrolments(rule: CampaignScope, ctx: Context, rng: np.random.Generator) -> pl.DataFrame:
    placed = rule.scope(ctx).sort("department")
    n = placed.height
    u = pl.Series(rng.random(n))
    other = (
        pl.when(pl.col("campaign") == rule.municipal_campaign.id)
        .then(pl.lit(rule.provincial_campaign.id))
        .otherwise(pl.lit(rule.municipal_campaign.id))
    )
    right = ENROLMENT_SHARES["right"]
    wrong = right + ENROLMENT_SHARES["wrong"]
    return (
        placed.with_columns(u.alias("u"))
        .filter(pl.col("u") < wrong)
        .select(
            "department",
            pl.when(pl.col("u") < right)
            .then(pl.col("campaign"))
            .otherwise(other)
            .alias("campaign"),
        )
    )


def _teams(
    rule: ContestTeams, ranking: ContestRanking | None, ctx: Context, rng: np.random.Generator
) -> pl.DataFrame:
    """The city's teams (from its largest departments) and the other cities' teams of the
    province, each with its members' preliminary scores; the finalists' final scores."""
    size = rule.members_per_team
    officers = ctx.officers.filter(
        pl.col("on_duty") & (pl.col("employment") != Employment.AUXILIARY.value)
    ).sort("department", "id")
    members = (
        officers.group_by("department", maintain_order=True)
        .agg(pl.col("id").head(size).alias("members"), pl.len().alias("officers"))
        .filter(pl.col("officers") >= size)
    )
    municipal = municipal_departments(rule, rule.campaign_scope, ctx)
    city = (
        members.filter(pl.col("department").is_in(municipal))
        .sort("officers", "department", descending=[True, False])
        .head(rule.teams)
    )
    province = ctx.pack_of(rule).applies_to.region[:1]
    region = ctx.records.departments.select(pl.col("id").alias("department"), "region")
    others = (
        members.join(region, on="department")
        .filter(
            (
                pl.col("region").list.head(len(province))
                == pl.lit(province, dtype=pl.List(pl.String))
            )
            & ~pl.col("department").is_in(ctx.departments(rule))
        )
        .sort("department")
        .head(OTHER_TEAMS)
        .drop("region")
    )
    teams = pl.concat([city, others]).with_columns(
        pl.format("{}-T1", pl.col("department")).alias("id")
    )
    n = teams.height
    scores = np.clip(np.round(rng.normal(85, 5, (n, size))), 0, 100)
    teams = teams.with_columns(
        pl.Series("_scores", scores.tolist(), dtype=pl.List(pl.Float64)),
        pl.lit(rule.recommend_by - timedelta(days=10)).alias("date"),
    ).with_columns(
        pl.concat_list(
            [
                pl.struct(
                    pl.col("members").list.get(j).alias("key"),
                    pl.col("_scores").list.get(j).alias("value"),
                )
                for j in range(size)
            ]
        ).alias("scores"),
        pl.col("_scores").list.sum().alias("_total"),
    )
    finalists = ranking.finalists if ranking is not None else 0
    final = np.clip(np.round(rng.normal(85, 6, n)), 0, 100)
    return teams.with_columns(
        pl.when(pl.col("_total").rank("ordinal", descending=True) <= finalists)
        .then(pl.Series(final))
        .alias("final_score")
    )


def _paper(rule: ExamPaperWeights, pack: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"{pack}-preliminary"],
            "exam": [rule.exams[0] if rule.exams else f"{pack}-preliminary"],
            "theory_percent": [rule.theory_percent],
            "document_percent": [rule.document_percent],
            "procedure_percent": [rule.procedure_percent],
        }
    )


REGISTER_TEXTS = {
    "legal_basis": "《中华人民共和国行政处罚法》第四十一条",
    "location": "主干道路口",
}


def _register(rule: RegisterCompleteness, ctx: Context, rng: np.random.Generator) -> pl.DataFrame:
    """Register entries of the rule's departments, most with every part it requires."""
    departments = ctx.records.departments.filter(
        pl.col("id").is_in(municipal_departments(rule, rule.campaign_scope, ctx))
    ).sort("id")
    if rule.record_type == "monitoring_devices":
        owners = departments.filter(pl.col("domain").is_in(DEVICE_DOMAINS))
        counts = rng.integers(1, 5, owners.height)
    else:
        owners = departments.filter(pl.col("level") == "county")
        counts = (rng.random(owners.height) < ENTRUSTMENT_SHARE).astype(np.int64)
    rows = (
        owners.select(pl.col("id").alias("department"))
        .with_columns(pl.int_ranges(0, pl.Series(counts)).alias("k"))
        .explode("k")
        .drop_nulls("k")
    )
    n = rows.height
    due = rule.due or ctx.as_of
    start = days(date(due.year, 1, 1))
    day = as_dates(start + (rng.random(n) * (days(due) - start + 1)).astype(np.int64))
    lacking = np.where(rng.random(n) < COMPLETE_SHARE, -1, rng.integers(0, len(rule.required), n))
    frame = rows.with_columns(
        pl.format(
            "{}-{}{}",
            "department",
            pl.lit("JK" if rule.record_type == "monitoring_devices" else "WT"),
            "k",
        ).alias("id"),
        pl.lit(REGISTER_TEXTS["location"]).alias("location"),
        pl.format("{}乡镇综合行政执法队", "department").alias("entrusted"),
    )
    for number, field in enumerate(rule.required):
        present = pl.Series(lacking != number)
        value = pl.lit(REGISTER_TEXTS["legal_basis"]) if field == "legal_basis" else day
        frame = frame.with_columns(pl.when(present).then(value).alias(field))
    return frame
