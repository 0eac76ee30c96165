"""Natural order of rule ids: D1, D2, …, D12 (numbers compared as numbers)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import polars as pl

_NUMBER = re.compile(r"(\d+)")


@lru_cache(maxsize=8192)
def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that compares the runs of digits in ``text`` as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER.split(text) if part
    )


def natural_sorted(values: Iterable[str]) -> list[str]:
    """``values`` sorted naturally (``D2`` before ``D12``)."""
    return sorted(values, key=natural_key)


def ordered(values: Iterable[Any], *, natural: bool = False) -> list[Any]:
    """Distinct ``values`` in the order ``sort_frame`` puts them: naturally (``natural``) or
    as polars sorts them (text by code point), null last."""
    given = list(values)
    present = [v for v in given if v is not None]
    first = natural_sorted(present) if natural else sorted(present)
    return [*first, None] if len(present) < len(given) else first


def sort_frame(frame: pl.DataFrame, by: list[str], *, natural: str = "rule") -> pl.DataFrame:
    """``frame`` sorted by the columns ``by``, the column ``natural`` in natural order, nulls
    last."""
    if not by or frame.height < 2:
        return frame
    if natural not in by:
        return frame.sort(by, nulls_last=True)
    # the natural column sorted as an enum of its values in natural order (a mapping to ranks
    # costs more than the sort on a small frame)
    values = frame.get_column(natural).unique().to_list()
    natural_order = pl.Enum(natural_sorted(v for v in values if v is not None))
    keys = [
        pl.col(natural).cast(natural_order) if column == natural else pl.col(column)
        for column in by
    ]
    return frame.sort(keys, nulls_last=True)
