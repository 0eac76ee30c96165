"""The shipped example, as a new user runs it."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

import enforcement_rules as er

ROOT = Path(__file__).parents[1]


def test_the_example_shows_violations_of_each_personnel_rule_it_exercises() -> None:
    report = er.evaluate(er.load(ROOT / "examples/dawukou-2024/records.json"), as_of="2024-12-31")
    rules = {f.rule for f in report.findings}
    assert {"D1", "D2.rotation", "D3", "D4"} <= rules
    for finding in report.findings:
        assert finding.quote in er.load_rules().documents[finding.sources[0].document].text


def test_the_example_shows_late_missing_and_incomplete_obligations_and_their_calendar() -> None:
    records = er.load(ROOT / "examples/dawukou-2024/records.json")
    report = er.evaluate(records, as_of="2025-01-31")
    statuses = {(f.rule, f.department, f.status.value) for f in report}
    assert ("D5", "DWK-ZJJT", "late") in statuses  # owed by the end of 2024, sent in 2025
    assert ("D14", "DWK-ZJJT", "missing") in statuses  # no training plan for 2024
    assert ("D17", "DWK-SCJG", "not_met") in statuses  # an everyday enterprise inspection
    assert ("D6", "DWK-XHZ", "missing") in statuses
    assert ("D10", "DWK-SCJG", "late") in statuses  # 2025-01-15T16:30Z is the 16th in Shanghai
    assert ("D10", "DWK-ZJJT", "incomplete") in statuses  # sent, not published
    assert ("D9", "DWK-ZJJT", "missing") in statuses
    assert {"D12", "D13"} <= {f.rule for f in report}
    calendar = er.calendar(records, as_of="2025-01-31")
    assert {e.status.value for e in calendar} >= {"met", "late", "missing", "incomplete", "pending"}
    assert calendar.to_ics().count("BEGIN:VEVENT") == len(calendar)


def test_quickstart_prints_findings_with_their_quotes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["quickstart.py"])
    runpy.run_path(str(ROOT / "examples/quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "[D3]" in out and "「行政执法证件人员需按照执法证件授权范围,不少于2人持证执法」" in out


def test_ci_runs_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pip install -e '.[test]' && python -m pytest"
    assert command in readme
    assert command in ci
