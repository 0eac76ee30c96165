"""Packs that extend packs (``extends``, ``overrides``, ``skip``): what they report, and the
located errors of a malformed inheritance. The packs are copies of ``examples/custom-pack``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "custom-pack"
PACK = "dwk-zjjt-2024"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "custom-pack"
    shutil.copytree(EXAMPLE, target)
    return target


def _edit(folder: Path, old: str, new: str, pack: str = PACK) -> Path:
    path = folder / pack / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def _refused(folder: Path) -> er.RuleError:
    with pytest.raises(er.RuleError) as caught:
        er.load_rules(folder, installed=False)
    return caught.value


def _heir(folder: Path, pack_id: str, extends: str, applies_to: str, rest: str = "") -> Path:
    """A second pack of the folder quoting the same notice, extending ``extends``."""
    (folder / pack_id).mkdir()
    path = folder / pack_id / "pack.yaml"
    path.write_text(
        f"""id: {pack_id}
title: 大武口区住建交通局执法大队的规则
title_en: The brigade's rules
documents: [{PACK}]
applies_to: {applies_to}
in_force: {{from: 2024-05-06, to: 2025-12-31}}
description: 适用于执法大队。
description_en: Applies to the brigade.
extends: [{extends}]
{rest}""",
        encoding="utf-8",
    )
    return path


def test_the_example_overrides_d1_skips_d9_and_includes_the_rest() -> None:
    rules = er.load_rules(EXAMPLE, installed=False)
    pack = rules.packs[PACK]
    assert [r.id for r in pack.rules] == ["ZJ1", "ZJ-D1"]
    override = rules.rules["ZJ-D1"]
    assert override.minimum_hours == 80  # type: ignore[attr-defined]
    assert [s.document for s in override.sources] == [PACK, "dawukou-2024"]
    assert override.in_force == rules.packs["dawukou-2024"].in_force  # the parent rule's days
    inheritance = pack.inheritance
    assert inheritance is not None
    assert [(o.rule, o.by) for o in inheritance.overridden] == [("D1", "ZJ-D1")]
    assert [s.rule for s in inheritance.skipped] == ["D9"]
    assert ("D3", "dawukou-2024") in inheritance.included
    assert {"D1", "D9"}.isdisjoint(r for r, _ in inheritance.included)


def test_a_pack_extended_by_none_is_loaded_as_before() -> None:
    assert er.load_rules(installed=False).packs["dawukou-2024"].heirs == ()


def test_an_override_finding_explains_both_sources() -> None:
    records = er.load(EXAMPLE / "records.json")
    report = er.evaluate(records, as_of="2024-12-31", rules=er.load_rules(EXAMPLE, installed=False))
    found = report.filter(rule="ZJ-D1").findings
    assert [f.subject_id for f in found] == ["ZJ-02"]
    text = found[0].explain()
    assert "不少于80学时" in text and "不少于60学时" in text
    assert [f.subject_id for f in report.filter(rule="D1").findings] == ["SC-02"]
    assert not report.filter(rule="D9", department="DWK-ZJJT").findings


def test_a_child_outside_its_parents_jurisdiction_gets_the_parents_rules(folder: Path) -> None:
    _edit(
        folder,
        "region: [宁夏回族自治区, 石嘴山市, 大武口区]\n  name_contains: [住建交通局]",
        "region: [宁夏回族自治区, 石嘴山市, 平罗县]",
    )
    records = er.Records.from_dicts(
        {
            "departments": [
                {
                    "id": "PL-JT",
                    "name": "平罗县交通运输局",
                    "region": ["宁夏回族自治区", "石嘴山市", "平罗县"],
                    "level": "county",
                    "domain": "交通运输",
                },
            ],
            "officers": [{"id": "P1", "department": "PL-JT", "employment": "staff"}],
            "trainings": [{"id": "T1", "officer": "P1", "date": "2024-05-10", "hours": 70}],
        }
    )
    rules = er.load_rules(folder, installed=False)
    report = er.evaluate(records, as_of="2024-12-31", rules=rules)
    assert [f.subject_id for f in report.filter(rule="ZJ-D1").findings] == ["P1"]
    assert report.filter(rule="D14", department="PL-JT").findings  # included from dawukou-2024
    assert not report.filter(rule="D9").findings  # skipped
    assert not any("no pack applies" in w for w in report.warnings)


def test_a_pack_extending_an_inheriting_pack_takes_its_overrides_and_skips(folder: Path) -> None:
    _heir(folder, "zjjt-dd-2024", PACK, "{name_contains: [执法大队]}")
    rules = er.load_rules(folder, installed=False)
    inheritance = rules.packs["zjjt-dd-2024"].inheritance
    assert inheritance is not None
    included = dict(inheritance.included)
    assert included["ZJ-D1"] == PACK and included["D3"] == "dawukou-2024"
    assert "D9" not in included and "D1" not in included


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "minimum_hours: 80",
            "minimum_hourz: 80",
            "overrides.D1.minimum_hourz",
            "rule D1 (kind training_hours) has no parameter minimum_hourz; its parameters: ",
        ),
        (
            "minimum_hours: 80",
            "minimum_hours: -80",
            "overrides.D1.minimum_hours",
            "rule D1 (kind training_hours) refuses it: Input should be greater than 0",
        ),
        (
            "minimum_hours: 80",
            "minimum_hours: eighty",
            "overrides.D1.minimum_hours",
            "refuses it: Input should be a valid number",
        ),
        ("  D1:\n", "  D99:\n", "overrides.D99", "dawukou-2024 has no rule D99"),
        (
            "  - rule: D9",
            "  - rule: D90",
            "skip.0.rule",
            "dawukou-2024 has no rule D90 (did you mean",
        ),
        (
            "extends: [dawukou-2024]",
            "extends: [dawukou-2042]",
            "extends",
            "unknown pack dawukou-2042; the packs are ",
        ),
        (
            "extends: [dawukou-2024]",
            f"extends: [{PACK}]",
            "extends",
            f"a cycle of extends: {PACK} → {PACK}",
        ),
    ],
)
def test_a_malformed_inheritance_is_refused_with_file_line_and_field(
    folder: Path, old: str, new: str, field: str, message: str
) -> None:
    path = _edit(folder, old, new)
    error = _refused(folder)
    assert error.file == str(path), error
    # the line of the value (a mapping's value: its first key, the override's id)
    at = "id: ZJ-D1" if new.strip() == "D99:" else new.strip()
    assert error.line == _line(path, at), error
    assert f"field '{field}'" in str(error) and message in str(error), error


def test_a_cycle_through_two_packs_names_it(folder: Path) -> None:
    _heir(folder, "zjjt-dd-2024", PACK, "{name_contains: [执法大队]}")
    path = _edit(folder, "extends: [dawukou-2024]", "extends: [dawukou-2024, zjjt-dd-2024]")
    error = _refused(folder)
    assert "a cycle of extends" in str(error) and "zjjt-dd-2024" in str(error), error
    assert error.file in (str(path), str(folder / "zjjt-dd-2024" / "pack.yaml"))
    assert error.line is not None


def test_an_override_quote_must_be_verbatim_in_the_childs_own_document(folder: Path) -> None:
    path = _edit(
        folder,
        "quote: 本局行政执法人员每人每年接受不少于80学时",
        "quote: 本局行政执法人员每人每年接受不少于90学时",
    )
    error = _refused(folder)
    assert "overrides.D1.sources.0.quote" in str(error) and "not verbatim" in str(error)
    assert error.line == _line(path, "不少于90学时")
    _edit(folder, "不少于90学时", "不少于80学时")
    path = _edit(
        folder,
        "document: dwk-zjjt-2024\n        section: 三",
        "document: dawukou-2024\n        section: 三",
    )
    error = _refused(folder)
    assert "skip.0.sources.0.document" in str(error) and "quote a document of this pack" in str(
        error
    )


def test_an_override_needs_a_reason_and_changes_a_parameter(folder: Path) -> None:
    _edit(folder, "    reason: 本局通知把每人每年的培训学时由区里要求的60学时提高到80学时。\n", "")
    assert "field 'overrides.D1.reason': Field required" in str(_refused(folder))
    shutil.rmtree(folder)
    shutil.copytree(EXAMPLE, folder)
    _edit(folder, "    minimum_hours: 80\n", "")
    assert "changes at least one parameter of D1" in str(_refused(folder))


def test_a_rule_of_a_grandparent_skipped_by_the_parent_cannot_be_overridden(folder: Path) -> None:
    path = _heir(
        folder,
        "zjjt-dd-2024",
        PACK,
        "{name_contains: [执法大队]}",
        "skip:\n  - rule: D9\n    reason: 不适用。\n    reason_en: Not applicable.\n"
        "    sources:\n"
        "      - {document: dwk-zjjt-2024, section: 三, quote: 本局不再单独组织年度案卷评查}\n",
    )
    error = _refused(folder)
    assert error.file == str(path) and "dwk-zjjt-2024 has no rule D9" in str(error), error


def test_rules_lists_what_an_inheriting_pack_takes_from_where(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--rules", str(EXAMPLE), "--pack", PACK, "--no-installed-packs"]) == 0
    out = capsys.readouterr().out
    assert "dwk-zjjt-2024 扩展 extends dawukou-2024" in out
    assert "沿用 included（来自 from dawukou-2024，18 条）：D2.report、D2.rotation、D3" in out
    assert "覆盖 overridden：D1（dawukou-2024）由 ZJ-D1 取代：minimum_hours 60 → 80" in out
    assert "不适用 skipped：D9（dawukou-2024）" in out
