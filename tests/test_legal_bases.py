"""Legal bases are judged, not trusted: citations read, levels derived from titles, the
register of recognised exceptions validated and extended without code, and publication
periods counted in Chinese working days."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._dates import (
    WORKING_DAY_YEARS,
    add_working_days,
    count_working_days,
    is_working_day,
    last_known_day,
)
from enforcement_rules._errors import CalendarError
from enforcement_rules._kinds.decision_publicity import DecisionPublicity
from enforcement_rules._legal_basis import article_numbers, chinese_number, cite, derived_level
from enforcement_rules._rulebase import Period
from enforcement_rules._rules import Pack
from enforcement_rules._vocab import BasisLevel

ROOT = Path(__file__).parents[1]
RULES = er.load_rules()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十四", 14),
        ("二十", 20),
        ("五十二", 52),
        ("一百零七", 107),
        ("一百一十四", 114),
        ("107", 107),
        ("１０７", 107),
    ],
)
def test_article_numbers_in_chinese_numerals_and_digits(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_a_citation_names_its_statute_and_every_article_it_lists() -> None:
    assert article_numbers("行政处罚法第五十一、五十二条") == (51, 52)
    assert article_numbers("《行政处罚法》第五十一条、第五十二条") == (51, 52)
    assert cite("《中华人民共和国道路交通安全法》第一百零七条(当场处罚)").articles == (107,)
    assert cite("道路交通安全法第107条").title == "道路交通安全法"
    assert cite("某局内部规定").articles == ()


@pytest.mark.parametrize(
    ("basis", "level"),
    [
        ("《中华人民共和国道路交通安全法》第一百零七条", BasisLevel.LAW),
        ("道路交通安全法第一百零七条", BasisLevel.LAW),
        ("《城市市容和环境卫生管理条例》第十四条", BasisLevel.ADMINISTRATIVE_REGULATION),
        ("《中华人民共和国海关稽查条例》", BasisLevel.ADMINISTRATIVE_REGULATION),
        ("《市场主体登记管理条例》", BasisLevel.ADMINISTRATIVE_REGULATION),
        ("《河南省行政执法条例》第二十四条", BasisLevel.LOCAL_REGULATION),
        ("《贵州省城市管理综合行政执法条例》", BasisLevel.LOCAL_REGULATION),
        ("《遵义市城市市容管理条例》", BasisLevel.LOCAL_REGULATION),
        ("《宁夏回族自治区行政执法监督条例》", BasisLevel.LOCAL_REGULATION),
        ("《城市建筑垃圾管理规定》第十四条", BasisLevel.ADMINISTRATIVE_RULES),
        ("《养老机构管理办法》第三十六条", BasisLevel.ADMINISTRATIVE_RULES),
        ("《遵义市人民政府办公室关于开展委托执法工作的通知》", BasisLevel.NORMATIVE_DOCUMENT),
        ("《大武口区市场监管分局日常检查工作规程》", BasisLevel.NORMATIVE_DOCUMENT),
        ("《关于加强道路运输执法的意见》", BasisLevel.NORMATIVE_DOCUMENT),
        ("《中华人民共和国税收征收管理法实施细则》", None),
        ("《某局关于执法人员的规定》", None),
        ("市政府第十二次常务会议决定", None),
        ("", None),
    ],
)
def test_the_level_of_a_basis_is_read_from_its_title_or_left_unknown(
    basis: str, level: BasisLevel | None
) -> None:
    assert derived_level(basis) == level


def test_the_register_finds_a_provision_by_statute_and_article_however_it_is_written() -> None:
    register = RULES.exceptions
    for basis in (
        "《中华人民共和国道路交通安全法》第一百零七条",
        "道路交通安全法第107条",
        "《道路交通安全法》 第一百零七条(当场处罚)",
    ):
        found = register.find(basis)
        assert found is not None
        assert found.id == "DLJTAQ.107"
    assert register.find("《中华人民共和国道路交通安全法》第一百一十四条") is None
    assert register.find("《中华人民共和国道路交通安全法》") is None
    summary = register.find("行政处罚法第五十一、五十二条")
    assert summary is not None
    assert summary.allows == []


def test_a_recognised_provision_allows_only_the_acts_it_names() -> None:
    register = RULES.exceptions
    basis = "《中华人民共和国道路交通安全法》第一百零七条"
    assert register.judge(basis, None, "penalty", "公安", "summary").allows
    assert not register.judge(basis, None, "penalty", "公安", "ordinary").allows
    assert not register.judge(basis, None, "penalty", "市场监管", "summary").allows
    assert not register.judge(basis, None, "inspection", "公安", "summary").allows
    stated = register.judge("工作安排", "normative_document", "penalty", "公安", "summary")
    assert (stated.provision, stated.level, stated.allows) == (
        None,
        BasisLevel.NORMATIVE_DOCUMENT,
        False,
    )


def _rules_copy(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    register = folder / "national" / "exceptions.yaml"
    register.write_text(register.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


LOCAL_ENTRY = """
- id: TEST.HN
  statute: 河南省行政执法条例
  articles: [第二条]
  level: 地方性法规
  sources:
    - document: henan-enforcement-2016
      section: 第二条
      quote: 法律、法规另有规定的，从其规定
  allows:
    - action_kinds: [inspection, penalty]
  note: 仅供测试的登记项。
  note_en: An entry for the test only.
"""


def test_a_reviewer_extends_the_register_without_code_and_each_rule_honours_its_levels(
    tmp_path: Path,
) -> None:
    rules = er.load_rules(_rules_copy(tmp_path, LOCAL_ENTRY), shipped=False)
    department = {
        "id": "XX-MZ",
        "name": "新乡市民政局",
        "region": ["河南省", "新乡市"],
        "level": "city",
        "domain": "民政",
    }
    records = er.Records.from_dicts(
        {
            "departments": [department],
            "officers": [{"id": "M1", "department": "XX-MZ", "employment": "staff"}],
            "certificates": [
                {"id": "K1", "officer": "M1", "valid_from": "2020-01-01", "valid_to": "2025-12-31"}
            ],
            "actions": [
                {"id": a, "department": "XX-MZ", "date": "2022-09-01", "kind": k}
                | {"participants": ["M1"], "exception_basis": "《河南省行政执法条例》第二条"}
                | {"recorded": True, "publicized_on": "2022-09-02"}
                for a, k in (("A1", "inspection"), ("A2", "penalty"))
            ],
        }
    )
    report = er.evaluate(records, "2022-12-31", packs=["national"], rules=rules)
    assert [(e.rule, e.subject_id) for e in report.exempt] == [("HNZF.24", "A1")]
    (penalty,) = report.filter(rule="XZCF.42").findings
    assert penalty.subject_id == "A2"
    assert penalty.figures["basis_verdict"] == "level"
    assert "为地方性法规，本规则只认可法律另有规定" in penalty.message


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (LOCAL_ENTRY.replace("从其规定", "从其规矩"), "the quote is not verbatim"),
        (LOCAL_ENTRY.replace("id: TEST.HN", "id: DLJTAQ.107"), "used twice"),
        (LOCAL_ENTRY.replace("[第二条]", "[第二款]"), "an article as 第…条"),
        (LOCAL_ENTRY.replace("地方性法规", "红头文件"), "level"),
        (LOCAL_ENTRY.replace("[inspection, penalty]", "[visit]"), "action_kinds"),
    ],
)
def test_a_malformed_register_entry_is_refused_with_its_file_and_line(
    tmp_path: Path, extra: str, expected: str
) -> None:
    with pytest.raises(er.RuleError, match=expected) as raised:
        er.load_rules(_rules_copy(tmp_path, extra), shipped=False)
    assert "national/exceptions.yaml" in str(raised.value)
    assert raised.value.line is not None


def test_working_days_skip_holidays_and_count_adjusted_working_days() -> None:
    assert not is_working_day(date(2024, 10, 1))  # National Day
    assert is_working_day(date(2024, 9, 29))  # a Sunday worked in exchange (调休)
    assert is_working_day(date(2024, 10, 12))  # a Saturday worked in exchange
    assert add_working_days(date(2024, 9, 29), 1) == date(2024, 9, 30)
    assert add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert add_working_days(date(2024, 9, 29), 7) == date(2024, 10, 14)
    assert add_working_days(date(2024, 12, 31), 7) == date(2025, 1, 10)


def test_a_count_beyond_the_years_the_calendar_knows_gives_the_earliest_day_it_can_be() -> None:
    first, last = WORKING_DAY_YEARS
    assert first <= 2024 <= last
    # within the years known: exact
    assert count_working_days(date(2024, 9, 29), 7) == (date(2024, 10, 14), True)
    # 28 December of the last year (a Monday in 2026): 29–31 December counted, four more in a
    # year unknown, one a day at most
    monday = date(last, 12, 28) - timedelta(days=date(last, 12, 28).weekday())
    counted = sum(
        is_working_day(monday + timedelta(days=n))
        for n in range(1, (date(last, 12, 31) - monday).days + 1)
    )
    assert count_working_days(monday, 7) == (
        date(last, 12, 31) + timedelta(days=7 - counted),
        False,
    )
    assert last_known_day() == date(last, 12, 31)
    # the direct API still refuses to guess
    with pytest.raises(CalendarError, match=f"knows {first}–{last} only"):
        is_working_day(date(last + 1, 1, 4))
    with pytest.raises(CalendarError, match="pip install -U chinesecalendar"):
        add_working_days(date(last, 12, 28), 7)
    rule = RULES.rules["G13.publicity"]
    assert isinstance(rule, DecisionPublicity)
    due = rule.due_of("penalty", date(last, 12, 28))
    assert due is not None and not due.exact and due.day > date(last, 12, 31)


def _publicity_in_force_to(end: date) -> er.RuleSet:
    """The shipped rules with 河南 H6.publicity in force to ``end`` (the plan ended in 2023): a
    publication rule judging acts at the edge of the working-day calendar."""
    packs = []
    for pack in RULES.packs.values():
        rules = tuple(
            r.model_copy(update={"in_force": Period(start=pack.in_force.start, end=end)})
            if r.id == "H6.publicity"
            else r
            for r in pack.rules
        )
        packs.append(Pack(pack.spec, rules))
    return er.RuleSet(RULES.documents, packs)


def _publicity_records(acts: list[tuple[str, str, str | None]]) -> er.Records:
    return er.Records.from_dicts(
        {
            "departments": [
                {"id": "XX-JT", "name": "新乡市交通运输局", "region": ["河南省", "新乡市"]}
                | {"level": "city", "domain": "交通运输"}
            ],
            "officers": [{"id": "T1", "department": "XX-JT", "employment": "staff"}],
            "actions": [
                {"id": a, "department": "XX-JT", "date": day, "kind": "penalty"}
                | {"participants": ["T1"], "recorded": True}
                | ({"publicized_on": published} if published else {})
                for a, day, published in acts
            ],
        }
    )


def test_a_decision_due_past_the_calendar_is_pending_not_an_error() -> None:
    # before the fix, evaluating as of 2026-12-31 raised CalendarError and stopped everything
    last = date(WORKING_DAY_YEARS[1], 12, 31)
    decided = (last - timedelta(days=3)).isoformat()
    records = _publicity_records(
        [("A1", decided, None), ("A2", decided, last.isoformat()), ("A3", "2026-06-01", None)]
    )
    rules = _publicity_in_force_to(date(last.year + 1, 12, 31))
    report = er.evaluate(records, last, packs=["henan-transport-2021"], rules=rules)
    found = {f.subject_id: f for f in report.filter(rule="H6.publicity").findings}
    assert set(found) == {"A1", "A3"}
    assert found["A1"].status is er.Status.PENDING
    assert found["A1"].due is None
    assert found["A1"].figures["due"] == f"晚于 {last.isoformat()}"
    assert "国务院办公厅节假日安排" in found["A1"].message
    assert f"after {last.isoformat()}" in found["A1"].message_en
    assert found["A3"].status is er.Status.MISSING  # judged as usual


def test_an_act_that_needs_the_unknown_year_is_one_warning_and_the_rest_is_judged() -> None:
    last = date(WORKING_DAY_YEARS[1], 12, 31)
    decided = (last - timedelta(days=3)).isoformat()
    records = _publicity_records(
        [
            ("A1", decided, None),
            ("A2", decided, (last + timedelta(days=30)).isoformat()),
            ("A3", "2026-06-01", None),
        ]
    )
    rules = _publicity_in_force_to(date(last.year + 1, 12, 31))
    report = er.evaluate(
        records, last + timedelta(days=45), packs=["henan-transport-2021"], rules=rules
    )
    found = {f.subject_id: f for f in report.filter(rule="H6.publicity").findings}
    for act in ("A1", "A2"):
        assert found[act].status is er.Status.NOT_MET
        assert found[act].severity is er.Severity.WARNING
        assert "python -m pip install -U chinesecalendar" in found[act].message
        assert "cannot be judged" in found[act].message_en
    assert found["A3"].status is er.Status.MISSING
    assert found["A3"].severity is er.Severity.VIOLATION
    # other rules are judged as usual
    assert report.filter(rule="H6.record").findings == []


def test_the_reliability_page_names_the_years_of_the_lowest_calendar_required() -> None:
    # the page describes chinesecalendar 1.11.0 (2004–2026), the lowest release pyproject
    # requires; a newer release only moves the edge later
    first, last = WORKING_DAY_YEARS
    page = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"chinesecalendar>=1.11"' in pyproject
    assert "**2004–2026** in chinesecalendar 1.11.0" in page
    assert "晚于 2026-12-31" in page
    assert first <= 2004 and last >= 2026
