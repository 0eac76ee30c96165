"""Ways in besides the JSON file: text rows, CSV and Parquet folders, Excel workbooks, JSON
Lines, DataFrames. Each reads its input into one table per record type and hands the tables
to the columnar validation of ``_columnar`` (JSON Lines goes through the pydantic models, as
JSON does), so every way in gives the same ``Records`` and the same kinds of problems."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .._columnar import Place, validate_table
from .._columns import record_type
from .._errors import InputError, Problem
from .._limits import MAX_PROBLEMS
from .._models import RECORD_TYPES
from .._records import Records

READABLE = "a readable file"


def unreadable(path: Path, error: OSError) -> InputError:
    """The error for a file the system would not let us read, with the system's reason."""
    reason = error.strerror or type(error).__name__
    return InputError([Problem(str(path), "file", None, READABLE, reason)])


def check_readable(path: Path, max_bytes: int | None = None) -> int:
    """The size of a regular file that can be opened without blocking; otherwise an
    ``InputError`` naming it (a folder, a FIFO, a dangling or looping link, a file too big)."""
    try:
        info = path.stat()
    except OSError as error:
        raise unreadable(path, error) from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO or device)"
        raise InputError([Problem(str(path), "file", None, READABLE, what)])
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(
            [
                Problem(
                    str(path),
                    "file",
                    None,
                    f"a file of at most {max_bytes} bytes ({max_bytes / 2**20:.0f} MiB); "
                    "larger record sets go in CSV or Parquet",
                    f"{info.st_size} bytes",
                )
            ]
        )
    return info.st_size


def read_input(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of an input file, refused by an ``InputError`` naming it when it cannot be
    read or is larger than ``max_bytes``."""
    check_readable(path, max_bytes)
    try:
        with path.open("rb") as stream:
            data: bytes = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except OSError as error:
        raise unreadable(path, error) from None
    if max_bytes is not None and len(data) > max_bytes:  # it grew since
        check_readable(path, max_bytes)
        raise InputError([Problem(str(path), "file", None, f"at most {max_bytes} bytes")])
    return data


def listing(folder: Path) -> list[Path]:
    """The entries of a folder, or an ``InputError`` naming it."""
    try:
        return sorted(folder.iterdir())
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            [Problem(str(folder), "folder", None, "a readable folder", reason)]
        ) from None


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


def without_empty_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each column of nothing but nulls held as one null: an optional field
    no record fills (a million of them would take 16 MiB as text)."""
    empty = [
        pl.lit(None, dtype=column.dtype).alias(column.name)
        for column in frame.get_columns()
        if frame.height and column.null_count() == frame.height
    ]
    return frame.with_columns(empty) if empty else frame


def records_from_tables(
    tables: Iterable[Table], origin: str, *, midnight_dates: bool = False, consume: bool = False
) -> Records:
    """Validate every table; ``Records`` if all are valid, else one ``InputError`` listing
    the problems of all of them (up to ``MAX_PROBLEMS``). ``tables`` may be read one at a
    time as they are validated: no table's cells are held once it is typed. With ``consume``
    (tables read for this alone), a table's cells go column by column as they are typed."""
    problems: list[Problem] = []
    typed: dict[str, pl.DataFrame] = {}
    seen: dict[str, Place] = {}
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
                    f"also {seen[kind].table} in {seen[kind].file}",
                )
            )
            continue
        seen[kind] = table.place
        frame, found = validate_table(
            kind, table.frame, table.place, midnight_dates=midnight_dates, consume=consume
        )
        del table  # its cells, once typed
        problems += found
        typed[kind] = without_empty_columns(frame)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    return Records(typed, origin=origin)
