"""``enforcement-rules watch``: records as JSON Lines on standard input, findings as JSON Lines on
standard output as soon as they arise, and withdrawn when they stop holding.

Each input line is one record with a ``type`` field naming its record type (``"actions"`` or
``"action"``), or ``{"type": "advance_to", "moment": "2025-01-01"}`` to move the clock. Lines
are read as UTF-8 bytes and split at line feeds only (``\\r\\n`` too; never at U+2028 or U+0085,
which are text inside a record). Each output line is one event: a finding that arose or changed
status, ``{"event": "raised", ...Finding.to_dict()}``, or a finding printed earlier that stopped
holding, ``{"event": "resolved", "finding": {...}}``; replaying them, keyed by rule, subject id,
period and department, gives the monitor's findings at that moment (and the findings about
acts). With waivers (``--waivers``), a finding a waiver in force on the clock's day covers is
written as ``{"event": "waived", ...Finding.to_dict(), "waiver": {...}}`` and is no violation;
it is written again when the clock passes the waiver's last day (``raised``, with the note a
report gives) or reaches its approval day (``_waived_stream``). A line that cannot be taken in
(not UTF-8, not JSON, nested too deep, a malformed record, a value the rules engine cannot
compare) gets an error line on standard error, ``{"line": 7, "error": "..."}``, changes nothing,
and the stream goes on. The first line on standard error notes the rules of the packs the
monitor does not follow.

Exit codes: 0 no violation printed, 1 violations printed, 2 some line was refused (or the
command could not start). When the reader of the output goes away (``watch | head -1``) the
stream stops quietly, with the status of what was printed until then.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ._errors import InputError, Problem, UsageError
from ._limits import JsonLimitError, parse_json
from ._loaders.jsonl import TYPE_FIELD
from ._monitor import Monitor
from ._output import silence
from ._report import Finding
from ._rules import RuleSet, load_rules
from ._terminal import json_line
from ._waived_stream import WaivedStream
from ._waivers import Waivers

ADVANCE = "advance_to"
"""The ``type`` of a line that moves the clock (its ``moment``: a day or a date-time)."""
RESOLVED = "resolved"
"""The ``event`` of an output line whose finding stopped holding (``raised``: it arose or
changed status; ``waived``: a waiver in force covers it)."""
_BOM = b"\xef\xbb\xbf"


def watch(
    packs: Sequence[str] | None,
    start: str | None,
    pending: bool,
    lines: Iterable[bytes | str],
    out: TextIO,
    err: TextIO,
    rules: RuleSet | None = None,
    waivers: Waivers | None = None,
) -> int:
    violations = 0
    refused = 0
    waived = WaivedStream(waivers or Waivers())

    def tell(event: str, data: dict[str, Any], violation: bool) -> None:
        nonlocal violations
        _line(out, {"event": event, **data})
        violations += violation

    def emit(finding: Finding) -> None:
        tell(*waived.told(finding, monitor.clock))

    def resolve(finding: Finding) -> None:
        waived.resolved(finding)
        _line(out, {"event": RESOLVED, "finding": finding.to_dict()})

    def refuse(number: int, message: str) -> None:
        nonlocal refused
        refused += 1
        _line(err, {"line": number, "error": message})

    ruleset = rules if rules is not None else load_rules()
    if waivers is not None:
        waivers.check_rules(ruleset.rules)
    with Monitor(
        packs,
        on_finding=emit,
        on_resolved=resolve,
        start=start,
        pending=pending,
        keep_findings=False,
        rules=ruleset,
    ) as monitor:
        try:
            if monitor.skipped:
                skipped: dict[str, dict[str, Any]] = {}
                for rule, kind, reason in monitor.skipped:
                    skipped.setdefault(kind, {"rules": [], "reason": reason})["rules"].append(rule)
                _line(err, {"note": "rules not followed live, by kind", "skipped": skipped})
            for number, line in enumerate(lines, start=1):
                try:
                    take_line(monitor, line, first=number == 1)
                except ValueError as error:
                    refuse(number, str(error))
                for told in waived.moved(monitor.clock):
                    tell(*told)
        except BrokenPipeError:  # the reader went away: stop, with what was printed
            silence(out)
            return 1 if violations else 0
    return 2 if refused else 1 if violations else 0


def take_line(monitor: Monitor, line: bytes | str, *, first: bool) -> None:
    """Post one line's record to the monitor, or move its clock (``advance_to``); a blank line
    is nothing. ``ValueError`` saying why a line is refused (it changes nothing)."""
    data = _record(line, first=first)
    if data is None:
        return
    try:
        if isinstance(data, dict) and data.get(TYPE_FIELD) == ADVANCE:
            monitor.advance_to(data.get("moment"))  # type: ignore[arg-type]
        else:
            monitor.post(data)  # type: ignore[arg-type]
    except InputError as error:
        raise ValueError(_problems(error.problems)) from None
    except UsageError as error:
        raise ValueError(str(error)) from None


def _record(line: bytes | str, *, first: bool) -> object:
    """The JSON value of one line (``None`` for a blank line); ``ValueError`` saying why it
    cannot be read."""
    if isinstance(line, bytes):
        if first and line.startswith(_BOM):
            line = line[len(_BOM) :]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"expected UTF-8 text; byte 0x{line[error.start]:02x} at column "
                f"{error.start + 1} is not UTF-8 (a line in GB18030 or another encoding?)"
            ) from None
    else:
        text = line.removeprefix("\ufeff") if first else line
    if not text.strip(" \t\r\n"):
        return None
    try:
        return parse_json(text)  # the limits every JSON reader keeps (digits, depth)
    except json.JSONDecodeError as error:
        raise ValueError(f"expected a JSON object; {error.msg} at column {error.colno}") from None
    except JsonLimitError as error:
        where = "" if error.position is None else f" (column {error.position + 1})"
        raise ValueError(f"expected {error.expected}{where}") from None


def _problems(problems: list[Problem]) -> str:
    """``action (id=A1): field 'date': expected ...; field 'kind': expected ...``."""
    where = problems[0].where
    if any(p.where != where for p in problems):
        return "; ".join(str(p) for p in problems)
    return where + ": " + "; ".join(str(p).removeprefix(where + ": ") for p in problems)


def _line(stream: TextIO, data: object) -> None:
    stream.write(json_line(data) + "\n")
    stream.flush()
