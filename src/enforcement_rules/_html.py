"""The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, nothing
fetched from the network) that a person opens in any browser, or attaches to an e-mail."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import polars as pl

from ._report import figure_list
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS, Severity, SourceRef, Status
from ._table import display_width
from ._writers import LABELS

if TYPE_CHECKING:
    from ._report import Report

_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; margin: 2em; color: #1f2328;
  line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #d0d7de; }
.meta { color: #59636e; }
.cards { display: flex; gap: 1em; margin: 1em 0; flex-wrap: wrap; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.6em 1.2em; min-width: 8em; }
.card b { display: block; font-size: 1.8em; }
.charts { display: flex; gap: 2em; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #d0d7de; padding: 0.35em 0.5em; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
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
"""

_COLOURS = {"violations": "#d1242f", "warnings": "#bf8700", "pending": "#8c959f"}
_ROW = 22
_BAR_WIDTH = 320


def _bar_chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    """A horizontal bar per row: violations, then warnings, then pending findings."""
    height = _ROW * len(rows) + 30
    most = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    label_width = min(480, 12 + 7 * max((display_width(label) for label, _ in rows), default=0))
    parts = [
        f'<svg role="img" width="{label_width + _BAR_WIDTH + 60}" height="{height}"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, counts) in enumerate(rows):
        y = 10 + index * _ROW
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
        )
        x = float(label_width)
        for part, colour in _COLOURS.items():
            width = _BAR_WIDTH * counts[part] / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="{_ROW - 6}"'
                f' fill="{colour}"><title>{part}: {counts[part]}</title></rect>'
            )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 14}" font-size="12">{sum(counts.values())}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _chart_rows(summary: pl.DataFrame, key: str, label: str) -> list[tuple[str, dict[str, int]]]:
    rows = []
    for row in summary.iter_rows(named=True):
        name = row[key] if row[key] is not None else "-"
        if row.get(label):
            name = f"{name} {row[label]}"
        rows.append((name, {part: row[part] for part in _COLOURS}))
    return rows


def _summary_table(summary: pl.DataFrame) -> str:
    head = "".join(f"<th>{escape(LABELS.get(c, c))}</th>" for c in summary.columns)
    body = []
    for row in summary.iter_rows():
        cells = "".join(
            f'<td class="n">{v}</td>' if isinstance(v, int) else f"<td>{escape(str(v or '-'))}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


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
        [*(f.rule for f in report.findings), *(e.rule for e in report.exempt)]
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
    rows = []
    for finding in report.findings:
        kind = (
            "pending"
            if finding.status == Status.PENDING
            else "violation"
            if finding.severity == Severity.VIOLATION
            else "warning"
        )
        officers = ""
        if with_names:
            named = report.names.officers_in(finding)
            officers = (
                "<br>人员: " + escape("、".join(f"{i} {n}" for i, n in named.items()))
                if named
                else ""
            )
        department = finding.department or "-"
        department_name = report.names.departments.get(department, "")
        quotes = "".join(_quote(s) for s in finding.sources)
        figures = (
            f'<div class="figures">依据数据：{escape(figure_list(finding.figures))}</div>'
            if finding.figures
            else ""
        )
        rows.append(
            f'<tr class="{kind}"><td>{escape(department)}<br>{escape(department_name)}</td>'
            f"<td>{escape(finding.rule)}<br>{escape(finding.title)}</td>"
            f'<td class="status">{SEVERITY_LABELS[finding.severity]}·'
            f"{STATUS_LABELS[finding.status]}</td>"
            f"<td>{escape(finding.subject_type)} {escape(finding.subject_id)}"
            f"{'<br>' + escape(finding.period) if finding.period else ''}</td>"
            f"<td>{escape(finding.due.isoformat()) if finding.due else '-'}</td>"
            f'<td>{escape(finding.message)}{officers}<div class="meta">'
            f"{escape(finding.message_en)}</div>{figures}</td>"
            f"<td>{quotes}</td>"
            f'<td class="fix">{escape(finding.fix)}</td></tr>'
        )
    findings_head = "".join(
        f"<th>{escape(LABELS[c])}</th>"
        for c in ("department", "rule", "status", "subject_id", "due", "message", "quote", "fix")
    )
    title = f"行政执法规则检查报告 · {report.as_of.isoformat()}"
    packs = escape(", ".join(report.packs))
    department_chart = _bar_chart(
        "按部门的发现 findings per department",
        _chart_rows(by_department, "department", "department_name"),
    )
    rule_chart = _bar_chart("按规则的发现 findings per rule", _chart_rows(by_rule, "rule", ""))
    warning_items = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
    exemption_items = "".join(
        f"<li>{escape(e.rule)} · {escape(e.department or '-')} · {escape(e.subject_type)} "
        f"{escape(e.subject_id)}:{escape(e.reason)}"
        + "".join(_quote(s) for s in e.sources)
        + "</li>"
        for e in report.exempt
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
<div class="card"><b id="count-findings">{len(report)}</b>发现 findings</div>
<div class="card"><b id="count-violations">{report.violation_count}</b>违规 violations</div>
<div class="card"><b id="count-warnings">{warnings}</b>提示 warnings</div>
<div class="card"><b id="count-pending">{pending}</b>未到期 pending</div>
</div>
<p class="legend"><span style="background:{_COLOURS["violations"]}"></span>违规 violations
<span style="background:{_COLOURS["warnings"]}"></span>提示 warnings
<span style="background:{_COLOURS["pending"]}"></span>未到期 pending</p>
<div class="charts">
<section><h2>按部门 by department</h2>
{department_chart}
</section>
<section><h2>按规则 by rule</h2>
{rule_chart}
</section>
</div>
<h2>按部门汇总 summary by department</h2>
{_summary_table(by_department)}
<h2>按规则汇总 summary by rule</h2>
{_summary_table(by_rule)}
<h2>发现 findings</h2>
<table id="findings"><thead><tr>{findings_head}</tr></thead>
<tbody>
{chr(10).join(rows) if rows else '<tr><td colspan="8">没有发现 no findings</td></tr>'}
</tbody></table>
{readings}
{f"<h2>豁免 exemptions</h2><ul>{exemption_items}</ul>" if exemption_items else ""}
{f"<h2>警告 warnings</h2><ul>{warning_items}</ul>" if warning_items else ""}
</body>
</html>
"""
