"""Referential problems are data-quality findings reported with the rest; strict refuses them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main

ROOT = Path(__file__).parents[1]
DATA = json.loads((ROOT / "examples/dawukou-2024/records.json").read_text(encoding="utf-8"))


def corrupted() -> dict[str, list[dict[str, Any]]]:
    data = json.loads(json.dumps(DATA))
    data["actions"][0]["participants"].append("O999")  # an officer not in the records
    data["certificates"].append({**data["certificates"][0], "officer": "O888"})  # same id, too
    data["trainings"][0]["id"] = data["trainings"][1]["id"] = "T1"
    return data


def test_referential_problems_are_findings_of_their_own_kind_never_dropped() -> None:
    report = er.evaluate(er.Records.from_dicts(corrupted()), as_of="2024-12-31")
    quality = report.filter(severity="warning").to_frame()
    found = {(r["rule"], r["subject_id"]) for r in quality.iter_rows(named=True)}
    first_action = DATA["actions"][0]["id"]
    certificate = DATA["certificates"][0]["id"]
    assert ("data-quality.unknown-reference", first_action) in found
    assert ("data-quality.unknown-reference", certificate) in found
    assert ("data-quality.duplicate-id", certificate) in found
    assert ("data-quality.duplicate-id", "T1") in found
    assert report.counts("rule")["D1"]  # the rules were still evaluated


def test_strict_turns_them_into_one_input_error_naming_record_field_and_value() -> None:
    with pytest.raises(er.InputError) as caught:
        er.evaluate(er.Records.from_dicts(corrupted()), as_of="2024-12-31", strict=True)
    text = [str(p) for p in caught.value.problems]
    first_action = DATA["actions"][0]["id"]
    assert any(
        f"actions record {first_action}" in t and "'participants'" in t and "O999" in t
        for t in text
    )
    assert any("certificates record" in t and "'officer'" in t and "O888" in t for t in text)
    assert any("trainings id T1" in t and "each id once" in t for t in text)


def test_strict_evaluation_of_clean_records_is_the_ordinary_report() -> None:
    records = er.Records.from_dicts(DATA)
    strict = er.evaluate(records, as_of="2024-12-31", strict=True)
    assert strict.to_dict() == er.evaluate(records, as_of="2024-12-31").to_dict()


def test_the_cli_strict_option_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(corrupted(), ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path), "--as-of", "2024-12-31"]) == 1
    capsys.readouterr()
    assert main(["check", str(path), "--as-of", "2024-12-31", "--strict"]) == 2
    assert "O999" in capsys.readouterr().err
