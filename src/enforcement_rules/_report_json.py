"""The report as JSON text, encoded column by column by polars: the same document as
``json.dumps(report.to_dict())`` without a Python object per finding and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ._output import write_file
from ._report import due_moment_text, source_data

if TYPE_CHECKING:
    from ._report import Report


def report_json(report: Report, *, with_names: bool = False) -> str:
    """``report.to_dict(with_names=...)`` as compact JSON text."""
    head, tail = _frame(report, with_names)
    rows = _rows(report, with_names)
    return head + (str(rows.str.join(",").item()) if len(rows) else "") + tail


def write_report_json(report: Report, path: str | Path, *, with_names: bool = False) -> Path:
    """The same text as ``report_json``, written to ``path`` in UTF-8 straight from the
    encoded columns, whole or not at all (``_output``)."""
    head, tail = _frame(report, with_names)
    rows = _rows(report, with_names).to_frame()

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


def _rows(report: Report, with_names: bool) -> pl.Series:
    """One JSON object per finding."""
    findings = report.findings
    if not findings:
        return pl.Series("json", [], dtype=pl.String)
    sources: dict[Any, str] = {}
    source_texts = []
    for finding in findings:
        text = sources.get(finding.sources)
        if text is None:
            text = json.dumps(
                [source_data(s) for s in finding.sources], ensure_ascii=False, separators=(",", ":")
            )
            sources[finding.sources] = text
        source_texts.append(text)

    dues = report.frame["due"].drop_nulls().unique().to_list()
    columns: dict[str, list[Any]] = {
        "title": [f.title for f in findings],
        "message": [f.message for f in findings],
        "message_en": [f.message_en for f in findings],
        "fix": [f.fix for f in findings],
        "fix_en": [f.fix_en for f in findings],
        "sources": source_texts,
    }
    if with_names:
        columns["officer_names"] = [
            json.dumps(report.names.officers_in(f), ensure_ascii=False, separators=(",", ":"))
            for f in findings
        ]
    frame = report.frame.with_columns(
        *(pl.Series(name, values, dtype=pl.String) for name, values in columns.items()),
        pl.col("department")
        .replace_strict(report.names.departments, default=None, return_dtype=pl.String)
        .alias("department_name"),
        pl.col("due")
        .replace_strict({d: due_moment_text(d) for d in dues}, default=None, return_dtype=pl.String)
        .alias("due_moment"),
        pl.when(pl.col("figures").is_null() | (pl.col("figures") == ""))
        .then(pl.lit("{}"))
        .otherwise(pl.col("figures"))
        .alias("figures"),
    )
    return frame.select(
        pl.concat_str(
            _fields("rule", "title", "pack", "severity", "status").str.strip_suffix("}"),
            pl.lit(',"subject":'),
            pl.struct(
                pl.col("subject_type").alias("type"),
                pl.col("subject_id").alias("id"),
                "department",
                "department_name",
            ).struct.json_encode(),
            pl.lit(","),
            _inner("period", "due", "due_moment"),
            pl.lit(',"figures":'),
            pl.col("figures"),
            pl.lit(","),
            _inner("message", "message_en", "fix", "fix_en"),
            pl.lit(',"sources":'),
            pl.col("sources"),
            *([pl.lit(',"officer_names":'), pl.col("officer_names")] if with_names else []),
            pl.lit("}"),
        ).alias("json")
    )["json"]


def _fields(*names: str) -> pl.Expr:
    return pl.struct(*names).struct.json_encode()


def _inner(*names: str) -> pl.Expr:
    """The fields as JSON object members, without the braces."""
    return _fields(*names).str.strip_prefix("{").str.strip_suffix("}")
