"""A kind's decision, written once as a small condition tree and read two ways.

A condition is durable-rules' JSON form (``{"$lt": {"certified": 2}}``): the live monitor hands
it to the engine (``_engine``), ``evaluate`` compiles it to a polars expression over a frame
whose columns are the event's fields (``expression``), and ``holds`` reads it in Python on one
event (for tests and listings). Each kind states ``decision()`` with the helpers below, and
both evaluators only gather the fields it names, each its own way.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from ._rulebase import Period

Condition = dict[str, Any]
"""A condition on one event, in durable-rules' JSON ruleset form."""

Decision = Mapping[str, Condition]
"""Status -> the condition an event must meet for a finding of that status. The conditions of
one decision exclude each other: an event meets at most one."""


def field(name: str) -> Condition:
    """Another field of the same event, as the right side of a comparison."""
    return {"$m": name}


def equals(name: str, value: str | int | float | bool) -> Condition:
    return {name: value}


def differs(name: str, value: str | int | float | bool) -> Condition:
    return {"$neq": {name: value}}


def less(name: str, value: int | float | Condition) -> Condition:
    return {"$lt": {name: value}}


def at_most(name: str, value: int | float | Condition) -> Condition:
    return {"$lte": {name: value}}


def greater(name: str, value: int | float | Condition) -> Condition:
    return {"$gt": {name: value}}


def at_least(name: str, value: int | float | Condition) -> Condition:
    return {"$gte": {name: value}}


def all_of(*conditions: Condition) -> Condition:
    """Every condition holds (at least one condition)."""
    if not conditions:
        raise ValueError("all_of needs at least one condition")
    return conditions[0] if len(conditions) == 1 else {"$and": list(conditions)}


def any_of(*conditions: Condition) -> Condition:
    """At least one condition holds (at least one condition)."""
    if not conditions:
        raise ValueError("any_of needs at least one condition")
    return conditions[0] if len(conditions) == 1 else {"$or": list(conditions)}


def one_of(name: str, values: list[str]) -> Condition:
    """The field equals one of ``values``."""
    return any_of(*(equals(name, v) for v in values))


def none_of(name: str, values: list[str]) -> Condition:
    """The field equals none of ``values``."""
    return all_of(*(differs(name, v) for v in values))


def reached(day: date) -> Condition:
    """The clock's day (the event's ``today``) is ``day`` or later."""
    return at_least("today", day.toordinal())


def dated_in(name: str, period: Period) -> list[Condition]:
    """The day in the event's ``name`` falls in ``period`` and is the clock's day or before
    (a record dated later does not count yet)."""
    conditions = [at_least(name, period.start.toordinal()), at_most(name, field("today"))]
    if period.end is not None:
        conditions.append(at_most(name, period.end.toordinal()))
    return conditions


_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "$lt": operator.lt,
    "$lte": operator.le,
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$neq": operator.ne,
}


def _parts(condition: Condition) -> tuple[str, str, Any]:
    """(operator, field, right side) of a comparison; ``=`` for ``equals``."""
    ((key, value),) = condition.items()
    if key in _COMPARISONS:
        ((name, right),) = value.items()
        return key, name, right
    return "=", key, value


def expression(condition: Condition) -> pl.Expr:
    """The condition as a polars expression over columns named like the event's fields (a
    null compares false, as a missing field does in the engine)."""
    return _expression(condition, nulls_false=True)


def _expression(condition: Condition, *, nulls_false: bool) -> pl.Expr:
    """``expression``; without ``nulls_false`` a comparison with a null is null, which a
    condition of only "and"/"or" turns into what false would, and ``when`` reads as false."""
    if "$and" in condition:
        return pl.all_horizontal(_expression(c, nulls_false=nulls_false) for c in condition["$and"])
    if "$or" in condition:
        return pl.any_horizontal(_expression(c, nulls_false=nulls_false) for c in condition["$or"])
    op, name, right = _parts(condition)
    other = pl.col(right["$m"]) if isinstance(right, dict) else pl.lit(right)
    compare = operator.eq if op == "=" else _COMPARISONS[op]
    compared: pl.Expr = compare(pl.col(name), other)
    return compared.fill_null(False) if nulls_false else compared


def holds(condition: Condition, event: Mapping[str, Any]) -> bool:
    """Whether ``event`` meets the condition, read in Python."""
    if "$and" in condition:
        return all(holds(c, event) for c in condition["$and"])
    if "$or" in condition:
        return any(holds(c, event) for c in condition["$or"])
    op, name, right = _parts(condition)
    left = event.get(name)
    other = event.get(right["$m"]) if isinstance(right, dict) else right
    if left is None or other is None:
        return False
    return bool((operator.eq if op == "=" else _COMPARISONS[op])(left, other))


def fields(condition: Condition) -> set[str]:
    """The names of the event's fields a condition reads."""
    if "$and" in condition or "$or" in condition:
        return set().union(
            *(fields(c) for c in [*condition.get("$and", []), *condition.get("$or", [])])
        )
    _, name, right = _parts(condition)
    return {name, right["$m"]} if isinstance(right, dict) else {name}


def decided(frame: pl.DataFrame, decision: Decision) -> pl.DataFrame:
    """The rows of ``frame`` that meet one of the decision's conditions, each with its
    ``status``. A field the frame lacks is read as missing, as the engine reads an event
    without it: no comparison with it holds."""
    text = json.dumps(decision)
    read, status = _compiled(text)
    missing = [pl.lit(None).alias(name) for name in read if name not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.String).alias("status"))
    # The rows meeting a condition first: a status for every row would be a text per row.
    return rows_where(frame, _met(text)).with_columns(status)


def within(column: str, ids: Iterable[str] | pl.Series) -> pl.Expr:
    """Whether ``column`` holds one of ``ids`` (texts: a department's, a record's)."""
    values = ids if isinstance(ids, pl.Series) else pl.Series(list(ids), dtype=pl.String)
    return pl.col(column).is_in(values.implode())


def rows_where(frame: pl.DataFrame, predicate: pl.Expr) -> pl.DataFrame:
    """The rows of ``frame`` where ``predicate`` is true (as ``frame.filter``: not where it is
    false or null). A small frame's are picked by their positions: ``filter`` plans a query,
    which there costs several times the work itself; a large frame is filtered (which keeps
    the columns themselves where every row is kept, rather than copies)."""
    if frame.height > PICKED_UP_TO:
        return frame.filter(predicate)
    mask = frame.with_columns(predicate.alias(_MASK)).get_column(_MASK)
    return frame.gather(mask.arg_true())


PICKED_UP_TO = 10_000
"""The rows up to which ``rows_where`` picks rows by their positions."""

_MASK = "__rows_where"


@lru_cache(maxsize=4096)
def _compiled(decision: str) -> tuple[tuple[str, ...], pl.Expr]:
    """The fields a decision (its JSON) reads, and its ``status`` expression: compiled once
    for each decision, not at every evaluation."""
    conditions: dict[str, Condition] = json.loads(decision)
    read = set().union(*(fields(c) for c in conditions.values()))
    status: Any = pl.lit(None, pl.String)
    for name, condition in reversed(list(conditions.items())):
        # (a third of the time of a small check, were every comparison's null made false)
        status = (
            pl.when(_expression(condition, nulls_false=False)).then(pl.lit(name)).otherwise(status)
        )
    return tuple(sorted(read)), status.alias("status")


@lru_cache(maxsize=4096)
def _met(decision: str) -> pl.Expr:
    """Whether a row meets one of the conditions of a decision (its JSON): true, or else
    false or null (a filter keeps neither, as ``when`` reads a null as false)."""
    conditions: dict[str, Condition] = json.loads(decision)
    return pl.any_horizontal(
        pl.lit(False), *(_expression(c, nulls_false=False) for c in conditions.values())
    )


def decide(decision: Decision, event: Mapping[str, Any]) -> str | None:
    """The status whose condition ``event`` meets, read in Python (``None``: none)."""
    return next((name for name, c in decision.items() if holds(c, event)), None)
