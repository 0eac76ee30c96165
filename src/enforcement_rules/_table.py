"""Plain-text tables that line up in a terminal when cells hold Chinese (wide) characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ._terminal import printable


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns separated by two spaces, the last one unpadded, a rule under the headers;
    control characters (a line feed too) in a cell are escaped (``_terminal``)."""
    rows = [[printable(cell, one_line=True) for cell in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [pad(c, w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    out = [line(headers), "  ".join("─" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)
