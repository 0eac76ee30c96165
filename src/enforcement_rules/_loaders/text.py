"""Records written as rows of text cells, as in a Gherkin table or a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import polars as pl

from .._columnar import Place
from .._records import Records
from . import Table, records_from_tables


def from_text_rows(
    tables: Mapping[str, Iterable[Mapping[str, str]]], *, origin: str = "<text>"
) -> Records:
    """Validate tables of text rows, keyed by record type (English or Chinese)."""
    found = []
    for name, rows in tables.items():
        listed = list(rows)
        headers = list(dict.fromkeys(header for row in listed for header in row))
        frame = pl.DataFrame(
            {h: [row.get(h) for row in listed] for h in headers},
            schema=dict.fromkeys(headers, pl.String),
        )
        found.append(Table(name, frame, Place(origin, f"table '{name}'", _row_of(name))))
    return records_from_tables(found, origin)


def _row_of(name: str) -> Callable[[int], str]:
    return lambda index: f"{name} row {index + 1}"
