"""Columnar validation: a whole table of one record type checked and typed at once.

CSV files, spreadsheets, Parquet files and DataFrames can hold a million rows; building a
pydantic model per row would be slow. Here each column is cast and checked with polars
expressions instead. The checks are derived from the pydantic models of ``_models`` (their
field types, bounds, defaults and whether a field is required), so both ways in accept and
refuse the same records; ``tests/test_columnar.py`` holds them to that.

A column may hold text (as in a CSV file: every cell is parsed from its written form, with the
same strictness as the JSON contract) or typed values (as in a DataFrame: dates, numbers,
booleans, lists). An empty cell leaves the field out (its default applies, or it is reported
as missing); an empty list cell is an empty list.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, Literal

import annotated_types
import polars as pl
from pydantic import AfterValidator, BeforeValidator
from pydantic.fields import FieldInfo

from . import _fields
from ._columns import FALSE_WORDS, LIST_SEPARATORS, TRUE_WORDS, field_name
from ._dates import TIMEZONE
from ._errors import Problem
from ._limits import (
    EXPECTED_MOMENT_RANGE,
    FIRST_DAY,
    LAST_DAY,
    MAX_INT_DIGITS,
    MAX_PROBLEMS,
    MAX_TEXT_CHARS,
    shown,
)
from ._models import RECORD_TYPES, Record, personal_fields
from ._records import MOMENT_SUFFIX, NOT_SHOWN, SCHEMAS
from ._vocab import ALIASES, CertificateStatus, accepted_words

Kind = Literal[
    "text", "str", "period", "enum", "day", "moment", "day_or_moment", "bool", "int", "float"
]

_DAY = r"^\d{4}-\d{2}-\d{2}$"
_MOMENT = "^" + _fields._MOMENT_PATTERN.pattern + "$"
_MIDNIGHT_DAY = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$"
_INT = r"^[+-]?\d+$"
_LONG_INT = rf"^[+-]?\d{{{MAX_INT_DIGITS + 1},}}$"
_PERIOD = r"^\d{4}(-Q[1-4])?$"
_CHINESE_PERIOD = r"^(?<year>\d{4})年(?:第?(?<quarter>[1-4一二三四])季度)?$"
_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_FLOAT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_SEPARATORS = "[" + "".join("\\" + c if c in "|/" else c for c in LIST_SEPARATORS) + "]"
_UNIT = "\x1f"  # stands in for every list separator while a list cell is split

EXPECTED_DAY = "a date as YYYY-MM-DD"
EXPECTED_MOMENT = "a date-time with a UTC offset, e.g. 2025-01-15T16:30:00+08:00"
EXPECTED_DAY_OR_MOMENT = (
    "a date as YYYY-MM-DD or a date-time with a UTC offset (2025-01-15T16:30:00+08:00)"
)
EXPECTED_MISSING = "a value (the field is required)"
EXPECTED_DAY_RANGE = "a date from 0001-01-01 to 9999-12-31"
EXPECTED_TEXT_LENGTH = f"a text of at most {MAX_TEXT_CHARS} characters"
EXPECTED_PERIOD = "a period as 2024 or 2024-Q1 (or 2024年, 2024年第1季度)"
EXPECTED_DIGITS = f"a number of at most {MAX_INT_DIGITS} digits"


@dataclass(frozen=True)
class Scalar:
    """What one value of a field must be, read off its pydantic annotation."""

    kind: Kind
    enum: type[StrEnum] | None = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type: its values, whether it is a list or map, and its default."""

    name: str
    value: Scalar
    shape: Literal["one", "list", "map"]
    required: bool
    default: Any
    min_items: int | None = None
    unique_items: bool = False
    personal: bool = False


_VALIDATOR_KINDS: dict[object, Kind] = {
    _fields._text: "text",
    _fields._day: "day",
    _fields._moment: "moment",
    _fields._day_or_moment: "day_or_moment",
    _fields._period: "period",
}
_TYPE_KINDS: dict[object, Kind] = {str: "str", bool: "bool", int: "int", float: "float"}


def _scalar(annotation: Any, metadata: list[Any]) -> Scalar:
    kind: Kind | None = None
    bounds: dict[str, float] = {}
    for item in metadata:
        if isinstance(item, BeforeValidator):
            kind = _VALIDATOR_KINDS.get(item.func, kind)
        for bound in ("ge", "gt", "le"):
            if isinstance(item, getattr(annotated_types, bound.capitalize())):
                bounds[bound] = getattr(item, bound)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return Scalar("enum", enum=annotation)
    return Scalar(
        kind or _TYPE_KINDS[annotation],
        ge=bounds.get("ge"),
        gt=bounds.get("gt"),
        le=bounds.get("le"),
    )


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` and ``| None``, collecting validators and bounds on the way."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation, metadata
            annotation = options[0]
        else:
            return annotation, metadata


def field_spec(name: str, info: FieldInfo) -> FieldSpec:
    """The spec of one pydantic field of a record model."""
    annotation, metadata = _unwrap(info.annotation, list(info.metadata))
    required = info.is_required()
    default = None if required else info.get_default(call_default_factory=True)
    origin = typing.get_origin(annotation)
    if origin is list:
        item, item_metadata = _unwrap(typing.get_args(annotation)[0], [])
        return FieldSpec(
            name,
            _scalar(item, item_metadata),
            "list",
            required,
            default,
            min_items=next(
                (m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), None
            ),
            unique_items=any(
                isinstance(m, AfterValidator) and m.func is _fields._unique for m in metadata
            ),
        )
    if origin is dict:
        value, value_metadata = _unwrap(typing.get_args(annotation)[1], [])
        return FieldSpec(name, _scalar(value, value_metadata), "map", required, default)
    if set(typing.get_args(annotation)) == {date, datetime}:
        return FieldSpec(name, _scalar(date, metadata), "one", required, default)
    return FieldSpec(name, _scalar(annotation, metadata), "one", required, default)


def record_specs(model: type[Record]) -> dict[str, FieldSpec]:
    personal = personal_fields(model)
    specs = {name: field_spec(name, info) for name, info in model.model_fields.items()}
    return {
        name: dataclasses.replace(spec, personal=name in personal) for name, spec in specs.items()
    }


SPECS: dict[str, dict[str, FieldSpec]] = {
    name: record_specs(model) for name, model in RECORD_TYPES.items()
}
"""Per record type, per field: what the columnar checks require, read off the models."""


# -- rules across fields: the model validators of ``_models``, as column expressions ---------


def _certificate_rules() -> list[tuple[pl.Expr, str | None, pl.Expr]]:
    # mirrors Certificate._consistent
    return [
        (
            pl.col("valid_to") < pl.col("valid_from"),
            None,
            pl.lit("valid_to on or after valid_from"),
        ),
        (
            (pl.col("status") != CertificateStatus.VALID.value) & pl.col("status_since").is_null(),
            None,
            pl.format("status_since, the day the certificate became {}", pl.col("status")),
        ),
    ]


ROW_RULES: dict[str, Callable[[], list[tuple[pl.Expr, str | None, pl.Expr]]]] = {
    "certificates": _certificate_rules,
}
"""Checks across fields of one record (the models' ``model_validator``s): a mask of bad rows,
the field to name (or none) and what was expected."""


# -- parsing one column -----------------------------------------------------------------------


@dataclass
class _Column:
    """A column being validated: its parsed value and the checks on each cell."""

    spec: FieldSpec
    header: str
    value: pl.Expr
    checks: list[tuple[pl.Expr, str]]  # (mask of bad cells, what was expected)
    moment: pl.Expr | None = None


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


def _text(raw: pl.Expr) -> pl.Expr:
    """Stripped text, empty as null."""
    stripped = raw.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _enum_value(text: pl.Expr, enum: type[StrEnum]) -> pl.Expr:
    english = [m.value for m in enum]
    aliases = {word: member.value for word, member in ALIASES.get(enum, {}).items()}
    lowered = text.str.to_lowercase()
    return (
        pl.when(lowered.is_in(english))
        .then(lowered)
        .otherwise(text.replace_strict(aliases, default=None, return_dtype=pl.String))
    )


def _moment_from_text(text: pl.Expr) -> pl.Expr:
    normal = (
        text.str.replace(r"Z$", "+00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
        .str.replace(r"T(\d{2}:\d{2})([+-])", "T${1}:00${2}")
        .str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
    )
    return normal.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%:z", time_zone="UTC", time_unit="us", strict=False
    )


def _local_day(moment: pl.Expr) -> pl.Expr:
    return moment.dt.convert_time_zone(TIMEZONE).dt.date()


def _outside_days(day: pl.Expr) -> pl.Expr:
    return (day < FIRST_DAY) | (day > LAST_DAY)


def _moment_checks(moment: pl.Expr) -> list[tuple[pl.Expr, str]]:
    """A moment (in UTC) must be of years 1-9999 in UTC and in Asia/Shanghai, as in
    ``_limits.check_moment``."""
    outside = _outside_days(moment.dt.date()) | _outside_days(_local_day(moment))
    return [(outside, EXPECTED_MOMENT_RANGE)]


def _period_from_text(text: pl.Expr) -> pl.Expr:
    chinese = text.str.extract_groups(_CHINESE_PERIOD)
    year = chinese.struct.field("year")
    quarter = chinese.struct.field("quarter").replace(_CHINESE_DIGITS)
    parsed = (
        pl.when(text.str.contains(_PERIOD))
        .then(text)
        .when(year.is_not_null() & quarter.is_null())
        .then(year)
        .when(year.is_not_null())
        .then(pl.concat_str(year, pl.lit("-Q"), quarter))
    )
    return pl.when(parsed.str.starts_with("0000")).then(None).otherwise(parsed)


def _scalar_from_text(
    text: pl.Expr, value: Scalar, *, midnight_dates: bool
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]], pl.Expr | None]:
    """Parse stripped text (null where empty): the value, the checks, and a moment if any."""
    present = text.is_not_null()
    kind = value.kind
    if kind in ("text", "str"):
        return text, [(text.str.len_chars() > MAX_TEXT_CHARS, EXPECTED_TEXT_LENGTH)], None
    if kind == "period":
        parsed = _period_from_text(text)
        return parsed, [(present & parsed.is_null(), EXPECTED_PERIOD)], None
    if kind == "enum":
        assert value.enum is not None
        parsed = _enum_value(text, value.enum)
        expected = "one of " + ", ".join(accepted_words(value.enum))
        return parsed, [(present & parsed.is_null(), expected)], None
    if kind in ("day", "day_or_moment"):
        if midnight_dates:  # a spreadsheet's date cell, written out with its (midnight) time
            text = text.str.replace(_MIDNIGHT_DAY, "${1}")
        is_day = text.str.contains(_DAY)
        day = pl.when(is_day).then(text.str.to_date("%Y-%m-%d", strict=False))
        bad_day = is_day & day.is_null()
        day_checks = [
            (bad_day, "a real calendar date as YYYY-MM-DD"),
            # four digits hold no year past 9999: only year 0 is outside the days
            (is_day & text.str.starts_with("0000"), EXPECTED_DAY_RANGE),
        ]
        if kind == "day":
            return day, [(present & ~is_day, EXPECTED_DAY), *day_checks], None
        is_moment = text.str.contains(_MOMENT)
        moment = pl.when(is_moment).then(_moment_from_text(text))
        return (
            pl.coalesce(day, _local_day(moment)),
            [
                (present & ~is_day & ~is_moment, EXPECTED_DAY_OR_MOMENT),
                *day_checks,
                (is_moment & moment.is_null(), "a real date-time with a UTC offset"),
                *_moment_checks(moment),
            ],
            moment,
        )
    if kind == "moment":
        is_moment = text.str.contains(_MOMENT)
        moment = pl.when(is_moment).then(_moment_from_text(text))
        return (
            moment,
            [
                (present & ~is_moment, EXPECTED_MOMENT),
                (is_moment & moment.is_null(), "a real date-time with a UTC offset"),
                *_moment_checks(moment),
            ],
            None,
        )
    if kind == "bool":
        lowered = text.str.to_lowercase()
        parsed = pl.when(lowered.is_in(list(TRUE_WORDS))).then(True)
        parsed = parsed.when(lowered.is_in(list(FALSE_WORDS))).then(False)
        known = lowered.is_in([*TRUE_WORDS, *FALSE_WORDS])
        return parsed.otherwise(None), [(present & ~known, "是/否 or true/false")], None
    too_long = text.str.contains(_LONG_INT)  # as JSON refuses such a number
    if kind == "int":
        fits = text.str.contains(_INT) & ~too_long
        parsed = pl.when(fits).then(text.cast(pl.Int64, strict=False))
        return (
            parsed,
            [
                (too_long, EXPECTED_DIGITS),
                (present & ~too_long & parsed.is_null(), "a whole number"),
            ],
            None,
        )
    fits = text.str.contains(_FLOAT) & ~too_long
    parsed = pl.when(fits).then(text.cast(pl.Float64, strict=False))
    finite = parsed.is_finite()
    return (
        pl.when(finite).then(parsed),
        [
            (too_long, EXPECTED_DIGITS),
            (present & ~too_long & parsed.is_null(), "a number"),
            (~finite, "a finite number"),
        ],
        None,
    )


def _scalar_from_typed(
    raw: pl.Expr, dtype: pl.DataType, value: Scalar
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]], pl.Expr | None] | None:
    """Take a typed column as it is where its type fits the field; ``None`` if it cannot."""
    kind = value.kind
    present = raw.is_not_null()
    if isinstance(dtype, pl.Null):
        return pl.lit(None), [], None
    if kind == "bool" and isinstance(dtype, pl.Boolean):
        return raw, [], None
    if kind == "int" and (dtype.is_integer() or dtype.is_float()):
        whole = raw.is_finite() & (raw == raw.floor()) if dtype.is_float() else present
        parsed = pl.when(whole).then(raw.cast(pl.Int64, strict=False))
        return parsed, [(present & parsed.is_null(), "a whole number from -2^63 to 2^63-1")], None
    if kind == "float" and dtype.is_numeric():
        finite = raw.cast(pl.Float64).is_finite()
        return (
            pl.when(finite).then(raw.cast(pl.Float64)),
            [(present & ~finite.fill_null(False), "a finite number")],
            None,
        )
    if kind in ("day", "day_or_moment") and isinstance(dtype, pl.Date):
        return raw, [(_outside_days(raw), EXPECTED_DAY_RANGE)], None
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None and kind in ("moment", "day_or_moment"):
            moment = raw.dt.convert_time_zone("UTC").cast(pl.Datetime("us", "UTC"))
            if kind == "moment":
                return moment, _moment_checks(moment), None
            return _local_day(moment), _moment_checks(moment), moment
        if dtype.time_zone is None and kind in ("day", "day_or_moment"):
            midnight = raw.dt.time() == time(0)
            return (
                pl.when(midnight).then(raw.dt.date()),
                [
                    (present & ~midnight, "a date without a time of day (YYYY-MM-DD)"),
                    (_outside_days(raw.dt.date()), EXPECTED_DAY_RANGE),
                ],
                None,
            )
    return None


_DTYPE_EXPECTED = {
    "text": "texts",
    "str": "texts",
    "period": "texts",
    "enum": "texts",
    "day": "dates",
    "moment": "date-times with a time zone",
    "day_or_moment": "dates, or date-times with a time zone",
    "bool": "booleans",
    "int": "whole numbers",
    "float": "numbers",
}


def _bounds(value: pl.Expr, scalar: Scalar) -> list[tuple[pl.Expr, str]]:
    checks: list[tuple[pl.Expr, str]] = []
    if scalar.ge is not None:
        checks.append((value < scalar.ge, f"a value greater than or equal to {scalar.ge}"))
    if scalar.gt is not None:
        checks.append((value <= scalar.gt, f"a value greater than {scalar.gt}"))
    if scalar.le is not None:
        checks.append((value > scalar.le, f"a value less than or equal to {scalar.le}"))
    return checks


def _one(
    raw: pl.Expr, dtype: pl.DataType, spec: FieldSpec, *, midnight_dates: bool
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]], pl.Expr | None] | None:
    if _is_text(dtype):
        text = _text(raw)
        value, checks, moment = _scalar_from_text(text, spec.value, midnight_dates=midnight_dates)
    else:
        typed = _scalar_from_typed(raw, dtype, spec.value)
        if typed is None:
            return None
        value, checks, moment = typed
    return value, checks + _bounds(value, spec.value), moment


def _items_from_text(text: pl.Expr) -> pl.Expr:
    """A list cell's items: split at any of ``LIST_SEPARATORS``, stripped, empty ones dropped."""
    parts = text.str.replace_all(_SEPARATORS, _UNIT).str.split(_UNIT)
    return parts.list.eval(pl.element().str.strip_chars()).list.eval(
        pl.element().filter(pl.element() != "")
    )


_ITEM_DTYPES: dict[str, pl.DataType] = {"int": pl.Int64(), "float": pl.Float64()}


def _list(
    raw: pl.Expr, dtype: pl.DataType, spec: FieldSpec, long_cells: bool = True
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]]] | None:
    """A list column: its items and the checks on them. ``long_cells`` says whether a text
    cell may hold an item too long (none can when no cell is longer than the limit; the item
    check costs a pass over every item, so it is left out then)."""
    scalar = spec.value
    if _is_text(dtype):
        items = _items_from_text(_text(raw))
        texts = True
    elif isinstance(dtype, pl.List):
        items = raw
        inner = dtype.inner
        assert isinstance(inner, pl.DataType)
        texts = _is_text(inner)
        if texts:
            items = raw.list.eval(pl.element().cast(pl.String).str.strip_chars())
        elif not (scalar.kind == "int" and inner.is_integer()):
            return None
    elif isinstance(dtype, pl.Null):
        return pl.lit(None), []
    else:
        return None
    checks: list[tuple[pl.Expr, str]] = []
    if texts and scalar.kind == "int":
        fits = items.list.eval(pl.element().str.contains(_INT)).list.all()
        parsed = items.list.eval(pl.element().cast(pl.Int64, strict=False))
        unparsed = parsed.list.eval(pl.element().is_null()).list.any()
        checks.append((~fits | unparsed, "a list of whole numbers"))
        items = pl.when(fits).then(parsed)
    elif texts:
        empty = items.list.eval(pl.element().is_null() | (pl.element() == "")).list.any()
        checks.append((empty, "a list of non-empty texts"))
        if long_cells or not _is_text(dtype):
            long = items.list.eval(pl.element().str.len_chars() > MAX_TEXT_CHARS).list.any()
            checks.append((long, f"items: {EXPECTED_TEXT_LENGTH}"))
    else:
        items = items.cast(pl.List(pl.Int64))
    # an empty list cell is an empty list
    items = items.fill_null(pl.lit([], dtype=pl.List(_ITEM_DTYPES.get(scalar.kind, pl.String))))
    for mask, expected in _bounds(pl.element(), scalar):
        checks.append((items.list.eval(mask).list.any(), f"items: {expected}"))
    if spec.min_items is not None:
        checks.append((items.list.len() < spec.min_items, f"at least {spec.min_items} item(s)"))
    if spec.unique_items:
        repeated = items.list.n_unique() != items.list.len()
        checks.append((repeated, "each value once; a value is repeated"))
    return items, checks


def _map(
    raw: pl.Expr, dtype: pl.DataType, spec: FieldSpec
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]]] | None:
    scalar = spec.value
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        fields = {f.name: f.dtype for f in dtype.inner.fields}
        if set(fields) != {"key", "value"} or not fields["value"].is_numeric():
            return None
        value = pl.element().struct.field("value").cast(pl.Float64)
        typed = [(raw.list.eval(~value.is_finite()).list.any(), "values: finite numbers")]
        for mask, expected in _bounds(value, scalar):
            typed.append((raw.list.eval(mask).list.any(), f"values: {expected}"))
        return raw, typed
    if isinstance(dtype, pl.Null):
        return pl.lit(None), []
    if not _is_text(dtype):
        return None
    entries = _items_from_text(_text(raw)).list.eval(
        pl.element().str.extract_groups(r"(?s)^(?<key>.+?)\s*[:：=]\s*(?<value>.+)$")
    )
    well_formed = entries.list.eval(pl.element().struct.field("key").is_not_null()).list.all()
    number = pl.element().struct.field("value").str.strip_chars()
    values = entries.list.eval(
        pl.struct(
            pl.element().struct.field("key").str.strip_chars().alias("key"),
            pl.when(number.str.contains(_FLOAT) & ~number.str.contains(_LONG_INT))
            .then(number.cast(pl.Float64, strict=False))
            .alias("value"),
        )
    )
    bad_number = values.list.eval(
        ~pl.element().struct.field("value").is_finite().fill_null(False)
    ).list.any()
    long_key = values.list.eval(
        pl.element().struct.field("key").str.len_chars() > MAX_TEXT_CHARS
    ).list.any()
    checks: list[tuple[pl.Expr, str]] = [
        (long_key, f"keys: {EXPECTED_TEXT_LENGTH}"),
        (well_formed.not_(), "entries written key:value, e.g. O1:85、O2:90"),
        (
            well_formed & bad_number,
            f"entries whose values are finite numbers of at most {MAX_INT_DIGITS} digits, "
            "e.g. O1:85、O2:90",
        ),
    ]
    for mask, expected in _bounds(pl.element().struct.field("value"), scalar):
        checks.append((values.list.eval(mask).list.any(), f"values: {expected}"))
    return pl.when(well_formed).then(values), checks


# -- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a table came from, for the problems found in it.

    ``file`` is the file name (or an origin such as ``<frames>``), ``table`` names the table
    as a whole (``sheet '执法人员'``, ``officers``) and ``row(i)`` names its i-th record
    (counted from 0): ``row 2`` in a CSV file whose header is row 1, ``officers[0]`` in a
    DataFrame.
    """

    file: str | None
    table: str
    row: Callable[[int], str]


def _shown(value: object) -> str:
    if isinstance(value, pl.Series):  # a cell of a list column
        value = value.to_list()
    return shown(value)


def validate_table(
    kind: str,
    frame: pl.DataFrame,
    place: Place,
    *,
    midnight_dates: bool = False,
    consume: bool = False,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check and type one table of record type ``kind``: the typed table and its problems.

    Columns are named as in the contract or by their Chinese aliases (``COLUMN_ALIASES``).
    ``midnight_dates`` accepts a date written with a midnight time (how a spreadsheet's date
    cell reads as text) for a date field. The table has the schema ``SCHEMAS[kind]`` and is
    only meaningful when there are no problems; more than ``MAX_PROBLEMS`` problems means the
    list was cut short. With ``consume`` (a table read for this alone), each column whose cells
    are all good is dropped from ``frame`` once typed, so that a large table is not held twice.
    """
    specs = SPECS[kind]
    problems: list[Problem] = []
    headers: dict[str, str] = {}  # field -> header as written
    for header in frame.columns:
        try:
            name = field_name(kind, header)
        except KeyError:
            expected = f"a column of {kind}: " + ", ".join(specs)
            problems.append(Problem(place.file, place.table, header, expected, "an unknown column"))
            continue
        if name in headers:
            problems.append(
                Problem(
                    place.file,
                    place.table,
                    header,
                    f"one column for {name}",
                    f"also the column '{headers[name]}'",
                )
            )
            continue
        headers[name] = header
    for name, spec in specs.items():
        if spec.required and name not in headers:
            problems.append(
                Problem(place.file, place.table, name, f"a column {name} (required)", "none")
            )

    columns: dict[str, _Column] = {}
    for name, header in headers.items():
        dtype = frame.schema[header]
        long_cells = (
            specs[name].shape == "list" and _is_text(dtype) and _longer_than_a_text(frame[header])
        )
        column = _column(specs[name], header, dtype, midnight_dates, long_cells)
        if column is None:
            dtype = frame.schema[header]
            shape = (
                " (lists, or texts with items separated by 、)"
                if specs[name].shape == "list"
                else ""
            )
            expected = f"a column of {_DTYPE_EXPECTED[specs[name].value.kind]}{shape}"
            problems.append(
                Problem(place.file, place.table, header, expected, f"a column of {dtype}")
            )
            continue
        columns[name] = column

    checked = _checked(kind, frame, columns, consume=consume)
    problems += _cell_problems(frame, checked, columns, place, MAX_PROBLEMS - len(problems))
    typed = checked.select(list(SCHEMAS[kind]))
    if kind in ROW_RULES:  # null (unreadable) cells satisfy them, as in the models
        problems += _row_rule_problems(typed, ROW_RULES[kind](), place)
    return typed, problems


def _longer_than_a_text(cells: pl.Series) -> bool:
    """Whether a text column has a cell longer than a text may be."""
    return bool(cells.cast(pl.String).str.len_chars().gt(MAX_TEXT_CHARS).any())


def _column(
    spec: FieldSpec, header: str, dtype: pl.DataType, midnight_dates: bool, long_cells: bool
) -> _Column | None:
    """The parsed value of one column and the checks on its cells; ``None`` if its type
    cannot hold the field at all."""
    raw = pl.col(header)
    if spec.shape == "one":
        parsed = _one(raw, dtype, spec, midnight_dates=midnight_dates)
        if parsed is None:
            return None
        value, checks, moment = parsed
        if spec.required:
            missing = _text(raw).is_null() if _is_text(dtype) else raw.is_null()
            checks = [(missing, EXPECTED_MISSING), *checks]
        return _Column(spec, header, value, checks, moment)
    shaped = _list(raw, dtype, spec, long_cells) if spec.shape == "list" else _map(raw, dtype, spec)
    if shaped is None:
        return None
    value, checks = shaped
    return _Column(spec, header, value, checks)


def _checked(
    kind: str, frame: pl.DataFrame, columns: dict[str, _Column], *, consume: bool
) -> pl.DataFrame:
    """The typed columns of every field and the masks of bad cells (``__bad_<field>_<n>``),
    in one query; with ``consume``, a field at a time instead, each column whose cells are all
    good dropped from ``frame`` once typed (a column with a bad cell stays: its problems show
    the cell)."""
    absent: list[pl.Expr] = []  # fields without a column: their defaults
    for name in SPECS[kind]:
        if name not in columns:
            absent += _typed_column(kind, name, None)
    if not columns:
        return frame.select(absent)
    if not consume:
        return _typed_and_masks(
            frame,
            [
                *[e for name, column in columns.items() for e in _typed_column(kind, name, column)],
                *[mask for name, column in columns.items() for mask in _masks(name, column)],
                *absent,
            ],
        )
    parts: list[pl.DataFrame] = []
    for name, column in columns.items():
        masks = _masks(name, column)
        part = _typed_and_masks(
            frame.select(column.header), [*_typed_column(kind, name, column), *masks]
        )
        parts.append(part)
        if not any(part.get_column(mask.meta.output_name()).any() for mask in masks):
            frame.drop_in_place(column.header)
    checked = pl.concat(parts, how="horizontal")
    return checked.with_columns(absent) if absent else checked


def _masks(name: str, column: _Column) -> list[pl.Expr]:
    """Field ``name``'s bad cells, one mask a check."""
    return [
        check.fill_null(False).alias(f"__bad_{name}_{number}")
        for number, (check, _) in enumerate(column.checks)
    ]


def _typed_and_masks(frame: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    """``exprs`` on ``frame`` alone; with_columns: a value that reads no cell (a column of
    nulls) still gets every row."""
    return frame.with_columns(exprs).select([e.meta.output_name() for e in exprs])


def _typed_column(kind: str, name: str, column: _Column | None) -> list[pl.Expr]:
    """The typed value of field ``name`` (and its moment, for a day that may be one)."""
    schema, spec = SCHEMAS[kind], SPECS[kind][name]
    dtype = schema[name]
    default = spec.default.value if isinstance(spec.default, StrEnum) else spec.default
    value = pl.lit(default, dtype=dtype) if column is None else column.value
    if spec.shape == "list":  # an empty list cell is an empty list
        value = value.fill_null(pl.lit([], dtype=dtype))
    elif default is not None:
        value = value.fill_null(pl.lit(default, dtype=dtype))
    exprs = [value.cast(dtype).alias(name)]
    if name + MOMENT_SUFFIX in schema:
        moment = column.moment if column is not None and column.moment is not None else None
        exprs.append(
            (pl.lit(None) if moment is None else moment)
            .cast(schema[name + MOMENT_SUFFIX])
            .alias(name + MOMENT_SUFFIX)
        )
    return exprs


def _cell_problems(
    frame: pl.DataFrame,
    checked: pl.DataFrame,
    columns: dict[str, _Column],
    place: Place,
    limit: int,
) -> list[Problem]:
    """The problems of single cells, row by row, at most ``limit`` + 1."""
    found: list[tuple[int, int, Problem]] = []
    ids = checked["id"] if "id" in checked.columns else None
    for order, (name, column) in enumerate(columns.items()):
        for number, (_, expected) in enumerate(column.checks):
            bad = checked[f"__bad_{name}_{number}"]
            if not bad.any():
                continue
            for row in bad.arg_true().head(limit + 1).to_list():
                got = _cell(frame[column.header], row)
                value = None if got is None or expected == EXPECTED_MISSING else _shown(got)
                if value is not None and column.spec.personal:
                    value = NOT_SHOWN
                problem = Problem(
                    place.file, _where(place, row, ids), column.header, expected, value
                )
                found.append((row, order, problem))
    found.sort(key=lambda item: item[:2])
    return [problem for _, _, problem in found[: limit + 1]]


def _cell(column: pl.Series, row: int) -> object:
    """One cell as a problem shows it: dates as polars writes them (a Parquet date may be of a
    year Python cannot hold)."""
    if column.dtype.is_temporal():
        return column.cast(pl.String)[row]
    return column[row]


def _row_rule_problems(
    typed: pl.DataFrame, rules: list[tuple[pl.Expr, str | None, pl.Expr]], place: Place
) -> list[Problem]:
    problems: list[Problem] = []
    ids = typed["id"] if "id" in typed.columns else None
    for mask, field, expected in rules:
        bad = typed.with_row_index("__row").filter(mask.fill_null(False))
        for row, text in (
            bad.select("__row", expected.alias("__expected")).head(MAX_PROBLEMS + 1).iter_rows()
        ):
            problems.append(Problem(place.file, _where(place, row, ids), field, text))
    return problems


def _where(place: Place, row: int, ids: pl.Series | None) -> str:
    where = place.row(row)
    if ids is not None and ids[row] is not None:
        where += f" (id={ids[row]})"
    return where
