"""Natural order of rule ids: D1, D2, …, D12 (numbers compared as numbers)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

_NUMBER = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that compares the runs of digits in ``text`` as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER.split(text) if part
    )


def natural_sorted(values: Iterable[str]) -> list[str]:
    """``values`` sorted naturally (``D2`` before ``D12``)."""
    return sorted(values, key=natural_key)


def sort_frame(frame: pl.DataFrame, by: list[str], *, natural: str = "rule") -> pl.DataFrame:
    """``frame`` sorted by the columns ``by``, the column ``natural`` in natural order, nulls
    last."""
    if not by or frame.height < 2:
        return frame
    if natural not in by:
        return frame.sort(by, nulls_last=True)
    ranks = {v: i for i, v in enumerate(natural_sorted(frame[natural].drop_nulls().unique()))}
    rank = "__natural_rank"
    keyed = frame.with_columns(
        pl.col(natural).replace_strict(ranks, default=None, return_dtype=pl.Int64).alias(rank)
    )
    columns = [rank if column == natural else column for column in by]
    return keyed.sort(columns, nulls_last=True).drop(rank)
