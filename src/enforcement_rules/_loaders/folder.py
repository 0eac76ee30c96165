"""A folder of tables, one file per record type: ``officers.csv`` or ``执法人员.csv``,
``actions.parquet``... CSV and tab-separated files are read as text in whatever encoding they
are in; Parquet files keep their column types. Files of other kinds (a README, a workbook)
are not records of the folder and are left alone; a file named as a table that cannot be read
(a folder, a FIFO, a looping link, no permission) is an error naming it, never skipped. A
large table may be a folder of Parquet files (``actions/0001.parquet``...), read in the order
of their names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from .._columnar import Place
from .._errors import InputError, Problem
from .._limits import MAX_PROBLEMS
from .._records import Records
from . import Table, check_readable, indexed, listing, records_from_tables, unreadable
from .delimited import place_of, read_delimited

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


def parquet_parts(path: Path) -> list[Path]:
    """The Parquet files of a folder holding one table, in the order of their names."""
    return sorted(p for p in path.glob("*.parquet") if not p.name.startswith("."))


def contiguous(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (just read, held nowhere else) with each column in one piece, one column at a
    time. Parquet is read in pieces (row groups, files); the typed table mixes such columns
    with computed ones in one piece, and polars makes a frame whose columns are cut
    differently whole again (a copy of every column) on each filter or join."""
    for index, column in enumerate(frame.get_columns()):
        if column.n_chunks() > 1:
            frame.replace_column(index, column.rechunk())
    return frame


WHOLE_PARQUET_BYTES = 2 << 20
"""A Parquet file up to this size is read whole (polars decodes its columns in parallel); a
larger one a column at a time, so that the pages of one column are decoded at a time rather
than of all at once. Measured on the scale-1 tables: a 1 MiB file peaks no higher read whole,
a 3.6 MiB one 35 MiB higher (a 10 MiB one 120 MiB)."""


def read_parquet(path: Path) -> pl.DataFrame:
    """A Parquet file, each column in one piece."""
    if path.stat().st_size <= WHOLE_PARQUET_BYTES:
        return contiguous(pl.read_parquet(path))
    return pl.DataFrame(
        [
            pl.read_parquet(path, columns=[name]).to_series().rechunk()
            for name in pl.read_parquet_schema(path)
        ]
    )


def read_table_file(path: Path) -> Table:
    """One file of a folder (or a folder of Parquet files) as a table named by its name."""
    if path.suffix.lower() not in TABLE_SUFFIXES and path.is_dir():
        files = parquet_parts(path)
        for file in files:
            check_readable(file)
        try:
            frame = pl.read_parquet(files)
        except OSError as error:
            raise unreadable(path, error) from None
        except pl.exceptions.PolarsError as error:
            raise InputError(
                [Problem(str(path), "folder", None, "Parquet files", str(error).splitlines()[0])]
            ) from None
        return Table(path.name, contiguous(frame), Place(str(path), path.name, indexed(path.name)))
    if path.suffix.lower() == ".parquet":
        check_readable(path)
        try:
            frame = read_parquet(path)
        except OSError as error:
            raise unreadable(path, error) from None
        except pl.exceptions.PolarsError as error:
            raise InputError(
                [Problem(str(path), "file", None, "a Parquet file", str(error).splitlines()[0])]
            ) from None
        return Table(path.stem, frame, Place(str(path), "columns", indexed(path.stem)))
    return Table(path.stem, read_delimited(path), place_of(path))


def load_folder(path: Path) -> Records:
    """Validated records from every table file of a folder."""
    entries = listing(path)
    files = [
        p
        for p in entries
        if p.suffix.lower() in TABLE_SUFFIXES or (p.is_dir() and any(parquet_parts(p)))
    ]
    if not files:
        present = ", ".join(p.name for p in entries[:10]) or "nothing"
        raise InputError(
            [
                Problem(
                    str(path),
                    "folder",
                    None,
                    "one .csv (or .tsv, .parquet) file per record type, e.g. officers.csv",
                    present,
                )
            ]
        )
    problems: list[Problem] = []
    more = 0

    def tables() -> Iterator[Table]:
        """Each file read when it is validated, so that one file's cells are held at a time."""
        nonlocal more
        for file in files:  # every file's structural problems, not only the first file's
            try:
                table = read_table_file(file)
            except InputError as error:
                problems.extend(error.problems)
                more += error.more or 0
                continue
            if not problems:
                yield table

    try:
        records = records_from_tables(tables(), str(path), consume=True)
    except InputError:
        if not problems:
            raise
    if problems:  # a file that cannot be read: its problems come before any cell's
        more += max(0, len(problems) - MAX_PROBLEMS)
        raise InputError(problems[:MAX_PROBLEMS], more=more)
    return records
