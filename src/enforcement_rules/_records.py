"""Validated records, held as polars tables with a fixed schema per record type.

``Records`` is what every evaluator reads. It is built from the interchange JSON, from plain
Python dicts, or (see ``_loaders``) from other formats; whatever the way in, the tables have
the same columns and types, domains are canonical where the vocabulary knows them, and an
action without a domain takes its department's.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel, TypeAdapter, ValidationError

from . import _limits
from ._dates import local_day
from ._errors import InputError, Problem
from ._limits import (
    MAX_INT_DIGITS,
    MAX_PROBLEMS,
    JsonLimitError,
    escaped,
    line_and_column,
    parse_json,
    shown,
)
from ._models import RECORD_TYPES, Record, RecordsFile, personal_fields
from ._vocab import canonical_domain

NOT_SHOWN = "(not shown: personal data)"
"""What a problem shows instead of the value of a personal field."""

MOMENT_SUFFIX = "_moment"
"""A day-or-moment field ``f`` is held as ``f`` (its day in Asia/Shanghai) and ``f_moment``."""


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_day_or_moment(annotation: Any) -> bool:
    args = {_unwrap(a) for a in typing.get_args(_unwrap(annotation))}
    return args == {date, datetime}


def _is_map(annotation: Any) -> bool:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_map(a) for a in typing.get_args(annotation))
    return typing.get_origin(annotation) is dict


def _dtype(annotation: Any) -> pl.DataType:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _dtype(options[0])
        raise TypeError(f"no column type for {annotation!r}")
    if origin is list:
        return pl.List(_dtype(typing.get_args(annotation)[0]))
    if origin is dict:
        value = _dtype(typing.get_args(annotation)[1])
        return pl.List(pl.Struct({"key": pl.String(), "value": value}))
    if annotation is bool:
        return pl.Boolean()
    if annotation is int:
        return pl.Int64()
    if annotation is float:
        return pl.Float64()
    if annotation is datetime:
        return pl.Datetime("us", "UTC")
    if annotation is date:
        return pl.Date()
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, StrEnum)):
        return pl.String()
    raise TypeError(f"no column type for {annotation!r}")


def table_schema(model: type[BaseModel]) -> dict[str, pl.DataType]:
    """The polars schema of a record type's table."""
    schema: dict[str, pl.DataType] = {}
    for name, info in model.model_fields.items():
        if _is_day_or_moment(info.annotation):
            schema[name] = pl.Date()
            schema[name + MOMENT_SUFFIX] = pl.Datetime("us", "UTC")
        else:
            schema[name] = _dtype(info.annotation)
    return schema


SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    name: table_schema(model) for name, model in RECORD_TYPES.items()
}
"""Column names and types of every table."""


@functools.cache
def _day_or_moment_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(n for n, i in model.model_fields.items() if _is_day_or_moment(i.annotation))


_PLAIN = frozenset({str, bool, int, float, date, list, type(None)})


def record_row(record: Record) -> dict[str, Any]:
    day_or_moment = _day_or_moment_fields(type(record))
    if not day_or_moment:  # the fields as they are, in order, but for enumerations and maps
        row = dict(record.__dict__)
        for name, value in row.items():
            if value.__class__ in _PLAIN:
                continue
            if isinstance(value, StrEnum):
                row[name] = value.value
            elif isinstance(value, dict):
                row[name] = [{"key": k, "value": v} for k, v in value.items()]
        return row
    row = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, dict):
            value = [{"key": k, "value": v} for k, v in value.items()]
        if name in day_or_moment:
            if isinstance(value, datetime):
                row[name] = local_day(value)
                row[name + MOMENT_SUFFIX] = value
            else:
                row[name] = value
                row[name + MOMENT_SUFFIX] = None
            continue
        row[name] = value
    return row


JSON_CHUNK = 1000
"""Records written as JSON and read into a table at a time (see ``frame_of``)."""


@functools.cache
def _empty_frame(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


def empty_frame(name: str) -> pl.DataFrame:
    """An empty table of the type stored under ``name``, with its schema."""
    return _empty_frame(name).clone()  # made once; each caller gets its own frame


@functools.cache
def _written_as_json(model: type[Record]) -> TypeAdapter[list[Any]] | None:
    """What writes records of a type as JSON that polars reads into its table: ``None`` for a
    type whose table is not its fields as written (a day-or-moment field, a map)."""
    if any(
        _is_day_or_moment(i.annotation) or _is_map(i.annotation)
        for i in model.model_fields.values()
    ):
        return None
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def frame_of(name: str, records: Iterable[Record]) -> pl.DataFrame:
    """A table of validated records of the type stored under ``name``."""
    rows = records if isinstance(records, list) else list(records)
    if not rows:
        return empty_frame(name)
    adapter = _written_as_json(RECORD_TYPES[name])
    if adapter is None:
        return pl.DataFrame([record_row(r) for r in rows], schema=SCHEMAS[name], orient="row")
    # pydantic writes the validated values as JSON and polars reads them, both without a Python
    # call per value: several times quicker than rows of Python values. A thousand records at a
    # time, since polars reads JSON into a tree about ten times its size first.
    chunks = [
        pl.read_json(adapter.dump_json(rows[start : start + JSON_CHUNK]), schema=SCHEMAS[name])
        for start in range(0, len(rows), JSON_CHUNK)
    ]
    return chunks[0] if len(chunks) == 1 else pl.concat(chunks, rechunk=True)


class Records:
    """Validated records of every type, one polars table each.

    Build one with ``Records.from_dicts``, ``Records.from_json`` or ``enforcement_rules.load``.
    Tables of types the input does not have are empty, with their full schema.
    """

    def __init__(self, tables: Mapping[str, pl.DataFrame], *, origin: str = "<records>") -> None:
        unknown = set(tables) - set(RECORD_TYPES)
        if unknown:
            raise InputError(
                [
                    Problem(origin, name, None, "a record type: " + ", ".join(RECORD_TYPES))
                    for name in sorted(unknown)
                ]
            )
        frames = {
            name: tables[name] if name in tables else empty_frame(name) for name in RECORD_TYPES
        }
        for name, frame in frames.items():
            if dict(frame.schema) != SCHEMAS[name]:
                raise TypeError(f"table {name} has schema {frame.schema}, not {SCHEMAS[name]}")
        self._hold(*_canonical_domains(frames), origin)

    def _hold(
        self, tables: dict[str, pl.DataFrame], unknown_domains: list[str], origin: str
    ) -> None:
        """Keep tables that are whole, typed and with canonical domains."""
        self.origin = origin
        self._tables = tables
        self.unknown_domains = unknown_domains
        self._repeated: dict[str, bool] = {}

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_dicts(
        cls,
        data: Mapping[str, Iterable[Mapping[str, Any]]],
        *,
        origin: str = "<dicts>",
        located: Callable[[str, int], str] | None = None,
    ) -> Records:
        """Validate plain Python records: ``{"officers": [{...}, ...], ...}``.

        Dates may be ``datetime.date`` objects or ``YYYY-MM-DD`` texts. Problems name a
        record as ``officers[3]``, or as ``located(array, index)`` says (a line number...).

        Examples:
            >>> import enforcement_rules as er
            >>> er.Records.from_dicts({"departments": [{"id": "D1", "name": "司法局",
            ...     "region": ["宁夏回族自治区", "石嘴山市"], "level": "区", "domain": "司法"}]})
            Records(departments=1)
        """
        if not isinstance(data, Mapping):
            raise InputError(
                [
                    Problem(
                        origin, "top level", None, "an object of record arrays", type(data).__name__
                    )
                ]
            )
        plain = {
            k: list(v)
            if isinstance(v, Iterable) and not isinstance(v, str | bytes | Mapping)
            else v
            for k, v in data.items()
        }
        try:
            parsed = RecordsFile.model_validate(plain)
        except ValidationError as error:
            problems, truncated = _problems(error, plain, origin, located)
            raise InputError(problems, truncated=truncated) from None
        return cls._of_valid(parsed, origin)

    @classmethod
    def _of_valid(cls, parsed: RecordsFile, origin: str) -> Records:
        records = cls.__new__(cls)  # the tables are whole, typed and canonical: nothing to check
        records._hold(*_validated_tables(parsed), origin)
        return records

    @classmethod
    def from_text_rows(
        cls, tables: Mapping[str, Iterable[Mapping[str, str]]], *, origin: str = "<text>"
    ) -> Records:
        """Validate records written as text, as in a spreadsheet: ``{"执法人员": [{"编号": "O1",
        "用工": "在编"}, ...]}``. Record types and columns may be named in Chinese (see
        ``COLUMN_ALIASES``); list cells separate items with any of ``LIST_SEPARATORS``
        (、 , ; ， ； | /); an empty cell leaves the field out (an empty list cell is an empty
        list)."""
        from ._loaders.text import from_text_rows

        return from_text_rows(tables, origin=origin)

    @classmethod
    def from_frames(cls, frames: Mapping[str, Any], *, origin: str = "<frames>") -> Records:
        """Validate one DataFrame (polars or pandas) per record type, keyed by its name in
        English or Chinese. Columns may hold text (parsed as in a CSV file) or typed values:
        dates, time-zone-aware date-times, numbers, booleans, lists. Checked column by column,
        so a million rows load in seconds.

        Examples:
            >>> import polars as pl, enforcement_rules as er
            >>> er.Records.from_frames({"officers": pl.DataFrame({"id": ["O1"],
            ...     "department": ["D1"], "employment": ["在编"]})})
            Records(officers=1)
        """
        from ._loaders.frames import from_frames

        return from_frames(frames, origin=origin)

    @classmethod
    def from_json(cls, path: str | Path) -> Records:
        """Read the JSON interchange file (see ``enforcement-rules schema``)."""
        from ._loaders import read_input

        path = Path(path)
        if not path.exists():
            raise InputError([Problem(str(path), "file", None, "an existing file")])
        data = read_input(path, _limits.MAX_JSON_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                [Problem(str(path), f"byte {error.start}", None, "UTF-8 text")]
            ) from None
        parsed = _valid_json(text)
        if parsed is not None:
            return cls._of_valid(parsed, str(path))
        try:
            data = parse_json(text)
        except json.JSONDecodeError as error:
            raise InputError(
                [
                    Problem(
                        str(path),
                        f"line {error.lineno}, column {error.colno}",
                        None,
                        "valid JSON",
                        error.msg,
                    )
                ]
            ) from None
        except JsonLimitError as error:
            raise InputError([json_limit_problem(error, text, str(path))]) from None
        if not isinstance(data, dict):
            raise InputError(
                [
                    Problem(
                        str(path),
                        "top level",
                        None,
                        "an object with one array per record type",
                        type(data).__name__,
                    )
                ]
            )
        return cls.from_dicts(data, origin=str(path))

    # -- access ----------------------------------------------------------------------

    def table(self, name: str) -> pl.DataFrame:
        """The table of one record type (``"officers"``, ``"actions"``, ...)."""
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"no record type {name!r}; known: {', '.join(RECORD_TYPES)}") from None

    @property
    def departments(self) -> pl.DataFrame:
        """The ``departments`` table (like every table: ``table("departments")``)."""
        return self._tables["departments"]

    @property
    def officers(self) -> pl.DataFrame:
        """The ``officers`` table."""
        return self._tables["officers"]

    @property
    def certificates(self) -> pl.DataFrame:
        """The ``certificates`` table."""
        return self._tables["certificates"]

    @property
    def trainings(self) -> pl.DataFrame:
        """The ``trainings`` table."""
        return self._tables["trainings"]

    @property
    def actions(self) -> pl.DataFrame:
        """The ``actions`` table."""
        return self._tables["actions"]

    def repeats_ids(self, name: str) -> bool:
        """Whether two records of the type stored under ``name`` share an id (computed once)."""
        if name not in self._repeated:
            ids = self.table(name)["id"]
            if ids.null_count():
                ids = ids.drop_nulls()
            self._repeated[name] = ids.n_unique() < ids.len()
        return self._repeated[name]

    def counts(self) -> dict[str, int]:
        """Number of records of each type."""
        return {name: frame.height for name, frame in self._tables.items()}

    def __repr__(self) -> str:
        held = ", ".join(f"{n}={c}" for n, c in self.counts().items() if c)
        return f"Records({held or 'empty'})"


QUICK_JSON_CHARS = 1024 * 1024
"""JSON text up to this length is first validated by pydantic straight from the text (see
``_valid_json``); longer text only the careful way, which needs less memory and, when the text
has problems, does not read it twice."""

_LONG_NUMBER_VALUE = 10.0**MAX_INT_DIGITS


def _valid_json(text: str) -> RecordsFile | None:
    """The records of JSON text that is valid throughout and within the limits, validated by
    pydantic straight from the text (about twice as quick as parsing it in Python first); else
    ``None``, and the careful reading (``parse_json`` and ``from_dicts``) says what is wrong
    and where, as it alone can: every valid record file passes both ways to the same records.
    """
    if len(text) > QUICK_JSON_CHARS:
        return None
    try:
        parsed = RecordsFile.model_validate_json(text)
    except ValidationError:
        return None
    # Every number field is bounded far below the longest number allowed, but for scores: a
    # score that large may have been written with too many digits, which only the careful
    # reading sees.
    for team in parsed.contest_teams:
        scores = [*(team.scores or {}).values(), team.final_score or 0.0]
        if max(scores) >= _LONG_NUMBER_VALUE:
            return None
    return parsed


def _canonical_domains(
    frames: dict[str, pl.DataFrame],
) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """Resolve domain aliases; fill an action's missing domain from its department's."""
    words: set[str] = set()
    words.update(frames["departments"]["domain"].drop_nulls().unique().to_list())
    words.update(frames["actions"]["domain"].drop_nulls().unique().to_list())
    words.update(frames["certificates"]["domains"].explode().drop_nulls().unique().to_list())
    mapping, unknown = _resolved(words)
    changed = {w: c for w, c in mapping.items() if c != w}

    def canon(expr: pl.Expr) -> pl.Expr:
        return _canon(expr, changed)

    out = dict(frames)
    if changed:
        out["departments"] = frames["departments"].with_columns(canon(pl.col("domain")))
        out["certificates"] = frames["certificates"].with_columns(
            pl.col("domains").list.eval(canon(pl.element()))
        )
    if frames["actions"]["domain"].null_count() == 0:  # no act takes its department's
        if changed:
            out["actions"] = frames["actions"].with_columns(canon(pl.col("domain")))
        return out, unknown
    department_domain = (
        out["departments"]
        .select(pl.col("id").alias("department"), pl.col("domain").alias("_department_domain"))
        .unique(subset="department", keep="first")
    )
    # Only the two columns are joined: the other columns of the acts are shared, not copied.
    domain = (
        frames["actions"]
        .select("department", canon(pl.col("domain")))
        .join(department_domain, on="department", how="left", maintain_order="left")
        .select(pl.coalesce("domain", "_department_domain").alias("domain"))
    )
    out["actions"] = frames["actions"].with_columns(domain["domain"])
    return out, unknown


def _resolved(words: set[str]) -> tuple[dict[str, str], list[str]]:
    """Each domain word mapped to its canonical name (itself where the vocabulary does not know
    it), and the words the vocabulary does not know, sorted."""
    known = {w: canonical_domain(w) for w in words}
    return {w: c or w for w, c in known.items()}, sorted(w for w, c in known.items() if c is None)


def _canon(expr: pl.Expr, changed: dict[str, str]) -> pl.Expr:
    if not changed:
        return expr
    return expr.replace_strict(changed, default=expr, return_dtype=pl.String)


def _validated_tables(parsed: RecordsFile) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """The tables of validated records and the domains the vocabulary does not know, domains
    resolved as ``_canonical_domains`` resolves them, but from the records, without a query."""
    tables = {name: frame_of(name, getattr(parsed, name)) for name in RECORD_TYPES}
    departments, actions, certificates = parsed.departments, parsed.actions, parsed.certificates
    words = {d.domain for d in departments}
    words.update(a.domain for a in actions if a.domain is not None)
    words.update(w for c in certificates for w in c.domains)
    mapping, unknown = _resolved(words)
    changed = {w: c for w, c in mapping.items() if c != w}

    department_domains = [mapping[d.domain] for d in departments]
    if any(d.domain in changed for d in departments):
        tables["departments"] = _with_texts(tables["departments"], "domain", department_domains)
    if any(w in changed for c in certificates for w in c.domains):
        tables["certificates"] = tables["certificates"].with_columns(
            pl.col("domains").list.eval(_canon(pl.element(), changed))
        )
    if any(a.domain is None or a.domain in changed for a in actions):
        first_domain: dict[str, str] = {}  # an act without a domain takes its department's
        for department, domain in zip(departments, department_domains, strict=True):
            first_domain.setdefault(department.id, domain)
        action_domains = [
            first_domain.get(a.department) if a.domain is None else mapping[a.domain]
            for a in actions
        ]
        tables["actions"] = _with_texts(tables["actions"], "domain", action_domains)
    return tables, unknown


def _with_texts(frame: pl.DataFrame, column: str, values: Sequence[str | None]) -> pl.DataFrame:
    """The table with one text column replaced by ``values``."""
    replaced = frame.clone()  # shares the columns; only the one is replaced
    replaced.replace_column(frame.get_column_index(column), pl.Series(column, values, pl.String))
    return replaced


def _problems(
    error: ValidationError,
    data: Mapping[str, Any],
    origin: str,
    located: Callable[[str, int], str] | None = None,
) -> tuple[list[Problem], bool]:
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        if len(problems) >= MAX_PROBLEMS:
            return problems, True
        problems.append(located_problem(item, data, origin, located))
    return problems, False


def located_problem(
    item: Any,
    data: Mapping[str, Any],
    origin: str,
    located: Callable[[str, int], str] | None = None,
) -> Problem:
    loc = list(item["loc"])
    kind = item["type"]
    message = str(item["msg"]).removeprefix("Value error, ")
    if not loc:
        return Problem(origin, "top level", None, message)
    array = str(loc[0])
    if kind == "extra_forbidden" and len(loc) == 1:
        return Problem(
            origin,
            f"'{array}'",
            None,
            "a record type: " + ", ".join(RECORD_TYPES),
            "an unknown array",
        )
    if len(loc) == 1:
        return Problem(
            origin,
            f"'{array}'",
            None,
            _expected(kind, message, RECORD_TYPES.get(array)),
            shown_value(item.get("input")),
        )
    index = loc[1]
    where = located(array, index) if located and isinstance(index, int) else f"{array}[{index}]"
    record = _record_at(data, array, index)
    if isinstance(record, Mapping) and isinstance(record.get("id"), str):
        where += f" (id={escaped(record['id'])})"
    field = ".".join(str(p) for p in loc[2:]) or None
    model = RECORD_TYPES.get(array)
    got = None if kind == "missing" else shown_value(item.get("input"))
    if model is not None and len(loc) > 2 and loc[2] in personal_fields(model) and got is not None:
        got = NOT_SHOWN
    if kind == "extra_forbidden" and model is not None:
        return Problem(
            origin,
            where,
            field,
            "only the fields " + ", ".join(model.model_fields),
            "an unknown field",
        )
    return Problem(origin, where, field, _expected(kind, message, None), got)


def _record_at(data: Mapping[str, Any], array: str, index: object) -> object:
    records = data.get(array)
    if isinstance(records, list) and isinstance(index, int) and 0 <= index < len(records):
        return records[index]
    return None


_EXPECTED = {
    "missing": "a value (the field is required)",
    "string_type": "a text",
    "int_type": "a whole number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "date_type": "a date as YYYY-MM-DD",
    "datetime_type": "a date-time with a UTC offset",
}


def _expected(kind: str, message: str, model: type[BaseModel] | None) -> str:
    if model is not None and kind == "list_type":
        return f"a list of {model.__name__.lower()} records"
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if message.startswith("Input should be "):  # a bound: worded as the columnar checks word it
        return "a value " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:] if message else kind


def shown_value(value: object) -> str:
    return shown(value)


def json_limit_problem(error: JsonLimitError, text: str, file: str | None) -> Problem:
    """The problem of JSON text outside the limits, at its line and column where known."""
    where = "top level"
    if error.position is not None:
        line, column = line_and_column(text, error.position)
        where = f"line {line}, column {column}"
    return Problem(file, where, None, error.expected)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the interchange file."""
    schema = RecordsFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
