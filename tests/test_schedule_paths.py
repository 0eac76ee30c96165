"""A small schedule is decided in Python, a large one in polars, by the same decision: the two
paths give the same findings, row for row, and the same schedules and calendar, every item with
its status and figures (the examples and a small synthetic province, at days before, inside and
after their periods). So do the other readings a small schedule takes in
Python: its frame built from its rows. Its figures are written as JSON as polars writes them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar, get_args

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._context import Context
from enforcement_rules._kinds import _schedule
from enforcement_rules._synthetic import AS_OF, province_records

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
CASES = [
    ("examples/dawukou-2024/records.json", ["2024-03-31", "2024-07-01", "2025-01-20"]),
    ("examples/zunyi-2022/records.json", ["2022-06-30", "2025-01-31"]),
]


def on_both_paths(read: Callable[[], T], monkeypatch: pytest.MonkeyPatch) -> tuple[T, T]:
    """What ``read`` gives with every schedule decided in Python, and in polars."""
    in_python = read()
    monkeypatch.setattr(_schedule, "JUDGED_IN_PYTHON", 0)
    monkeypatch.setattr(_schedule, "FEW_ROWS", 0)
    in_polars = read()
    monkeypatch.undo()
    return in_python, in_polars


def both_paths(
    records: er.Records, as_of: str | date, monkeypatch: pytest.MonkeyPatch
) -> tuple[er.Report, er.Report]:
    return on_both_paths(lambda: er.evaluate(records, as_of), monkeypatch)


Listed = tuple[dict[str, pl.DataFrame], list[dict[str, object]]]
"""Every obligation rule's schedule, and the calendar's entries."""


def listed(records: er.Records, as_of: str | date) -> Listed:
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    packs = er.load_rules().select(None)
    ctx = Context(records, day, packs)
    schedules = {
        rule.id: rule.schedule(ctx)
        for pack in packs
        for rule in pack.rules
        if isinstance(rule, _schedule.Obligation) and ctx.departments(rule)
    }
    return schedules, [entry.to_dict() for entry in er.calendar(records, day)]


def statuses_alike(in_python: Listed, in_polars: Listed, day: str | date) -> set[object]:
    """The statuses of the entries, once every schedule and entry is the same on both paths."""
    assert in_python[0].keys() == in_polars[0].keys(), day
    for rule, schedule in in_python[0].items():
        assert schedule.equals(in_polars[0][rule]), (day, rule)
    assert in_python[1] == in_polars[1], day
    assert in_python[1], day
    return {entry["status"] for entry in in_python[1]}


@pytest.mark.parametrize(("path", "days"), CASES)
def test_a_schedule_decided_in_python_as_in_polars(
    path: str, days: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    records = er.load(ROOT / path)
    for day in days:
        in_python, in_polars = both_paths(records, day, monkeypatch)
        assert in_python.frame.equals(in_polars.frame), day
        assert in_python.frame.height > 0


@pytest.mark.parametrize(("path", "days"), CASES)
def test_a_schedule_listed_in_python_as_in_polars(
    path: str, days: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    records = er.load(ROOT / path)
    statuses: set[object] = set()
    for day in days:
        read = functools.partial(listed, records, day)
        statuses |= statuses_alike(*on_both_paths(read, monkeypatch), day)
    assert {"missing", "pending"} <= statuses, statuses  # items not yet due, and findings


def test_the_province_listed_in_python_as_in_polars(monkeypatch: pytest.MonkeyPatch) -> None:
    records = province_records(0.004, seed=5)
    statuses = statuses_alike(*on_both_paths(lambda: listed(records, AS_OF), monkeypatch), AS_OF)
    assert {"met", "missing"} <= statuses, statuses


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
