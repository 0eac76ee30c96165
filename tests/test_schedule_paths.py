"""A small schedule is decided in Python, a large one in polars, by the same decision: the two
paths give the same findings, row for row (the examples and a small synthetic province, at days
before, inside and after their periods). So do the other readings a small schedule takes in
Python: its frame built from its rows. Its figures are written as JSON as polars writes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import get_args

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._kinds import _schedule
from enforcement_rules._synthetic import AS_OF, province_records

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("examples/dawukou-2024/records.json", ["2024-03-31", "2024-07-01", "2025-01-20"]),
    ("examples/zunyi-2022/records.json", ["2022-06-30", "2025-01-31"]),
]


def both_paths(
    records: er.Records, as_of: str | date, monkeypatch: pytest.MonkeyPatch
) -> tuple[er.Report, er.Report]:
    in_python = er.evaluate(records, as_of)
    monkeypatch.setattr(_schedule, "JUDGED_IN_PYTHON", 0)
    monkeypatch.setattr(_schedule, "FEW_ROWS", 0)
    in_polars = er.evaluate(records, as_of)
    monkeypatch.undo()
    return in_python, in_polars


@pytest.mark.parametrize(("path", "days"), CASES)
def test_a_schedule_decided_in_python_as_in_polars(
    path: str, days: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    records = er.load(ROOT / path)
    for day in days:
        in_python, in_polars = both_paths(records, day, monkeypatch)
        assert in_python.frame.equals(in_polars.frame), day
        assert in_python.frame.height > 0


def test_the_province_decided_in_python_as_in_polars(monkeypatch: pytest.MonkeyPatch) -> None:
    in_python, in_polars = both_paths(province_records(0.004, seed=5), AS_OF, monkeypatch)
    assert in_python.frame.equals(in_polars.frame)
    schedule_rules = {
        r.id for r in er.load_rules().rules.values() if isinstance(r, _schedule.Obligation)
    }
    assert set(in_python.frame["rule"]) & schedule_rules


PLAIN = '\x00\x1f"\\/ \u2028 中文（全角）😀'


@pytest.mark.parametrize(
    "figures",
    [
        [{"a": PLAIN, "b": 1, "c": True, "d": None, "e": [PLAIN, "x"], "f": []}],
        [{"n": -(2**63), "s": None}, {"n": 2**63 - 1, "s": "x"}],
        [{"list": None}, {"list": ["a"]}],
    ],
)
def test_figures_written_as_polars_writes_them(figures: list[dict[str, object]]) -> None:
    by_polars = (
        pl.DataFrame(figures, infer_schema_length=None)
        .select(pl.struct(pl.all()).struct.json_encode())
        .to_series()
        .to_list()
    )
    assert [_schedule.figures_text(f) for f in figures] == by_polars


def test_schedule_figures_are_texts_numbers_flags_and_lists_of_texts() -> None:
    plain = {str, int, bool, type(None), list[str]}
    for rule in er.load_rules().rules.values():
        if isinstance(rule, _schedule.Obligation):
            for name, info in rule.figures.model_fields.items():
                kinds = set(get_args(info.annotation)) or {info.annotation}
                assert kinds <= plain, (rule.kind, name, info.annotation)
