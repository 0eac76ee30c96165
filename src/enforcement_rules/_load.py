"""``load``: records from a file or folder, whatever the format."""

from __future__ import annotations

from pathlib import Path

from ._errors import InputError, Problem
from ._records import Records


def load(path: str | Path) -> Records:
    """Load and validate records from ``path``.

    A ``.json`` file is the interchange file (one array per record type).

    >>> import enforcement_rules as er
    >>> records = er.load("examples/dawukou-2024/records.json")  # doctest: +SKIP
    """
    location = Path(path)
    if not location.exists():
        raise InputError([Problem(str(location), "path", None, "an existing file or folder")])
    if location.is_file() and location.suffix.lower() == ".json":
        return Records.from_json(location)
    raise InputError(
        [
            Problem(
                str(location), "path", None, "a .json records file", location.suffix or "a folder"
            )
        ]
    )
