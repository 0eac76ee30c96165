"""Hostile values for every field of every record type, through every input format.

Each example is one record of one type, valid but for one field, which holds a hostile value
of that field's own kind: a number beyond its range, infinite or written with 40 digits, a
date of year 0 or -6244, a date-time past year 9999 in Asia/Shanghai, a text with a lone
surrogate, control characters, line separators or 10,001 characters... The record goes in as
JSON, JSON Lines, CSV, an Excel workbook, Parquet and a polars DataFrame. Every format must
give the same verdict (accepted, or refused with a located ``InputError``), and the command
must exit 0 or 1 with a report, or 2 with the located problem: never a traceback.

``ER_HOSTILE_EXAMPLES`` sets the number of examples (default 25, a few seconds).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._columnar import SPECS, FieldSpec
from enforcement_rules._limits import MAX_COUNT, MAX_INT_DIGITS, MAX_TEXT_CHARS
from enforcement_rules._vocab import accepted_words

EXAMPLES = int(os.environ.get("ER_HOSTILE_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMATS = ["json", "jsonl", "csv", "xlsx", "parquet", "frame"]
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Cell:
    """One value as each format writes it: a JSON literal, the text of a CSV or workbook cell,
    and a typed column value (``None``: the typed formats hold it as text)."""

    json: str
    text: str
    typed: Any = None
    dtype: pl.DataType | None = None


def _text_cell(value: str) -> Cell:
    return Cell(json.dumps(value), value)


# -- hostile values of each kind --------------------------------------------------------------

HOSTILE_TEXTS = [
    "\ud800",
    "O\udfff1",
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "a\u2028b",
    "a\x85b",
    "a\x1cb",
    "\x1c",
    "\x1b[2J ALL CLEAR",
    "a\x00b",
    "a\r\nb",
    "a\rb",
    '"quoted", with, commas',
    "\ufeffid",
    "\u200b",
    "\u3000",
    "NaN",
    "null",
]


def _non_blank(text: str) -> bool:
    # an empty cell of a table leaves the field out; a blank JSON text is refused: blank texts
    # are not the same record in every format, so they are not drawn
    return bool(text.strip())


def _long(length: int) -> str:
    return "长" * length


texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(max_size=20),
    st.builds(_long, st.sampled_from([MAX_TEXT_CHARS, MAX_TEXT_CHARS + 1])),
).filter(_non_blank)
list_items = texts.filter(lambda t: not re.search(r"[、,;，；|/]", t) and t.strip() == t)


def _int_cell(value: int) -> Cell:
    if -(2**63) <= value < 2**63:
        return Cell(str(value), str(value), value, pl.Int64())
    if 0 <= value < 2**64:
        return Cell(str(value), str(value), value, pl.UInt64())
    return Cell(str(value), str(value))


ints = st.one_of(
    st.integers(min_value=-(2**66), max_value=2**66),
    st.sampled_from(
        [0, -1, 1, 1949, 2200, 2201, MAX_COUNT, MAX_COUNT + 1, 2**63 - 1, 2**63, 2**64 - 1]
    ),
    st.integers(min_value=10**MAX_INT_DIGITS, max_value=10**40),
).map(_int_cell)


def _float_cell(value: float) -> Cell:
    return Cell(json.dumps(value), repr(value), value, pl.Float64())


def _number_literal(text: str) -> Cell:
    digits = len(text.lstrip("-"))
    if re.fullmatch(r"-?\d+", text) and digits > MAX_INT_DIGITS:
        return Cell(text, text)  # no typed form holds what JSON refuses as written
    return Cell(text, text, float(text), pl.Float64())


floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(_float_cell),
    st.sampled_from(
        [
            "1e400",
            "-1e400",
            "1e-400",
            "5e-324",
            "0",
            "-0.0",
            "100",
            "100.0000001",
            "8784",
            "8785",
            "9" * 40,
            "1" + "0" * 30,
            "1" + "0" * 29,
        ]
    ).map(_number_literal),
    ints,
)


def _date_text(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _typed_day(days: int) -> Cell:
    series = pl.Series([days], dtype=pl.Int32).cast(pl.Date)
    text = series.cast(pl.String)[0]
    try:
        typed: Any = series[0]
    except ValueError:  # a year Python cannot hold: the typed formats write polars' own date
        typed = days
    return Cell(json.dumps(text), text, typed, pl.Date())


days = st.one_of(
    st.builds(
        _date_text,
        st.integers(min_value=0, max_value=9999),
        st.integers(min_value=0, max_value=13),
        st.integers(min_value=0, max_value=32),
    ).map(_text_cell),
    st.sampled_from(["0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "2024-02-30"]).map(
        _text_cell
    ),
    st.integers(min_value=-3_000_000, max_value=3_000_000).map(_typed_day),
)


def _moment_text(day: str, hour: int, offset: int) -> str:
    sign = "+" if offset >= 0 else "-"
    return f"{day}T{hour:02d}:30:00{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


moments = st.one_of(
    st.builds(
        _moment_text,
        st.sampled_from(["0001-01-01", "9999-12-31", "2024-06-30", "0000-12-31", "2024-02-30"]),
        st.integers(min_value=0, max_value=24),
        st.integers(min_value=-24 * 60, max_value=24 * 60),
    ).map(_text_cell),
    st.sampled_from(
        [
            "9999-12-31T20:00:00+00:00",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+08:10",
            "2024-06-30T12:00:00",
            "2024-06-30T12:00:00+8",
        ]
    ).map(_text_cell),
)
bools = st.booleans().map(lambda b: Cell(json.dumps(b), str(b).lower(), b, pl.Boolean()))
periods = st.sampled_from(
    [
        "2024",
        "2024-Q1",
        "2024-Q5",
        "0000",
        "0001-Q1",
        "9999-Q4",
        "2024年第一季度",
        "2024年",
        "2024年第5季度",
        "24",
        "２０２４",
    ]
).map(_text_cell)


def _list_cell(items: list[Cell]) -> Cell:
    return Cell(
        "[" + ", ".join(i.json for i in items) + "]",
        "、".join(i.text for i in items),
    )


def _map_cell(entries: dict[str, Cell]) -> Cell:
    body = ", ".join(f"{json.dumps(k)}: {v.json}" for k, v in entries.items())
    return Cell("{" + body + "}", "、".join(f"{k}:{v.text}" for k, v in entries.items()))


def _scalar(spec: FieldSpec) -> st.SearchStrategy[Cell]:
    kind = spec.value.kind
    if kind == "enum":
        assert spec.value.enum is not None
        words = accepted_words(spec.value.enum)
        return (st.sampled_from(words) | texts).map(_text_cell)
    if kind in ("text", "str"):
        return texts.map(_text_cell)
    return {
        "int": ints,
        "float": floats,
        "day": days,
        "moment": moments,
        "day_or_moment": days | moments,
        "bool": bools,
        "period": periods,
    }[kind]


def hostile(spec: FieldSpec) -> st.SearchStrategy[Cell]:
    if spec.shape == "list":
        item = list_items.map(_text_cell) if spec.value.kind == "text" else ints
        return st.lists(item, max_size=3).map(_list_cell)
    if spec.shape == "map":
        keys = list_items.filter(lambda k: not re.search("[:：=]", k))
        return st.dictionaries(keys, floats, max_size=2).map(_map_cell)
    return _scalar(spec)


# -- a valid record of each type --------------------------------------------------------------

_VALID: dict[str, Cell] = {
    "text": _text_cell("X1"),
    "str": _text_cell("X1"),
    "day": _text_cell("2024-03-01"),
    "moment": _text_cell("2024-03-01T10:00:00+08:00"),
    "day_or_moment": _text_cell("2024-03-01"),
    "bool": Cell("true", "true", True, pl.Boolean()),
    "int": _int_cell(2024),
    "float": _float_cell(50.0),
    "period": _text_cell("2024"),
}


def valid(spec: FieldSpec) -> Cell:
    if spec.shape == "list":
        item = _int_cell(2024) if spec.value.kind == "int" else _text_cell("X1")
        return _list_cell([item])
    if spec.shape == "map":
        return _map_cell({"O1": _float_cell(80.0)})
    if spec.value.kind == "enum":
        assert spec.value.enum is not None
        return _text_cell(accepted_words(spec.value.enum)[0])
    return _VALID[spec.value.kind]


@st.composite
def hostile_records(draw: st.DrawFn) -> tuple[str, str, dict[str, Cell]]:
    kind = draw(st.sampled_from(sorted(SPECS)))
    field = draw(st.sampled_from(sorted(SPECS[kind])))
    record = {name: valid(spec) for name, spec in SPECS[kind].items() if spec.required}
    record[field] = draw(hostile(SPECS[kind][field]))
    return kind, field, record


# -- the formats ------------------------------------------------------------------------------


def _carries(cell: Cell, form: str) -> bool:
    """Whether a format can hold the value at all (UTF-8 has no lone surrogates, XML no NUL)."""
    try:
        cell.text.encode("utf-8")
    except UnicodeEncodeError:
        return form in ("json", "jsonl")
    if form == "xlsx":
        return not _XML_ILLEGAL.search(cell.text)
    return True


def _frame(record: dict[str, Cell], typed: bool) -> pl.DataFrame:
    columns = []
    for name, cell in record.items():
        if typed and cell.dtype is not None:
            if isinstance(cell.dtype, pl.Date) and isinstance(cell.typed, int):
                series = pl.Series(name, [cell.typed], dtype=pl.Int32).cast(pl.Date)
            else:
                series = pl.Series(name, [cell.typed], dtype=cell.dtype)
        else:
            series = pl.Series(name, [cell.text], dtype=pl.String)
        columns.append(series)
    return pl.DataFrame(columns)


def write(form: str, kind: str, record: dict[str, Cell], folder: Path) -> Path | pl.DataFrame:
    body = "{" + ", ".join(f"{json.dumps(k)}: {c.json}" for k, c in record.items()) + "}"
    if form == "json":
        path = folder / "records.json"
        path.write_text(f'{{"{kind}": [{body}]}}', encoding="utf-8")
    elif form == "jsonl":
        path = folder / "records.jsonl"
        path.write_text(f'{{"type": "{kind}", ' + body[1:] + "\n", encoding="utf-8")
    elif form == "csv":
        path = folder / f"{kind}.csv"
        _frame(record, typed=False).write_csv(path)
    elif form == "xlsx":
        import xlsxwriter

        path = folder / "records.xlsx"
        with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as workbook:
            sheet = workbook.add_worksheet(kind)
            for column, (name, cell) in enumerate(record.items()):
                sheet.write_string(0, column, name)
                sheet.write_string(1, column, cell.text)
    elif form == "parquet":
        path = folder / f"{kind}.parquet"
        _frame(record, typed=True).write_parquet(path)
    else:
        return _frame(record, typed=True)
    return path


def verdict(form: str, kind: str, record: dict[str, Cell], folder: Path) -> str:
    target = write(form, kind, record, folder)
    try:
        if isinstance(target, pl.DataFrame):
            records = er.Records.from_frames({kind: target})
        else:
            records = er.load(target)
        assert records.counts()[kind] == 1  # nothing lost, nothing added
    except er.InputError as error:
        for problem in error.problems:
            assert problem.where and problem.expected, problem
        str(error).encode("utf-8")
        return "refused"
    return "accepted"


@SETTINGS
@given(example=hostile_records())
def test_a_hostile_value_gets_the_same_verdict_from_every_format(
    example: tuple[str, str, dict[str, Cell]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    kind, field, record = example
    verdicts = {}
    for form in FORMATS:
        if all(_carries(cell, form) for cell in record.values()):
            folder = tmp_path_factory.mktemp(form)
            verdicts[form] = verdict(form, kind, record, folder)
    assert len(set(verdicts.values())) == 1, (kind, field, record[field], verdicts)
    event(f"{set(verdicts.values()).pop()} by {len(verdicts)} formats")


@SETTINGS
@given(example=hostile_records())
def test_the_command_answers_a_hostile_record_with_a_report_or_a_located_error(
    example: tuple[str, str, dict[str, Cell]],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kind, _, record = example
    path = write("json", kind, record, tmp_path_factory.mktemp("cli"))
    code = main(["check", str(path), "--as-of", "2024-12-31", "--format", "json"])
    out, err = capsys.readouterr()
    event(f"exit {code}")
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert re.match(r"error: \d+ problem\(s\) in the records", err), err
        assert str(path) in err, err
    else:
        assert code in (0, 1) and json.loads(out)["findings"] is not None


def test_the_generated_records_are_valid_but_for_the_hostile_field(tmp_path: Path) -> None:
    for kind, specs in SPECS.items():
        record = {name: valid(spec) for name, spec in specs.items() if spec.required}
        for form in FORMATS:
            folder = tmp_path / kind / form
            folder.mkdir(parents=True)
            assert verdict(form, kind, record, folder) == "accepted", (kind, form)
