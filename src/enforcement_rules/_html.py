"""The HTML report: one self-contained file a person opens in any browser or attaches to an
e-mail, whatever the number of findings. A summary first (counts by status, department and
rule, bar charts of the twenty largest with the rest folded into one bar, the full tables
beside them), then the findings as a table that filters, sorts and pages in the browser.

The findings are embedded once, as JSON in a ``<script type="application/json">`` (``<``
escaped, so no text can close the element; gzip-compressed and base64-encoded when large),
read by an inline script without a framework; nothing is fetched from the network."""

from __future__ import annotations

import base64
import gzip
import json
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import polars as pl

from ._report import figure_list
from ._rulebase import Severity, SourceRef, Status, status_label
from ._table import display_width
from ._writers import LABELS

if TYPE_CHECKING:
    from ._report import Report

COMPRESS_ABOVE = 4_000_000
"""Embedded findings data larger than this many bytes of JSON is gzip-compressed (and read
back with the browser's DecompressionStream)."""
PAGE_SIZE = 50
TOP = 20

_CSS = """
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; margin: 0 auto; padding: 1em;
  max-width: 1500px; color: #1f2328; line-height: 1.5; overflow-wrap: anywhere; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #d0d7de; }
.meta { color: #59636e; font-size: 0.9em; }
.cards { display: flex; gap: 0.8em; margin: 1em 0; flex-wrap: wrap; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5em 1em; min-width: 7em; }
.card b { display: block; font-size: 1.6em; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em;
  align-items: start; }
@media (max-width: 900px) { .pair { grid-template-columns: minmax(0, 1fr); } }
svg.chart { width: 100%; height: auto; max-width: 760px; }
.scroll { overflow: auto; max-width: 100%; }
.full { max-height: 28em; border: 1px solid #d0d7de; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #d0d7de; padding: 0.3em 0.45em; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
th.sort { cursor: pointer; white-space: nowrap; }
th.sort::after { content: " ↕"; color: #8c959f; }
th.asc::after { content: " ↑"; color: #1f2328; } th.desc::after { content: " ↓"; color: #1f2328; }
#by-status { width: auto; min-width: 16em; }
td.n { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
tr.violation td.status { color: #b42318; font-weight: bold; }
tr.warning td.status { color: #9a6700; }
tr.pending td.status { color: #59636e; }
.quote { color: #3d4650; font-size: 0.95em; }
.quote::before { content: "「"; } .quote::after { content: "」"; }
.fix { color: #1a7f37; }
.reading { color: #8250df; font-size: 0.9em; }
.figures { color: #59636e; font-size: 0.85em; margin-top: 0.3em; }
.rule { border-left: 3px solid #d0d7de; padding: 0.3em 0.8em; margin: 0.6em 0; }
.note { margin-top: 0.2em; }
.legend span { display: inline-block; width: 0.9em; height: 0.9em; margin: 0 0.3em 0 1em;
  vertical-align: middle; }
.filters { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.8em 0; align-items: center; }
.filters select, .filters input, .pager button { font: inherit; padding: 0.25em 0.4em;
  max-width: 100%; }
.filters input { flex: 1 1 12em; min-width: 0; }
.pager { display: flex; gap: 0.6em; align-items: center; flex-wrap: wrap; margin: 0.6em 0; }
#findings-table td { min-width: 5em; }
#findings-table td.message { min-width: 16em; }
@media (max-width: 600px) {
  #findings-table thead { display: none; }
  #findings-table tr { display: block; border: 1px solid #d0d7de; margin-bottom: 0.6em; }
  #findings-table td { display: block; border: none; min-width: 0; }
  #findings-table td.message { min-width: 0; }
}
"""

_COLOURS = {"violations": "#d1242f", "warnings": "#bf8700", "pending": "#8c959f"}
_ROW = 22
_BAR_WIDTH = 320
_LABEL_CHARS = 28  # columns of a chart label; longer names are cut with "…"


def _label(text: str) -> str:
    if display_width(text) <= _LABEL_CHARS:
        return text
    cut = ""
    for char in text:
        if display_width(cut + char) > _LABEL_CHARS - 1:
            break
        cut += char
    return cut + "…"


def _bar_chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    """A horizontal bar per row: violations, then warnings, then pending findings; the SVG
    scales to the width it is given."""
    height = _ROW * len(rows) + 20
    # bars are scaled to the largest of the rows shown one by one; the folded rest, often
    # longer than all of them, is cut at the full width (its number says how long it is)
    ranked = rows[:TOP] if len(rows) > TOP else rows
    most = max((sum(counts.values()) for _, counts in ranked), default=0) or 1
    label_width = 12 + 7 * max((display_width(label) for label, _ in rows), default=0)
    width = label_width + _BAR_WIDTH + 70
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}"'
        f' style="max-width: {width}px"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, counts) in enumerate(rows):
        y = 10 + index * _ROW
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
        )
        x = float(label_width)
        scale = min(1.0, most / max(1, sum(counts.values())))
        for part, colour in _COLOURS.items():
            bar = _BAR_WIDTH * counts[part] / most * (scale if index >= TOP else 1.0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{bar:.1f}" height="{_ROW - 6}"'
                f' fill="{colour}"><title>{part}: {counts[part]:,}</title></rect>'
            )
            x += bar
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 14}" font-size="12">{sum(counts.values()):,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _chart_rows(
    summary: pl.DataFrame, key: str, label: str, what: str
) -> list[tuple[str, dict[str, int]]]:
    """The ``TOP`` rows with most findings, and the rest folded into one bar."""
    ranked = summary.filter(pl.col("findings") > 0).sort(
        ["findings", key], descending=[True, False], nulls_last=True
    )
    rows = []
    for row in ranked.head(TOP).iter_rows(named=True):
        name = row[key] if row[key] is not None else "-"
        if row.get(label):
            name = f"{name} {row[label]}"
        rows.append((_label(name), {part: row[part] for part in _COLOURS}))
    rest = ranked.slice(TOP)
    if rest.height:
        rows.append(
            (
                f"其余 {rest.height:,} 个{what} the other {rest.height:,}",
                {part: int(rest[part].sum()) for part in _COLOURS},
            )
        )
    return rows


def _summary_table(summary: pl.DataFrame, table_id: str, read: frozenset[str] = frozenset()) -> str:
    """A summary table; a rule in ``read`` links to its 解读 below."""
    head = "".join(f"<th>{escape(LABELS.get(c, c))}</th>" for c in summary.columns)
    body = []
    for row in summary.iter_rows():
        cells = "".join(
            f'<td class="n">{v:,}</td>'
            if isinstance(v, int)
            else f'<td><a href="#reading-{escape(v)}">{escape(v)}</a></td>'
            if index == 0 and v in read
            else f"<td>{escape(str(v or '-'))}</td>"
            for index, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll full"><table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _read(report: Report, by_rule: pl.DataFrame) -> frozenset[str]:
    """The rules with a 解读 (a data-quality check has none)."""
    return frozenset(r for r in by_rule["rule"] if report.reading_of(r)[1])


def _status_table(report: Report) -> str:
    counted = report.frame.group_by("severity", "status").len()
    rows = []
    for severity in Severity:
        for status in Status:
            match = counted.filter(
                (pl.col("severity") == severity.value) & (pl.col("status") == status.value)
            )
            if match.height:
                rows.append((status_label(severity, status), int(match["len"][0])))
    merged: dict[str, int] = {}
    for label, count in rows:
        merged[label] = merged.get(label, 0) + count
    body = "".join(
        f'<tr><td>{escape(label)}</td><td class="n">{count:,}</td></tr>'
        for label, count in merged.items()
    )
    return (
        '<table id="by-status"><thead><tr><th>结论 status</th><th>发现 findings</th></tr>'
        f"</thead><tbody>{body}</tbody></table>"
    )


def _kind(severity: Severity, status: Status) -> str:
    if status == Status.PENDING:
        return "pending"
    return "violation" if severity == Severity.VIOLATION else "warning"


def findings_data(report: Report, *, with_names: bool = False) -> dict[str, Any]:
    """What the page's script reads: each finding as a row of short fields, the rules,
    departments and sources it names written once."""
    sources: dict[tuple[SourceRef, ...], list[int]] = {}
    source_rows: list[list[str]] = []
    known: dict[SourceRef, int] = {}
    rules: dict[str, list[str]] = {}
    rows = []
    for finding in report.findings:
        indexes = sources.get(finding.sources)
        if indexes is None:
            indexes = []
            for source in finding.sources:
                if source not in known:
                    known[source] = len(source_rows)
                    source_rows.append(
                        [source.quote, source.reading(), f"{source.document} {source.section}"]
                    )
                indexes.append(known[source])
            sources[finding.sources] = indexes
        if finding.rule not in rules:
            rules[finding.rule] = [finding.title, finding.fix, "1" if finding.note else ""]
        officers = ""
        if with_names:
            officers = "、".join(f"{i} {n}" for i, n in report.names.officers_in(finding).items())
        rows.append(
            [
                finding.department or "",
                finding.rule,
                _kind(finding.severity, finding.status),
                status_label(finding.severity, finding.status),
                f"{finding.subject_type} {finding.subject_id}",
                finding.period or "",
                finding.due.isoformat() if finding.due else "",
                finding.message,
                finding.message_en,
                figure_list(finding.figures) if finding.figures else "",
                indexes,
                officers,
            ]
        )
    departments = {d: n for d, n in report.names.departments.items()}
    return {
        "departments": departments,
        "rules": rules,
        "sources": source_rows,
        "findings": rows,
        "page_size": PAGE_SIZE,
    }


def _embedded(data: dict[str, Any]) -> str:
    """The data as the content of a script element: JSON with ``<`` escaped (no ``</script>``
    can end the element early), gzip-compressed and base64-encoded when large."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    if len(text) <= COMPRESS_ABOVE:
        return f'<script type="application/json" id="findings-data">{text}</script>'
    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
    return (
        '<script type="application/json" id="findings-data" data-encoding="gzip-base64">'
        f'"{packed.decode("ascii")}"</script>'
    )


_SCRIPT = (files(__package__) / "report_page.js").read_text(encoding="utf-8")


def _quote(source: SourceRef) -> str:
    """A quote, the reading of characters the source copy lost, and where it stands."""
    reading = source.reading()
    return (
        f'<div class="quote">{escape(source.quote)}</div>'
        + (f'<div class="reading">{escape(reading)}</div>' if reading else "")
        + f'<div class="meta">{escape(source.document)} {escape(source.section)}</div>'
    )


def _readings(report: Report) -> str:
    """Each rule with findings or exemptions: its 解读 in Chinese, the English beside it."""
    cards = []
    for rule in dict.fromkeys(
        [
            *(f.rule for f in report.findings),
            *(e.rule for e in report.exempt),
            *(w.finding.rule for w in report.waived),
        ]
    ):
        title, note, note_en = report.reading_of(rule)
        if note:
            cards.append(
                f'<div class="rule" id="reading-{escape(rule)}"><b>{escape(rule)}</b> '
                f'{escape(title)}<div class="note">解读：{escape(note)}</div>'
                f'<div class="meta">{escape(note_en)}</div></div>'
            )
    return f"<h2>规则解读 readings of the rules</h2>{''.join(cards)}" if cards else ""


def render_html(report: Report, *, with_names: bool = False) -> str:
    """The whole report as one HTML document."""
    by_department = report.summary_by("department")
    by_rule = report.summary_by("rule")
    pending = report.counts("status").get(Status.PENDING.value, 0)
    warnings = int(by_rule["warnings"].sum()) if by_rule.height else 0
    title = f"行政执法规则检查报告 · {report.as_of.isoformat()}"
    packs = escape(", ".join(report.packs))
    department_chart = _bar_chart(
        "按部门的发现 findings per department",
        _chart_rows(by_department, "department", "department_name", "部门"),
    )
    rule_chart = _bar_chart(
        "按规则的发现 findings per rule", _chart_rows(by_rule, "rule", "", "规则")
    )
    warning_items = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
    exemption_items = "".join(
        f"<li>{escape(e.rule)} · {escape(e.department or '-')} · {escape(e.subject_type)} "
        f"{escape(e.subject_id)}:{escape(e.reason)}"
        + "".join(_quote(s) for s in e.sources)
        + "</li>"
        for e in report.exempt
    )
    waived_items = "".join(
        f"<li>{escape(w.finding.rule)} · {escape(w.finding.department or '-')} · "
        f"{escape(w.finding.subject_type)} {escape(w.finding.subject_id)}："
        f"{escape(w.finding.message)}"
        f'<div class="fix">已批准豁免：{escape(w.waiver.text())}</div>'
        f'<div class="meta">{escape(w.waiver.text("en"))}</div></li>'
        for w in report.waived
    )
    waived_card = (
        f'<div class="card"><b id="count-waived">{len(report.waived):,}</b>已批准豁免 waived</div>'
        if report.waivers is not None
        else ""
    )
    sortable = {"department", "rule", "status", "subject_id", "due"}
    findings_head = "".join(
        f'<th class="sort" data-key="{"subject" if c == "subject_id" else c}">'
        f"{escape(LABELS[c])}</th>"
        if c in sortable
        else f"<th>{escape(LABELS[c])}</th>"
        for c in ("department", "rule", "status", "subject_id", "due", "message", "quote", "fix")
    )
    readings = _readings(report)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">评估日 as of {report.as_of.isoformat()} · 规则包 packs: {packs}</p>
<div class="cards">
<div class="card"><b id="count-findings">{len(report):,}</b>发现 findings</div>
<div class="card"><b id="count-violations">{report.violation_count:,}</b>违规 violations</div>
<div class="card"><b id="count-warnings">{warnings:,}</b>提示 warnings</div>
<div class="card"><b id="count-pending">{pending:,}</b>未到期 pending</div>
{waived_card}</div>
<h2>按结论 by status</h2>
{_status_table(report)}
<p class="legend"><span style="background:{_COLOURS["violations"]}"></span>违规 violations
<span style="background:{_COLOURS["warnings"]}"></span>提示 warnings
<span style="background:{_COLOURS["pending"]}"></span>未到期 pending</p>
<h2>按部门 by department</h2>
<div class="pair"><div>{department_chart}</div>
{_summary_table(by_department, "by-department")}</div>
<h2>按规则 by rule</h2>
<div class="pair"><div>{rule_chart}</div>
{_summary_table(by_rule, "by-rule", _read(report, by_rule))}</div>
<h2 id="findings">发现 findings</h2>
<div class="filters">
<select id="filter-department" aria-label="部门 department"></select>
<select id="filter-rule" aria-label="规则 rule"></select>
<select id="filter-status" aria-label="结论 status"></select>
<input id="filter-text" type="search" placeholder="搜索 search" aria-label="搜索 search">
</div>
<div class="pager"><span>共 <b id="shown-count">{len(report):,}</b> 项 findings</span>
<button id="previous" type="button">上一页 previous</button>
<span id="page">1 / 1</span>
<button id="next" type="button">下一页 next</button></div>
<noscript><p>发现列表需要浏览器运行本文件内的脚本;汇总见上。
The list of findings needs the script inside this file; the summary is above.</p></noscript>
<div class="scroll"><table id="findings-table"><thead><tr>{findings_head}</tr></thead>
<tbody id="findings-body"></tbody></table></div>
{readings}
{f"<h2>豁免 exemptions</h2><ul>{exemption_items}</ul>" if exemption_items else ""}
{f'<h2 id="waived">已批准豁免 waived</h2><ul>{waived_items}</ul>' if waived_items else ""}
{f"<h2>警告 warnings</h2><ul>{warning_items}</ul>" if warning_items else ""}
{_embedded(findings_data(report, with_names=with_names))}
<script>{_SCRIPT}</script>
</body>
</html>
"""
