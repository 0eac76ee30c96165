"""``enforcement-rules watch``: records as JSON Lines on standard input, findings as JSON Lines
on standard output as soon as they arise.

Each input line is one record with a ``type`` field naming its record type (``"actions"`` or
``"action"``), or ``{"type": "advance_to", "moment": "2025-01-01"}`` to move the clock. Each
output line is one finding (``Finding.to_dict()``). A line that cannot be taken in gets an
error line on standard error, ``{"line": 7, "error": "..."}``, and the stream goes on. The
first line on standard error notes the rules of the packs the monitor does not follow.

Exit codes: 0 no violation reported, 1 violations reported, 2 some line was refused (or the
command could not start).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ._errors import InputError, Problem, UsageError
from ._loaders.jsonl import TYPE_FIELD
from ._monitor import Monitor
from ._report import Finding

ADVANCE = "advance_to"
"""The ``type`` of a line that moves the clock (its ``moment``: a day or a date-time)."""


def watch(
    packs: Sequence[str] | None,
    start: str | None,
    pending: bool,
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
) -> int:
    violations = 0
    refused = 0

    def emit(finding: Finding) -> None:
        nonlocal violations
        violations += finding.is_violation
        _line(out, finding.to_dict())

    def refuse(number: int, message: str) -> None:
        nonlocal refused
        refused += 1
        _line(err, {"line": number, "error": message})

    with Monitor(
        packs, on_finding=emit, start=start, pending=pending, keep_findings=False
    ) as monitor:
        if monitor.skipped:
            skipped: dict[str, dict[str, Any]] = {}
            for rule, kind, reason in monitor.skipped:
                skipped.setdefault(kind, {"rules": [], "reason": reason})["rules"].append(rule)
            _line(err, {"note": "rules not followed live, by kind", "skipped": skipped})
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                refuse(number, f"expected a JSON object; {error.msg} at column {error.colno}")
                continue
            try:
                if isinstance(data, dict) and data.get(TYPE_FIELD) == ADVANCE:
                    monitor.advance_to(data.get("moment"))  # type: ignore[arg-type]
                else:
                    monitor.post(data)
            except InputError as error:
                refuse(number, _problems(error.problems))
            except UsageError as error:
                refuse(number, str(error))
    return 2 if refused else 1 if violations else 0


def _problems(problems: list[Problem]) -> str:
    """``action (id=A1): field 'date': expected ...; field 'kind': expected ...``."""
    where = problems[0].where
    if any(p.where != where for p in problems):
        return "; ".join(str(p) for p in problems)
    return where + ": " + "; ".join(str(p).removeprefix(where + ": ") for p in problems)


def _line(stream: TextIO, data: object) -> None:
    stream.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    stream.flush()
