"""``load``: records from a file or folder, whatever the format."""

from __future__ import annotations

import stat
from pathlib import Path

from ._errors import InputError, Problem
from ._loaders import records_from_tables, unreadable
from ._loaders.excel import load_workbook
from ._loaders.folder import load_folder, read_table_file
from ._loaders.jsonl import load_jsonl
from ._records import Records

FORMATS = {
    ".json": "the JSON interchange file (one array per record type)",
    ".jsonl": "JSON Lines, one record per line with a 'type' field",
    ".ndjson": "JSON Lines, one record per line with a 'type' field",
    ".xlsx": "an Excel workbook, one sheet per record type",
    ".xlsm": "an Excel workbook, one sheet per record type",
    ".csv": "one CSV table, named by its record type (officers.csv)",
    ".tsv": "one tab-separated table, named by its record type",
    ".parquet": "one Parquet table, named by its record type",
}
"""What ``load`` reads, by file suffix; a folder holds one table file per record type."""


def load(path: str | Path) -> Records:
    """Load and validate records from a file or a folder; the format follows the name.

    - ``records.json``: the interchange file, one array per record type;
    - ``records.jsonl``: JSON Lines, one record per line with a ``type`` field;
    - ``records.xlsx``: an Excel workbook, one sheet per record type (English or Chinese
      sheet names such as ``officers`` or ``执法人员``);
    - a folder: one CSV (or tab-separated, or Parquet) file per record type, named in
      English or Chinese (``officers.csv``, ``执法人员.csv``), in UTF-8, UTF-8 with BOM or
      GB18030/GBK, with English or Chinese column headers;
    - ``officers.csv`` (or ``.tsv``, ``.parquet``): one table alone.

    A bad input raises ``InputError`` listing every problem found (up to 50), each with its
    file, sheet, row or line, column and the expected form; so does an input without a
    single record (nothing would be checked).

    Examples:
        >>> import enforcement_rules as er
        >>> er.load("examples/dawukou-2024/csv")  # doctest: +SKIP
        Records(departments=5, officers=31, certificates=27, trainings=130, actions=99)
    """
    location = Path(path)
    records = _load(location)
    if not any(records.counts().values()):
        raise InputError(
            [
                Problem(
                    str(location),
                    "records",
                    None,
                    "at least one record (this input holds none, so nothing would be checked)",
                )
            ]
        )
    return records


def _load(location: Path) -> Records:
    try:
        mode = location.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(
            [Problem(str(location), "path", None, "an existing file or folder")]
        ) from None
    except OSError as error:
        raise unreadable(location, error) from None
    if stat.S_ISDIR(mode):
        return load_folder(location)
    suffix = location.suffix.lower()
    if suffix == ".json":
        return Records.from_json(location)
    if suffix in (".jsonl", ".ndjson"):
        return load_jsonl(location)
    if suffix in (".xlsx", ".xlsm"):
        return load_workbook(location)
    if suffix in (".csv", ".tsv", ".parquet"):
        return records_from_tables([read_table_file(location)], str(location), consume=True)
    raise InputError(
        [
            Problem(
                str(location),
                "path",
                None,
                "a folder of tables or one of: " + ", ".join(FORMATS),
                location.suffix or "no suffix",
            )
        ]
    )
