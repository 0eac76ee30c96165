"""Packs from outside the library: rules folders named by the host (``load_rules(folder)``,
``--rules DIR``) and installed pack distributions (entry points ``enforcement_rules.packs``)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._coverage import coverage
from enforcement_rules._rules import NO_INSTALLED_PACKS, PACKS_GROUP

NOTICE = "某市司法局关于加强执法队伍建设的通知\n新录用执法人员应当具有本科以上学历。\n"
QUOTE = "新录用执法人员应当具有本科以上学历"


def _pack_folder(root: Path, pack: str = "acme-2025", rule: str = "ACME1") -> Path:
    """A rules folder with one pack of one rule, its own notice and its coverage register."""
    (root / "sources").mkdir(parents=True)
    (root / "sources" / f"{pack}.txt").write_text(NOTICE, encoding="utf-8")
    digest = hashlib.sha256(NOTICE.encode("utf-8")).hexdigest()
    (root / "sources" / "documents.yaml").write_text(
        f"""- id: {pack}
  file: {pack}.txt
  original_file: notice.txt
  sha256: {digest}
  title: 某市司法局关于加强执法队伍建设的通知
  title_en: A city's notice on building the enforcement workforce
  issuer: 某市司法局
  number: null
  date: 2025-01-01
  published: null
  jurisdiction: [某省, 某市]
  sector: []
  period: {{from: 2025-01-01, to: 2025-12-31}}
  lost_characters: []
  notes: 主送各执法部门。
  notes_en: Addressed to every enforcement department.
""",
        encoding="utf-8",
    )
    (root / pack).mkdir()
    (root / pack / "pack.yaml").write_text(
        f"""id: {pack}
title: 某市司法局关于加强执法队伍建设的通知
title_en: A city's notice on building the enforcement workforce
documents: [{pack}]
applies_to:
  region: [某省, 某市]
in_force: {{from: 2025-01-01, to: 2025-12-31}}
description: 适用于某市的各执法部门。
description_en: Applies to the enforcement departments of 某市.
""",
        encoding="utf-8",
    )
    (root / pack / "personnel.yaml").write_text(
        f"""- id: {rule}
  kind: new_recruit_education
  title: 新录用执法人员应当具有本科以上学历
  title_en: New recruits hold a bachelor degree or above
  minimum_education: bachelor
  employment: [staff, contract]
  sources:
    - document: {pack}
      section: 正文
      quote: {QUOTE}
  note: 录用日期在通知施行期间内的在编或聘用人员，学历低于本科的予以报告。
  note_en: An officer hired while the notice is in force with less than a bachelor degree.
  fix: 录用本科以上学历的人员。
  fix_en: Recruit officers with a bachelor degree or above.
""",
        encoding="utf-8",
    )
    (root / "coverage").mkdir()
    (root / "coverage" / f"{pack}.yaml").write_text(
        f"""document: {pack}
sentences:
  - text: "某市司法局关于加强执法队伍建设的通知"
    context: 标题
  - text: "新录用执法人员应当具有本科以上学历。"
    rules: [{rule}]
""",
        encoding="utf-8",
    )
    return root


def _records(path: Path) -> Path:
    data = {
        "departments": [
            {
                "id": "MS-SFJ",
                "name": "某市司法局",
                "region": ["某省", "某市"],
                "level": "市",
                "domain": "司法行政",
            }
        ],
        "officers": [
            {
                "id": "MS-SFJ-01",
                "name": "张三",
                "department": "MS-SFJ",
                "employment": "在编",
                "hired_on": "2025-03-01",
                "education": "大专",
            }
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_folder_outside_the_library_adds_its_packs_to_the_shipped_ones(tmp_path: Path) -> None:
    folder = _pack_folder(tmp_path / "host-rules")
    shipped = er.load_rules()
    both = er.load_rules(folder)
    assert set(both.packs) == set(shipped.packs) | {"acme-2025"}
    assert len(both) == len(shipped) + 1
    assert both.packs["acme-2025"].origin == str(folder.resolve())
    assert both.packs["national"].origin == "shipped"
    assert QUOTE in both.documents["acme-2025"].text
    only = er.load_rules(folder, shipped=False)
    assert list(only.packs) == ["acme-2025"] and list(only.rules) == ["ACME1"]


def test_check_with_rules_dir_reports_the_folders_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _pack_folder(tmp_path / "host-rules")
    records = _records(tmp_path / "records.json")
    args = ["check", str(records), "--as-of", "2025-06-30", "--format", "json"]
    assert main([*args, "--rules", str(folder)]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["findings"] if f["rule"] == "ACME1"]
    assert [(f["subject"]["id"], f["status"]) for f in found] == [("MS-SFJ-01", "not_met")]
    assert main(args) == 0  # without the folder, no shipped pack applies to 某市
    assert "ACME1" not in capsys.readouterr().out


def test_the_coverage_command_reads_the_folders_register(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _pack_folder(tmp_path / "host-rules")
    result = {c.document.id: c for c in coverage(er.load_rules(folder))}
    assert result["acme-2025"].count("rules") == 1 and result["acme-2025"].count("context") == 1
    assert result["acme-2025"].count("unclassified") == 0
    assert main(["coverage", "--rules", str(folder), "--pack", "acme-2025"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == [["acme-2025", "2", "1", "0", "1", "0", "0"]]


def test_rules_lists_a_folders_pack_with_where_it_comes_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _pack_folder(tmp_path / "host-rules")
    assert main(["rules", "--rules", str(folder), "--pack", "acme-2025", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["pack"], r["origin"]) for r in listed] == [
        ("ACME1", "acme-2025", str(folder.resolve()))
    ]
    assert main(["rules", "--rules", str(folder), "--no-shipped"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ACME1 · 新录用执法人员应当具有本科以上学历")
    assert "D1 ·" not in out


@pytest.mark.parametrize(
    ("pack", "rule", "clash"),
    [
        ("national", "ACME1", "pack id national is also defined in national/pack.yaml"),
        ("acme-2025", "D1", "rule id D1 is also defined in dawukou-2024/"),
    ],
)
def test_a_clash_with_the_shipped_packs_names_both_files(
    tmp_path: Path, pack: str, rule: str, clash: str
) -> None:
    folder = _pack_folder(tmp_path / "host-rules", pack=pack, rule=rule)
    with pytest.raises(er.RuleError, match=clash) as raised:
        er.load_rules(folder)
    assert str(folder.resolve()) in str(raised.value)


def test_a_clash_between_two_folders_names_both_files(tmp_path: Path) -> None:
    first = _pack_folder(tmp_path / "one")
    second = _pack_folder(tmp_path / "two", pack="other-2025")
    (second / "other-2025" / "personnel.yaml").write_text(
        (first / "acme-2025" / "personnel.yaml")
        .read_text(encoding="utf-8")
        .replace("acme-2025", "other-2025"),
        encoding="utf-8",
    )
    message = (
        f"{second.resolve()}/other-2025/personnel.yaml: rule id ACME1 is also defined in "
        f"{first.resolve()}/acme-2025/personnel.yaml"
    )
    with pytest.raises(er.RuleError) as raised:
        er.load_rules(first, second, shipped=False)
    assert message in str(raised.value)
    third = _pack_folder(tmp_path / "three", rule="ACME2")
    with pytest.raises(er.RuleError, match="document id acme-2025 is also defined in") as doc:
        er.load_rules(first, third, shipped=False)
    assert f"{first.resolve()}/sources/documents.yaml" in str(doc.value)


def test_a_missing_folder_is_a_located_error_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(er.RuleError, match="no such rules folder"):
        er.load_rules(tmp_path / "absent")
    assert main(["rules", "--rules", str(tmp_path / "absent")]) == 2
    assert "no such rules folder" in capsys.readouterr().err


def test_a_file_given_as_a_rules_folder_is_named_as_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("[]\n", encoding="utf-8")
    for command in (["rules", "--rules", str(rules)], ["lint", str(rules)]):
        assert main(command) == 2
        assert f"{rules}: a file, not a rules folder" in capsys.readouterr().err


def _installed_distribution(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed pack distribution as pip leaves one: a package holding a rules folder, and
    a ``.dist-info`` folder whose ``entry_points.txt`` names the package in the group."""
    _pack_folder(site / "acme_enforcement_packs" / "rules")
    (site / "acme_enforcement_packs" / "__init__.py").write_text("", encoding="utf-8")
    info = site / "acme_enforcement_packs-0.3.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-enforcement-packs\nVersion: 0.3.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{PACKS_GROUP}]\nacme = acme_enforcement_packs\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv(NO_INSTALLED_PACKS, raising=False)
    monkeypatch.delitem(sys.modules, "acme_enforcement_packs", raising=False)


def test_an_installed_pack_distribution_is_found_listed_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _installed_distribution(tmp_path / "site", monkeypatch)
    ruleset = er.load_rules()
    assert ruleset.packs["acme-2025"].origin == "acme-enforcement-packs 0.3.1"
    assert "ACME1" in ruleset.rules and "D1" in ruleset.rules
    assert main(["rules", "--pack", "acme-2025", "--format", "json"]) == 0
    assert [r["origin"] for r in json.loads(capsys.readouterr().out)] == [
        "acme-enforcement-packs 0.3.1"
    ]
    assert main(["rules", "--pack", "acme-2025"]) == 0
    assert "acme-2025 (acme-enforcement-packs 0.3.1)" in capsys.readouterr().out
    records = _records(tmp_path / "records.json")
    assert main(["check", str(records), "--as-of", "2025-06-30"]) == 1
    capsys.readouterr()
    assert "acme-2025" not in er.load_rules(installed=False).packs
    assert main(["check", str(records), "--as-of", "2025-06-30", "--no-installed-packs"]) == 0
    monkeypatch.setenv(NO_INSTALLED_PACKS, "1")
    assert "acme-2025" not in er.load_rules().packs


def test_a_broken_installed_pack_is_a_located_error_naming_its_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    info = site / "broken_packs-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-packs\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{PACKS_GROUP}]\nbroken = no_such_module_of_packs\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv(NO_INSTALLED_PACKS, raising=False)
    with pytest.raises(er.RuleError, match=r"broken-packs 1\.0.*cannot load the pack"):
        er.load_rules()
    assert main(["rules"]) == 2
    assert "entry point broken = no_such_module_of_packs (broken-packs 1.0)" in (
        capsys.readouterr().err
    )
    assert main(["rules", "--no-installed-packs", "--pack", "national"]) == 0
