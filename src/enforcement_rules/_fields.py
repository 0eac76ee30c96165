"""Field types of the record contract: strict, with errors that say what was expected.

Nothing is coerced into something else: ``"60"`` is not a number, ``20240101`` is not a date,
a date-time without a UTC offset is refused. Enumerations take their English value or the
Chinese words listed in ``_vocab``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic_core import core_schema

from ._dates import parse_day, period_label
from ._limits import MAX_TEXT_CHARS, WHITESPACE, check_day, check_moment, check_text
from ._vocab import (
    ActionKind,
    ActivityKind,
    BasisLevel,
    CertificateStatus,
    Education,
    Employment,
    InspectionMethod,
    Level,
    Procedure,
    accepted_words,
    parse_enum,
)

_DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_MOMENT_PATTERN = re.compile(
    # a year from 0001, hours to 23, minutes and seconds to 59, an offset under 24 hours:
    # one pattern for the models and the columnar checks, so both refuse the same texts
    r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}"
    r"[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])"
)


_DAYS: dict[str, date] = {}  # days read from texts, the latest few thousand


def _day(value: object) -> object:
    if value.__class__ is str:  # the common case first: a day read before
        day = _DAYS.get(value)
        if day is not None:
            return day
    if isinstance(value, datetime):
        raise ValueError("a date as YYYY-MM-DD, not a date-time")
    if isinstance(value, date):
        check_day(value)
        return value
    if isinstance(value, str):
        day = parse_day(value.strip(WHITESPACE))
        if value.__class__ is str:
            if len(_DAYS) >= 4096:
                _DAYS.clear()
            _DAYS[value] = day
        return day
    return value  # the strict date validator reports the wrong type


def _moment(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a date-time with a UTC offset, e.g. 2025-01-15T16:30:00+08:00")
        check_moment(value)
        return value
    if isinstance(value, str):
        text = value.strip(WHITESPACE)
        if not _MOMENT_PATTERN.fullmatch(text):
            raise ValueError("a date-time with a UTC offset, e.g. 2025-01-15T16:30:00+08:00")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("a real date-time with a UTC offset") from None
        check_moment(moment)
        return moment
    return value


def _day_or_moment(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(_DAY_PATTERN[1:-1], value.strip(WHITESPACE)):
        return parse_day(value.strip(WHITESPACE))
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        check_day(value)
        return value
    if isinstance(value, str):
        try:
            return _moment(value)
        except ValueError as error:
            if _MOMENT_PATTERN.fullmatch(value.strip(WHITESPACE)):
                raise  # a date-time outside the limits says so
            raise ValueError(
                "a date as YYYY-MM-DD or a date-time with a UTC offset (2025-01-15T16:30:00+08:00)"
            ) from error
    return value


def _text(value: object) -> object:
    if isinstance(value, str):
        stripped = value.strip(WHITESPACE)
        if not stripped:
            raise ValueError("a non-empty text")
        if not stripped.isascii() or len(stripped) > MAX_TEXT_CHARS:
            check_text(stripped)  # ASCII within the length always passes
        return stripped
    return value


def _key(value: object) -> object:
    if isinstance(value, str):
        check_text(value)
    return value


Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DAY_PATTERN}),
]
"""A day in Asia/Shanghai, written ``YYYY-MM-DD``."""

Moment = Annotated[
    datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A date-time that carries its UTC offset."""

DayOrMoment = Annotated[
    date | datetime,
    BeforeValidator(_day_or_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": _DAY_PATTERN},
                {"type": "string", "format": "date-time"},
            ]
        }
    ),
]
"""A day, or a date-time with its UTC offset (compared as its day in Asia/Shanghai)."""

Text = Annotated[
    str,
    BeforeValidator(_text),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS}),
]
"""A non-empty text of valid Unicode; surrounding spaces are not part of it."""

Key = Annotated[str, BeforeValidator(_key), WithJsonSchema({"type": "string"})]
"""A key of a map (an officer id of contest scores): valid Unicode, as every text."""


def _period(value: object) -> object:
    if isinstance(value, str):
        return period_label(value)
    return value  # the strict string validator reports the wrong type


PeriodLabel = Annotated[
    str,
    BeforeValidator(_period),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{4}(-Q[1-4])?$", "examples": ["2024", "2024-Q1"]}
    ),
]
"""A year (``2024``) or a calendar quarter (``2024-Q1``); ``2024年第1季度`` is accepted too."""


@dataclass(frozen=True)
class Words:
    """Field metadata: an enumeration field that takes the English value or one of the Chinese
    words of ``_vocab`` (``Annotated[Level, Words(Level)]``)."""

    enum: type[StrEnum]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda value: parse_enum(self.enum, value), handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "enum": accepted_words(self.enum)}


ActionKindName = Annotated[ActionKind, Words(ActionKind)]
ActivityKindName = Annotated[ActivityKind, Words(ActivityKind)]
BasisLevelName = Annotated[BasisLevel, Words(BasisLevel)]
CertificateStatusName = Annotated[CertificateStatus, Words(CertificateStatus)]
EducationName = Annotated[Education, Words(Education)]
EmploymentName = Annotated[Employment, Words(Employment)]
InspectionMethodName = Annotated[InspectionMethod, Words(InspectionMethod)]
LevelName = Annotated[Level, Words(Level)]
ProcedureName = Annotated[Procedure, Words(Procedure)]


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"each value once; {v!r} is repeated")
        seen.add(v)
    return values


UniqueTexts = Annotated[list[Text], AfterValidator(_unique)]
"""A list of texts, each at most once."""
