"""JSON Lines: one record per line, each an object with a ``type`` field naming its record
type (``"officers"`` or ``"officer"``, or a Chinese name such as ``"执法人员"``). Records are
validated by the pydantic models, as in the JSON file; problems name the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._columns import record_type
from .._errors import InputError, Problem
from .._models import RECORD_TYPES
from .._records import MAX_PROBLEMS, Records
from .delimited import decode

TYPE_FIELD = "type"

SINGULAR = {(name[:-3] + "y" if name.endswith("ies") else name[:-1]): name for name in RECORD_TYPES}
"""``officer`` for ``officers``, ``activity`` for ``activities``..."""


def _kind(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return record_type(value)
    except KeyError:
        return SINGULAR.get(value.strip())


def load_jsonl(path: Path) -> Records:
    """Validated records from a JSON Lines file."""
    file = str(path)
    text, _ = decode(path.read_bytes(), file)
    data: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(
                Problem(file, f"{where}, column {error.colno}", None, "a JSON object", error.msg)
            )
            continue
        if not isinstance(record, dict):
            problems.append(Problem(file, where, None, "a JSON object", type(record).__name__))
            continue
        written = record.pop(TYPE_FIELD, None)
        kind = _kind(written)
        if kind is None:
            problems.append(
                Problem(
                    file,
                    where,
                    TYPE_FIELD,
                    "a record type: " + ", ".join(RECORD_TYPES),
                    None if written is None else json.dumps(written, ensure_ascii=False),
                )
            )
            continue
        data.setdefault(kind, []).append(record)
        lines.setdefault(kind, []).append(number)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    return Records.from_dicts(
        data, origin=file, located=lambda array, index: f"line {lines[array][index]}"
    )
