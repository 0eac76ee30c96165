"""The ``enforcement-rules`` command.

Exit codes: 0 no violations, 1 violations found, 2 bad input, bad rules or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ._coverage import COVERAGE_DIR, coverage
from ._errors import EnforcementRulesError, InputError
from ._evaluate import evaluate
from ._load import load
from ._records import json_schema
from ._report import Report
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS, Severity, Status
from ._rules import default_rules_dir, load_rules
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

    coverage = commands.add_parser(
        "coverage", help="sentences of each source document covered by rules, not checkable, "
        "context, unclassified (exit 1 if any is unclassified)"
    )
    _pack_option(coverage)
    coverage.add_argument("--unclassified", action="store_true",
                          help="print the unclassified sentences as register entries to fill in")
    coverage.set_defaults(handler=_coverage)
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


def _schema(args: argparse.Namespace) -> int:
    _write(json.dumps(json_schema(), ensure_ascii=False, indent=2), None)
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    ruleset = load_rules()
    documents = None
    if args.pack:
        documents = {d for p in ruleset.select(args.pack) for d in p.spec.documents}
    reports = [c for c in coverage(ruleset, default_rules_dir())
               if documents is None or c.document.id in documents]
    if args.unclassified:
        lines = []
        for report in reports:
            missing = [s for s in report.sentences if s.entry is None]
            if missing:
                lines.append(f"# {report.document.id} ({COVERAGE_DIR}/{report.document.id}.yaml)")
                lines += [f"  - text: {json.dumps(s.sentence.text, ensure_ascii=False)}  "
                          f"# line {s.sentence.line}" for s in missing]
        _write("\n".join(lines) or "no unclassified sentences", None)
    else:
        rows = [
            [r.document.id, str(len(r.sentences)), str(r.count("rules")),
             str(r.count("not_checkable")), str(r.count("context")),
             str(r.count("unclassified")), str(len(r.stale))]
            for r in reports
        ]
        _write(render_table(["文件 document", "句 sentences", "规则 rules", "不可核查 not checkable",
                             "背景 context", "未分类 unclassified", "失效 stale"], rows), None)
    incomplete = any(r.count("unclassified") or r.stale for r in reports)
    return EXIT_VIOLATIONS if incomplete else EXIT_OK


def _write(text: str, output: str | None, stream: TextIO | None = None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        (stream or sys.stdout).write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
