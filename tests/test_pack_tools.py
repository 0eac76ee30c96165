"""Writing a pack for a new notice: new-pack scaffolds it, lint says what is missing, test runs
its features with the library's step vocabulary."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._coverage import coverage
from enforcement_rules._figures import keys_by_label
from enforcement_rules._lint import lint
from enforcement_rules._newpack import hints
from enforcement_rules._rules import default_rules_dir
from enforcement_rules._steps import VOCABULARY

ROOT = Path(__file__).parents[1]
HOST_PACK = ROOT / "examples" / "host-pack" / "rules"
NOTICE = """\
某县司法局关于2026年行政执法人员培训工作的通知
各乡镇人民政府，县直各执法部门：
一、每名执法人员每年参加培训不少于40学时。
二、各单位于6月30日前报送年度培训计划；年底前报送培训总结。
三、每季度组织一次案卷评查，案卷合格率达到90%以上。
四、新录用执法人员原则上应当具有本科以上学历。
五、加强组织领导。
"""
BROKEN = "# language: zh-CN\n功能: x\n  @ACME1\n  假如 部门:\n"


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """A copy of examples/host-pack/rules, lint clean, to break."""
    target = tmp_path / "host-rules"
    shutil.copytree(HOST_PACK, target)
    return target


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in lint(folder).problems]


# -- new-pack ---------------------------------------------------------------------------------


def test_hints_mark_deadlines_periods_minimums_percentages_and_in_principle() -> None:
    def seen(text: str) -> list[tuple[str, str]]:
        return [(h.name, h.words) for h in hints(text)]

    assert seen("各单位于6月30日前报送") == [("期限", "6月30日前")]
    assert seen("3月底前完成") == [("期限", "3月底前")]
    assert seen("年底前报送总结") == [("期限", "年底前")]
    assert seen("每季度组织一次") == [("周期", "每季度")]
    assert seen("每年参加培训不少于40学时") == [("周期", "每年"), ("数量", "不少于40学时")]
    assert seen("每次不少于2人") == [("数量", "不少于2人")]
    assert seen("合格率达到90%以上") == [("比例", "90%")]
    assert seen("原则上应当具有本科以上学历") == [("原则上", "原则上")]
    assert seen("加强组织领导。") == []


def test_new_pack_scaffolds_a_folder_that_loads_with_every_sentence_listed_unclassified(
    tmp_path: Path, notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "rules"
    code = main(["new-pack", "demo-2026", "--source", str(notice), "--region", "某省、某县",
                 "--into", str(into)])  # fmt: skip
    assert code == 0
    assert "8 句，其中 5 句看来可以核查" in capsys.readouterr().out
    kept = (into / "sources" / "demo-2026.txt").read_bytes()
    assert kept == notice.read_bytes()
    documents = yaml.safe_load((into / "sources" / "documents.yaml").read_text(encoding="utf-8"))
    assert documents[0]["sha256"] == hashlib.sha256(kept).hexdigest()
    assert documents[0]["jurisdiction"] == ["某省", "某县"]
    assert yaml.safe_load((into / "demo-2026" / "rules.yaml").read_text(encoding="utf-8")) == []
    assert (into / "features" / "demo-2026" / "demo-2026.feature").is_file()
    register = (into / "coverage" / "demo-2026.yaml").read_text(encoding="utf-8")
    assert "# 第 4 行 · 可核查？checkable? 期限「6月30日前」deadline\n" in register
    assert '# 第 7 行\n  - text: "五、加强组织领导。"' in register
    ruleset = er.load_rules(into)
    pack = ruleset.packs["demo-2026"]
    assert pack.rules == () and pack.in_force.start.isoformat() == "2026-01-01"
    (report,) = [c for c in coverage(ruleset, into) if c.document.id == "demo-2026"]
    assert report.count("unclassified") == len(report.sentences) == 8 and report.stale == []


def test_new_pack_never_writes_over_an_existing_pack(
    tmp_path: Path, notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "rules"
    assert main(["new-pack", "demo-2026", "--source", str(notice), "--into", str(into)]) == 0
    before = (into / "demo-2026" / "pack.yaml").read_bytes()
    capsys.readouterr()
    assert main(["new-pack", "demo-2026", "--source", str(notice), "--into", str(into)]) == 2
    error = capsys.readouterr().err
    assert f"{into / 'demo-2026'}: already exists" in error and "Traceback" not in error
    assert (into / "demo-2026" / "pack.yaml").read_bytes() == before
    # a second pack goes beside the first, its document appended
    assert main(["new-pack", "demo-2027", "--source", str(notice), "--into", str(into)]) == 0
    assert set(er.load_rules(into, shipped=False).packs) == {"demo-2026", "demo-2027"}


def test_new_pack_refuses_a_source_in_no_known_encoding_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notice.txt"
    source.write_bytes("通知\n第二行".encode() + b"\xff\xfe\xfa\n")
    into = tmp_path / "rules"
    assert main(["new-pack", "demo-2026", "--source", str(source), "--into", str(into)]) == 2
    error = capsys.readouterr().err
    assert str(source) in error and "line 2" in error and "GB18030" in error
    assert not into.exists()


def test_new_pack_names_a_missing_notice_as_the_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.txt"
    into = tmp_path / "rules"
    assert main(["new-pack", "demo-2026", "--source", str(absent), "--into", str(into)]) == 2
    error = capsys.readouterr().err
    assert "problem(s) in the notice" in error and str(absent) in error
    assert not into.exists()


def test_new_pack_keeps_a_gb18030_notice_as_utf8_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notice.txt"
    source.write_bytes(NOTICE.encode("gb18030"))
    into = tmp_path / "rules"
    assert main(["new-pack", "demo-2026", "--source", str(source), "--into", str(into)]) == 0
    assert "converted from gb18030" in capsys.readouterr().err
    assert (into / "sources" / "demo-2026.txt").read_text(encoding="utf-8") == NOTICE
    er.load_rules(into, shipped=False)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["Demo"], "pack id 'Demo'"),
        (["demo-2026", "--in-force", "2026-13-01:"], "--in-force"),
        (["dawukou-2024"], None),  # a clash with a shipped pack: named when it loads, not here
    ],
)
def test_new_pack_refuses_a_bad_id_or_period(
    tmp_path: Path,
    notice: Path,
    arguments: list[str],
    expected: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["new-pack", *arguments, "--source", str(notice), "--into", str(tmp_path / "r")])
    if expected is None:
        assert code == 0
        with pytest.raises(er.RuleError, match="also defined"):
            er.load_rules(tmp_path / "r")
    else:
        assert code == 2 and expected in capsys.readouterr().err


def test_new_pack_asks_for_the_period_when_the_notice_names_no_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notice.txt"
    source.write_text("某局通知\n每年培训不少于40学时。\n", encoding="utf-8")
    into = str(tmp_path / "rules")
    assert main(["new-pack", "demo", "--source", str(source), "--into", into]) == 2
    assert "--in-force" in capsys.readouterr().err
    assert main(["new-pack", "demo", "--source", str(source), "--into", into,
                 "--in-force", "2026-03-01:"]) == 0  # fmt: skip
    assert er.load_rules(into, shipped=False).packs["demo"].in_force.end is None


def test_a_scaffold_lints_with_what_is_left_to_do(tmp_path: Path, notice: Path) -> None:
    into = tmp_path / "rules"
    assert main(["new-pack", "demo-2026", "--source", str(notice), "--into", str(into)]) == 0
    problems = _problems(into)
    assert sum("此句未分类" in p for p in problems) == 8
    assert any(p.startswith(f"{into}/demo-2026/pack.yaml:4: 还有「待填写」") for p in problems)
    assert any("功能没有标注所规定的规则" in p for p in problems)


# -- lint -------------------------------------------------------------------------------------


def test_the_example_packs_and_the_shipped_packs_lint_clean(
    host: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["lint", str(host)]) == 0
    assert "没有问题 no problems: 1 条规则 rules，2 句 sentences，2 个场景 scenarios" in (
        capsys.readouterr().out
    )
    monkeypatch.chdir(ROOT)  # a spec loads examples/custom-pack, a path from the root
    assert lint(default_rules_dir(), ROOT / "tests" / "features").problems == []
    assert lint(ROOT / "examples" / "custom-pack").problems == []


def test_lint_exits_1_naming_file_line_and_what_to_do(
    host: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        host / "acme-2025" / "personnel.yaml", "minimum_education: bachelor", "minimum_education: 1"
    )
    assert main(["lint", str(host)]) == 1
    out = capsys.readouterr().out
    assert f"{host}/acme-2025/personnel.yaml:5: 无法载入" in out
    assert "minimum_education" in out and "Correct it and lint again" in out


def test_lint_reports_a_quote_that_is_not_verbatim(host: Path) -> None:
    assert _problems(host) == []  # loaded once: the second lint still reads the files anew
    _edit(host / "acme-2025" / "personnel.yaml", "quote: 新录用执法人员", "quote: 新录用的执法人员")
    (problem,) = _problems(host)
    assert "personnel.yaml:10" in problem and "not verbatim" in problem


def test_lint_reports_unclassified_and_stale_sentences_at_their_register_line(host: Path) -> None:
    register = host / "coverage" / "acme-2025.yaml"
    _edit(register, "    context: 标题\n", "")
    _edit(register, "新录用执法人员应当具有本科以上学历。", "新录用执法人员应当具有本科学历。")
    problems = _problems(host)
    assert any(p.startswith(f"{register}:3: 此句未分类") for p in problems)
    assert any(p.startswith(f"{register}:4: 此条目与原文的任何一句都不相符") for p in problems)
    assert any("原文第 2 行的句子不在登记中" in p for p in problems)


def test_lint_reports_a_rule_no_sentence_cites_and_a_quoted_sentence_not_citing_it(
    host: Path,
) -> None:
    register = host / "coverage" / "acme-2025.yaml"
    _edit(register, "rules: [ACME1]", "not_checkable: 记录中没有学历的来源，无从核查。")
    (problem,) = _problems(host)
    assert problem.startswith(f"{host}/acme-2025/personnel.yaml:1: 规则 ACME1 未在覆盖登记中引用")
    _edit(register, "context: 标题", "rules: [ACME1]")
    (problem,) = _problems(host)
    assert problem.startswith(f"{register}:5: 规则 ACME1 引用此句，但此句未列出它")


def test_lint_reports_a_rule_without_a_passing_or_a_failing_scenario(host: Path) -> None:
    feature = host / "features" / "acme-2025" / "education.feature"
    text = feature.read_text(encoding="utf-8")
    feature.write_text(text[: text.index("  场景: 新录用人员只有大专学历")], encoding="utf-8")
    (problem,) = _problems(host)
    assert problem.startswith(f"{host}/acme-2025/personnel.yaml:1: 规则 ACME1 没有不通过的场景")
    shutil.rmtree(host / "features")
    assert [p.split("：")[0] for p in _problems(host)] == [
        f"{host}/acme-2025/personnel.yaml:1: 规则 ACME1 没有通过的场景",
        f"{host}/acme-2025/personnel.yaml:1: 规则 ACME1 没有不通过的场景",
    ]


def test_lint_reports_a_feature_untagged_unquoting_in_english_or_with_unknown_steps(
    host: Path,
) -> None:
    feature = host / "features" / "acme-2025" / "education.feature"
    _edit(feature, "「新录用执法人员应当具有本科以上学历」", "新录用人员须本科")
    _edit(feature, "    那么 规则 ACME1 没有发现", "    那么 规则 ACME1 没有任何发现")
    _edit(
        feature,
        "    而且 规则 ACME1 对 MS-SFJ-02 没有发现",
        "    而且 规则 ACME9 对 MS-SFJ-02 没有发现",
    )
    problems = _problems(host)
    assert any(f"{feature}:3: 功能的说明未逐字引用规则 ACME1" in p for p in problems)
    assert any(
        f"{feature}:20: 步骤「规则 ACME1 没有任何发现」不在步骤词汇表中" in p for p in problems
    )
    assert any(f"{feature}:30: 步骤中的规则 ACME9 不存在" in p for p in problems)
    (host / "features" / "other.feature").write_text("Feature: x\n  Scenario: y\n", "utf-8")
    problems = _problems(host)
    assert any("other.feature:1: 功能须用中文写" in p for p in problems)
    assert any("other.feature:1: 功能没有标注所规定的规则" in p for p in problems)
    (host / "features" / "broken.feature").write_text(BROKEN, "utf-8")
    assert any("broken.feature:4: 无法载入：not valid Gherkin" in p for p in _problems(host))


def test_lint_of_a_folder_that_does_not_exist_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "missing")]) == 2
    assert "no such rules folder" in capsys.readouterr().err


# -- test -------------------------------------------------------------------------------------


def test_the_test_command_runs_the_folders_features_and_says_which_failed(
    host: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feature = host / "features" / "acme-2025" / "education.feature"
    wrong = feature.with_name("wrong.feature")
    wrong.write_text(
        feature.read_text(encoding="utf-8").replace(
            "规则 ACME1 对 MS-SFJ-02 没有发现", "规则 ACME1 对 MS-SFJ-02 报告 不符合"
        ),
        encoding="utf-8",
    )
    assert main(["test", str(host)]) == 1
    out = capsys.readouterr().out
    assert "✓ 通过    acme-2025/education.feature:22  新录用人员只有大专学历，不符合" in out
    assert "✗ 未通过  acme-2025/wrong.feature:22  新录用人员只有大专学历，不符合" in out
    assert "expected a finding of ACME1 for MS-SFJ-02" in out
    assert "场景 scenarios: 3 通过 passed，1 未通过 failed" in out


def test_the_test_command_without_scenarios_exits_1_and_with_a_broken_feature_2(
    host: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(host / "features" / "acme-2025")
    assert main(["test", str(host)]) == 1
    assert "没有场景 no scenarios" in capsys.readouterr().out
    (host / "features" / "broken.feature").write_text(BROKEN, "utf-8")
    assert main(["test", str(host)]) == 2
    assert re.search(r"broken\.feature:4: not valid Gherkin", capsys.readouterr().err)


# -- the step vocabulary ----------------------------------------------------------------------


def test_every_example_of_the_step_vocabulary_is_a_step_of_its_pattern() -> None:
    assert len(VOCABULARY) >= 20
    for step in VOCABULARY:
        assert step.examples, step.pattern
        for example in step.examples:
            assert re.fullmatch(step.pattern, example), (example, step.pattern)
        assert step.meaning.endswith("。") and step.meaning_en, step.pattern
    figures = re.compile(r"该发现的 (\S+) 为 .+")
    named = [m.group(1) for s in VOCABULARY for e in s.examples if (m := figures.fullmatch(e))]
    assert named and set(named) <= set(keys_by_label()), named


def test_a_source_text_that_is_not_utf8_is_a_located_rule_error(host: Path) -> None:
    text = host / "sources" / "acme-2025.txt"
    raw = text.read_text(encoding="utf-8").encode("gb18030")
    text.write_bytes(raw)
    _edit(
        host / "sources" / "documents.yaml",
        "b4120ba5729d1af102dd6ae0cd3ccde13db1eb8319b0e6eb2ce2a160d24387f2",
        hashlib.sha256(raw).hexdigest(),
    )
    with pytest.raises(er.RuleError, match=r"acme-2025\.txt:1: the text is not UTF-8"):
        er.load_rules(host, shipped=False)
