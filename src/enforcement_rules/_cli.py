"""The ``enforcement-rules`` command.

Exit codes: 0 no violations, 1 violations found, 2 bad input, bad rules or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ._calendar import Calendar, calendar
from ._errors import EnforcementRulesError, InputError, UsageError
from ._evaluate import evaluate
from ._load import load
from ._obligations import department_obligations, obligations
from ._records import json_schema
from ._report import Report
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS, Severity, Status
from ._rules import load_rules
from ._table import render_table

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except EnforcementRulesError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head`
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-rules",
        description="Check a host system's records against the rules of Chinese "
        "administrative-enforcement policy documents (行政执法).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="evaluate records as of a day (exit 1 on violations)")
    check.add_argument("file", help="records: a .json interchange file")
    check.add_argument(
        "--as-of",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day to evaluate as of (a day in Asia/Shanghai)",
    )
    _pack_option(check)
    check.add_argument("--format", choices=["table", "json"], default="table")
    check.add_argument("--output", metavar="PATH", help="write to PATH instead of the terminal")
    check.set_defaults(handler=_check)

    rules = commands.add_parser("rules", help="list the rules: id, title, source quote")
    _pack_option(rules)
    rules.add_argument("--format", choices=["table", "json"], default="table")
    rules.set_defaults(handler=_rules)

    schema = commands.add_parser("schema", help="print the JSON Schema of the records file")
    schema.set_defaults(handler=_schema)

    cal = commands.add_parser(
        "calendar", help="what each department owes, by when, and its status as of a day"
    )
    cal.add_argument("file", help="records: a .json interchange file")
    cal.add_argument(
        "--as-of",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day to evaluate as of (a day in Asia/Shanghai)",
    )
    _pack_option(cal)
    cal.add_argument("--department", metavar="ID", help="only this department")
    cal.add_argument(
        "--within",
        type=int,
        metavar="DAYS",
        help="only what needs attention: due in the next DAYS days, or overdue and not delivered",
    )
    cal.add_argument("--ics", metavar="PATH", help="also write an iCalendar file (RFC 5545)")
    cal.add_argument("--format", choices=["table", "json"], default="table")
    cal.add_argument("--output", metavar="PATH", help="write to PATH instead of the terminal")
    cal.set_defaults(handler=_calendar)

    owed = commands.add_parser(
        "obligations",
        help="the deliverable, activity and task ids the rules define; with FILE, which apply "
        "to each department and why",
    )
    owed.add_argument("file", nargs="?", help="records: a .json interchange file")
    _pack_option(owed)
    owed.add_argument("--department", metavar="ID", help="only this department (with FILE)")
    owed.add_argument("--format", choices=["table", "json"], default="table")
    owed.set_defaults(handler=_obligations)
    return parser


def _pack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pack",
        action="append",
        metavar="ID",
        help="only this pack (repeatable); default: every pack that applies",
    )


def _check(args: argparse.Namespace) -> int:
    records = load(args.file)
    report = evaluate(records, as_of=args.as_of, packs=args.pack)
    text = report.to_json() if args.format == "json" else _report_table(report, records.counts())
    _write(text, args.output)
    return EXIT_VIOLATIONS if report.has_violations else EXIT_OK


def _report_table(report: Report, counts: dict[str, int]) -> str:
    by_status = report.counts("status")
    warnings = report.frame.filter(
        (report.frame["severity"] == Severity.WARNING.value)
        & (report.frame["status"] != Status.PENDING.value)
    ).height
    held = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    lines = [
        f"评估日 as of {report.as_of.isoformat()} · 规则包 packs: {', '.join(report.packs)}",
        f"记录 records: {held or '无 none'}",
        f"发现 findings: {len(report)}(违规 violations {report.violation_count},"
        f"提示 warnings {warnings},未到期 pending {by_status.get(Status.PENDING.value, 0)})",
        "",
    ]
    findings = report.findings
    if findings:
        rows = [
            [
                f.rule,
                f"{SEVERITY_LABELS[f.severity]}·{STATUS_LABELS[f.status]}",
                f.department or "-",
                f"{f.subject_type} {f.subject_id}",
                f.message,
            ]
            for f in findings
        ]
        lines.append(render_table(["规则", "结论", "部门", "对象", "说明"], rows))
        lines += ["", "原文 sources:"]
        shown: set[str] = set()
        for f in findings:
            if f.rule in shown or not f.sources:
                continue
            shown.add(f.rule)
            source = f.sources[0]
            lines.append(f"  {f.rule}  {f.title}")
            lines.append(f"      「{source.quote}」({source.document} {source.section})")
            lines.append(f"      整改: {f.fix}")
    else:
        lines.append("没有发现 no findings.")
    if report.warnings:
        lines += ["", "警告 warnings:"] + [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)


def _rules(args: argparse.Namespace) -> int:
    ruleset = load_rules()
    packs = ruleset.select(args.pack)
    if args.format == "json":
        data = [
            {
                "id": r.id,
                "pack": p.id,
                "kind": r.kind,
                "title": r.title,
                "title_en": r.title_en,
                "severity": r.severity.value,
                "register": r.register_rows,
                "sources": [s.model_dump() for s in r.sources],
            }
            for p in packs
            for r in p.rules
        ]
        _write(json.dumps(data, ensure_ascii=False, indent=2), None)
        return EXIT_OK
    rows = [
        [r.id, p.id, r.kind, r.title, f"「{r.sources[0].quote}」"] for p in packs for r in p.rules
    ]
    _write(render_table(["规则", "规则包", "类型", "标题", "原文"], rows), None)
    return EXIT_OK


def _calendar(args: argparse.Namespace) -> int:
    records = load(args.file)
    result = calendar(
        records,
        as_of=args.as_of,
        packs=args.pack,
        department=args.department,
        within=args.within,
    )
    if args.ics:
        Path(args.ics).write_bytes(result.to_ics().encode("utf-8"))
    text = result.to_json() if args.format == "json" else _calendar_table(result)
    if args.ics and args.format == "table":
        text += f"\n\niCalendar: {len(result)} 个日程 events → {args.ics}"
    _write(text, args.output)
    return EXIT_OK


def _calendar_table(result: Calendar) -> str:
    statuses = Counter(e.status for e in result)
    counted = ",".join(
        f"{STATUS_LABELS[s]} {s.value} {statuses[s]}" for s in Status if statuses.get(s)
    )
    lines = [
        f"合规日历 compliance calendar · 评估日 as of {result.as_of.isoformat()} · "
        f"规则包 packs: {', '.join(result.packs)}",
        f"条目 entries: {len(result)}" + (f"({counted})" if counted else ""),
    ]
    if not len(result):
        lines += ["", "没有条目 no entries."]
    for department in result.departments():
        entries = result.for_department(department)
        lines += ["", f"{department} {entries[0].department_name}"]
        rows = [
            [
                e.due.isoformat(),
                f"{e.days_left:+d}",
                STATUS_LABELS[e.status]
                + ("(提示)" if e.severity == Severity.WARNING and e.status != Status.MET else ""),
                e.rule,
                e.period or "-",
                e.title,
            ]
            for e in entries
        ]
        lines.append(render_table(["期限", "天数", "状态", "规则", "期间", "事项"], rows))
    return "\n".join(lines)


def _obligations(args: argparse.Namespace) -> int:
    ruleset = load_rules()
    packs = ruleset.select(args.pack)
    if args.file is None:
        if args.department:
            raise UsageError("--department needs a records FILE")
        listed = obligations(packs)
        if args.format == "json":
            _write(json.dumps([o.to_dict() for o in listed], ensure_ascii=False, indent=2), None)
            return EXIT_OK
        rows = [[o.item, o.record_type, o.rule, o.when, o.title, o.owers] for o in listed]
        _write(render_table(["编号", "记录", "规则", "期限", "事项", "责任单位"], rows), None)
        return EXIT_OK
    records = load(args.file)
    applies = department_obligations(records, packs, args.department)
    if args.department and not applies:
        raise UsageError(f"department {args.department!r} is not in the records")
    if args.format == "json":
        _write(json.dumps([a.to_dict() for a in applies], ensure_ascii=False, indent=2), None)
        return EXIT_OK
    rows = [
        [a.department, a.rule, a.item, "是" if a.applies else "否", a.why, a.title] for a in applies
    ]
    _write(render_table(["部门", "规则", "编号", "适用", "依据", "事项"], rows), None)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    _write(json.dumps(json_schema(), ensure_ascii=False, indent=2), None)
    return EXIT_OK


def _write(text: str, output: str | None, stream: TextIO | None = None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        (stream or sys.stdout).write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
