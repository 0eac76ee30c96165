"""What the departments of the synthetic province hand in: submissions, activities and task
reports for every obligation the rules define.

The obligations are read from the rules themselves: each obligation rule's schedule (every
item it asks of every department, with its period and due day) is computed on the generated
departments, and each item is then met, met late, met without a required part, or left
missing, in the shares below. An item whose deadline counts from an activity (广汉's summary
within a month of an evaluation) is scheduled once the activities exist.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .._columnar import SPECS
from .._context import Context
from .._kinds.deliverables import Deliverable, RelativeDeliverable, _Deliverable, plain_title
from .._kinds.quotas import ActivityMinutes, Quota
from .._kinds.schedule import Obligation
from .._kinds.tasks import TaskTable
from .._records import SCHEMAS, Records
from .._rules import Pack
from .._vocab import ActionKind, ActivityKind, parse_enum
from .people import as_dates, days

# Shares of an item's outcome, in order; what is left is missing.
DELIVERABLE_OUTCOMES = {"met": 0.86, "late": 0.06, "incomplete": 0.03}
QUOTA_OUTCOMES = {"met": 0.88, "short": 0.05, "late": 0.03}
TASK_OUTCOMES = {"met": 0.85, "late": 0.07}
UNCOVERED_SHARE = 0.05  # a case-file review that leaves an enforcement kind out
MINUTES_SHARES = {True: 0.92, False: 0.05, None: 0.03}
MEETINGS_PER_YEAR = 2


def typed(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the columns and types of the ``kind`` table (absent ones null, an
    absent list empty), as validation would leave them."""
    columns = []
    for name, dtype in SCHEMAS[kind].items():
        value = (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype)
        spec = SPECS[kind].get(name)
        if spec is not None and spec.shape == "list":
            value = value.fill_null(pl.lit([], dtype=dtype))
        columns.append(value.alias(name))
    return frame.select(columns)


def _outcomes(rng: np.random.Generator, n: int, shares: dict[str, float]) -> pl.Series:
    """``n`` outcomes drawn with ``shares`` (what they leave is ``missing``)."""
    names = np.array([*shares, "missing"])
    bounds = np.cumsum(list(shares.values()))
    return pl.Series("outcome", names[np.searchsorted(bounds, rng.random(n), side="right")])


def _items(rule: Obligation, ctx: Context, as_of: date) -> pl.DataFrame:
    """The rule's schedule items open on the as-of day, in a fixed order."""
    return (
        rule.schedule(ctx)
        .filter(pl.col("opens") <= as_of)
        .sort("department", "subject_id", "period", nulls_last=True)
    )


def _uniform(rng: np.random.Generator, n: int) -> pl.Series:
    return pl.Series(rng.random(n))


def _day_in(low: pl.Expr, high: pl.Expr, u: pl.Expr) -> pl.Expr:
    """A day from ``low`` to ``high`` (both inclusive), at fraction ``u`` of the way."""
    span = (high - low).dt.total_days().clip(lower_bound=0) + 1
    return low + pl.duration(days=(u * span).floor().cast(pl.Int64))


def _days_after(day: pl.Expr, within: int) -> pl.Expr:
    """A day 1 to ``within`` days after ``day``, by the row's fraction ``v``."""
    return day + pl.duration(days=(pl.col("v") * within).floor().cast(pl.Int64) + 1)


def _delivered(
    items: pl.DataFrame, rng: np.random.Generator, shares: dict[str, float], early: int, late: int
) -> tuple[pl.DataFrame, pl.Expr]:
    """The items not left missing, each with its outcome, and the day it was delivered: up to
    ``early`` days before it was due, or, when late, up to ``late`` days after."""
    n = items.height
    frame = items.with_columns(_outcomes(rng, n, shares), _uniform(rng, n).alias("v")).filter(
        pl.col("outcome") != "missing"
    )
    day = (
        pl.when(pl.col("outcome") == "late")
        .then(_days_after(pl.col("due"), late))
        .otherwise(_day_in(pl.col("due") - pl.duration(days=early), pl.col("due"), pl.col("v")))
    )
    return frame, day


def _deliverables(
    rule: _Deliverable, items: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    frame, submitted = _delivered(items, rng, DELIVERABLE_OUTCOMES, early=25, late=40)
    incomplete = pl.col("outcome") == "incomplete"
    # Titles as a table cell holds them (a title's own 、 would split the cell's list).
    sections = [plain_title(title) for title in rule.required_sections]
    kept = sections[:-1] if sections else []
    return frame.select(
        "department",
        pl.lit(rule.obligation).alias("obligation"),
        (pl.lit(None) if isinstance(rule, Deliverable) else pl.col("period")).alias("period"),
        submitted.alias("submitted_on"),
        pl.when(incomplete & pl.lit(bool(sections)))
        .then(pl.lit(kept, dtype=pl.List(pl.String)))
        .otherwise(pl.lit(list(sections), dtype=pl.List(pl.String)))
        .alias("sections"),
        pl.when(pl.lit(rule.must_publish) & ~(incomplete & pl.lit(not sections)))
        .then(submitted)
        .alias("published_on"),
    )


def _quota(rule: Quota, items: pl.DataFrame, rng: np.random.Generator) -> tuple[str, pl.DataFrame]:
    """The activities (or submissions) of a quota: ``minimum`` in the period, fewer, late, or
    none."""
    n = items.height
    windows = items.with_columns(
        pl.col("figures").str.json_path_match("$.from").str.to_date().alias("first"),
        pl.col("figures").str.json_path_match("$.to").str.to_date().alias("last"),
        _outcomes(rng, n, QUOTA_OUTCOMES),
    ).with_columns(
        pl.when(pl.col("outcome").is_in(["met", "late"]))
        .then(pl.lit(rule.minimum))
        .when(pl.col("outcome") == "short")
        .then(pl.lit(rule.minimum - 1))
        .otherwise(pl.lit(0))
        .alias("n")
    )
    rows = (
        windows.filter(pl.col("n") > 0).with_columns(pl.int_ranges(0, "n").alias("k")).explode("k")
    )
    m = rows.height
    day = (
        pl.when(pl.col("outcome") == "late")
        .then(_days_after(pl.col("last"), 40))
        .otherwise(_day_in(pl.col("first"), pl.col("last"), pl.col("v")))
    )
    rows = rows.with_columns(_uniform(rng, m).alias("v"), _uniform(rng, m).alias("w"))
    if rule.obligation is not None:
        return "submissions", rows.select(
            "department",
            pl.lit(rule.obligation).alias("obligation"),
            "period",
            day.alias("submitted_on"),
        )
    every_kind = [k.value for k in ActionKind]
    covers = (
        pl.when(pl.col("w") < UNCOVERED_SHARE)
        .then(pl.lit(every_kind[1:], dtype=pl.List(pl.String)))
        .otherwise(pl.lit(every_kind, dtype=pl.List(pl.String)))
        if rule.covers_action_kinds_since is not None
        else pl.lit([], dtype=pl.List(pl.String))
    )
    return "activities", rows.select(
        "department",
        pl.lit(parse_enum(ActivityKind, rule.activity).value).alias("kind"),
        day.alias("date"),
        pl.lit(1, dtype=pl.Int64).alias("count"),
        covers.alias("covers"),
        pl.lit(rule.stage, dtype=pl.String).alias("stage"),
    )


def _tasks(rule: TaskTable, items: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    frame, completed = _delivered(items, rng, TASK_OUTCOMES, early=60, late=60)
    # A task the area owes once is reported (or not) once: by the first unit owing it.
    area = [t.id for t in rule.tasks if t.area_wide]
    first = items.filter(pl.col("subject_id").is_in(area)).unique(
        "subject_id", keep="first", maintain_order=True
    )
    frame = frame.filter(
        ~pl.col("subject_id").is_in(area)
        | pl.struct("subject_id", "department").is_in(
            first.select(pl.struct("subject_id", "department")).to_series().implode()
        )
    )
    return frame.select(
        pl.col("subject_id").alias("task"),
        "department",
        completed.alias("completed_on"),
        "period",
        pl.lit("任务完成情况报告").alias("evidence"),
    )


def _meetings(
    rule: ActivityMinutes, ctx: Context, as_of: date, rng: np.random.Generator
) -> pl.DataFrame:
    """Activities of the kind whose record the rule asks for, each with or without minutes."""
    departments = pl.DataFrame(
        {"department": ctx.departments(rule)}, schema={"department": pl.String}
    )
    start = ctx.in_force(rule).start
    per_department = MEETINGS_PER_YEAR * (as_of.year - start.year + 1)
    rows = departments.join(
        pl.DataFrame({"k": list(range(per_department))}, schema={"k": pl.Int64}), how="cross"
    ).sort("department", "k")
    n = rows.height
    span = days(as_of) - days(start) + 1
    minutes = pl.Series(list(MINUTES_SHARES), dtype=pl.Boolean).gather(
        rng.choice(len(MINUTES_SHARES), size=n, p=list(MINUTES_SHARES.values()))
    )
    return rows.select(
        "department",
        pl.lit(parse_enum(ActivityKind, rule.activity).value).alias("kind"),
        as_dates(days(start) + (rng.random(n) * span).astype(np.int64)).alias("date"),
        pl.lit(1, dtype=pl.Int64).alias("count"),
        pl.lit([], dtype=pl.List(pl.String)).alias("covers"),
        minutes.alias("minutes"),
    )


def obligation_records(
    base: dict[str, pl.DataFrame], packs: list[Pack], as_of: date, rng: np.random.Generator
) -> dict[str, pl.DataFrame]:
    """Submissions, activities and task reports for every item the obligation rules of
    ``packs`` ask of the departments in ``base`` (typed tables) by ``as_of``."""
    found: dict[str, list[pl.DataFrame]] = {"submissions": [], "activities": [], "task_reports": []}
    ctx = Context(Records(base), as_of, packs)
    later: list[RelativeDeliverable] = []
    for pack in packs:
        for rule in pack.rules:
            if isinstance(rule, RelativeDeliverable):
                later.append(rule)
            elif isinstance(rule, _Deliverable):
                found["submissions"].append(_deliverables(rule, _items(rule, ctx, as_of), rng))
            elif isinstance(rule, Quota):
                table, frame = _quota(rule, _items(rule, ctx, as_of), rng)
                found[table].append(frame)
            elif isinstance(rule, TaskTable):
                found["task_reports"].append(_tasks(rule, _items(rule, ctx, as_of), rng))
            elif isinstance(rule, ActivityMinutes):
                found["activities"].append(_meetings(rule, ctx, as_of, rng))
    activities = _numbered("activities", found["activities"], "HD", as_of)
    if later:
        ctx = Context(Records({**base, "activities": activities}), as_of, packs)
        for rule in later:
            found["submissions"].append(_deliverables(rule, _items(rule, ctx, as_of), rng))
    return {
        "submissions": _numbered("submissions", found["submissions"], "BS", as_of),
        "activities": activities,
        "task_reports": _numbered("task_reports", found["task_reports"], "RW", as_of),
    }


DATED = {"submissions": "submitted_on", "activities": "date", "task_reports": "completed_on"}


def _numbered(kind: str, frames: list[pl.DataFrame], prefix: str, as_of: date) -> pl.DataFrame:
    """One table of ``kind`` from ``frames``, without records dated after the as-of day, with
    ids in order."""
    frame = pl.concat([typed(kind, f) for f in frames]) if frames else typed(kind, pl.DataFrame())
    frame = frame.filter(pl.col(DATED[kind]) <= as_of)
    ids = pl.format(
        "{}{}", pl.lit(prefix), pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(7)
    )
    return frame.with_columns(ids.alias("id"))
