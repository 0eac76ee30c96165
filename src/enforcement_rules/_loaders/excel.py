"""Excel workbooks (.xlsx): one sheet per record type, named in English or Chinese.

Every cell is read as text (a number cell as the number written out), so a workbook is checked
exactly as a CSV file is; a date cell, which a spreadsheet holds as a date-time at midnight,
counts as its day. Rows are numbered as the spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from .. import _limits
from .._columnar import Place
from .._errors import InputError, Problem
from .._optional import require
from .._records import Records
from . import Table, check_readable, records_from_tables, unreadable


def check_archive(path: Path) -> None:
    """Refuse a zip archive (a workbook is one) whose members would expand beyond the limits,
    reading only its directory, before anything is extracted."""
    file = str(path)
    check_readable(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as error:
        raise unreadable(path, error) from None
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise InputError(
            [Problem(file, "workbook", None, "an Excel workbook (.xlsx)", str(error))]
        ) from None
    if len(members) > _limits.MAX_ARCHIVE_MEMBERS:
        raise InputError(
            [
                Problem(
                    file,
                    "workbook",
                    None,
                    f"a workbook of at most {_limits.MAX_ARCHIVE_MEMBERS} archive members",
                    str(len(members)),
                )
            ]
        )
    expanded = sum(member.file_size for member in members)
    if expanded > _limits.MAX_UNCOMPRESSED_BYTES:
        limit = _limits.MAX_UNCOMPRESSED_BYTES
        raise InputError(
            [
                Problem(
                    file,
                    "workbook",
                    None,
                    f"a workbook that would expand to at most {limit} bytes "
                    f"({limit / 2**20:.0f} MiB); larger record sets go in CSV or Parquet",
                    f"{expanded} bytes",
                )
            ]
        )


def read_workbook(path: Path) -> list[Table]:
    """Each sheet of the workbook as a table of text cells."""
    fastexcel = require("fastexcel", "reading Excel workbooks")
    file = str(path)
    check_archive(path)
    try:
        reader = fastexcel.read_excel(str(path))
        tables = []
        for name in reader.sheet_names:
            frame = reader.load_sheet(name, dtypes="string").to_polars()
            place = Place(file, f"sheet '{name}'", _row_of(name))
            tables.append(Table(name, frame, place))
    except fastexcel.FastExcelError as error:
        reason = str(error).splitlines()[0]
        raise InputError(
            [Problem(file, "workbook", None, "an Excel workbook (.xlsx)", reason)]
        ) from None
    return tables


def _row_of(sheet: str) -> Callable[[int], str]:
    return lambda index: f"sheet '{sheet}' row {index + 2}"


def load_workbook(path: Path) -> Records:
    """Validated records from an Excel workbook."""
    tables = [t for t in read_workbook(path) if t.frame.width or t.frame.height]
    return records_from_tables(tables, str(path), midnight_dates=True)
