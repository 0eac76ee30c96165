"""JSON Lines: one record per line, each an object with a ``type`` field naming its record
type (``"officers"`` or ``"officer"``, or a Chinese name such as ``"执法人员"``). Records are
validated by the pydantic models, as in the JSON file; problems name the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import _limits
from .._columns import record_type
from .._errors import InputError, Problem
from .._limits import MAX_PROBLEMS, JsonLimitError, parse_json
from .._models import RECORD_TYPES
from .._records import Records, json_limit_problem
from . import read_input
from .delimited import decode

TYPE_FIELD = "type"

SINGULAR = {(name[:-3] + "y" if name.endswith("ies") else name[:-1]): name for name in RECORD_TYPES}
"""``officer`` for ``officers``, ``activity`` for ``activities``..."""


def record_kind(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return record_type(value)
    except KeyError:
        return SINGULAR.get(value.strip())


def load_jsonl(path: Path) -> Records:
    """Validated records from a JSON Lines file."""
    file = str(path)
    text, _ = decode(read_input(path, _limits.MAX_JSON_BYTES), file)
    data: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    # lines end at a line feed only: U+2028, U+0085 and the like are characters of a record
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = parse_json(line)
        except json.JSONDecodeError as error:
            problems.append(
                Problem(file, f"{where}, column {error.colno}", None, "a JSON object", error.msg)
            )
            continue
        except JsonLimitError as error:
            problem = json_limit_problem(error, line, file)
            where = problem.where.replace("line 1,", f"{where},").replace("top level", where)
            problems.append(Problem(file, where, None, problem.expected))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(file, where, None, "a JSON object", type(record).__name__))
            continue
        written = record.pop(TYPE_FIELD, None)
        kind = record_kind(written)
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
