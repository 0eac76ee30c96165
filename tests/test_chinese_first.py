"""Chinese first: every 解读, pack description, fix and coverage reason a legal reader reads is
Chinese with full-width punctuation, with its English beside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._chinese import chinese_problem, full_width
from enforcement_rules._coverage import coverage
from enforcement_rules._figures import Figures, all_labels, keys_by_label
from enforcement_rules._kinds.task_table import TaskTable
from enforcement_rules._rules import default_rules_dir
from enforcement_rules._synthetic import AS_OF, province_records

RULES = er.load_rules()


def test_every_rule_has_its_reading_in_chinese_first_and_in_english_beside_it() -> None:
    for rule in RULES:
        assert chinese_problem(rule.note) is None, (rule.id, chinese_problem(rule.note))
        assert chinese_problem(rule.fix) is None, (rule.id, chinese_problem(rule.fix))
        assert rule.note_en and chinese_problem(rule.note_en) is not None, rule.id
        assert rule.fix_en and chinese_problem(rule.fix_en) is not None, rule.id
    rows = [t for r in RULES if isinstance(r, TaskTable) for t in r.tasks if t.note]
    assert rows
    for task in rows:
        assert task.note_en and chinese_problem(task.note or "") is None, task.id


def test_every_pack_is_described_in_chinese_and_in_english() -> None:
    for pack in RULES.packs.values():
        assert chinese_problem(pack.spec.description) is None, pack.id
        assert chinese_problem(pack.spec.description_en) is not None, pack.id


def test_every_reason_of_the_coverage_registers_is_chinese_with_its_english() -> None:
    registers = [c.register for c in coverage(RULES, default_rules_dir()) if c.register]
    assert len(registers) == len(RULES.documents)
    for register in registers:
        assert register.reasons and set(register.reasons) == set(register.reasons_en)
        for code, reason in register.reasons.items():
            assert chinese_problem(reason) is None, (register.document, code)
            assert chinese_problem(register.reasons_en[code]) is not None, (register.document, code)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("「以上」含本数，见规则 D3。", None),
        ("引文保留原样：「20246月底前,完成」。", None),
        ('"每年" is a calendar year of the period in force (2024 and 2025).', "expected Chinese"),
        ("「以上」含本数,见规则 D3。", "half-width ','"),
        ("截止于该日(含当日)。", "half-width '('"),
        ("截止于该日（含当日)。", "half-width ')'"),
    ],
)
def test_chinese_text_is_chinese_with_full_width_punctuation(
    text: str, problem: str | None
) -> None:
    found = chinese_problem(text)
    assert (found is None) if problem is None else (found is not None and problem in found), found


def test_full_width_leaves_quoted_source_words_as_written() -> None:
    assert (
        full_width("补足学时,并录入(见 D3)。「原文,照录」")
        == "补足学时，并录入（见 D3）。「原文,照录」"
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_english_note_fails_at_load_with_its_file_line_and_field(rules_copy: Path) -> None:
    path = rules_copy / "dawukou-2024" / "personnel.yaml"
    chinese = next(
        line for line in path.read_text(encoding="utf-8").splitlines() if "「每年」" in line
    )
    _replace(path, chinese, '    "每年" is a calendar year of the period in force (2024 and 2025).')
    with pytest.raises(er.RuleError, match="note") as caught:
        er.load_rules(rules_copy, shipped=False)
    assert "dawukou-2024/personnel.yaml" in str(caught.value)


def test_a_note_with_half_width_punctuation_fails_at_load(rules_copy: Path) -> None:
    _replace(
        rules_copy / "dawukou-2024" / "personnel.yaml",
        "自然年（2024年、2025年）",
        "自然年(2024年、2025年)",
    )
    with pytest.raises(er.RuleError, match="half-width"):
        er.load_rules(rules_copy, shipped=False)


def test_a_title_with_half_width_punctuation_fails_at_load(rules_copy: Path) -> None:
    _replace(
        rules_copy / "dawukou-2024" / "personnel.yaml",
        "title: 按照执法证件授权范围，不少于2人持证执法",
        "title: 按照执法证件授权范围,不少于2人持证执法",
    )
    with pytest.raises(er.RuleError, match="title") as caught:
        er.load_rules(rules_copy, shipped=False)
    assert "half-width" in str(caught.value)


def test_a_rule_without_its_english_note_fails_at_load(rules_copy: Path) -> None:
    _replace(rules_copy / "dawukou-2024" / "personnel.yaml", "  note_en: >-", "  remark_en: >-")
    with pytest.raises(er.RuleError, match="note_en"):
        er.load_rules(rules_copy, shipped=False)


def test_a_reason_without_its_english_fails(rules_copy: Path) -> None:
    _replace(
        rules_copy / "coverage" / "zunyi-2022.yaml",
        "reasons_en:\n  指导思想:",
        "reasons_en:\n  指导:",
    )
    with pytest.raises(er.RuleError, match="reasons_en"):
        list(coverage(er.load_rules(rules_copy, shipped=False), rules_copy))


def _emitted_figure_keys() -> set[str]:
    """Keys of the figures the kinds write, read from their source: ``figures={...}``,
    ``figures = {...}``, ``figures["k"] = …``, ``XFigures.columns(k=…)``, ``XFigures.of(k=…)``,
    ``after_due_figure = "k"`` and the dicts an act kind's ``shown()`` returns."""
    keys: set[str] = set()

    def literal_keys(value: ast.expr | None) -> set[str]:
        if not isinstance(value, ast.Dict):
            return set()
        return {str(k.value) for k in value.keys if isinstance(k, ast.Constant)}

    for path in Path(er.__file__).parent.glob("_kinds/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "figures":
                keys |= literal_keys(node.value)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("columns", "of")
                and str(ast.unparse(node.func.value)).endswith("Figures")
            ):
                keys |= {k.arg for k in node.keywords if k.arg is not None}
            if isinstance(node, ast.FunctionDef) and node.name == "shown":
                dicts = [part for part in ast.walk(node) if isinstance(part, ast.Dict)]
                keys |= {k for part in dicts for k in literal_keys(part)}
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in (
                    "figures",
                    "_after_due_figure",
                    "after_due_figure",
                ):
                    value = node.value  # type: ignore[attr-defined]
                    keys |= literal_keys(value)
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        keys.add(value.value)
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "figures"
                    and isinstance(target.slice, ast.Constant)
                ):
                    keys.add(str(target.slice.value))
    return keys


def test_every_figure_a_kind_emits_has_a_chinese_and_an_english_label() -> None:
    keys = _emitted_figure_keys()
    assert {"certified", "uncertified", "hours", "rotation_after_due"} <= keys
    assert keys <= set(all_labels()), sorted(keys - set(all_labels()))
    records = province_records(0.004, seed=3)
    report = er.evaluate(records, as_of=AS_OF)
    shown = {k for f in report.findings for k in f.figures} | {
        k for e in report.exempt for k in e.figures
    }
    assert shown and shown <= set(all_labels()), sorted(shown - set(all_labels()))
    assert len(keys_by_label()) == len(all_labels()), "a Chinese label names one figure"


def test_a_figure_key_has_the_same_names_in_every_kind_that_shows_it() -> None:
    names: dict[str, set[tuple[str, str]]] = {}
    all_labels()  # every model defined
    for model in Figures.models:
        for key, pair in model.labels().items():
            names.setdefault(key, set()).add(pair)
    assert {"certified", "hours", "record_type"} <= set(names)
    assert {k: v for k, v in names.items() if len(v) > 1} == {}


def test_the_features_name_figures_by_their_chinese_labels_only() -> None:
    step = re.compile(r"该发现的 (\S+) 为")
    for path in Path(__file__).parent.glob("features/**/*.feature"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for name in step.findall(line):
                assert name in keys_by_label(), f"{path.name}:{number}: 「{name}」 is not a label"
