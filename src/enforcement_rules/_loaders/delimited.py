"""CSV (and tab-separated) files: the encoding found without being told, every cell read as
text and checked column by column.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
"Unicode text"), and GB18030, which includes GBK and GB2312. Rows are numbered as a
spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from .._columnar import Place
from .._errors import InputError, Problem
from .._limits import MAX_PROBLEMS

_UTF8_EVIDENCE = 8
"""Non-ASCII characters read as UTF-8 before a bad byte that show a file is UTF-8 (GB18030
text fails as UTF-8 within its first few Chinese characters)."""


def spreadsheet_row(index: int) -> str:
    """A record's row as a spreadsheet shows it: the header is row 1."""
    return f"row {index + 2}"


def decode(data: bytes, file: str) -> tuple[str, str]:
    """The text of a file and the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8", file), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", file), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        read = data[: error.start].decode("utf-8")
        if sum(not c.isascii() for c in read) >= _UTF8_EVIDENCE:
            # Chinese already read as UTF-8 before this byte: a damaged UTF-8 file, not
            # GB18030 (reading it as GB18030 would turn its Chinese into other characters)
            _decode(data, "utf-8", file)
    return _decode(data, "gb18030", file), "gb18030"


def _decode(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            [
                Problem(
                    file,
                    f"line {line} (byte {error.start})",
                    None,
                    "text in UTF-8, UTF-8 with BOM, UTF-16 with BOM, or GB18030/GBK",
                    data[error.start : error.start + 4].hex(" "),
                )
            ]
        ) from None


def read_delimited(path: Path) -> pl.DataFrame:
    """Every cell of a CSV or tab-separated file as text (empty cells as null)."""
    from . import read_input

    file = str(path)
    data = read_input(path)
    text, encoding = decode(data, file)
    if not text or text.isspace():
        raise InputError([Problem(file, "row 1", None, "a header row naming the columns")])
    end = text.find("\n")
    header = text if end < 0 else text[:end]  # not a split: that copies the whole file
    separator = (
        "\t" if path.suffix.lower() == ".tsv" or ("\t" in header and "," not in header) else ","
    )
    source = data if encoding == "utf-8" else text.encode("utf-8")
    if encoding == "utf-8-sig":
        source = data[len(codecs.BOM_UTF8) :]
    try:
        frame = pl.read_csv(
            io.BytesIO(source),
            separator=separator,
            infer_schema=False,
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as error:
        problems, more = _locate_csv_errors(text, separator, file, error)
        raise InputError(problems, more=more) from None
    if any(_DUPLICATED in c for c in frame.columns):
        # the header as polars read it, its repeated names given back their own
        header = ", ".join(c.split(_DUPLICATED)[0] for c in frame.columns)
        raise InputError([Problem(file, "row 1", None, "each column once", header)])
    return frame


_DUPLICATED = "_duplicated_"  # polars names a repeated column "name_duplicated_0"


def _locate_csv_errors(
    text: str, separator: str, file: str, error: Exception
) -> tuple[list[Problem], int]:
    """Find the rows polars could not read (only on failure, so the row loop costs nothing when
    the file is well formed): the first ``MAX_PROBLEMS`` of them and how many more there are."""
    problems: list[Problem] = []
    found = 0
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        width = len(next(rows))
        for number, row in enumerate(rows, start=2):
            if row and len(row) != width:
                found += 1
                if len(problems) < MAX_PROBLEMS:
                    where = f"row {number}"
                    expected = f"{width} cells, as in the header"
                    problems.append(Problem(file, where, None, expected, str(len(row))))
    except csv.Error as bad:
        found += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(
                Problem(file, f"line {rows.line_num}", None, "well-formed CSV", str(bad))
            )
    if not problems:
        reason = str(error).splitlines()[0]
        return [Problem(file, "file", None, "well-formed CSV", reason)], 0
    return problems, found - len(problems)


def place_of(path: Path) -> Place:
    return Place(str(path), "header", spreadsheet_row)
