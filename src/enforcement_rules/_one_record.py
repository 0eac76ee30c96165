"""One record on its own (a record posted to the monitor, a line of JSON Lines): its type,
validated by the contract's model, as a plain row with the same values a table row holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ._errors import InputError, Problem
from ._loaders.jsonl import SINGULAR, TYPE_FIELD, record_kind
from ._models import RECORD_TYPES
from ._records import located_problem, record_row, shown_value
from ._vocab import domain_or_as_written

SINGULAR_OF = {name: singular for singular, name in SINGULAR.items()}


def parse_record(
    data: object, record_type: str | None = None, *, origin: str | None = None
) -> tuple[str, dict[str, Any]]:
    """Validate one record: its type and its row (enumerations as their values, domains in
    their canonical names). The type is ``record_type`` or the record's ``type`` field
    (``"actions"``, ``"action"`` or ``"执法行为"``).

    Raises ``InputError`` naming the record (``action (id=A1)``), the field and what was
    expected.
    """
    if data.__class__ is not dict and not isinstance(data, Mapping):
        raise InputError([Problem(origin, "record", None, "an object", shown_value(data))])
    fields = dict(data)
    written = fields.pop(TYPE_FIELD, None)
    name = record_kind(record_type if record_type is not None else written)
    if name is None or (
        record_type is not None and written is not None and record_kind(written) != name
    ):
        given = record_type if record_type is not None else written
        expected = "a record type (singular or plural): " + ", ".join(RECORD_TYPES)
        if name is not None:
            expected = f"the type given, {record_type}"
            given = written
        raise InputError(
            [
                Problem(
                    origin,
                    "record",
                    TYPE_FIELD,
                    expected,
                    None if given is None else shown_value(given),
                )
            ]
        )
    try:
        record = RECORD_TYPES[name].model_validate(fields)
    except ValidationError as error:
        located = {name: [fields]}
        problems = [
            located_problem(
                {**item, "loc": (name, 0, *item["loc"])},
                located,
                origin or "",
                lambda array, index: SINGULAR_OF[array],
            )
            for item in error.errors(include_url=False)
        ]
        raise InputError([_without_origin(p, origin) for p in problems]) from None
    row = record_row(record)
    if name in ("departments", "actions") and row["domain"] is not None:
        row["domain"] = domain_or_as_written(row["domain"])
    if name == "certificates":
        row["domains"] = [domain_or_as_written(d) for d in row["domains"]]
    return name, row


def _without_origin(problem: Problem, origin: str | None) -> Problem:
    if origin is not None:
        return problem
    return Problem(None, problem.where, problem.field, problem.expected, problem.got)
