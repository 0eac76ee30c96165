"""Two evaluations compared: new, resolved and still-open findings, from Python and from two
JSON reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "dawukou-2024" / "records.json"


@pytest.fixture(scope="module")
def reports() -> tuple[er.Report, er.Report]:
    records = er.load(EXAMPLE)
    return er.evaluate(records, as_of="2024-06-30"), er.evaluate(records, as_of="2024-12-31")


def _keys(frame: object) -> set[tuple[str, ...]]:
    import polars as pl

    assert isinstance(frame, pl.DataFrame)
    return set(
        frame.select("rule", "subject_type", "subject_id", "department", "period").iter_rows()
    )


def test_a_finding_is_the_same_across_runs_by_rule_subject_department_and_period(
    reports: tuple[er.Report, er.Report],
) -> None:
    june, december = reports
    result = december.diff(june)
    before, after = _keys(june.frame), _keys(december.frame)
    assert _keys(result.new) == after - before and _keys(result.resolved) == before - after
    assert _keys(result.still_open) == after & before
    assert result.counts() == {
        "new": len(after - before),
        "resolved": len(before - after),
        "still_open": len(after & before),
        "waived": 0,
    }
    # a finding whose status changed is still the same finding
    changed = result.still_open.filter(
        result.still_open["status"] != result.still_open["old_status"]
    )
    assert changed.height > 0
    assert december.diff(december).counts() == {
        "new": 0,
        "resolved": 0,
        "still_open": len(december),
        "waived": 0,
    }


def test_counts_per_department_and_rule_add_up(reports: tuple[er.Report, er.Report]) -> None:
    june, december = reports
    result = december.diff(june)
    for column in ("department", "rule"):
        counted = result.by(column)
        assert counted["new"].sum() == result.new.height
        assert counted["resolved"].sum() == result.resolved.height
        assert counted["still_open"].sum() == result.still_open.height
    rules = result.by("rule")["rule"].to_list()
    assert rules.index("D9") < rules.index("D12")  # natural order


def test_the_diff_command_compares_two_json_reports_as_report_diff_does(
    reports: tuple[er.Report, er.Report], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    june, december = reports
    old, new = june.write_json(tmp_path / "june.json"), december.write_json(tmp_path / "dec.json")
    code = main(["diff", str(old), str(new), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # new violations
    assert data["counts"] == december.diff(june).counts()
    assert data["identity"] == ["rule", "subject_type", "subject_id", "department", "period"]
    code = main(["diff", str(new), str(new)])
    out = capsys.readouterr().out
    assert (
        code == 0 and f"新增 new 0，已解决 resolved 0，仍未解决 still open {len(december)}" in out
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "a JSON report written by `check --format json`"),
        ("[]", 'an object with a "findings" array'),
        ('{"findings": [{"rule": "D1"}]}', "findings[0]: expected a finding with a subject"),
        (
            '{"findings": [{"rule": 3, "subject": {"type": "officer", "id": "O1"}}]}',
            "findings[0]: expected rule as text; got 3",
        ),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    assert main(["diff", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
