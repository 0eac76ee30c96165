"""What the departments of the synthetic province hand in: submissions, activities and task
reports for every obligation the rules define.

The obligations are read from the rules themselves: each rule asking for records draws them
(``RecordsAsked.draw``): an obligation rule's schedule (every item it asks of every department,
with its period and due day) is computed on the generated departments, and each item is then
met, met late, met without a required part, or left missing, in the kind's shares. An item
whose deadline counts from an activity (广汉's summary within a month of an evaluation) is
scheduled once the activities exist.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .._columnar import SPECS
from .._context import Context
from .._kinds._schedule import RecordsAsked, day_in, days_after
from .._records import SCHEMAS, Records
from .._rules import Pack
from .people import as_dates, days


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


class RandomDraws:
    """The draws a rule's ``draw`` makes (``_kinds._schedule.Draws``), from one generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def outcomes(self, n: int, shares: dict[str, float]) -> pl.Series:
        names = np.array([*shares, "missing"])
        bounds = np.cumsum(list(shares.values()))
        return pl.Series(
            "outcome", names[np.searchsorted(bounds, self.rng.random(n), side="right")]
        )

    def uniform(self, n: int) -> pl.Series:
        return pl.Series(self.rng.random(n))

    def delivered(
        self, items: pl.DataFrame, shares: dict[str, float], early: int, late: int
    ) -> tuple[pl.DataFrame, pl.Expr]:
        n = items.height
        frame = items.with_columns(self.outcomes(n, shares), self.uniform(n).alias("v")).filter(
            pl.col("outcome") != "missing"
        )
        day = (
            pl.when(pl.col("outcome") == "late")
            .then(days_after(pl.col("due"), late))
            .otherwise(day_in(pl.col("due") - pl.duration(days=early), pl.col("due"), pl.col("v")))
        )
        return frame, day

    def days(self, first: date, last: date, n: int) -> pl.Series:
        span = days(last) - days(first) + 1
        return as_dates(days(first) + (self.rng.random(n) * span).astype(np.int64))

    def choose(self, values: pl.Series, shares: list[float], n: int) -> pl.Series:
        return values.gather(self.rng.choice(len(values), size=n, p=shares))


def obligation_records(
    base: dict[str, pl.DataFrame], packs: list[Pack], as_of: date, rng: np.random.Generator
) -> dict[str, pl.DataFrame]:
    """Submissions, activities and task reports for every item the rules of ``packs`` ask of
    the departments in ``base`` (typed tables) by ``as_of``: each rule asking for records draws
    its own (``RecordsAsked.draw``)."""
    found: dict[str, list[pl.DataFrame]] = {"submissions": [], "activities": [], "task_reports": []}
    draws = RandomDraws(rng)
    ctx = Context(Records(base), as_of, packs)
    asking = [r for pack in packs for r in pack.rules if isinstance(r, RecordsAsked)]
    for rule in asking:
        if not rule.drawn_after_activities:
            for table, frame in rule.draw(ctx, draws).items():
                found[table].append(frame)
    activities = _numbered("activities", found["activities"], "HD", as_of)
    later = [rule for rule in asking if rule.drawn_after_activities]
    if later:
        ctx = Context(Records({**base, "activities": activities}), as_of, packs)
        for rule in later:
            for table, frame in rule.draw(ctx, draws).items():
                found[table].append(frame)
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
