"""A kind's decision, stated and applied: the decision of a requirement judged at a due day,
the clock as both evaluators give it to a decision, and a batch check's findings as the rows of
its gathered frame that meet the decision.

A decision compares days as ordinals (``today``, a record's day) and moments as microseconds
(``now``; ``due``, a due day's last moment), as the monitor's events carry them
(``_live._base``). The batch reads the as-of day as its last moment (``_dates.has_ended``): its
``now`` is that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from .._conditions import Condition, Decision, all_of, at_most, decided, field, greater
from .._findings import empty_findings, finding_frame
from .._live._base import LiveState, due_moment
from .._rulebase import Context, RuleBase, Status

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


def clock(as_of: date, due: date | None = None) -> dict[str, pl.Expr]:
    """The batch's clock as columns: ``today`` (the as-of day), ``now`` (its last moment) and
    ``due`` (the last moment of ``due``, where given)."""
    columns = {"today": pl.lit(as_of.toordinal()), "now": pl.lit(due_moment(as_of))}
    return columns if due is None else columns | {"due": pl.lit(due_moment(due))}


def live_clock(state: LiveState, due: date | None = None) -> dict[str, int]:
    """``clock`` as an event carries it, from the monitor's clock."""
    fields = {"today": state.day, "now": state.now}
    return fields if due is None else fields | {"due": due_moment(due)}


def findings(
    rule: RuleBase,
    ctx: Context,
    rows: pl.DataFrame,
    *,
    subject: str,
    figures: dict[str, pl.Expr],
    department: str = "department",
    subject_type: str | None = None,
    period: pl.Expr | str | None = None,
    due: pl.Expr | date | None = None,
) -> pl.DataFrame:
    """The findings of the rows of ``rows`` (the gathered fields of the rule's decision, as
    columns) that meet the rule's decision: about the id in column ``subject``, of the
    department in column ``department``."""
    return finding_frame(
        decided(rows, rule.decision(ctx.in_force(rule))),
        subject_type=subject_type or rule.subject_type,
        subject_id=pl.col(subject),
        department=pl.col(department),
        status=pl.col("status"),
        figures=figures,
        period=period,
        due=due,
    )


def judged_findings(
    rule: RuleBase,
    ctx: Context,
    judged: Sequence[tuple[str, str | None, dict[str, Any], dict[str, Any]]],
    *,
    subject_type: str | None = None,
    period: str | None = None,
    due: date | None = None,
) -> pl.DataFrame:
    """The findings of subjects a kind judges one at a time, in Python, with the function its
    tracker calls too (a kind over a small table): each judged subject is (its id, its
    department or ``None``, its event without the clock, its figures)."""
    if not judged:
        return empty_findings()
    rows = pl.DataFrame([{"subject": s, "department": d, **event} for s, d, event, _ in judged])
    rows = rows.with_columns(
        pl.Series("figures", [figures for *_, figures in judged]), **clock(ctx.as_of, due)
    )
    figures = {key: pl.col("figures").struct.field(key) for key in judged[0][3]}
    return findings(
        rule,
        ctx,
        rows,
        subject="subject",
        figures=figures,
        subject_type=subject_type,
        period=period,
        due=due,
    )
