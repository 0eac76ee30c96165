"""The report as JSON text, encoded column by column by polars: the same document as
``json.dumps(report.to_dict())`` without a Python object per finding and field."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from ._output import write_file
from ._report import due_moment_text, source_data
from ._rulebase import SourceRef

if TYPE_CHECKING:
    from ._report import Report

ENGINE: Final = "in-memory"
"""The engine of the queries here, as of eager frames: polars' default for a query (streaming)
costs about a millisecond more on a small report."""


def report_json(report: Report, *, with_names: bool = False) -> str:
    """``report.to_dict(with_names=...)`` as compact JSON text."""
    head, tail = _frame(report, with_names)
    if not len(report):
        return head + tail
    rows = _rows(report, with_names).select(pl.col("json").str.join(",")).collect(engine=ENGINE)
    return head + str(rows.item()) + tail


def write_report_json(report: Report, path: str | Path, *, with_names: bool = False) -> Path:
    """The same text as ``report_json``, written to ``path`` in UTF-8 straight from the
    encoded columns, whole or not at all (``_output``)."""
    head, tail = _frame(report, with_names)
    rows = _rows(report, with_names).collect(engine=ENGINE) if len(report) else pl.DataFrame()

    def write(temporary: Path) -> None:
        with temporary.open("wb") as out:
            out.write(head.encode("utf-8"))
            if rows.height:
                # one JSON object a row, unquoted; a comma after every row but the last
                rows.head(-1).write_csv(
                    out, include_header=False, quote_style="never", line_terminator=","
                )
                rows.tail(1).write_csv(
                    out, include_header=False, quote_style="never", line_terminator=""
                )
            out.write((tail + "\n").encode("utf-8"))

    return write_file(path, write)


def _frame(report: Report, with_names: bool) -> tuple[str, str]:
    """The text before and after the findings."""
    header = report.to_dict(with_names=with_names, findings=False)
    header["findings"] = None
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"), default=str)
    return text[: -len("null}")] + "[", "]}"


def _rows(report: Report, with_names: bool) -> pl.LazyFrame:
    """One JSON object per finding (column ``json``), as a query: the caller adds its last
    step, so that the findings are encoded in one query."""
    frame = report.frame
    officer_names = (
        [
            json.dumps(report.names.officers_in(f), ensure_ascii=False, separators=(",", ":"))
            for f in report.findings
        ]
        if with_names
        else None
    )
    rules = [report.describers[rule][1] for rule in frame.get_column("rule").to_list()]
    wordings = report.wordings()
    # names looked up row by row: a mapping in the query costs more than the rows' own
    # encoding on a small report, and little beside the wording on a large one
    departments = report.names.departments
    columns: dict[str, list[Any]] = {
        "title": [rule.title for rule in rules],
        "message": [message for message, _, _ in wordings],
        "message_en": [message_en for _, message_en, _ in wordings],
        "fix": [rule.fix for rule in rules],
        "fix_en": [rule.fix_en for rule in rules],
        "sources": [_sources_json(sources) for _, _, sources in wordings],
        "department_name": [
            None if department is None else departments.get(department)
            for department in frame.get_column("department").to_list()
        ],
        "due_moment": [
            None if due is None else due_moment_text(due)
            for due in frame.get_column("due").to_list()
        ],
    }
    if officer_names is not None:
        columns["officer_names"] = officer_names
    return (
        report.frame.lazy()
        .with_columns(pl.Series(name, values, dtype=pl.String) for name, values in columns.items())
        .select(_row_json(with_names))
    )


@cache
def _row_json(with_names: bool) -> pl.Expr:
    """A finding's JSON object, from the report's columns and the added ones (made once)."""
    subject = pl.struct(
        pl.col("subject_type").alias("type"),
        pl.col("subject_id").alias("id"),
        "department",
        "department_name",
    ).alias("subject")
    return pl.concat_str(
        _fields(
            "rule", "title", "pack", "severity", "status", subject, "period", "due", "due_moment"
        ).str.strip_suffix("}"),
        pl.lit(',"figures":'),
        pl.when(pl.col("figures").is_null() | (pl.col("figures") == ""))
        .then(pl.lit("{}"))
        .otherwise(pl.col("figures")),
        pl.lit(","),
        _inner("message", "message_en", "fix", "fix_en"),
        pl.lit(',"sources":'),
        pl.col("sources"),
        *([pl.lit(',"officer_names":'), pl.col("officer_names")] if with_names else []),
        pl.lit("}"),
    ).alias("json")


@lru_cache(maxsize=4096)
def _sources_json(sources: tuple[SourceRef, ...]) -> str:
    """A finding's sources as JSON (they are the rule's: made once per rule)."""
    return json.dumps([source_data(s) for s in sources], ensure_ascii=False, separators=(",", ":"))


def _fields(*names: str | pl.Expr) -> pl.Expr:
    return pl.struct(*names).struct.json_encode()


def _inner(*names: str | pl.Expr) -> pl.Expr:
    """The fields as JSON object members, without the braces."""
    return _fields(*names).str.strip_prefix("{").str.strip_suffix("}")
