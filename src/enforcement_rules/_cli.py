"""The ``enforcement-rules`` command.

Exit codes: 0 no violations, 1 violations found, 2 nothing was evaluated: bad input, bad rules,
bad usage, or an internal error (never 1, which means violations); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from . import _engine
from ._calendar import Calendar, calendar
from ._contest import contest
from ._coverage import COVERAGE_DIR, coverage
from ._diff import ReportDiff, diff_frames, read_report
from ._errors import EnforcementRulesError, UsageError
from ._evaluate import evaluate
from ._export import write_csv_folder, write_json, write_jsonl, write_workbook
from ._inherit import inheritance_text, rule_data
from ._load import load
from ._models import RECORD_TYPES
from ._obligations import department_obligations, obligations
from ._optional import require
from ._output import refuse_overwriting, silence, write_text
from ._progress import step
from ._records import Records, json_schema
from ._report import Finding, Report
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS, RuleBase, Severity, Status, status_label
from ._rules import PACKS_GROUP, SHIPPED, RuleSet, load_rules
from ._scan import ScannedRecords, scan
from ._scope import campaign_scope, render_scope
from ._table import fit_lines, render_table
from ._terminal import printable
from ._waivers import Waivers, load_waivers
from ._watch import watch
from ._writers import EXCEL_FINDINGS_LIMIT, excel_left_out, findings_csv

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
TABLE_LIMIT = 1000
REPORT_FORMATS = ["table", "json", "csv", "xlsx", "html"]
CONVERT_FORMATS = ["json", "jsonl", "csv", "xlsx"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except EnforcementRulesError as error:  # located: the file, row and field, what was wanted
        _print_error(str(error))
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head`
        silence(sys.stdout)
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断 interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a defect; never exit 1, which means violations
        _print_error(
            f"internal error, nothing was evaluated: {type(error).__name__}: {error} "
            "(a defect of enforcement-rules; please report it with the command that caused it)"
        )
        return EXIT_ERROR


def _print_error(message: str) -> None:
    """One message on stderr: control characters escaped, and whatever the terminal's encoding
    cannot show (a lone surrogate) written as an escape."""
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    text = f"error: {printable(message)}".encode(encoding, "backslashreplace").decode(encoding)
    print(text, file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-rules",
        description="Check a host system's records against the rules of Chinese "
        "administrative-enforcement policy documents (行政执法).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="evaluate records as of a day (exit 1 on violations)")
    check.add_argument(
        "file",
        help="records: a .json or .jsonl file, an .xlsx workbook, or a folder of CSV files "
        "(one per record type)",
    )
    check.add_argument(
        "--as-of",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day to evaluate as of (a day in Asia/Shanghai)",
    )
    _pack_option(check)
    _rules_options(check)
    _waivers_option(check)
    check.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        help="default: from the suffix of --output (.json, .csv, .xlsx, .html), else table",
    )
    check.add_argument("--output", metavar="PATH", help="write to PATH instead of the terminal")
    check.add_argument(
        "--with-names",
        action="store_true",
        help="name the officers of each finding (personal data; by default officers are "
        "named by id only)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="refuse records with referential problems (unknown references, repeated ids) "
        "instead of reporting them as data-quality findings",
    )
    _filter_options(check)
    check.add_argument(
        "--pending",
        action="store_true",
        help="list findings not yet due in the table too (they are counted in its header, and "
        "always written to JSON, CSV, Excel and HTML)",
    )
    check.add_argument(
        "--summary",
        action="store_true",
        help="print counts per rule and per department and rule instead of the findings",
    )
    check.add_argument(
        "--limit",
        type=int,
        default=TABLE_LIMIT,
        metavar="N",
        help=f"list at most N findings in the table (default {TABLE_LIMIT}; 0: all)",
    )
    check.add_argument(
        "--indent",
        type=int,
        metavar="N",
        help="indent JSON by N spaces (default: compact, one line)",
    )
    _scale_options(check)
    check.set_defaults(handler=_check)

    compare = commands.add_parser(
        "diff",
        help="compare two JSON reports: findings new, resolved and still open "
        "(exit 1 if a new finding is a violation)",
        description="Compare two reports written by `check --format json` (an earlier and a "
        "later one): which findings are new, which were resolved, which are still open, per "
        "department and per rule. A finding is the same in both when its rule, subject (type "
        "and id) and period are.",
    )
    compare.add_argument("old", help="the earlier report (JSON)")
    compare.add_argument("new", help="the later report (JSON)")
    compare.add_argument("--format", choices=["table", "json"], default="table")
    compare.add_argument(
        "--limit",
        type=int,
        default=TABLE_LIMIT,
        metavar="N",
        help=f"list at most N new and N resolved findings (default {TABLE_LIMIT}; 0: all)",
    )
    compare.set_defaults(handler=_diff)

    convert = commands.add_parser(
        "convert",
        help="write records in another format (also a template for host systems)",
        description="Validate records and write them as JSON, JSON Lines, a folder of CSV "
        "files or an Excel workbook; what is written loads back to the same records.",
    )
    convert.add_argument("source", help="records in any format `check` reads")
    convert.add_argument(
        "--to",
        required=True,
        choices=CONVERT_FORMATS,
        dest="target_format",
        help="the format to write",
    )
    convert.add_argument("target", help="the file (json, jsonl, xlsx) or folder (csv) to write")
    convert.add_argument(
        "--headers",
        choices=["en", "zh"],
        default="en",
        help="column headers (and sheet names) in English (the contract) or Chinese",
    )
    convert.add_argument(
        "--encoding",
        choices=["utf-8", "utf-8-sig", "gb18030"],
        default="utf-8",
        help="encoding of CSV files (utf-8-sig: with a byte-order mark, for Excel)",
    )
    convert.add_argument(
        "--every-type",
        action="store_true",
        help="write every record type, empty ones as headers only (a template)",
    )
    convert.set_defaults(handler=_convert)

    rules = commands.add_parser(
        "rules", help="list the rules: id, title, source quote, 解读 (reading) and fix"
    )
    _pack_option(rules)
    _rules_options(rules)
    rules.add_argument("--format", choices=["table", "json"], default="table")
    rules.add_argument(
        "--lang",
        choices=["zh", "en"],
        default="zh",
        help="zh: titles, 解读 and fixes in Chinese (default); en: in English",
    )
    rules.set_defaults(handler=_rules)

    schema = commands.add_parser("schema", help="print the JSON Schema of the records file")
    schema.set_defaults(handler=_schema)

    coverage = commands.add_parser(
        "coverage",
        help="sentences of each source document covered by rules, not checkable, "
        "context, unclassified (exit 1 if any is unclassified or a register entry is stale)",
    )
    _pack_option(coverage)
    _rules_options(coverage)
    coverage.add_argument(
        "--unclassified",
        action="store_true",
        help="print the unclassified sentences as register entries to fill in",
    )
    coverage.set_defaults(handler=_coverage)
    scope = commands.add_parser(
        "scope", help="print each department's campaign, the reason, and its enrolment"
    )
    scope.add_argument("file", help="records in any format `check` reads")
    scope.add_argument(
        "--pack", metavar="ID", help="the pack whose scope rule to apply (default: the only one)"
    )
    scope.add_argument("--format", choices=["table", "json"], default="table")
    _rules_options(scope)
    scope.set_defaults(handler=_scope)

    ranking = commands.add_parser(
        "contest", help="print the contest ranking: team scores, finalists, prizes, ties"
    )
    ranking.add_argument("file", help="records in any format `check` reads")
    ranking.add_argument(
        "--pack", metavar="ID", help="the pack whose contest rules to apply (default: the only one)"
    )
    ranking.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="leave out teams and exams dated after this day (default: every record)",
    )
    ranking.add_argument("--format", choices=["table", "json"], default="table")
    _rules_options(ranking)
    ranking.set_defaults(handler=_contest)

    cal = commands.add_parser(
        "calendar", help="what each department owes, by when, and its status as of a day"
    )
    cal.add_argument(
        "file",
        help="records: a .json or .jsonl file, an .xlsx workbook, or a folder of CSV files",
    )
    cal.add_argument(
        "--as-of",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day to evaluate as of (a day in Asia/Shanghai)",
    )
    _pack_option(cal)
    _rules_options(cal)
    _waivers_option(cal)
    _filter_options(cal)
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
    owed.add_argument(
        "file",
        nargs="?",
        help="records: a .json or .jsonl file, an .xlsx workbook, or a folder of CSV files",
    )
    _pack_option(owed)
    _rules_options(owed)
    owed.add_argument("--department", metavar="ID", help="only this department (with FILE)")
    owed.add_argument("--format", choices=["table", "json"], default="table")
    owed.set_defaults(handler=_obligations)

    watching = commands.add_parser(
        "watch",
        help="follow records (JSON Lines on standard input); print findings as they arise "
        "and a resolving line when one stops holding",
    )
    _pack_option(watching)
    _rules_options(watching)
    watching.add_argument(
        "--as-of",
        metavar="START",
        help="the clock's first day (YYYY-MM-DD, read as its last moment); "
        "each act moves it to its own day",
    )
    watching.add_argument(
        "--pending", action="store_true", help="also print findings not yet due (pending)"
    )
    _waivers_option(watching)
    watching.set_defaults(handler=_watch)

    engine = commands.add_parser(
        "engine",
        help="whether the live monitor's engine (durable-rules) works on this Python; install it",
        description="status (the default): whether durable-rules imports on this interpreter "
        "and passes a self-test (exit 0), or why not and the command that installs it (exit 2). "
        "install: build durable-rules from source with pip for this interpreter, saying what "
        "runs and why (on Python 3.13+ with the define its C extension needs), then check it.",
    )
    engine.add_argument(
        "action",
        nargs="?",
        choices=["status", "install"],
        default="status",
        metavar="{status,install}",
        help="status (default): check the engine; install: build and install it",
    )
    engine.set_defaults(handler=_engine_command)

    gen = commands.add_parser(
        "generate",
        help="write a synthetic province (Parquet and CSV) for benchmarks and trials",
        description="Write deterministic synthetic records: at scale 1, 2,000 departments of "
        "the five jurisdictions the packs name and others, 100,000 officers, 1,000,000 "
        "enforcement acts, 1,000,000 trainings, and what every obligation asks for, with "
        "violations in realistic shares. The same scale and seed write the same bytes. "
        "Evaluate them as of 2025-12-31. Needs the generate extra (numpy).",
    )
    gen.add_argument("--scale", type=float, default=1.0, help="1 is a province (default)")
    gen.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    gen.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    gen.add_argument(
        "--format",
        action="append",
        choices=["parquet", "csv"],
        dest="formats",
        help="parquet/ and csv/ folders under DIR (repeatable; default both; a province in "
        "shards: parquet)",
    )
    gen.add_argument(
        "--shards",
        type=int,
        metavar="N",
        help="write the province in N shards, one at a time, one Parquet file each per table "
        "(default: one per unit of scale above 1)",
    )
    gen.set_defaults(handler=_generate)
    _pack_commands(commands)
    _serve_parser(commands)
    return parser


# -- writing a pack: new-pack, lint, test -----------------------------------------------------


def _pack_commands(commands: Any) -> None:
    scaffold = commands.add_parser(
        "new-pack",
        help="scaffold a pack for a new notice: pack.yaml, the source, its coverage register, "
        "a rules template and a features folder",
        description="Write a new pack folder for NOTICE into a rules folder: the notice kept "
        "verbatim with its sha256, pack.yaml, an empty rules file with a commented template, a "
        "coverage register listing every sentence unclassified (those that look checkable "
        "marked), and a template feature. Never writes a rule; never writes over a file.",
    )
    scaffold.add_argument(
        "id", metavar="ID", help="the pack id, e.g. acme-2026 (also the document id)"
    )
    scaffold.add_argument(
        "--source",
        required=True,
        metavar="NOTICE",
        help="the notice as text (UTF-8, or GB18030/UTF-16, kept as UTF-8)",
    )
    scaffold.add_argument("--title", help="the pack's title (default: the notice's first line)")
    scaffold.add_argument(
        "--region",
        action="append",
        metavar="NAMES",
        help="the region the pack applies to, from the province down (某省、某市; repeatable)",
    )
    scaffold.add_argument(
        "--in-force",
        metavar="FROM:TO",
        help="the days in force (YYYY-MM-DD:YYYY-MM-DD, TO may be empty; default: the first "
        "year the notice names)",
    )
    scaffold.add_argument(
        "--into",
        default="rules",
        metavar="DIR",
        help="the rules folder to write the pack in (default: rules; created if missing)",
    )
    scaffold.set_defaults(handler=_new_pack)

    linting = commands.add_parser(
        "lint",
        help="check a rules folder: rules valid, quotes verbatim, every sentence classified, "
        "every rule cited and with a passing and a failing scenario (exit 0 / 1 / 2)",
    )
    linting.add_argument("folder", metavar="DIR", help="the rules folder (the layout of rules/)")
    linting.add_argument(
        "--features", metavar="DIR", help="the Gherkin features (default: DIR/features)"
    )
    linting.set_defaults(handler=_lint_command)

    testing = commands.add_parser(
        "test",
        help="run a rules folder's own Gherkin features with the library's step vocabulary "
        "(exit 0 / 1 / 2; needs the packs extra)",
    )
    testing.add_argument("folder", metavar="DIR", help="the rules folder (the layout of rules/)")
    testing.add_argument(
        "--features", metavar="DIR", help="the Gherkin features (default: DIR/features)"
    )
    testing.add_argument(
        "--verbose", action="store_true", help="show each failing step with its context"
    )
    testing.set_defaults(handler=_test_command)


def _new_pack(args: argparse.Namespace) -> int:
    from ._newpack import new_pack

    period = None
    if args.in_force:
        start, _, end = args.in_force.partition(":")
        try:
            period = (date.fromisoformat(start), date.fromisoformat(end) if end else None)
        except ValueError:
            raise UsageError(
                f"--in-force {args.in_force!r}: expected YYYY-MM-DD:YYYY-MM-DD (TO may be empty)"
            ) from None
    made = new_pack(
        args.id,
        args.source,
        into=args.into,
        title=args.title,
        region=args.region,
        in_force=period,
    )
    for path in made.files:
        print(printable(f"已写入 wrote {path}"), file=sys.stderr)
    if made.converted_from:
        print(
            f"原文为 {made.converted_from}，已转为 UTF-8 保存 "
            f"(converted from {made.converted_from} to UTF-8)",
            file=sys.stderr,
        )
    print(
        f"规则包 {args.id}：{made.sentences} 句，其中 {made.hinted} 句看来可以核查（登记中标有"
        f"「可核查？」）。\n"
        f"pack {args.id}: {made.sentences} sentences, {made.hinted} look checkable (marked "
        f"可核查？ in the register). Next: write rules, classify each sentence, write features, "
        f"then: enforcement-rules lint {args.into} && enforcement-rules test {args.into}"
    )
    return EXIT_OK


def _lint_command(args: argparse.Namespace) -> int:
    from ._lint import lint

    result = lint(args.folder, args.features)
    for problem in result.problems:
        _write(str(problem), None)
    if result.problems:
        _write(f"{len(result.problems)} 个问题 problem(s) in {args.folder}", None)
        return EXIT_VIOLATIONS
    _write(
        f"没有问题 no problems: {result.rules} 条规则 rules，{result.sentences} 句 sentences，"
        f"{result.scenarios} 个场景 scenarios",
        None,
    )
    return EXIT_OK


def _test_command(args: argparse.Namespace) -> int:
    from ._packtest import run_features

    return run_features(args.folder, args.features, sys.stdout, verbose=args.verbose)


def _generate(args: argparse.Namespace) -> int:
    from ._synthetic import AS_OF, generate_province

    with step(f"生成 generating a synthetic province (scale {args.scale:g}) in {args.out}"):
        sharded = args.shards > 1 if args.shards is not None else args.scale > 1
        counts = generate_province(
            args.out,
            scale=args.scale,
            seed=args.seed,
            formats=args.formats or (["parquet"] if sharded else ["parquet", "csv"]),
            shards=args.shards,
        )
    held = ", ".join(f"{kind} {count:,}" for kind, count in counts.items())
    _wrote(args.out, f"synthetic province (scale {args.scale:g}, seed {args.seed})")
    print(f"  {held}", file=sys.stderr)
    print(f"  evaluate as of {AS_OF.isoformat()}, e.g.:", file=sys.stderr)
    print(
        f"  enforcement-rules check {Path(args.out) / 'parquet'} --as-of {AS_OF.isoformat()}",
        file=sys.stderr,
    )
    return EXIT_OK


# -- serve: the rules as an HTTP service ------------------------------------------------


def _serve_parser(commands: Any) -> None:
    serving = commands.add_parser(
        "serve",
        help="the rules as an HTTP service (needs the service extra)",
        description="Answer checks, calendars, rules, packs, the schema, coverage and live "
        "monitors over HTTP (OpenAPI document at /v1/openapi.json).",
    )
    serving.add_argument(
        "--host", default="127.0.0.1", help="the address to bind (default 127.0.0.1)"
    )
    serving.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    _rules_options(serving)
    serving.add_argument(
        "--token-file",
        metavar="F",
        help="ask every request (but /healthz, /readyz) for the bearer token held in this file",
    )
    serving.add_argument(
        "--max-request-bytes",
        type=int,
        metavar="N",
        help="refuse a larger request body with 413 (default 100 MiB)",
    )
    serving.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes evaluating checks (default: one per core; 0: the service's own threads)",
    )
    _waivers_option(serving)
    serving.add_argument(
        "--allow-remote-without-token",
        action="store_true",
        help="bind to an address other than the loopback without --token-file",
    )
    serving.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    require("fastapi", "the HTTP service (enforcement-rules serve)")
    require("uvicorn", "the HTTP service (enforcement-rules serve)")
    require("python_multipart", "the HTTP service's uploads (enforcement-rules serve)")
    from ._service import DEFAULT_MAX_REQUEST_BYTES, ServiceConfig, serve
    from ._service_pool import usable_cores

    limit = args.max_request_bytes or DEFAULT_MAX_REQUEST_BYTES
    if args.max_request_bytes is not None and args.max_request_bytes < 1:
        raise UsageError("--max-request-bytes takes a number of 1 or more")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port takes a port from 0 to 65535; got {args.port}")
    token = _token(args.token_file) if args.token_file else None
    if token is None and not _loopback(args.host) and not args.allow_remote_without_token:
        raise UsageError(
            f"--host {args.host}: without --token-file the service binds to the loopback only "
            "(127.0.0.1, ::1, localhost); give a token file, or --allow-remote-without-token"
        )
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers takes 0 or more; got {args.workers}")
    workers = args.workers if args.workers is not None else usable_cores()
    ruleset = _ruleset(args)
    waivers = _waivers(args)
    if waivers is not None:
        waivers.check_rules(ruleset.rules)
    config = ServiceConfig(
        rules=ruleset, token=token, max_request_bytes=limit, workers=workers, waivers=waivers
    )
    return serve(config, args.host, args.port)


def _token(path: str) -> str:
    """The bearer token in a file: its text without surrounding white space, not empty."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--token-file {path}: cannot be read ({error})") from None
    if not text or any(c.isspace() or not c.isprintable() for c in text):
        raise UsageError(f"--token-file {path}: expected one token of printable characters")
    return text


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _version() -> str:
    try:
        return metadata.version("enforcement-rules")
    except metadata.PackageNotFoundError:  # imported from a source tree, not installed
        return "unknown"


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rule", action="append", metavar="ID", help="only this rule (repeatable)")
    parser.add_argument(
        "--department", action="append", metavar="ID", help="only this department (repeatable)"
    )
    parser.add_argument(
        "--status",
        action="append",
        choices=[s.value for s in Status],
        help="only this status (repeatable)",
    )
    parser.add_argument(
        "--severity",
        action="append",
        choices=[s.value for s in Severity],
        help="only this severity (repeatable)",
    )
    parser.add_argument(
        "--skip-rule",
        action="append",
        metavar="ID",
        help="leave this rule out (repeatable), e.g. one that reports the same thing many times",
    )


def _known_rules(named: list[str] | None, known: Iterable[str], option: str) -> None:
    unknown = sorted(set(named or ()) - set(known))
    if unknown:
        raise UsageError(
            f"{option}: unknown rule {', '.join(unknown)} (see: enforcement-rules rules)"
        )


def _pack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pack",
        action="append",
        metavar="ID",
        help="only this pack (repeatable); default: every pack that applies",
    )


def _rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        metavar="DIR",
        dest="rules_dirs",
        help="also load the packs of this rules folder (laid out as the shipped rules/: pack "
        "folders, sources/, coverage/; repeatable)",
    )
    parser.add_argument(
        "--no-shipped",
        action="store_true",
        help="leave out the shipped packs (only those of --rules and installed packs)",
    )
    parser.add_argument(
        "--no-installed-packs",
        action="store_true",
        help=f"leave out installed pack distributions (entry points {PACKS_GROUP})",
    )


# -- waivers ----------------------------------------------------------------------------------


def _waivers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--waivers",
        action="append",
        metavar="FILE",
        help="waive findings as this waivers file (.yaml or .csv) says: rule, subject, reason, "
        "approved by, approved on, valid until (repeatable; see docs/waivers.md)",
    )


def _waivers(args: argparse.Namespace) -> Waivers | None:
    """The waivers of ``--waivers`` (``None`` when none was given)."""
    return load_waivers(*args.waivers) if args.waivers else None


def _waived_lines(report: Report) -> list[str]:
    """The terminal's list of waived findings, each with its waiver."""
    if report.waivers is None or not report.waived:
        return []
    lines = ["", f"已批准豁免 waived（不计为违规 not counted）：{len(report.waived):,}"]
    for w in report.waived:
        f = w.finding
        lines.append(
            f"  {f.rule}  {status_label(f.severity, f.status)}  {f.department or '-'}  "
            f"{f.subject_type} {f.subject_id}"
        )
        lines.append(f"      {f.message}")
        lines.append(f"      {w.waiver.text()}")
        lines.append(f"      {w.waiver.text('en')}")
    return lines


# -- rules ------------------------------------------------------------------------------------


def _ruleset(args: argparse.Namespace) -> RuleSet:
    """The rules a command reads: shipped, installed and --rules folders, as chosen."""
    return load_rules(
        *(args.rules_dirs or ()),
        shipped=not args.no_shipped,
        installed=not args.no_installed_packs,
    )


# -- large data: partitions and engines ---------------------------------------------------------


def _scale_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--partition-by",
        metavar="DEPTH",
        help="evaluate one region at a time: province, city, county (or a depth 1, 2, 3...); "
        "a folder is then read part by part, never whole",
    )
    command.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where the parts are evaluated: in this process (local, default) or on a Dask "
        "cluster (dask: needs the dask extra and --partition-by)",
    )
    command.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="with --engine dask and no --address: start a local cluster of N worker processes",
    )
    command.add_argument(
        "--address",
        metavar="HOST:PORT",
        help="with --engine dask: the scheduler of a running Dask cluster (e.g. tcp://host:8786)",
    )


def _evaluate_args(args: argparse.Namespace, ruleset: RuleSet) -> tuple[Report, dict[str, int]]:
    """The report of ``check``, with the counts of the records it read."""
    partitioned = args.partition_by is not None
    if not partitioned and (args.engine != "local" or args.workers or args.address):
        raise UsageError("--engine, --workers and --address evaluate parts: add --partition-by")
    if partitioned and Path(args.file).is_dir():
        records: Records | ScannedRecords = scan(args.file)
    else:
        with step(f"读取 loading {args.file}"):
            records = load(args.file)
    waivers = _waivers(args)
    with step("核查 evaluating"):
        report = evaluate(
            records,
            as_of=args.as_of,
            packs=args.pack,
            strict=args.strict,
            rules=ruleset,
            waivers=waivers,
            partition_by=args.partition_by,
            engine=args.engine,
            workers=args.workers,
            address=args.address,
        )
    return report, records.counts()


def _check(args: argparse.Namespace) -> int:
    output_format = args.format or _format_of(args.output)
    if output_format == "xlsx" and not args.output:
        raise UsageError("--format xlsx writes a workbook: give it a file with --output")
    if args.summary and output_format != "table":
        raise UsageError("--summary prints a table: leave out --format and --output")
    if args.limit < 0 or (args.indent is not None and args.indent < 0):
        raise UsageError("--limit and --indent take a number of 0 or more")
    refuse_overwriting([args.output], [args.file])
    report, counts = _evaluate_args(args, _ruleset(args))
    for option, named in (("--rule", args.rule), ("--skip-rule", args.skip_rule)):
        _known_rules(named, report.rules, option)
    report = report.filter(
        rule=args.rule,
        department=args.department,
        status=args.status,
        severity=args.severity,
        skip_rule=args.skip_rule,
    )
    names = args.with_names
    if output_format == "table":
        if args.summary:
            text = _summary_table(report, counts, _filters(args))
        else:
            text = _report_table(
                report,
                counts,
                with_names=names,
                pending=args.pending,
                limit=args.limit,
                filters=_filters(args),
            )
        _write(text, args.output, table=True)
    elif output_format == "csv" and not args.output:
        _write(findings_csv(report, with_names=names).rstrip("\n"), None)
    elif output_format == "json" and not args.output:
        _write(report.to_json(with_names=names, indent=args.indent), None)
    elif output_format == "html" and not args.output:
        _write(report.to_html(with_names=names).rstrip("\n"), None)
    else:
        with step(f"写入 writing {args.output}"):
            if output_format == "xlsx":
                report.to_excel(args.output, with_names=names)
            elif output_format == "csv":
                report.to_csv(args.output, with_names=names)
            elif output_format == "html":
                report.to_html(args.output, with_names=names)
            else:
                report.write_json(args.output, with_names=names, indent=args.indent)
        waived = (
            f"，已批准豁免 waived {report.waived_frame.height:,}"
            if report.waivers is not None
            else ""
        )
        _wrote(args.output, f"{len(report):,} 项发现 findings{waived} ({output_format})")
        if output_format == "xlsx" and len(report) > EXCEL_FINDINGS_LIMIT:
            print(excel_left_out(len(report), EXCEL_FINDINGS_LIMIT), file=sys.stderr)
    return EXIT_VIOLATIONS if report.has_violations else EXIT_OK


def _filters(args: argparse.Namespace) -> str:
    chosen = [
        f"{option} {', '.join(values)}"
        for option, values in (
            ("rule", args.rule),
            ("department", args.department),
            ("status", args.status),
            ("severity", args.severity),
            ("skip-rule", args.skip_rule),
        )
        if values
    ]
    return "; ".join(chosen)


def _wrote(path: str | Path, what: str) -> None:
    """Say on standard error what a command wrote, and where."""
    print(printable(f"已写入 wrote {path}: {what}"), file=sys.stderr)


def _diff(args: argparse.Namespace) -> int:
    old, old_waived, old_as_of = read_report(args.old)
    new, new_waived, new_as_of = read_report(args.new)
    result = diff_frames(
        old, new, old_as_of, new_as_of, old_waived=old_waived, new_waived=new_waived
    )
    if args.format == "json":
        _write(json.dumps(result.to_dict(), ensure_ascii=False, default=str), None)
    else:
        _write(_diff_table(result, args.old, args.new, args.limit), None, table=True)
    opened = result.new.filter(
        (pl.col("severity") == Severity.VIOLATION.value)
        & (pl.col("status") != Status.PENDING.value)
    )
    return EXIT_VIOLATIONS if opened.height else EXIT_OK


def _diff_table(result: ReportDiff, old: str, new: str, limit: int) -> str:
    counts = result.counts()
    lines = [
        f"比较 compare: {old}（评估日 as of {result.old_as_of}）→ {new}（评估日 as of "
        f"{result.new_as_of}）",
        f"新增 new {counts['new']:,}，已解决 resolved {counts['resolved']:,}，"
        f"仍未解决 still open {counts['still_open']:,}"
        + (f"，已批准豁免 waived {counts['waived']:,}" if counts["waived"] else ""),
    ]
    headers = ["新增 new", "已解决 resolved", "仍未解决 open"]
    names = dict(
        pl.concat(
            [f.select("department", "department_name") for f in (result.new, result.resolved)]
            + [result.still_open.select("department", "department_name")]
        )
        .drop_nulls()
        .unique("department")
        .iter_rows()
    )
    for column, title in (("department", "按部门 by department"), ("rule", "按规则 by rule")):
        rows = [
            [
                row[column] or "-",
                *(f"{row[n]:,}" for n in ("new", "resolved", "still_open")),
                names.get(row[column] or "", "") if column == "department" else "",
            ]
            for row in result.by(column).iter_rows(named=True)
        ]
        if rows:
            label = "部门" if column == "department" else "规则"
            lines += [
                "",
                title,
                render_table([label, *headers, "名称" if label == "部门" else ""], rows),
            ]
    for frame, title in (
        (result.new, "新增的发现 new findings"),
        (result.resolved, "已解决 resolved"),
        (result.waived, "已批准豁免 waived（不计为新增或已解决 neither new nor resolved）"),
    ):
        if not frame.height:
            continue
        shown = frame.head(limit) if limit else frame
        rows = [
            [
                row["rule"],
                status_label(Severity(row["severity"]), Status(row["status"])),
                row["department"] or "-",
                f"{row['subject_type']} {row['subject_id']}",
                row["message"] or "",
            ]
            for row in shown.iter_rows(named=True)
        ]
        lines += ["", title, render_table(["规则", "结论", "部门", "对象", "说明"], rows)]
        if shown.height < frame.height:
            lines.append(f"…… 另有 {frame.height - shown.height:,} 项未列出 more not listed")
    return "\n".join(lines)


def _format_of(output: str | None) -> str:
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    return {"htm": "html", "xlsx": "xlsx", "csv": "csv", "json": "json", "html": "html"}.get(
        suffix, "table"
    )


def _convert(args: argparse.Namespace) -> int:
    written = [args.target]
    if args.target_format == "csv":
        written += [Path(args.target) / f"{kind}.csv" for kind in RECORD_TYPES]
    refuse_overwriting(written, [args.source])
    records = load(args.source)
    if args.target_format == "csv":
        written = write_csv_folder(
            records,
            args.target,
            headers=args.headers,
            encoding=args.encoding,
            every_type=args.every_type,
        )
        _wrote(args.target, f"{len(written)} 个文件 file(s), {records!r}")
    elif args.target_format == "xlsx":
        write_workbook(records, args.target, headers=args.headers, every_type=args.every_type)
        _wrote(args.target, repr(records))
    elif args.target_format == "jsonl":
        write_jsonl(records, args.target)
        _wrote(args.target, repr(records))
    else:
        write_json(records, args.target)
        _wrote(args.target, repr(records))
    return EXIT_OK


def _header(report: Report, counts: dict[str, int], filters: str) -> list[str]:
    by_status = report.counts("status")
    warnings = report.frame.filter(
        (report.frame["severity"] == Severity.WARNING.value)
        & (report.frame["status"] != Status.PENDING.value)
    ).height
    held = ", ".join(f"{name} {n:,}" for name, n in counts.items() if n)
    lines = [
        f"评估日 as of {report.as_of.isoformat()} · 规则包 packs: {', '.join(report.packs)}",
        f"记录 records: {held or '无 none'}",
    ]
    if filters:
        lines.append(f"筛选 filters: {filters}")
    lines.append(
        f"发现 findings: {len(report):,}（违规 violations {report.violation_count:,}，"
        f"提示 warnings {warnings:,}，未到期 pending {by_status.get(Status.PENDING.value, 0):,}）"
    )
    if report.waivers is not None:
        lines.append(f"已批准豁免 waived: {report.waived_frame.height:,}（不计为违规 not counted）")
    return lines


def _report_table(
    report: Report,
    counts: dict[str, int],
    *,
    with_names: bool = False,
    pending: bool = False,
    limit: int = TABLE_LIMIT,
    filters: str = "",
) -> str:
    lines = _header(report, counts, filters)
    due = [s.value for s in Status if s != Status.PENDING]
    listed = report if pending else report.filter(status=due)
    left_out = len(report) - len(listed)
    if left_out:
        lines.append(
            f"未到期的 {left_out:,} 项未列出 pending findings not listed: --pending lists them"
        )
    lines.append("")
    shown = listed.head(limit) if limit else listed
    findings = shown.findings
    if findings:
        rows = [
            [
                f.rule,
                status_label(f.severity, f.status),
                f.department or "-",
                f"{f.subject_type} {f.subject_id}",
                f.message + _names_of(report, f, with_names),
            ]
            for f in findings
        ]
        lines.append(render_table(["规则", "结论", "部门", "对象", "说明"], rows))
        if len(shown) < len(listed):
            lines.append(
                f"…… 另有 {len(listed) - len(shown):,} 项未列出 more not listed: --limit 0 lists "
                "all, --summary counts them, --output FILE writes them all"
            )
        lines += ["", "原文 sources:"]
        quoted: set[str] = set()
        for f in findings:
            if f.rule in quoted or not f.sources:
                continue
            quoted.add(f.rule)
            lines.append(f"  {f.rule}  {f.title}")
            for source in f.sources:  # an overriding rule: its own document's, then its parent's
                lines.append(f"      {source.quoted()}（{source.document} {source.section}）")
            if f.note:
                lines.append(f"      解读：{f.note}")
            lines.append(f"      整改：{f.fix}")
    elif len(report):
        lines.append("没有列出的发现 no findings listed.")
    else:
        lines.append("没有发现 no findings.")
    if report.exempt:
        lines += ["", "豁免 exemptions(依法律另有规定不作为违规):"]
        for e in report.exempt:
            lines.append(f"  {e.rule}  {e.department or '-'}  {e.subject_type} {e.subject_id}")
            lines.append(f"      {e.reason}")
            lines.append(
                f"      {e.sources[0].quoted()}（{e.sources[0].document} {e.sources[0].section}）"
            )
    lines += _waived_lines(report)
    if report.warnings:
        lines += ["", "警告 warnings:"] + [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)


def _summary_table(report: Report, counts: dict[str, int], filters: str) -> str:
    lines = [*_header(report, counts, filters), "", "按规则 by rule"]
    numbers = ["findings", "violations", "warnings", "pending"]
    number_headers = ["发现", "违规", "提示", "未到期"]
    by_rule = report.summary_by("rule").filter(pl.col("findings") > 0)
    rows = [
        [row["rule"], *(f"{row[n]:,}" for n in numbers), row["title"] or ""]
        for row in by_rule.iter_rows(named=True)
    ]
    lines.append(render_table(["规则", *number_headers, "标题"], rows))
    lines += ["", "按部门和规则 by department and rule"]
    rows = [
        [
            row["department"] or "-",
            row["rule"],
            *(f"{row[n]:,}" for n in numbers),
            report.names.departments.get(row["department"] or "", ""),
        ]
        for row in report.summary().iter_rows(named=True)
    ]
    lines.append(render_table(["部门", "规则", *number_headers, "名称"], rows))
    return "\n".join(lines)


def _names_of(report: Report, finding: Finding, with_names: bool) -> str:
    named = report.names.officers_in(finding) if with_names else {}
    return "(" + "、".join(f"{i} {n}" for i, n in named.items()) + ")" if named else ""


def _rules(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args)
    packs = ruleset.select(args.pack)
    if args.format == "json":
        data = [rule_data(p, r) for p in packs for r in p.rules]
        _write(json.dumps(data, ensure_ascii=False, indent=2), None)
        return EXIT_OK
    blocks = []
    for p in packs:
        name = p.id if p.origin == SHIPPED else f"{p.id} ({p.origin})"
        blocks += [_rule_text(name, r, args.lang) for r in p.rules]
        if p.inheritance is not None:  # what it takes from the packs it extends
            blocks.append(inheritance_text(p, args.lang))
    text = "\n\n".join(blocks)
    _write(text, None, table=True)
    return EXIT_OK


def _rule_text(pack: str, rule: RuleBase, lang: str) -> str:
    """One rule as a person reads it: title, pack and kind, sources with their readings, the
    解读 and the fix (``lang`` en: in English)."""
    if lang == "en":
        lines = [
            f"{rule.id} · {rule.title_en}",
            f"  pack {pack} · kind {rule.kind} · {rule.severity.value}",
        ]
        lines += [f"  source: {s.quoted('en')} ({s.section})" for s in rule.sources]
        lines += [f"  reading: {rule.note_en}", f"  fix: {rule.fix_en}"]
        return "\n".join(lines)
    lines = [
        f"{rule.id} · {rule.title}",
        f"  规则包 {pack} · 类型 {rule.kind} · {SEVERITY_LABELS[rule.severity]}",
    ]
    lines += [f"  原文：{s.quoted()}（{s.section}）" for s in rule.sources]
    lines += [f"  解读：{rule.note}", f"  整改：{rule.fix}"]
    return "\n".join(lines)


def _calendar(args: argparse.Namespace) -> int:
    refuse_overwriting([args.ics, args.output], [args.file])
    with step(f"读取 loading {args.file}"):
        records = load(args.file)
    ruleset = _ruleset(args)
    known = [r.id for p in ruleset.select(args.pack) for r in p.rules]
    for option, named in (("--rule", args.rule), ("--skip-rule", args.skip_rule)):
        _known_rules(named, known, option)
    result = calendar(
        records,
        as_of=args.as_of,
        packs=args.pack,
        within=args.within,
        rules=ruleset,
        waivers=_waivers(args),
    ).filter(
        rule=args.rule,
        department=args.department,
        status=args.status,
        severity=args.severity,
        skip_rule=args.skip_rule,
    )
    if args.ics:
        write_text(args.ics, result.to_ics())
        _wrote(args.ics, f"{len(result)} 个日程 events (iCalendar)")
    if args.format == "json":
        _write(result.to_json(), args.output)
    else:
        _write(_calendar_table(result), args.output, table=True)
    if args.output:
        _wrote(args.output, f"{len(result)} 个条目 entries ({args.format})")
    return EXIT_OK


def _calendar_table(result: Calendar) -> str:
    statuses = Counter(e.status for e in result)
    counted = "，".join(
        f"{STATUS_LABELS[s]} {s.value} {statuses[s]}" for s in Status if statuses.get(s)
    )
    waived = sum(1 for e in result if e.waiver)
    lines = [
        f"合规日历 compliance calendar · 评估日 as of {result.as_of.isoformat()} · "
        f"规则包 packs: {', '.join(result.packs)}",
        f"条目 entries: {len(result)}"
        + (f"（{counted}）" if counted else "")
        + (f"，其中已批准豁免 waived {waived}" if waived else ""),
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
                + ("（提示）" if e.severity == Severity.WARNING and e.status != Status.MET else "")
                + ("（已豁免）" if e.waiver else ""),
                e.rule,
                e.period or "-",
                e.title,
            ]
            for e in entries
        ]
        lines.append(render_table(["期限", "天数", "状态", "规则", "期间", "事项"], rows))
    if result.warnings:
        lines += ["", "警告 warnings:"] + [f"  - {w}" for w in result.warnings]
    return "\n".join(lines)


def _obligations(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args)
    packs = ruleset.select(args.pack)
    if args.file is None:
        if args.department:
            raise UsageError("--department needs a records FILE")
        listed = obligations(packs)
        if args.format == "json":
            _write(json.dumps([o.to_dict() for o in listed], ensure_ascii=False, indent=2), None)
            return EXIT_OK
        rows = [[o.item, o.record_type, o.rule, o.when, o.title, o.owers] for o in listed]
        _write(
            render_table(["编号", "记录", "规则", "期限", "事项", "责任单位"], rows),
            None,
            table=True,
        )
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
    _write(render_table(["部门", "规则", "编号", "适用", "依据", "事项"], rows), None, table=True)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    _write(json.dumps(json_schema(), ensure_ascii=False, indent=2), None)
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args)
    documents = None
    if args.pack:
        documents = {d for p in ruleset.select(args.pack) for d in p.spec.documents}
    reports = [c for c in coverage(ruleset) if documents is None or c.document.id in documents]
    if args.unclassified:
        lines = []
        for report in reports:
            missing = [s for s in report.sentences if s.entry is None]
            if missing:
                lines.append(f"# {report.document.id} ({COVERAGE_DIR}/{report.document.id}.yaml)")
                lines += [
                    f"  - text: {json.dumps(s.sentence.text, ensure_ascii=False)}  "
                    f"# line {s.sentence.line}"
                    for s in missing
                ]
        _write("\n".join(lines) or "no unclassified sentences", None)
    else:
        rows = [
            [
                r.document.id,
                str(len(r.sentences)),
                str(r.count("rules")),
                str(r.count("not_checkable")),
                str(r.count("context")),
                str(r.count("unclassified")),
                str(len(r.stale)),
            ]
            for r in reports
        ]
        _write(
            render_table(
                [
                    "文件 document",
                    "句 sentences",
                    "规则 rules",
                    "不可核查 not checkable",
                    "背景 context",
                    "未分类 unclassified",
                    "失效 stale",
                ],
                rows,
            ),
            None,
            table=True,
        )
    incomplete = any(r.count("unclassified") or r.stale for r in reports)
    return EXIT_VIOLATIONS if incomplete else EXIT_OK


def _scope(args: argparse.Namespace) -> int:
    frame = campaign_scope(load(args.file), pack=args.pack, rules=_ruleset(args))
    if args.format == "json":
        _write(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=2), None)
    else:
        _write(render_scope(frame), None, table=True)
    return EXIT_OK


def _contest(args: argparse.Namespace) -> int:
    result = contest(load(args.file), pack=args.pack, as_of=args.as_of, rules=_ruleset(args))
    if args.format == "json":
        _write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str), None)
    else:
        _write(result.render(), None, table=True)
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", line_buffering=True)
    lines = getattr(sys.stdin, "buffer", sys.stdin)  # bytes: each line decoded on its own
    return watch(
        args.pack,
        args.as_of,
        args.pending,
        lines,
        sys.stdout,
        sys.stderr,
        rules=_ruleset(args),
        waivers=_waivers(args),
    )


def _engine_command(args: argparse.Namespace) -> int:
    if args.action == "install":
        return _engine.install(sys.stdout, sys.stderr)
    return _engine.report(sys.stdout)


def _write(text: str, output: str | None, *, table: bool = False) -> None:
    """``text`` to ``output`` (written whole, ``_output``) or to standard output, control
    characters escaped (``_terminal``); a ``table`` shown in a terminal is fitted to its
    width."""
    if output:
        write_text(output, printable(text) + "\n")
        return
    out = sys.stdout
    try:
        out.write((fit_lines(printable(text)) if table else printable(text)) + "\n")
        out.flush()
    except BrokenPipeError:  # piped into `head`: the command ends with its own status
        silence(out)


if __name__ == "__main__":
    sys.exit(main())
