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
