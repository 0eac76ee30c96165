"""Records written back out: JSON, JSON Lines, a folder of CSV files, an Excel workbook.

``enforcement-rules convert`` uses these to turn one format into another, and to give a host
system a template of the files it can provide. What is written loads back to the same
records: lists are joined with 、, a date-time keeps its UTC offset, enumerations are written
as their English values.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import polars as pl

from ._columnar import SPECS
from ._columns import COLUMN_ALIASES, LIST_JOINER, TYPE_ALIASES
from ._dates import TIMEZONE
from ._errors import UsageError
from ._models import RECORD_TYPES
from ._optional import require
from ._output import write_file, write_text
from ._records import MOMENT_SUFFIX, Records
from ._spreadsheet import formula_safe_text, workbook
from ._vocab import ALIASES

Headers = Literal["en", "zh"]

_PREFERRED_HEADERS = {
    ("officers", "department"): "所属部门",
    ("certificates", "id"): "执法证号",
    ("certificates", "officer"): "人员编号",
    ("trainings", "officer"): "人员编号",
    ("trainings", "date"): "培训日期",
    ("actions", "department"): "执法部门",
    ("actions", "date"): "执法日期",
}


def chinese_header(kind: str, field: str) -> str:
    """The Chinese header written for a field: its usual name, else its first alias."""
    preferred = _PREFERRED_HEADERS.get((kind, field))
    if preferred:
        return preferred
    return next((a for a, f in COLUMN_ALIASES.get(kind, {}).items() if f == field), field)


def chinese_type_name(kind: str) -> str:
    """The Chinese name written for a record type (a sheet name): its first alias."""
    return next((a for a, k in TYPE_ALIASES.items() if k == kind), kind)


def _moment_text(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(TIMEZONE).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


def _number_text(expr: pl.Expr) -> pl.Expr:
    """20.0 as 20, 1.5 as 1.5."""
    whole = expr == expr.floor()
    return pl.when(whole).then(expr.cast(pl.Int64).cast(pl.String)).otherwise(expr.cast(pl.String))


def _chinese_word(enum: type[StrEnum]) -> dict[str, str]:
    """Each value of an enumeration and the first Chinese word accepted for it."""
    words: dict[str, str] = {}
    for word, member in ALIASES.get(enum, {}).items():
        words.setdefault(member.value, word)
    return words


def text_table(
    records: Records, kind: str, *, typed_dates: bool = False, words: Headers = "en"
) -> pl.DataFrame:
    """A table of ``kind`` as a spreadsheet holds it: the contract's columns, lists joined
    with 、, a day-or-date-time as one column. ``typed_dates`` keeps dates, numbers and
    booleans typed (for a workbook); otherwise every cell is text. ``words="zh"`` writes
    enumerations in their Chinese words and booleans as 是/否."""
    frame = records.table(kind)
    exprs = []
    for name, spec in SPECS[kind].items():
        column = pl.col(name)
        value: pl.Expr
        if spec.shape == "list":
            items = column.list.eval(pl.element().cast(pl.String))
            value = pl.when(column.list.len() > 0).then(items.list.join(LIST_JOINER))
        elif spec.shape == "map":
            value = column.list.eval(
                pl.format(
                    "{}:{}",
                    pl.element().struct.field("key"),
                    _number_text(pl.element().struct.field("value")),
                )
            ).list.join(LIST_JOINER)
        elif name + MOMENT_SUFFIX in frame.columns:
            day = column.dt.strftime("%Y-%m-%d")
            value = pl.coalesce(_moment_text(name + MOMENT_SUFFIX), day)
        elif words == "zh" and spec.value.enum is not None:
            value = column.replace_strict(
                _chinese_word(spec.value.enum), default=column, return_dtype=pl.String
            )
        elif words == "zh" and spec.value.kind == "bool":
            value = pl.when(column).then(pl.lit("是")).when(~column).then(pl.lit("否"))
        elif typed_dates and spec.value.kind in ("day", "int", "float", "bool"):
            value = column
        elif spec.value.kind == "day":
            value = column.dt.strftime("%Y-%m-%d")
        elif spec.value.kind == "float":
            value = _number_text(column)
        elif spec.value.kind == "bool":
            value = pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
        else:
            value = column.cast(pl.String)
        exprs.append(value.alias(name))
    return frame.select(exprs)


def _formula_safe(table: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The text fields of ``table`` written as text where they would start a formula
    (``_spreadsheet``); numbers, dates and enumerations are left as they are."""
    text = [
        name
        for name, spec in SPECS[kind].items()
        if spec.value.kind in ("text", "str") or spec.shape == "map"
    ]
    return table.with_columns(formula_safe_text(pl.col(name)).alias(name) for name in text)


def _headed(table: pl.DataFrame, kind: str, headers: Headers) -> pl.DataFrame:
    if headers == "en":
        return table
    return table.rename({c: chinese_header(kind, c) for c in table.columns})


def _kinds(records: Records, every_type: bool) -> list[str]:
    return [k for k in RECORD_TYPES if every_type or records.table(k).height]


def write_csv_folder(
    records: Records,
    folder: str | Path,
    *,
    headers: Headers = "en",
    encoding: str = "utf-8",
    every_type: bool = False,
) -> list[Path]:
    """One CSV file per record type (``officers.csv``...); every type with ``every_type``
    (empty ones hold only their header: a template). The files written."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"{target}: is a file; give a folder to write the CSV files in") from None
    except OSError as error:
        raise UsageError(f"{target}: cannot make the folder ({error.strerror})") from None
    written = []
    for kind in _kinds(records, every_type):
        table = _formula_safe(text_table(records, kind, words=headers), kind)
        text = _headed(table, kind, headers).write_csv(line_terminator="\n")
        written.append(write_file(target / f"{kind}.csv", text.encode(encoding)))
    return written


def write_workbook(
    records: Records, path: str | Path, *, headers: Headers = "en", every_type: bool = False
) -> Path:
    """An Excel workbook, one sheet per record type (named in Chinese with ``headers="zh"``);
    dates are date cells, numbers numbers, lists joined with 、."""
    require("xlsxwriter", "writing Excel workbooks")

    def write(temporary: Path) -> None:
        with workbook(temporary) as book:
            for kind in _kinds(records, every_type):
                sheet = chinese_type_name(kind) if headers == "zh" else kind
                table = text_table(records, kind, typed_dates=True, words=headers)
                table = _headed(_formula_safe(table, kind), kind, headers)
                table.write_excel(
                    book, worksheet=sheet, autofit=True, dtype_formats={pl.Date: "yyyy-mm-dd"}
                )

    return write_file(path, write)


def plain_records(records: Records) -> dict[str, list[dict[str, Any]]]:
    """The records as the JSON file holds them: one array of objects per record type, with
    the fields that have a value."""
    data: dict[str, list[dict[str, Any]]] = {}
    for kind in _kinds(records, False):
        frame = records.table(kind)
        specs = SPECS[kind]
        exprs = []
        for name, spec in specs.items():
            if name + MOMENT_SUFFIX in frame.columns:
                day = pl.col(name).dt.strftime("%Y-%m-%d")
                exprs.append(pl.coalesce(_moment_text(name + MOMENT_SUFFIX), day).alias(name))
            elif spec.value.kind == "day" and spec.shape == "one":
                exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
            else:
                exprs.append(pl.col(name))
        rows = []
        for row in frame.select(exprs).iter_rows(named=True):
            record = {}
            for name, value in row.items():
                if value is None:
                    continue
                if specs[name].shape == "map":
                    value = {entry["key"]: entry["value"] for entry in value}
                record[name] = value
            rows.append(record)
        data[kind] = rows
    return data


def write_json(records: Records, path: str | Path) -> Path:
    text = json.dumps(plain_records(records), ensure_ascii=False, indent=2)
    return write_text(path, text + "\n")


def write_jsonl(records: Records, path: str | Path) -> Path:
    lines = [
        json.dumps({"type": kind, **record}, ensure_ascii=False)
        for kind, rows in plain_records(records).items()
        for record in rows
    ]
    return write_text(path, "\n".join(lines) + "\n")
