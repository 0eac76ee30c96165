"""The quick paths of a small report agree with the general ones: a JSON report worded without
its findings, counts and the natural order without a query, and the data-quality lookups made
in Python below a size."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules import _obligations, _quality
from enforcement_rules._order import natural_sorted, ordered, sort_frame
from enforcement_rules._report import ORDER, REPORT_COLUMNS

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024"
DATA = json.loads((EXAMPLE / "records.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records() -> er.Records:
    return er.load(EXAMPLE / "records.json")


@pytest.mark.parametrize(
    ("as_of", "waivers"),
    [
        ("2025-12-31", None),  # worded without the findings
        ("2024-06-30", EXAMPLE / "waivers.yaml"),  # waived, none expired
        ("2025-12-31", EXAMPLE / "waivers.yaml"),  # expired waivers note the findings
    ],
)
def test_a_json_report_is_the_same_whether_its_findings_were_made_first_or_not(
    records: er.Records, as_of: str, waivers: Path | None
) -> None:
    fresh = er.evaluate(records, as_of=as_of, waivers=waivers)
    worded = er.evaluate(records, as_of=as_of, waivers=waivers)
    findings = worded.findings  # made first: the JSON then reads them
    assert "findings" not in fresh.__dict__ or waivers is not None
    assert fresh.wordings() == [(f.message, f.message_en, f.sources) for f in findings]
    assert "findings" not in fresh.__dict__ or fresh._expired
    text = fresh.to_json()
    assert text == worded.to_json()
    assert json.loads(text) == worded.to_dict()
    assert fresh.to_json(with_names=True) == worded.to_json(with_names=True)


def _random_frame(rows: int, seed: int) -> pl.DataFrame:
    chosen = random.Random(seed)
    rules = ["D1", "D2", "D12", "D2.a", "X.9", "X.10", "data-quality.duplicate-id", None]

    def pick(values: list[Any]) -> list[Any]:
        return [chosen.choice(values) for _ in range(rows)]

    return pl.DataFrame(
        {
            "rule": pick(rules),
            "pack": pick(["p"]),
            "severity": pick(["violation", "warning", None]),
            "status": pick(["not_met", "late", "pending", None]),
            "subject_type": pick(["action"]),
            "subject_id": pick(["a1", "a2", "a10", None]),  # many rows tie on every key
            "department": pick(["甲", "B", "A", None]),
            "period": pick(["2024", "2024-Q1", None]),
            "due": pick([None]),
            "figures": [json.dumps({"n": n}) for n in range(rows)],
        },
        schema=REPORT_COLUMNS,
    )


def _by_rank(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """The natural order as a rank column sorted with the rest (the general way)."""
    ranks = {r: i for i, r in enumerate(natural_sorted(frame["rule"].drop_nulls().unique()))}
    ranked = frame.with_columns(
        pl.col("rule").replace_strict(ranks, default=None, return_dtype=pl.Int64).alias("_rank")
    )
    return ranked.sort(["_rank" if c == "rule" else c for c in by], nulls_last=True).drop("_rank")


@pytest.mark.parametrize("rows", [3, 120, 5000])
def test_counts_and_the_natural_order_agree_with_the_general_queries(rows: int) -> None:
    frame = _random_frame(rows, seed=rows)
    report = er.Report(as_of=date(2024, 12, 31), packs=[], frame=frame, describers={}, warnings=[])
    assert report.frame.equals(_by_rank(frame, ORDER))
    for by in ("rule", "department", "status", "severity", "subject_id"):
        grouped = frame.group_by(by).len()
        expected = _by_rank(grouped, [by]) if by == "rule" else grouped.sort(by, nulls_last=True)
        assert list(report.counts(by).items()) == list(expected.iter_rows())
    violations = frame.filter(
        (pl.col("severity") == "violation") & (pl.col("status") != "pending")
    ).height
    assert report.violation_count == violations
    assert sort_frame(frame, ["department", "rule"]).equals(_by_rank(frame, ["department", "rule"]))


def test_values_are_ordered_naturally_with_the_null_last() -> None:
    assert ordered(["D12", None, "D2", "D1.b"], natural=True) == ["D1.b", "D2", "D12", None]
    assert ordered(["b", "甲", "A"]) == ["A", "b", "甲"]


def _dirty() -> er.Records:
    data = json.loads(json.dumps(DATA))
    data["submissions"].append({**data["submissions"][0], "id": "S-X", "obligation": "no-such"})
    data["task_reports"].append({**data["task_reports"][0], "id": "T-X", "task": "NOPE-1"})
    data["actions"][0]["participants"].append("O999")
    data["actions"].append({**data["actions"][1], "id": "X-1", "exception_basis": "局长批示"})
    data["actions"].append({**data["actions"][2]})  # an id used twice
    return er.Records.from_dicts(data)


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(frame.select(sorted(frame.columns)).iter_rows(), key=repr)


def test_the_lookups_in_python_find_what_the_queries_find(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = er.load_rules()
    for records in (_dirty(), er.Records.from_dicts(DATA)):
        quick = (_rows(_quality.quality_findings(records)), _rows(_unknown(records, rules)))
        monkeypatch.setattr(_quality, "FEW_RECORDS", -1)  # obligations' lookups too
        general = (_rows(_quality.quality_findings(records)), _rows(_unknown(records, rules)))
        monkeypatch.undo()
        assert quick == general
    dirty = _dirty()
    assert set(_unknown(dirty, rules)["rule"]) == {"data-quality.unknown-obligation"}
    assert set(_quality.quality_findings(dirty)["rule"]) == {
        "data-quality.unknown-reference",
        "data-quality.duplicate-id",
        "data-quality.basis-level-unknown",
    }


def _unknown(records: er.Records, rules: er.RuleSet) -> pl.DataFrame:
    return _obligations.unknown_items(records, rules)


def test_the_known_items_are_those_of_the_rule_set_given() -> None:
    rules = er.load_rules()
    records = er.Records.from_dicts(DATA)
    assert _unknown(records, rules).height == 0
    without = er.RuleSet(rules.documents, [])  # no rule defines any obligation
    assert _unknown(records, without).height == len(DATA["submissions"]) + len(DATA["task_reports"])
    assert _unknown(records, rules).height == 0
