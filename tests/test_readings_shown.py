"""The 解读 and the readings of lost characters are shown wherever a person reads a rule or a
finding: explain(), the rules command, the check table, the HTML report and the JSON."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main

RULES = er.load_rules()
UNIT = {
    "编号": "DWK-ZHZF",
    "名称": "大武口区综合执法局",
    "区划": "宁夏回族自治区/石嘴山市/大武口区",
    "层级": "区",
    "领域": "综合行政执法",
}


@pytest.fixture(scope="module")
def report() -> er.Report:
    records = er.Records.from_text_rows({"部门": [UNIT]})
    return er.evaluate(records, as_of="2024-07-15", packs=["dawukou-2024"])


def _finding(report: er.Report, rule: str) -> er.Finding:
    return next(f for f in report.findings if f.rule == rule)


def test_explain_shows_the_chinese_reading_and_the_reading_of_lost_characters(
    report: er.Report,
) -> None:
    text = _finding(report, "D2.report").explain()
    assert "解读：「20246月底前」是网页缺字" in text
    assert "「20246月底前,完成对本部门行政执法队伍的全员轮训" in text
    assert "（原文缺字：「20246月底前」读作「2024年6月底前」）" in text
    assert "整改：向区司法局报送" in text
    assert RULES.rules["D2.report"].note_en not in text


def test_explain_in_english_gives_the_english_reading_and_figure_names(report: er.Report) -> None:
    finding = _finding(report, "D5")
    text = finding.explain(lang="en")
    assert RULES.rules["D5"].note_en in text
    assert "reads 2023年12月30日前" in text
    assert "fix: " + finding.fix_en in text
    assert finding.fix not in text and RULES.rules["D5"].note not in text
    assert "submissions 0" in text
    assert "报送次数 0" in finding.explain()
    with pytest.raises(er.UsageError, match="zh or en"):
        finding.explain(lang="fr")


def test_the_json_report_carries_the_reading_and_the_restored_quote(report: er.Report) -> None:
    data = json.loads(report.to_json())
    d5 = next(f for f in data["findings"] if f["rule"] == "D5")
    reading = data["readings"]["D5"]
    assert reading["note"] == RULES.rules["D5"].note
    assert reading["note_en"] == RULES.rules["D5"].note_en
    assert "读作「2023年12月底前」" in d5["sources"][0]["read_as"]


def test_the_html_report_shows_each_rules_reading_and_the_readings_of_lost_characters(
    report: er.Report,
) -> None:
    html = report.to_html()
    assert "规则解读" in html
    assert "解读：" + escape(RULES.rules["D2.report"].note) in html
    assert escape(RULES.rules["D2.report"].note_en) in html
    assert "「20246月底前」读作「2024年6月底前」" in html
    assert "报送次数" in html
    assert '<a href="#reading-D2.report">D2.report</a>' in html
    assert '<div class="rule" id="reading-D2.report">' in html


def test_the_rules_command_shows_the_chinese_reading_by_default_and_english_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--pack", "dawukou-2024"]) == 0
    out = capsys.readouterr().out
    assert RULES.rules["D1"].note in out
    assert "读作「2024年6月底前」" in out
    assert main(["rules", "--pack", "dawukou-2024", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert RULES.rules["D1"].note_en.split()[2] in out and RULES.rules["D1"].note not in out
    assert RULES.rules["D1"].title_en in out
    assert "reads 2024年6月底前" in out
    assert main(["rules", "--pack", "dawukou-2024", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"note", "note_en", "fix", "fix_en"} <= set(rules[0])


def test_the_calendar_shows_the_reading_of_lost_characters() -> None:
    records = er.Records.from_text_rows({"部门": [UNIT]})
    result = er.calendar(records, as_of="2024-05-01", packs=["dawukou-2024"])
    entry = next(e for e in result.entries if e.rule == "D2.report")
    assert "读作「2024年6月底前」" in entry.to_dict()["sources"][0]["read_as"]
    ics = result.to_ics().replace("\r\n ", "")
    assert "（原文缺字：「20246月底前」读作「2024年6月底前」）" in ics


def test_the_readings_page_lists_every_reading_of_every_rule() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "readings.md").read_text("utf-8")
    page = re.sub(r"\\(.)", r"\1", page)  # Markdown escapes
    for rule in RULES:
        assert f"[{rule.id}](sources/" in page, rule.id
        for sentence in rule.note.split("。"):
            assert sentence.strip() in page, (rule.id, sentence)
    assert "| [D2.report](sources/dawukou-2024.md#rule-d2-report)" in page
    assert "| 「20246月底前」 | 「20246月底前」是网页缺字" in page
