"""The coverage registers: every sentence of every source document accounted for, honestly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._coverage import (
    Classified,
    DocumentCoverage,
    coverage,
    split_sentences,
)
from enforcement_rules._kinds.task_table import TaskTable
from enforcement_rules._rules import default_rules_dir

RULES = er.load_rules()
COVERAGE = {c.document.id: c for c in coverage(RULES, default_rules_dir())}


def _located(doc: DocumentCoverage) -> list[tuple[int, int, Classified]]:
    """(start, end, sentence) of each classified sentence, as offsets in the document's text."""
    text, position, found = doc.document.text, 0, []
    for item in doc.sentences:
        start = text.index(item.sentence.text, position)
        position = start + len(item.sentence.text)
        found.append((start, position, item))
    return found


LOCATED = {document: _located(doc) for document, doc in COVERAGE.items()}


def _sentences_of(document: str, quote: str) -> list[Classified]:
    """The sentences a verbatim quote overlaps."""
    start = COVERAGE[document].document.text.index(quote)
    end = start + len(quote)
    return [item for a, b, item in LOCATED[document] if a < end and b > start]


def test_every_sentence_of_every_document_is_classified_and_no_entry_is_stale() -> None:
    assert set(COVERAGE) == set(RULES.documents)
    for doc in COVERAGE.values():
        unclassified = [s.sentence.text for s in doc.sentences if s.entry is None]
        assert unclassified == [], f"{doc.document.id}: unclassified sentences"
        assert doc.stale == [], f"{doc.document.id}: register entries matching no sentence"


def test_every_rule_is_cited_by_a_sentence_of_a_document_it_quotes() -> None:
    cited = {rule for doc in COVERAGE.values() for rule in doc.cited_rules()}
    assert sorted(set(RULES.rules) - cited) == []
    for doc in COVERAGE.values():
        for rule_id in doc.cited_rules():
            quoted = {source.document for _, source in RULES.rules[rule_id].quoted()}
            assert doc.document.id in quoted, f"{rule_id} is cited in a document it never quotes"


def test_the_sentences_a_rule_quotes_cite_that_rule() -> None:
    for rule in RULES:
        for source in rule.sources:
            for item in _sentences_of(source.document, source.quote):
                assert item.entry is not None
                assert rule.id in item.entry.rules, (rule.id, item.sentence.text)


def test_a_task_table_row_is_cited_where_it_is_judged_and_explained_where_it_is_not() -> None:
    for table in (r for r in RULES if isinstance(r, TaskTable)):
        document = table.sources[0].document
        for task in table.tasks:
            for item in _sentences_of(document, task.quote):
                assert item.entry is not None
                if task.tracked or task.tracked_by:
                    assert table.id in item.entry.rules, (task.id, item.sentence.text)
                    if task.tracked_by:
                        assert set(task.tracked_by) & set(item.entry.rules), task.id
                else:
                    # A row without a date is listed by the table but judged by no rule.
                    assert item.entry.not_checkable is not None, (task.id, item.sentence.text)


def test_a_law_register_covers_exactly_the_articles_its_rules_and_exceptions_quote() -> None:
    article = re.compile(r"^第[一二三四五六七八九十百零]+条")
    for document in RULES.documents.values():
        if not document.file.endswith(".md"):
            continue
        sources = [source for rule in RULES for _, source in rule.quoted()]
        sources += [s for provision in RULES.exceptions.provisions for s in provision.sources]
        quoted = {
            match.group(0)
            for source in sources
            if source.document == document.id and (match := article.match(source.section))
        }
        register = COVERAGE[document.id].register
        assert register is not None and set(register.articles) == quoted, document.id


def test_every_reason_code_used_is_explained_and_every_explained_one_is_used() -> None:
    for doc in COVERAGE.values():
        assert doc.register is not None
        used = {s.entry.not_checkable for s in doc.sentences if s.entry and s.entry.not_checkable}
        assert set(doc.register.reasons) == used, doc.document.id


def test_sentences_split_at_full_stops_semicolons_and_line_ends() -> None:
    text = "一、标题\n第一句。第二句;第三句；\n\n  第四句\u3000"
    assert [(s.line, s.text) for s in split_sentences(text)] == [
        (1, "一、标题"),
        (2, "第一句。"),
        (2, "第二句;"),
        (2, "第三句；"),
        (4, "第四句"),
    ]


def test_a_law_keeps_only_the_named_articles_and_stops_at_a_chapter_title() -> None:
    text = "## 第一章\n\n第一条 甲。\n\n第二条 乙；丙。\n\n（一）丁；\n\n程序\n\n第三条 戊。\n"
    sentences = split_sentences(text, ["第二条"])
    assert [s.text for s in sentences] == ["第二条 乙；", "丙。", "（一）丁；"]


def test_an_entry_that_no_longer_matches_its_sentence_is_stale_and_the_sentence_unclassified(
    stale_register: Path,
) -> None:
    rules = er.load_rules(stale_register, shipped=False)
    result = {c.document.id: c for c in coverage(rules, stale_register)}
    zunyi = result["zunyi-2022"]
    assert [e.text[:8] for e in zunyi.stale] == ["执法考试全员参加"]
    assert [s.sentence.text[:8] for s in zunyi.sentences if s.entry is None] == ["执法考试全员参与"]
    assert zunyi.count("unclassified") == 1
    assert result["guanghan-2023"].count("unclassified") == 0


def test_a_document_without_a_register_is_unclassified_throughout(rules_copy: Path) -> None:
    (rules_copy / "coverage" / "xinxiang-civil-2022.yaml").unlink()
    result = {
        c.document.id: c for c in coverage(er.load_rules(rules_copy, shipped=False), rules_copy)
    }
    xinxiang = result["xinxiang-civil-2022"]
    assert xinxiang.count("unclassified") == len(xinxiang.sentences) > 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    not_checkable: 指导思想\n", "    not_checkable: 指导\n", "'指导' is not a reason"),
        ("    rules: [Z2]\n", "    rules: [Z99]\n", "unknown rule id(s): Z99"),
        ("    context: 主送机关\n", "    context: 主送机关\n    rules: [Z1]\n", "exactly one of"),
        ("    context: 主送机关\n", "    context: 抄送\n", "no English for the context label 抄送"),
    ],
)
def test_a_malformed_register_is_refused_with_file_and_reason(
    rules_copy: Path, old: str, new: str, message: str
) -> None:
    register = rules_copy / "coverage" / "zunyi-2022.yaml"
    text = register.read_text(encoding="utf-8")
    assert old in text
    register.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(er.RuleError) as caught:
        coverage(er.load_rules(rules_copy, shipped=False), rules_copy)
    assert "coverage/zunyi-2022.yaml" in str(caught.value) and message in str(caught.value)


def test_every_context_label_reads_in_english_and_a_file_may_name_its_own(
    rules_copy: Path,
) -> None:
    for doc in COVERAGE.values():
        for item in doc.sentences:
            if item.entry and item.entry.context:
                assert doc.register and doc.register.context_en(item.entry.context)
    register = rules_copy / "coverage" / "zunyi-2022.yaml"
    text = register.read_text(encoding="utf-8").replace(
        "    context: 主送机关\n", "    context: 抄送\n", 1
    )
    register.write_text(text + "contexts_en:\n  抄送: copied to\n", encoding="utf-8")
    result = {
        c.document.id: c for c in coverage(er.load_rules(rules_copy, shipped=False), rules_copy)
    }
    zunyi = result["zunyi-2022"]
    assert zunyi.register is not None and zunyi.register.context_en("抄送") == "copied to"
    assert zunyi.register.context_en("标题") == "heading"


def test_the_coverage_command_prints_each_document_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    for document in RULES.documents:
        assert document in out
    assert "未分类 unclassified" in out
    assert main(["coverage", "--pack", "dawukou-2024"]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == ["dawukou-2024"]
    assert main(["coverage", "--unclassified"]) == 0
    assert "no unclassified sentences" in capsys.readouterr().out


def test_the_coverage_command_exits_1_and_prints_stubs_for_unclassified_sentences(
    stale_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only = ["--rules", str(stale_register), "--no-shipped"]
    assert main(["coverage", "--pack", "zunyi-2022", *only]) == 1
    table = capsys.readouterr().out.splitlines()
    assert table[2].split()[-2:] == ["1", "1"]  # one unclassified, one stale
    assert main(["coverage", "--unclassified", *only]) == 1
    stubs = capsys.readouterr().out
    assert stubs.startswith("# zunyi-2022 (coverage/zunyi-2022.yaml)")
    assert '  - text: "执法考试全员参与,各执法部门考试的平均成绩' in stubs and "# line 21" in stubs
