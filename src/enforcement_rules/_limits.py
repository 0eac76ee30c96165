"""The limits of what is read, stated once and shared by every way in.

A value outside them is refused with a located ``InputError`` (a rule file outside them with a
``RuleError``), whichever format it came in: the pydantic field types of ``_fields`` and
``_models`` carry the value limits (so one record posted to the monitor meets them too), the
columnar checks of ``_columnar`` read them from there, and the readers of ``_loaders``,
``_records`` and ``_yamlfile`` check the sizes before they read.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# -- values -----------------------------------------------------------------------------------

FIRST_DAY = date(1, 1, 1)
LAST_DAY = date(9999, 12, 31)
"""Dates, and date-times in UTC and as their day in Asia/Shanghai, lie from year 1 to 9999."""

MAX_COUNT = 1_000_000_000
"""Counts (staff, reviewers, how many times an activity was held) are whole numbers up to this."""

MAX_HOURS = 8_784.0
"""Hours of training in one record: at most the hours of a leap year."""

MAX_TEXT_CHARS = 10_000
"""A text field holds at most this many characters."""

WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""The white space stripped around a text: Unicode's White_Space, what polars strips in the
columnar checks (Python's ``str.strip()`` would also strip the separators U+001C-U+001F)."""

# -- inputs -----------------------------------------------------------------------------------

MAX_JSON_BYTES = 100 * 1024 * 1024
"""A JSON or JSON Lines file is refused above 100 MiB before it is read (a JSON file takes
about 20 times its size in memory); larger record sets go in CSV or Parquet, which are read
column by column."""

MAX_JSON_DEPTH = 32
"""Arrays and objects nest at most this deep in JSON (the record contract needs 4)."""

MAX_INT_DIGITS = 30
"""A JSON number is written with at most this many digits (more is no count or year)."""

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 10_000
"""A workbook (a zip archive) is refused before extraction when its members would expand to
more than 512 MiB, or when it has more members than this."""

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_VALUES = 200_000
"""A rule file is at most 2 MiB and builds at most this many values (aliases counted each time
they are used, so a "billion laughs" file stops here)."""

MAX_PROBLEMS = 50
"""An input error lists at most this many problems (and says how many more there were)."""

SHANGHAI = ZoneInfo("Asia/Shanghai")


def invalid_unicode(text: str) -> bool:
    """Whether a text holds a lone surrogate (``\\ud800``), which no encoding can write."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(text: str) -> None:
    """Raise ``ValueError`` saying what was expected of a text outside the limits."""
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"a text of at most {MAX_TEXT_CHARS} characters")
    if invalid_unicode(text):
        raise ValueError("valid Unicode text (a lone surrogate such as \\ud800 is not)")


def check_day(day: date) -> None:
    """Raise ``ValueError`` for a day outside years 1-9999 (Python's own dates cannot be)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError("a date from 0001-01-01 to 9999-12-31")


EXPECTED_MOMENT_RANGE = (
    "a date-time from 0001-01-01 to 9999-12-31, in UTC and in Asia/Shanghai (its day there)"
)


def check_moment(moment: datetime) -> None:
    """Raise ``ValueError`` for a date-time that falls outside years 1-9999 in UTC or in
    Asia/Shanghai (every conversion goes through UTC, so both must be dates)."""
    try:
        moment.astimezone(SHANGHAI)
    except (OverflowError, ValueError):
        raise ValueError(EXPECTED_MOMENT_RANGE) from None


def escaped(text: str) -> str:
    """A text that can be written in UTF-8: lone surrogates written as ``\\ud800``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def shown(value: object) -> str:
    """A value as a problem shows it: JSON, cut at 60 characters, lone surrogates escaped."""
    text = escaped(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 60 else text[:57] + "..."


# -- JSON -------------------------------------------------------------------------------------


class JsonLimitError(ValueError):
    """JSON text outside the limits: ``expected`` says what was wanted, ``position`` where."""

    def __init__(self, expected: str, position: int | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.position = position


_LONG_NUMBER = re.compile(rf"-?\d{{{MAX_INT_DIGITS + 1},}}")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonLimitError(f"a number of at most {MAX_INT_DIGITS} digits")
    return int(text)


def parse_json(text: str) -> Any:
    """Parse JSON within the limits: numbers of at most ``MAX_INT_DIGITS`` digits, nesting at
    most ``MAX_JSON_DEPTH`` deep. Raises ``json.JSONDecodeError`` for malformed JSON and
    ``JsonLimitError`` (with the character position where it can tell) outside the limits."""
    try:
        data = json.loads(text, parse_int=_bounded_int)
    except RecursionError:
        raise JsonLimitError(f"arrays and objects nested at most {MAX_JSON_DEPTH} deep") from None
    except JsonLimitError as error:
        match = _LONG_NUMBER.search(text)
        raise JsonLimitError(error.expected, match.start() if match else None) from None
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        raise JsonLimitError(f"arrays and objects nested at most {MAX_JSON_DEPTH} deep")
    return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """The 1-based line and column of a character position (lines end at ``\\n`` only)."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1
