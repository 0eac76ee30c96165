"""The synthetic province: deterministic, loadable, covering the jurisdictions, levels,
domains and obligations of the rules, with violations in realistic shares."""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._kinds._schedule import Obligation
from enforcement_rules._synthetic import AS_OF, generate_province, province_records

SMALL = 0.003  # 20 departments, 300 officers, 3,000 acts


@cache
def province(scale: float, seed: int = 1) -> er.Records:
    return province_records(scale, seed)


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_same_scale_and_seed_write_the_same_bytes(tmp_path: Path) -> None:
    generate_province(tmp_path / "a", scale=SMALL, seed=5)
    generate_province(tmp_path / "b", scale=SMALL, seed=5)
    generate_province(tmp_path / "c", scale=SMALL, seed=6)
    first, second, other = (digests(tmp_path / n) for n in "abc")
    assert "parquet/actions.parquet" in first and "csv/actions.csv" in first
    assert first == second
    assert first["csv/actions.csv"] != other["csv/actions.csv"]


def test_what_is_written_loads_back_to_the_records_generated(tmp_path: Path) -> None:
    counts = generate_province(tmp_path, scale=SMALL, seed=2)
    generated = province_records(SMALL, 2)
    from_parquet = er.load(tmp_path / "parquet")
    from_csv = er.load(tmp_path / "csv")
    manifest = json.loads((tmp_path / "province.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == counts == {k: v for k, v in from_csv.counts().items() if v}
    assert manifest["as_of"] == AS_OF.isoformat() == "2025-12-31"
    for name in er.RECORD_TYPES:
        assert_frame_equal(from_parquet.table(name), generated.table(name))
        assert_frame_equal(from_csv.table(name), generated.table(name))


def test_at_scale_one_tenth_a_tenth_of_a_province() -> None:
    counts = province(0.1).counts()
    assert counts["departments"] == 200
    assert counts["officers"] == 10_000
    assert counts["actions"] == 10_000 * 10
    assert counts["trainings"] == 10 * counts["officers"]
    participants = province(0.1).actions["participants"].list.len()
    assert participants.min() == 1 and participants.max() == 4


def test_every_jurisdiction_level_and_domain_of_the_vocabulary_is_there() -> None:
    departments = province(0.1).departments
    regions = {tuple(r[:3]) for r in departments["region"].to_list()}
    for place in [
        ("贵州省", "遵义市"),
        ("四川省", "德阳市", "广汉市"),
        ("河南省", "新乡市"),
        ("宁夏回族自治区", "石嘴山市", "大武口区"),
    ]:
        assert any(r[: len(place)] == place for r in regions), place
    assert set(departments["level"]) == {"province", "city", "county", "township"}
    assert set(departments["domain"]) >= set(er.DOMAINS)
    henan_transport = departments.filter(
        (pl.col("region").list.first() == "河南省") & (pl.col("domain") == "交通运输")
    )
    assert {"province", "city", "county"} <= set(henan_transport["level"])
    others = departments.filter(
        ~pl.col("region").list.first().is_in(["贵州省", "四川省", "河南省", "宁夏回族自治区"])
    )
    assert others.height, "departments that only the national baseline covers"


def test_every_obligation_of_the_rules_is_owed_and_mostly_met_some_late_or_missing() -> None:
    records = province(0.1)
    calendar = er.calendar(records, AS_OF).to_frame()
    owing = {r.id for r in er.load_rules() if isinstance(r, Obligation)}
    assert set(calendar["rule"]) == owing
    judged = calendar.filter(pl.col("status") != "pending")
    per_rule = judged.group_by("rule").agg(
        pl.len().alias("items"), (pl.col("status") == "met").mean().alias("met")
    )
    # Each rule owed by ten or more units is mostly met; some items are late or missing (with
    # some 18 items each, a rule may by chance be met by every unit: the share is over all).
    shares = {rule: met for rule, items, met in per_rule.iter_rows() if items >= 10}
    assert all(met > 0.5 for met in shares.values()), shares
    assert sum(met < 1 for met in shares.values()) > len(shares) / 2, shares
    assert {"met", "late", "missing", "incomplete", "pending"} <= set(calendar["status"])


def test_violations_come_in_realistic_shares() -> None:
    records = province(0.05)
    report = er.evaluate(records, AS_OF)
    counts = report.counts("rule")
    actions = records.actions.height
    # every kind of rule finds something, and a minority of the acts fail a two-person rule
    for rule in ["D1", "D3", "D4", "G2", "G5", "G7", "HNZF.24", "XZCF.42", "XZQZ.18", "Z2"]:
        assert counts.get(rule, 0) > 0, rule
    two_person = report.frame.filter(pl.col("rule").is_in(["D3", "XZQZ.18", "HNZF.24", "XZCF.42"]))
    assert two_person["subject_id"].n_unique() < 0.15 * actions
    assert report.exemptions.height > 0  # one-officer summary penalties under 第五十一条
    assert 0 < counts.get("data-quality.unknown-reference", 0) < 0.001 * actions


def test_the_command_writes_the_province_and_names_the_day_to_evaluate_as_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["generate", "--scale", str(SMALL), "--out", str(tmp_path), "--format", "csv"])
    out = capsys.readouterr().err  # what a command wrote is said on standard error
    assert status == 0
    assert (tmp_path / "csv" / "actions.csv").exists()
    assert not (tmp_path / "parquet").exists()
    assert "--as-of 2025-12-31" in out
    assert main(["generate", "--scale", "0", "--out", str(tmp_path)]) == 2
    assert "scale: expected a number greater than 0" in capsys.readouterr().err


def test_without_numpy_the_generator_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(er.MissingDependency, match="generate"):
        province_records(SMALL)
