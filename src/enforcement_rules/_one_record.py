"""One record on its own (a record posted to the monitor, a line of JSON Lines): its type,
validated by the contract's model, as a plain row with the same values a table row holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ._columns import TYPE_ALIASES
from ._errors import InputError, Problem
from ._models import RECORD_TYPES
from ._records import _expected, _row, _shown
from ._vocab import domain_or_as_written

TYPE_FIELD = "type"
"""The field of a record on its own that names its record type."""


def _singular(name: str) -> str:
    return name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")


_TYPE_NAMES: dict[str, str] = {
    **{name: name for name in RECORD_TYPES},
    **{_singular(name): name for name in RECORD_TYPES},
    **TYPE_ALIASES,
}


def record_type_named(name: object) -> str:
    """The record type ``name`` stands for: ``actions``, ``action`` or ``执法行为``;
    ``ValueError`` listing the types otherwise."""
    if isinstance(name, str) and name.strip() in _TYPE_NAMES:
        return _TYPE_NAMES[name.strip()]
    raise ValueError(
        "a record type (singular or plural): " + ", ".join(RECORD_TYPES) + f"; got {_shown(name)}"
    )


def parse_record(
    data: object,
    record_type: str | None = None,
    *,
    origin: str | None = None,
    where: str = "record",
) -> tuple[str, dict[str, Any]]:
    """Validate one record: its type and its row (enumerations as their values, domains in
    their canonical names). The type is ``record_type`` or the record's ``type`` field.

    Raises ``InputError`` naming ``where`` (e.g. ``line 7``), the field and what was expected.
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem(origin, where, None, "an object", _shown(data))])
    fields = dict(data)
    named = fields.pop(TYPE_FIELD, None)
    if record_type is None and named is None:
        raise InputError(
            [Problem(origin, where, TYPE_FIELD, 'the record type, e.g. "type": "actions"')]
        )
    try:
        name = record_type_named(record_type if record_type is not None else named)
        if record_type is not None and named is not None and record_type_named(named) != name:
            raise ValueError(f"the type given, {record_type}; the record says {named}")
    except ValueError as error:
        raise InputError([Problem(origin, where, TYPE_FIELD, str(error))]) from None
    model = RECORD_TYPES[name]
    try:
        record = model.model_validate(fields)
    except ValidationError as error:
        place = _singular(name)
        if isinstance(fields.get("id"), str):
            place += f" (id={fields['id']})"
        problems = []
        for item in error.errors(include_url=False):
            kind = item["type"]
            message = str(item["msg"]).removeprefix("Value error, ")
            location = ".".join(str(p) for p in item["loc"]) or None
            if kind == "extra_forbidden":
                problems.append(
                    Problem(
                        origin,
                        place,
                        location,
                        "only the fields " + ", ".join(model.model_fields),
                        "an unknown field",
                    )
                )
                continue
            got = None if kind == "missing" else _shown(item.get("input"))
            problems.append(Problem(origin, place, location, _expected(kind, message, None), got))
        raise InputError(problems) from None
    row = _row(record)
    if name in ("departments", "actions") and row["domain"] is not None:
        row["domain"] = domain_or_as_written(row["domain"])
    if name == "certificates":
        row["domains"] = [domain_or_as_written(d) for d in row["domains"]]
    return name, row
