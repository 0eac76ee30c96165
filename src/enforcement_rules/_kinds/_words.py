"""Small helpers that word figures in messages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .._vocab import ActionKind, label, parse_enum


def listed(items: Iterable[object]) -> str:
    """Items joined the Chinese way: ``a、b、c``."""
    return "、".join(str(i) for i in items)


def number(value: float | int) -> str:
    """``60`` for 60.0, ``59.5`` for 59.5."""
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else f"{as_float:g}"


@cache
def kinds_zh(kind: str) -> str:
    """The Chinese word of an action kind (a few words, looked up once each)."""
    try:
        return label(parse_enum(ActionKind, kind))
    except ValueError:
        return kind


def period_zh(period: str) -> str:
    """``2024年第1季度`` for 2024-Q1, ``2024年`` for 2024."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"{year}年第{quarter}季度"
    return f"{period}年"
