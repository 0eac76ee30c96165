"""The shipped rule files: verbatim quotes, specs for every rule, clear errors when malformed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._rules import default_rules_dir
from enforcement_rules._specs import Feature, read_features

RULES = er.load_rules()
FEATURES = Path(__file__).parent / "features"


def features() -> list[Feature]:
    return read_features(FEATURES)


def test_every_quote_is_verbatim_in_its_source_document() -> None:
    for rule in RULES:
        for _, source in rule.quoted():
            text = RULES.documents[source.document].text
            assert source.quote in text, f"{rule.id}: {source.quote!r} is not in {source.document}"


def test_every_source_document_is_the_verbatim_copy_its_hash_pins() -> None:
    for document in RULES.documents.values():
        raw = (default_rules_dir() / "sources" / document.file).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == document.sha256, document.id


def test_every_rule_has_a_scenario_that_passes_it_and_one_that_fails_it() -> None:
    passed: set[str] = set()
    failed: set[str] = set()
    for feature in features():
        for scenario in feature.scenarios:
            passed |= scenario.passed_rules()
            failed |= scenario.failed_rules()
    missing = {
        rule.id: [
            what for what, seen in (("passing", passed), ("failing", failed)) if rule.id not in seen
        ]
        for rule in RULES
    }
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_feature_is_in_chinese_and_quotes_its_rules_verbatim() -> None:
    for feature in features():
        assert feature.language == "zh-CN", feature.file
        rules = {tag for tag in feature.tags if tag in RULES.rules}
        assert rules, f"{feature.file}: tag the feature with the rule ids it specifies"
        for rule_id in rules:
            quote = RULES.rules[rule_id].sources[0].quote
            assert quote in feature.description, f"{feature.file}: quote {rule_id} verbatim"


def test_scenario_tags_name_rules_that_exist() -> None:
    for feature in features():
        for scenario in feature.scenarios:
            unknown = scenario.tags - set(RULES.rules)
            assert not unknown, f"{feature.file}: {scenario.name}: unknown rule tags {unknown}"


def test_rule_ids_are_unique_and_every_pack_document_is_known() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for pack in RULES.packs.values():
        assert set(pack.spec.documents) <= set(RULES.documents)


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rule_with_a_wrong_parameter_type_fails_at_load_with_file_line_and_field(
    rules_copy: Path,
) -> None:
    _break(
        rules_copy / "dawukou-2024" / "personnel.yaml", "minimum_hours: 60", "minimum_hours: sixty"
    )
    with pytest.raises(er.RuleError) as caught:
        er.load_rules(rules_copy, shipped=False)
    message = str(caught.value)
    assert "dawukou-2024/personnel.yaml:9" in message
    assert "minimum_hours" in message


def test_a_quote_not_in_the_source_fails_at_load(rules_copy: Path) -> None:
    _break(
        rules_copy / "dawukou-2024" / "personnel.yaml",
        "quote: 行政执法证件人员需按照执法证件授权范围,不少于2人持证执法",
        "quote: 行政执法证件人员需按照执法证件授权范围,不少于3人持证执法",
    )
    with pytest.raises(er.RuleError, match="not verbatim"):
        er.load_rules(rules_copy, shipped=False)


def test_an_unknown_kind_is_named_with_the_kinds_that_exist(rules_copy: Path) -> None:
    _break(
        rules_copy / "xinxiang-civil-2022" / "personnel.yaml",
        "kind: certified_participants",
        "kind: certified_participant",
    )
    with pytest.raises(er.RuleError, match="kind") as caught:
        er.load_rules(rules_copy, shipped=False)
    assert "certified_participants" in str(caught.value)


def test_an_unknown_key_in_a_rule_is_refused(rules_copy: Path) -> None:
    _break(
        rules_copy / "xinxiang-civil-2022" / "personnel.yaml",
        "every_participant: true",
        "every_participant: true\n  every_officer: true",
    )
    with pytest.raises(er.RuleError, match="every_officer"):
        er.load_rules(rules_copy, shipped=False)


def test_a_changed_source_text_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "sources" / "dawukou-2024.txt"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(er.RuleError, match="sha256"):
        er.load_rules(rules_copy, shipped=False)


def test_a_duplicate_key_is_refused_with_its_line(rules_copy: Path) -> None:
    _break(
        rules_copy / "dawukou-2024" / "personnel.yaml",
        "  minimum_hours: 60\n",
        "  minimum_hours: 60\n  minimum_hours: 70\n",
    )
    with pytest.raises(er.RuleError, match=r"personnel.yaml:10.*twice"):
        er.load_rules(rules_copy, shipped=False)


def test_a_task_rows_quote_not_in_the_source_fails_at_load_with_its_line(rules_copy: Path) -> None:
    _break(
        rules_copy / "henan-transport-2021" / "obligations.yaml",
        "quote: 具备条件的把党支部建在执法大队上。",
        "quote: 具备条件的把党支部建在执法队上。",
    )
    with pytest.raises(
        er.RuleError, match=r"obligations.yaml:\d+: rule H1: the quote is not verbatim"
    ):
        er.load_rules(rules_copy, shipped=False)


def test_a_task_tracked_by_a_rule_that_does_not_exist_fails_at_load(rules_copy: Path) -> None:
    _break(rules_copy / "dawukou-2024" / "tasks.yaml", "tracked_by: [D5]", "tracked_by: [D55]")
    with pytest.raises(er.RuleError, match="D55"):
        er.load_rules(rules_copy, shipped=False)


def test_a_task_naming_a_unit_the_table_does_not_define_fails_at_load(rules_copy: Path) -> None:
    _break(
        rules_copy / "henan-transport-2021" / "obligations.yaml",
        "units: [厅执法局]",
        "units: [厅执法处]",
    )
    with pytest.raises(er.RuleError, match="厅执法处"):
        er.load_rules(rules_copy, shipped=False)


def test_every_dated_row_of_the_task_tables_is_tracked_and_every_row_is_listed() -> None:
    from enforcement_rules._kinds.task_table import TaskTable

    dawukou = RULES.rules["D.tasks"]
    henan = RULES.rules["H1"]
    assert isinstance(dawukou, TaskTable) and isinstance(henan, TaskTable)
    rows = {int(t.id.removeprefix("DWK-").split(".")[0]) for t in dawukou.tasks}
    assert rows == set(range(1, 41))
    tasks = {int(t.id.removeprefix("HN-").split(".")[0]) for t in henan.tasks}
    assert tasks == set(range(1, 14))
    for table in (dawukou, henan):
        for task in table.tasks:
            dated = any(w in task.quote for w in ("年底前", "月底前", "日前", "完成时限"))
            if dated and not (task.tracked or task.tracked_by):
                assert task.note, f"{task.id}: a dated row that is not tracked says why"
