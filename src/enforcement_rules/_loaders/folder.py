"""A folder of tables, one file per record type: ``officers.csv`` or ``执法人员.csv``,
``actions.parquet``... CSV and tab-separated files are read as text in whatever encoding they
are in; Parquet files keep their column types. Files of other kinds (a README, a workbook)
are not records of the folder and are left alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .._columnar import Place
from .._errors import InputError, Problem
from .._records import Records
from . import Table, indexed, records_from_tables
from .delimited import place_of, read_delimited

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


def read_table_file(path: Path) -> Table:
    """One file of a folder as a table named by its file name."""
    if path.suffix.lower() == ".parquet":
        try:
            frame = pl.read_parquet(path)
        except pl.exceptions.PolarsError as error:
            raise InputError(
                [Problem(str(path), "file", None, "a Parquet file", str(error).splitlines()[0])]
            ) from None
        return Table(path.stem, frame, Place(str(path), "columns", indexed(path.stem)))
    return Table(path.stem, read_delimited(path), place_of(path))


def load_folder(path: Path) -> Records:
    """Validated records from every table file of a folder."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)
    if not files:
        present = ", ".join(sorted(p.name for p in path.iterdir())[:10]) or "nothing"
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
    return records_from_tables([read_table_file(p) for p in files], str(path))
