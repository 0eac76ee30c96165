"""Days and moments as a decision reads them, and the decision of a requirement judged at a due
day.

A decision compares days as ordinals (``today``, a record's day) and moments as microseconds
(``now``, a due day's last moment ``due``), as the monitor's events carry them
(``_live._base``). The batch reads the as-of day as its last moment (``_dates.has_ended``): its
``now`` is that moment.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .._conditions import Condition, Decision, all_of, at_most, field, greater
from .._live._base import due_moment
from .._rulebase import Status

_EPOCH = date(1970, 1, 1).toordinal()


def by_due(short: Condition, status: Status = Status.NOT_MET) -> Decision:
    """``pending`` while the event falls ``short`` before its due moment (``due`` against
    ``now``); ``status`` from then on."""
    return {
        Status.PENDING.value: all_of(short, greater("due", field("now"))),
        status.value: all_of(short, at_most("due", field("now"))),
    }


def ordinal(day: str) -> pl.Expr:
    """The day in column ``day`` as an ordinal (``date.toordinal``), as an event carries it."""
    return pl.col(day).cast(pl.Int32) + _EPOCH


def clock(as_of: date) -> dict[str, pl.Expr]:
    """The batch's clock as columns: ``today`` (the as-of day) and ``now`` (its last moment)."""
    return {"today": pl.lit(as_of.toordinal()), "now": pl.lit(due_moment(as_of))}


def due_by(day: date, as_of: date) -> dict[str, pl.Expr]:
    """The clock's columns, and ``due``: the last moment of ``day``."""
    return clock(as_of) | {"due": pl.lit(due_moment(day))}


def judged_status(judged: pl.Expr) -> pl.Expr:
    """``not_met`` where ``judged`` (the due day has ended), else ``pending``: ``by_due`` for a
    check that has not yet gathered ``due`` and ``now``."""
    return (
        pl.when(judged).then(pl.lit(Status.NOT_MET.value)).otherwise(pl.lit(Status.PENDING.value))
    )
