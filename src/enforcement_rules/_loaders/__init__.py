"""Ways in besides the JSON file: text rows, CSV and Parquet folders, Excel workbooks, JSON
Lines, DataFrames. Each reads its input into one table per record type and hands the tables
to the columnar validation of ``_columnar`` (JSON Lines goes through the pydantic models, as
JSON does), so every way in gives the same ``Records`` and the same kinds of problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from .._columnar import Place, validate_table
from .._columns import record_type
from .._errors import InputError, Problem
from .._models import RECORD_TYPES
from .._records import MAX_PROBLEMS, Records


@dataclass(frozen=True)
class Table:
    """One table of an input: the name it has there (a file stem, a sheet name, a key; English
    or Chinese), its cells, and where it is, for the problems found in it."""

    name: str
    frame: pl.DataFrame
    place: Place


def indexed(name: str) -> Callable[[int], str]:
    """Records named by position, as in a JSON array or a DataFrame: ``officers[0]``."""
    return lambda index: f"{name}[{index}]"


def unknown_type(place: Place, name: str) -> Problem:
    return Problem(
        place.file,
        place.table,
        None,
        "a record type, named in English or Chinese: " + ", ".join(RECORD_TYPES),
        repr(name),
    )


def records_from_tables(
    tables: Sequence[Table], origin: str, *, midnight_dates: bool = False
) -> Records:
    """Validate every table; ``Records`` if all are valid, else one ``InputError`` listing
    the problems of all of them (up to ``MAX_PROBLEMS``)."""
    problems: list[Problem] = []
    typed: dict[str, pl.DataFrame] = {}
    seen: dict[str, Table] = {}
    for table in tables:
        try:
            kind = record_type(table.name)
        except KeyError:
            problems.append(unknown_type(table.place, table.name))
            continue
        if kind in seen:
            problems.append(
                Problem(
                    table.place.file,
                    table.place.table,
                    None,
                    f"one table of {kind}",
                    f"also {seen[kind].place.table} in {seen[kind].place.file}",
                )
            )
            continue
        seen[kind] = table
        frame, found = validate_table(kind, table.frame, table.place, midnight_dates=midnight_dates)
        problems += found
        typed[kind] = frame
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    return Records(typed, origin=origin)
