"""What a department owes and by when: the schedule every obligation-style rule keeps.

An obligation rule (a deliverable, a quota, a task table) lists every item it demands: one
per (department, obligation, period), each with its due day, the day it opens, its status as
of the evaluation day and the figures that decided it. Its findings are the items that are
not met, once open; the compliance calendar reads the same items, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

import polars as pl

from .._dates import add_months, quarter_bounds, quarter_label, quarters_overlapping
from .._findings import FINDING_COLUMNS
from .._rulebase import Period, RuleBase, Status

if TYPE_CHECKING:
    from .._rulebase import Context

SCHEDULE_COLUMNS: dict[str, pl.DataType] = {
    **FINDING_COLUMNS,
    "item": pl.String(),  # the deliverable id, activity kind or task id
    "opens": pl.Date(),  # from this day on, an item not met is a finding
    "severity": pl.String(),
}


def empty_schedule() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEDULE_COLUMNS)


@dataclass(frozen=True, slots=True)
class Owed:
    """One thing an obligation rule asks for, as a listing shows it."""

    record_type: str  # submissions, activities, task_reports (or the rule tracking it)
    item: str  # the id a record names: submissions.obligation, activities.kind, task
    title: str
    when: str  # the deadline in words
    owers: str  # who owes it, in words
    details: str = ""


class Obligation(RuleBase):
    """Base of the rules that keep a schedule. Subclasses implement ``schedule``."""

    subject_type: ClassVar[str] = "department"

    def schedule(self, ctx: Context) -> pl.DataFrame:
        """Every item of the rule, open or not, with its status (``SCHEDULE_COLUMNS``)."""
        raise NotImplementedError

    def check(self, ctx: Context) -> pl.DataFrame:
        return findings_of(self.schedule(ctx), ctx.as_of)

    def owed(self) -> list[Owed]:
        """What the rule asks for, for ``enforcement-rules obligations``."""
        raise NotImplementedError

    def item_title(self, item: str) -> str:
        """The title of one item (a task table's task); by default the rule's."""
        return self.title


def findings_of(schedule: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The findings a schedule makes as of a day: items not met, once open."""
    return schedule.filter(
        (pl.col("status") != Status.MET.value) & (pl.col("opens") <= as_of)
    ).select([*FINDING_COLUMNS, "severity"])


def schedule_frame(
    frame: pl.DataFrame,
    *,
    rule: RuleBase,
    item: pl.Expr | str,
    status: pl.Expr,
    figures: dict[str, pl.Expr],
    subject_type: str = "department",
    subject_id: pl.Expr | None = None,
    severity: pl.Expr | None = None,
) -> pl.DataFrame:
    """Select the schedule columns from ``frame`` (which has ``department``, ``period``,
    ``due`` and ``opens``), one item per row. The subject is the department unless given."""
    if frame.height == 0:
        return empty_schedule()
    return frame.select(
        pl.lit(subject_type, dtype=pl.String).alias("subject_type"),
        (subject_id if subject_id is not None else pl.col("department"))
        .cast(pl.String)
        .alias("subject_id"),
        pl.col("department").cast(pl.String),
        status.cast(pl.String).alias("status"),
        pl.col("period").cast(pl.String),
        pl.col("due").cast(pl.Date),
        pl.struct([expr.alias(name) for name, expr in figures.items()])
        .struct.json_encode()
        .alias("figures"),
        (item if isinstance(item, pl.Expr) else pl.lit(item)).cast(pl.String).alias("item"),
        pl.col("opens").cast(pl.Date),
        (severity if severity is not None else pl.lit(rule.severity.value))
        .cast(pl.String)
        .alias("severity"),
    )


# -- periods ----------------------------------------------------------------------------


def horizon(period: Period, as_of: date) -> date:
    """The last day a schedule reaches: the end of the period in force, or for an open-ended
    one, a year after the as-of day."""
    return period.end if period.end is not None else as_of + timedelta(days=366)


def periods_frame(rows: Iterable[tuple[str | None, date, date, date, date]]) -> pl.DataFrame:
    """Rows of (period, first day, last day, due, opens) as a frame."""
    return pl.DataFrame(
        list(rows),
        schema={
            "period": pl.String,
            "first": pl.Date,
            "last": pl.Date,
            "due": pl.Date,
            "opens": pl.Date,
        },
        orient="row",
    )


def quarter_periods(first: date, last: date) -> pl.DataFrame:
    """One row per calendar quarter with a day from ``first`` to ``last``: due on its last
    day, open from its first."""
    rows = []
    for year, quarter in quarters_overlapping(first, last):
        start, end = quarter_bounds(year, quarter)
        rows.append((quarter_label(year, quarter), start, end, end, start))
    return periods_frame(rows)


def quarter_of(day: str) -> pl.Expr:
    """The label (``2024-Q2``) of the quarter a date column's day falls in."""
    # Not pl.format: in polars 2.1 it panics ("assertion failed: i < self.len()") on a column
    # whose first chunk is empty, as filtering a concatenated table can leave it (polars
    # does not keep chunks non-empty, cf. pola-rs/polars#28495); concat_str does not.
    return pl.concat_str(pl.col(day).dt.year(), pl.lit("-Q"), pl.col(day).dt.quarter())


def year_periods(first: date, last: date) -> pl.DataFrame:
    """One row per calendar year with a day from ``first`` to ``last``."""
    rows = []
    for year in range(first.year, last.year + 1):
        start, end = date(year, 1, 1), date(year, 12, 31)
        rows.append((str(year), start, end, end, start))
    return periods_frame(rows)


def for_departments(departments: list[str], periods: pl.DataFrame) -> pl.DataFrame:
    """Every department paired with every period."""
    owers = pl.DataFrame({"department": departments}, schema={"department": pl.String})
    return owers.join(periods, how="cross")


def due_passed(as_of: date) -> pl.Expr:
    """Whether the item's due day has ended by the end of the as-of day."""
    return pl.col("due") <= as_of


def not_open(as_of: date) -> pl.Expr:
    return pl.col("opens") > as_of


def months_after(column: pl.Expr, frame: pl.DataFrame, name: str, months: int) -> pl.DataFrame:
    """``frame`` with ``name``: ``column`` plus ``months`` calendar months (via ``_dates``,
    once per distinct day)."""
    days = frame.select(column.alias("_day")).drop_nulls().unique()["_day"].to_list()
    mapping = {day: add_months(day, months) for day in days}
    return frame.with_columns(
        column.replace_strict(mapping, default=None, return_dtype=pl.Date).alias(name)
    )


def dated(table: pl.DataFrame, column: str, as_of: date) -> pl.DataFrame:
    """Records dated on or before the as-of day (later ones are not part of the state)."""
    return table.filter(pl.col(column) <= as_of)
