"""The public API: names, types, and the examples in the docstrings."""

from __future__ import annotations

import doctest
from pathlib import Path

import enforcement_rules as er
from enforcement_rules import _records


def test_public_names_are_sorted_and_all_exist() -> None:
    # constants, then classes, then functions; each group alphabetically (ruff's RUF022 order)
    def group(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert er.__all__ == sorted(er.__all__, key=group)
    for name in er.__all__:
        assert hasattr(er, name), name


def test_the_package_declares_its_type_hints() -> None:
    assert (Path(er.__file__).parent / "py.typed").exists()


def test_the_examples_in_the_records_docstrings_run() -> None:
    failed, attempted = doctest.testmod(_records, optionflags=doctest.ELLIPSIS)
    assert attempted >= 2 and failed == 0


def test_the_ways_in_and_out_are_documented_with_examples() -> None:
    for function in (
        er.load,
        er.evaluate,
        er.Records.from_frames,
        er.Records.from_dicts,
        er.Report.to_frame,
        er.Report.explain,
    ):
        assert function.__doc__ and ">>>" in function.__doc__, function.__qualname__
