"""Full-width punctuation in the Chinese sentences the library writes; quotes kept verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._chinese import full_width

ROOT = Path(__file__).parents[1]
HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][(),;:]|[(),;:][\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            "执法行为 A1(2024-10-15,行政检查)参与人员 2 人;未持有效证件:O021。",
            "执法行为 A1（2024-10-15，行政检查）参与人员 2 人；未持有效证件：O021。",
        ),
        (
            "会商 DWK-ACT-008(2024-10-10)没有做好记录。",
            "会商 DWK-ACT-008（2024-10-10）没有做好记录。",
        ),
        ("共 1,000 人,16:30 报送", "共 1,000 人，16:30 报送"),  # numbers and times stay
        ("Action A1 (2024-10-15, inspection)", "Action A1 (2024-10-15, inspection)"),
        ("任务「试点(2025年年底前),每年」未完成;", "任务「试点(2025年年底前),每年」未完成；"),
    ],
)
def test_chinese_sentences_get_full_width_punctuation_and_quotes_stay_verbatim(
    written: str, read: str
) -> None:
    assert full_width(written) == read


def test_every_finding_exemption_and_calendar_entry_of_the_examples_reads_so() -> None:
    texts = []
    for folder, day in (("dawukou-2024", "2024-12-31"), ("zunyi-2022", "2022-11-30")):
        records = er.load(ROOT / "examples" / folder / "records.json")
        report = er.evaluate(records, as_of=day)
        texts += [f.message for f in report] + [e.reason for e in report.exempt]
        texts += [e.message for e in er.calendar(records, as_of=day)]
    assert texts
    for text in texts:
        unquoted = re.sub(r"「[^「」]*」", "", text)
        assert not HALF_WIDTH_BESIDE_CHINESE.search(unquoted), text


# -- the pages a legal reader starts from ---------------------------------------------------

_PROTECTED = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>]+>|https?://\S+|「[^」]*」|“[^”]*”|《[^》]*》")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _chinese_pieces(markdown: str) -> list[str]:
    """The Chinese paragraphs and table cells of a page (code, links, tags and quotes taken
    out): mostly Chinese characters, at least twice as many as Latin letters."""
    pieces, paragraph, fenced = [], [], False
    for line in [*markdown.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if stripped.startswith("|"):
            pieces += stripped.split("|")
        elif stripped and not stripped.startswith((">", "<!--", "- ", "* ")):
            paragraph.append(stripped)
            continue
        elif stripped.startswith(("- ", "* ")):
            pieces.append(" ".join(paragraph))
            paragraph = [stripped]
            continue
        pieces.append(" ".join(paragraph))
        paragraph = []
    bare = [_PROTECTED.sub("\ue000", piece) for piece in pieces]
    return [b for b in bare if _CJK.search(b) and len(_CJK.findall(b)) >= 2 * _latin(b)]


def _latin(text: str) -> int:
    return len(re.findall("[A-Za-z]", text))


@pytest.mark.parametrize(
    "page",
    ["README.md", "docs/index.md", "docs/getting-started/legal-staff.md", "docs/readings.md"],
)
def test_the_pages_a_legal_reader_starts_from_write_chinese_with_full_width_punctuation(
    page: str,
) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    half_width = [p for p in _chinese_pieces(text) if HALF_WIDTH_BESIDE_CHINESE.search(p)]
    assert half_width == []


def test_a_chinese_paragraph_with_half_width_punctuation_is_found() -> None:
    page = "说明：`rules/` 下的文件。\n\n规则是数据,逐字引用原文。\n\n| 表头 | 中文(注) |\n"
    found = [p for p in _chinese_pieces(page) if HALF_WIDTH_BESIDE_CHINESE.search(p)]
    assert found == ["规则是数据,逐字引用原文。", " 中文(注) "]
