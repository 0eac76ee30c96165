"""pandas and polars DataFrames, one per record type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from .._columnar import Place
from .._errors import InputError, Problem
from .._optional import require
from .._records import Records
from . import Table, indexed, records_from_tables


def as_polars(frame: Any, name: str, origin: str) -> pl.DataFrame:
    """A polars DataFrame of a polars, lazy polars or pandas frame."""
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    if isinstance(frame, pl.DataFrame):
        return frame
    if type(frame).__module__.split(".")[0] == "pandas":
        require("pyarrow", "reading pandas DataFrames")
        try:
            return _empty_as_null(pl.from_pandas(frame, include_index=False))
        except (TypeError, ValueError, pl.exceptions.PolarsError, ImportError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise InputError(
                [Problem(origin, name, None, "a DataFrame of plain columns", reason)]
            ) from None
    raise InputError(
        [Problem(origin, name, None, "a polars or pandas DataFrame", type(frame).__name__)]
    )


def _empty_as_null(frame: pl.DataFrame) -> pl.DataFrame:
    """pandas reads a CSV column with no value in it as floats, all NaN: such a column is
    empty (a column of nulls), whatever the field's type. A column with any value keeps its
    type, so ids read as numbers are still refused."""
    empty = [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_float() and frame.height and frame[name].null_count() == frame.height
    ]
    return frame.with_columns(pl.lit(None).alias(name) for name in empty) if empty else frame


def from_frames(frames: Mapping[str, Any], *, origin: str = "<frames>") -> Records:
    """Validate one DataFrame per record type, keyed by its name (English or Chinese)."""
    tables = [
        Table(name, as_polars(frame, name, origin), Place(origin, name, indexed(name)))
        for name, frame in frames.items()
    ]
    return records_from_tables(tables, origin)
