"""A report written out: CSV, an Excel workbook, a pandas DataFrame (the terminal table is
``_table``, the HTML report ``_html``, JSON ``Report.to_json``).

Officers are named by id; ``with_names`` adds their names (personal data) in a column of its
own. Departments are always named.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ._optional import require
from ._output import write_file
from ._spreadsheet import formula_safe, workbook
from ._table import display_width

if TYPE_CHECKING:
    from ._report import Report

COLUMNS = [
    "department",
    "department_name",
    "rule",
    "title",
    "pack",
    "severity",
    "status",
    "subject_type",
    "subject_id",
    "period",
    "due",
    "message",
    "message_en",
    "figures",
    "quote",
    "source",
    "fix",
]
"""The columns of a written findings table, in order (``officer_names`` follows with names)."""

LABELS = {
    "department": "部门 department",
    "department_name": "部门名称 department name",
    "rule": "规则 rule",
    "title": "要求 requirement",
    "pack": "规则包 pack",
    "severity": "性质 severity",
    "status": "结论 status",
    "subject_type": "对象类型 subject type",
    "subject_id": "对象 subject",
    "period": "期间 period",
    "due": "期限 due",
    "message": "说明 finding",
    "message_en": "finding (English)",
    "figures": "依据数据 figures",
    "quote": "原文 quote",
    "source": "出处 source",
    "fix": "整改 fix",
    "note": "解读 reading",
    "note_en": "reading (English)",
    "officer_names": "人员 officers",
    "waived": "豁免 waived",
    "reason": "豁免理由 waiver reason",
    "reason_en": "waiver reason (English)",
    "approved_by": "批准人 approved by",
    "approved_on": "批准日期 approved on",
    "valid_until": "有效期至 valid until",
    "waiver_source": "豁免出处 waiver source",
    "findings": "发现 findings",
    "violations": "违规 violations",
    "warnings": "提示 warnings",
    "pending": "未到期 pending",
}
"""Headers a person reads (Excel and HTML): Chinese, then English."""

EXCEL_FINDINGS_LIMIT = 60_000
"""The findings a workbook lists by default: writing a cell costs xlsxwriter microseconds, and
a province's findings (114,605 at scale 1) would take longer than a person waits: 60,000
rows of 17 columns take about 7 s on one core."""

WAIVED = "已批准豁免 waived"
"""How a written findings table marks a waived finding (``waived`` column)."""

FINDINGS_SHEET = "发现 findings"
WAIVED_SHEET = "批准豁免 waived"
DEPARTMENT_SHEET = "按部门 by department"
RULE_SHEET = "按规则 by rule"


def findings_table(report: Report, *, with_names: bool = False) -> pl.DataFrame:
    """The findings with the columns of ``COLUMNS`` (and ``officer_names``)."""
    frame = report.to_frame(with_names=with_names)
    return frame.select([*COLUMNS, *(["officer_names"] if with_names else [])])


WAIVER_COLUMNS: dict[str, pl.DataType] = {
    "waived": pl.String(),
    "reason": pl.String(),
    "reason_en": pl.String(),
    "approved_by": pl.String(),
    "approved_on": pl.Date(),
    "valid_until": pl.Date(),
    "waiver_source": pl.String(),
}
"""The columns a written table adds for a waived finding: ``waived`` and its waiver."""


def waived_table(report: Report, *, with_names: bool = False) -> pl.DataFrame:
    """The waived findings with the columns of ``COLUMNS`` (and ``officer_names``), then
    ``WAIVER_COLUMNS``: ``waived`` and their waiver."""
    frame = report.to_frame(with_names=with_names, waived=True)
    waivers = [w.waiver for w in report.waived]
    values: dict[str, list[Any]] = {
        "waived": [WAIVED] * len(waivers),
        "reason": [w.reason for w in waivers],
        "reason_en": [w.reason_en or None for w in waivers],
        "approved_by": [w.approved_by for w in waivers],
        "approved_on": [w.approved_on for w in waivers],
        "valid_until": [w.valid_until for w in waivers],
        "waiver_source": [w.place for w in waivers],
    }
    return frame.select(*COLUMNS, *(["officer_names"] if with_names else [])).with_columns(
        pl.Series(name, values[name], dtype=dtype) for name, dtype in WAIVER_COLUMNS.items()
    )


def findings_csv(report: Report, *, with_names: bool = False) -> str:
    """The findings as CSV text, text cells that would start a formula written as text
    (``_spreadsheet``). Where the evaluation was given waivers, the waived findings follow,
    marked in a ``waived`` column with their waiver (``WAIVER_COLUMNS``)."""
    table = findings_table(report, with_names=with_names)
    if report.waivers is not None:
        table = pl.concat(
            [
                table.with_columns(
                    pl.lit(None, dtype=dtype).alias(name) for name, dtype in WAIVER_COLUMNS.items()
                ),
                waived_table(report, with_names=with_names),
            ],
            how="vertical_relaxed",
        )
    return formula_safe(table).write_csv(line_terminator="\n")


def write_csv(report: Report, path: str | Path, *, with_names: bool = False) -> Path:
    """The findings as CSV, in UTF-8 with a byte-order mark so that spreadsheet programs
    read the Chinese correctly; written whole or not at all (``_output``)."""
    return write_file(path, findings_csv(report, with_names=with_names).encode("utf-8-sig"))


def write_excel(
    report: Report,
    path: str | Path,
    *,
    with_names: bool = False,
    limit: int | None = EXCEL_FINDINGS_LIMIT,
) -> Path:
    """A workbook with the findings (the first ``limit`` of them; a last row names how many
    more there are), a summary per department and a summary per rule (of every finding).

    Rows are streamed (xlsxwriter's constant memory mode); text is written as text, never
    read as a formula, a number or a link."""
    require("xlsxwriter", "writing Excel reports")
    shown = report.head(limit) if limit is not None and len(report) > limit else report
    sheets = {
        FINDINGS_SHEET: findings_table(shown, with_names=with_names),
        DEPARTMENT_SHEET: report.summary_by("department"),
        RULE_SHEET: _with_readings(report, report.summary_by("rule")),
    }
    if report.waivers is not None:
        sheets[WAIVED_SHEET] = waived_table(report, with_names=with_names)

    def write(temporary: Path) -> None:
        with workbook(temporary, streamed=True) as book:
            bold = book.add_format({"bold": True})
            for name, frame in sheets.items():
                sheet = book.add_worksheet(name)
                _write_sheet(sheet, formula_safe(frame), bold)
                if name == FINDINGS_SHEET and len(shown) < len(report):
                    note = excel_left_out(len(report), len(shown))
                    sheet.write_string(frame.height + 1, 0, note)

    return write_file(path, write)


def _write_sheet(sheet: Any, frame: pl.DataFrame, bold: Any) -> None:
    """A sheet row by row (xlsxwriter's constant memory mode writes each row as it comes)."""
    headers = [LABELS.get(c, c) for c in frame.columns]
    for index, width in enumerate(_column_widths(frame, headers)):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, headers, bold)
    text = sheet.write_string
    for number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            if value.__class__ is str:
                text(number, column, value)
            elif value is not None:
                sheet.write(number, column, value)
    if frame.height:
        sheet.autofilter(0, 0, frame.height, frame.width - 1)


def excel_left_out(total: int, written: int) -> str:
    """The note a workbook holding part of the findings ends its findings sheet with."""
    return (
        f"本表列出前 {written:,} 项发现，另有 {total - written:,} 项未列出（CSV、JSON 包含全部）。"
        f" The first {written:,} findings; {total - written:,} more are left out "
        "(CSV and JSON hold them all)."
    )


def _column_widths(frame: pl.DataFrame, headers: list[str]) -> list[float]:
    """Widths that show a column's header and its usual cell (the first thousand rows,
    Chinese characters counted twice), at most 60."""
    sample = frame.head(1000)
    widths: list[float] = []
    for column, header in zip(frame.columns, headers, strict=True):
        cells = [display_width(str(v)) for v in sample[column].to_list() if v is not None]
        widths.append(min(60, max([display_width(header), *cells]) + 2))
    return widths


def _with_readings(report: Report, by_rule: pl.DataFrame) -> pl.DataFrame:
    """The summary per rule with each rule's 解读 (Chinese) and its English."""
    readings = {rule: report.reading_of(rule) for rule in by_rule["rule"]}
    return by_rule.with_columns(
        pl.Series("note", [readings[r][1] or None for r in by_rule["rule"]], dtype=pl.String),
        pl.Series("note_en", [readings[r][2] or None for r in by_rule["rule"]], dtype=pl.String),
    )


def to_pandas(report: Report, *, with_names: bool = False) -> Any:
    """The findings as a pandas DataFrame."""
    require("pandas", "a pandas DataFrame of the findings")
    require("pyarrow", "a pandas DataFrame of the findings")
    return report.to_frame(with_names=with_names).to_pandas()
