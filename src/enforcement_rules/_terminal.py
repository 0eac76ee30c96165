"""Text shown to a person: control characters escaped, never written raw.

An id or a name holding an escape sequence (``\\x1b[2J`` clears a screen), a carriage return
(it overwrites the line shown), a right-to-left override (it reverses what follows) or a lone
surrogate would act on the terminal, or on the reader, instead of being read. Every table, the
``watch`` stream, the command's other output and its error messages pass through
``printable``, which writes each such character as ``\\uXXXX``: visible, and a valid escape
inside JSON text, so JSON stays JSON.
"""

from __future__ import annotations

import json
import re

_CONTROLS = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 (but the line feed) and C1 controls, DEL
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # direction marks, embeddings and overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates (not text)
)
_SHOWN_RAW = re.compile(f"[{_CONTROLS}]")
_ONE_LINE = re.compile(f"[{_CONTROLS}\n]")


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with each control character written as ``\\uXXXX`` (``\\u001b``); line feeds
    are kept unless ``one_line`` (a table cell, a line of a stream)."""
    pattern = _ONE_LINE if one_line else _SHOWN_RAW
    return pattern.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def json_line(data: object) -> str:
    """``data`` as one line of JSON (Chinese as written, control characters escaped)."""
    return printable(json.dumps(data, ensure_ascii=False, default=str), one_line=True)
