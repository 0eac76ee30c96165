"""Cells a spreadsheet program reads: text that would start a formula is written as text.

A department name or an id such as ``=HYPERLINK("http://…")`` or ``@SUM(…)`` becomes a live
formula when a CSV file or a workbook is opened. Following the OWASP guidance on CSV
injection, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or the full-width ``＝``, ``＋``, ``－``, ``＠`` a Chinese input method types) is written with a
leading apostrophe (``'=HYPERLINK(…)``), which spreadsheet programs show as text. Only text
cells are touched: a number (``-3``), a date or a boolean is written as itself. Every CSV file
and workbook the library writes (reports, ``convert``) passes through ``formula_safe``, and
workbooks are opened with ``workbook``, which also writes no text as a formula or a link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from ._optional import require

FORMULA_STARTS = "=+-@\t\r＝＋－＠"
"""The first characters that make a spreadsheet program read a cell as a formula."""
_STARTS_FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS) + "]"


def formula_safe_text(value: pl.Expr) -> pl.Expr:
    """A text column with each value that would start a formula prefixed with ``'``."""
    return pl.when(value.str.contains(_STARTS_FORMULA)).then(pl.lit("'") + value).otherwise(value)


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its text columns made formula-safe (other columns unchanged)."""
    return frame.with_columns(
        formula_safe_text(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def workbook(path: Path, *, streamed: bool = False) -> Any:
    """An xlsxwriter workbook writing every string as a string (never a formula or a link);
    ``streamed``: each row is written out as it comes (constant memory, rows in order)."""
    xlsxwriter = require("xlsxwriter", "writing Excel workbooks")
    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False}
    if streamed:
        options |= {
            "constant_memory": True,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        }
    return xlsxwriter.Workbook(str(path), options)
