"""Plain-text tables for the terminal, drawn by rich: Chinese (wide) characters line up, and
a table fits the width it is given: the last column wraps, the others are cut with "…"."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._terminal import printable

_GAP = 2  # columns between two cells
_NARROWEST = 4  # a cut column keeps this many
_NARROWEST_WRAPPED = 24  # the wrapped column keeps this many
_UNLIMITED = 1_000_000
# Latin words, numbers and ids stay whole; a line may break between any two Chinese characters.
_NO_LINE_START = set("。，、；：！？）」』》,.;:!?)")
_TOKEN = re.compile(r"[\w.\-:/@+=]+|\s+|.", re.ASCII | re.DOTALL)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters take two."""
    return cell_len(text)


def terminal_width() -> int | None:
    """The width tables are fitted to: the terminal's, when standard output is one;
    ``COLUMNS`` when set; otherwise none (output piped to a file keeps every character)."""
    if sys.stdout.isatty():
        return os.get_terminal_size(sys.stdout.fileno()).columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None
) -> str:
    """Columns separated by two spaces, a rule under the headers; fitted to ``width``
    (default ``terminal_width()``): the last column wraps, the others are cut with "…"."""
    width = terminal_width() if width is None else width
    rows = [[printable(cell, one_line=True) for cell in row] for row in rows]
    naturals = [
        max([cell_len(h), *(cell_len(row[i]) for row in rows)]) for i, h in enumerate(headers)
    ]
    widths = _fit(naturals, width) if width else naturals
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style=""
    )
    last = len(headers) - 1
    for index, (header, column_width) in enumerate(zip(headers, widths, strict=True)):
        table.add_column(
            header,
            width=column_width,
            no_wrap=index != last,
            overflow="fold" if index == last else "ellipsis",
        )
    for row in rows:
        cells = [Text(cell) for cell in row[:-1]]
        table.add_row(*cells, Text(wrap(row[-1], widths[-1]) if width else row[-1]))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=sum(widths) + _GAP * last if width else _UNLIMITED,
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _fit(naturals: list[int], width: int) -> list[int]:
    """Column widths within ``width``: the last (wrapped) column gives way first, down to a
    readable width, then the widest of the others, one column at a time."""
    widths = list(naturals)
    room = width - _GAP * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    others = sum(widths[:-1])
    widths[-1] = max(min(naturals[-1], _NARROWEST_WRAPPED), room - others)
    while sum(widths) > room:
        widest = max(range(len(widths) - 1), key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= _NARROWEST:
            break
        widths[widest] -= 1
    return widths


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` columns, broken between Chinese characters or
    at spaces, never inside a Latin word or an id unless it is longer than a line."""
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(text):
        size = cell_len(token)
        if token == "\n" or (used + size > width and line):
            carried = ""
            if token in _NO_LINE_START and len(line) > 1:  # 「。」 does not begin a line
                line, carried = line[:-1], line[-1]
            lines.append(line.rstrip())
            line, used = carried, cell_len(carried)
            if token.isspace():
                continue
        while size > width:  # a word longer than a line is cut where the line ends
            cut = _fits(token, width - used)
            lines.append(line + token[:cut])
            token, line, used = token[cut:], "", 0
            size = cell_len(token)
        line += token
        used += size
    lines.append(line.rstrip())
    return "\n".join(lines)


def _fits(token: str, room: int) -> int:
    used = 0
    for index, char in enumerate(token):
        used += cell_len(char)
        if used > room:
            return max(index, 1)
    return len(token)


def fit_lines(text: str, width: int | None = None) -> str:
    """Every line of ``text`` wrapped to ``width`` (default ``terminal_width()``), a wrapped
    line's continuation indented under its first words."""
    width = terminal_width() if width is None else width
    if not width:
        return text
    out = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * min(len(line) - len(body) + 2, width // 2)
        first, *rest = wrap(body, width - len(indent)).split("\n")
        out.append(line[: len(line) - len(body)] + first)
        out += [indent + part for part in rest]
    return "\n".join(out)
