"""The campaign scope, the contest ranking and exemptions, as a user meets them: the CLI
views on the 遵义 example, the Python API, and rule files that name other rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._cli import main

ZUNYI = Path(__file__).parents[1] / "examples" / "zunyi-2022" / "records.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def line_of(out: str, start: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(start))


def test_scope_prints_each_departments_campaign_and_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "scope", str(ZUNYI))
    assert code == 0
    township = line_of(out, "HHG-LCSCS")
    assert "zunyi-2022" in township and "不在「市县两级」之内" in township
    county = line_of(out, "BZ-STHJ")
    assert "guizhou-2022-system" in county and "报名有误" in county
    assert "未报名" in line_of(out, "ZY-MZJ")
    assert "不适用" in line_of(out, "GY-SFJ")


def test_scope_json_lists_every_department(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scope", str(ZUNYI), "--format", "json")
    rows = {row["department"]: row for row in json.loads(out)}
    assert code == 0 and len(rows) == er.load(ZUNYI).counts()["departments"]
    assert rows["RH-NYNC"]["enrolled"] == ["guizhou-2022-system", "zunyi-2022"]
    assert rows["RH-NYNC"]["verdict"] == "wrong"
    assert rows["ZY-JJZD"]["other_enrollments"] == ["贵州省公安机关大练兵"]


def test_contest_prints_the_ranking_with_the_tie_for_tenth_place_unbroken(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "contest", str(ZUNYI))
    assert code == 0
    assert "10=" in line_of(out, "10=   GY-T2") and "并列待定" in line_of(out, "10=   GY-T2")
    assert "并列待定" in line_of(out, "10=   ZY-T2")
    assert "初赛第 10 名：GY-T2、ZY-T2 同为 255 分" in out
    assert "二等奖/三等奖" in line_of(out, "5=    AS-T1")
    assert "无法计分" in line_of(out, "-     LPS-T2")
    assert "部门考试平均成绩" in out and "ZY-MZJ" in out


def test_contest_json_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "contest", str(ZUNYI), "--format", "json", "--as-of", "2022-07-19")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2022-07-19"
    assert data["preliminary"] == [] and data["ties"] == []
    _, out, _ = run(capsys, "contest", str(ZUNYI), "--format", "json")
    first = json.loads(out)["preliminary"][0]
    assert first["team"] == "GY-T1" and first["scores"] == {
        "GY-SFJ-C1": 96.0,
        "GY-SFJ-C2": 94.0,
        "GY-SFJ-C3": 92.0,
    }


def test_contest_of_a_pack_without_a_ranking_rule_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "contest", str(ZUNYI), "--pack", "dawukou-2024")
    assert code == 2 and "no rule of kind contest_ranking in pack dawukou-2024" in err


def test_check_on_the_zunyi_example_quotes_its_sources_and_lists_the_exemption(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", str(ZUNYI), "--as-of", "2022-11-30")
    assert code == 1
    rules = {line.split()[0] for line in out.splitlines() if line[:1] in ("Z", "X")}
    assert {"Z1", "Z2", "Z3", "Z8", "Z9", "Z10", "Z10.tie", "Z12", "Z13", "XZCF.42"} <= rules
    assert "「全市各行政执法部门(含县、乡镇和街道)全体行政执法人员。" in out
    exemptions = out[out.index("豁免 exemptions") :]
    assert "XZCF.42  ZY-JJZD  action ZY-JJZD-2022-1187" in exemptions
    assert "道路交通安全法》第一百零七条" in exemptions


def test_an_exempt_action_is_in_the_report_with_rule_action_and_law() -> None:
    report = er.evaluate(er.load(ZUNYI), as_of="2022-11-30")
    assert not report.filter(rule="XZCF.42", subject_id="ZY-JJZD-2022-1187").findings
    exempt = report.filter(subject_id="ZY-JJZD-2022-1187").exempt
    assert [(e.rule, e.subject_id) for e in exempt] == [("XZCF.42", "ZY-JJZD-2022-1187")]
    assert "道路交通安全法" in exempt[0].basis and "法律另有规定的除外" in exempt[0].explain()
    data = report.to_dict()["exemptions"][0]
    assert data["subject"] == {"type": "action", "id": "ZY-JJZD-2022-1187", "department": "ZY-JJZD"}
    assert data["figures"]["minimum"] == 2 and data["reason"]
    assert report.filter(status="not_met").exempt == []
    assert report.filter(rule="Z1").exempt == []


def test_campaign_scope_and_contest_from_python() -> None:
    records = er.load(ZUNYI)
    scope = er.campaign_scope(records)
    assert scope.filter(scope["department"] == "HHG-LCSCS")["campaign"].to_list() == ["zunyi-2022"]
    result = er.contest(records, as_of="2022-11-30")
    tied = result.preliminary.filter(result.preliminary["placement"] == "tied")
    assert sorted(tied["team"].to_list()) == ["GY-T2", "ZY-T2"]
    assert result.ties["teams"].to_list() == [["GY-T2", "ZY-T2"], ["AS-T1", "TR-T1"]]
    assert "大比武排名" in result.render()


def test_a_rule_naming_a_scope_rule_that_is_not_there_fails_at_load(rules_copy: Path) -> None:
    path = rules_copy / "zunyi-2022" / "contest.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("campaign_scope: Z1", "campaign_scope: Z99", 1),
        encoding="utf-8",
    )
    with pytest.raises(er.RuleError) as caught:
        er.load_rules(rules_copy, shipped=False)
    message = str(caught.value)
    assert "zunyi-2022/contest.yaml" in message and "Z8" in message
    assert "campaign_scope" in message and "Z99" in message


def test_a_tie_rule_naming_a_rule_of_another_kind_fails_at_load(rules_copy: Path) -> None:
    path = rules_copy / "zunyi-2022" / "contest.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("ranking: Z10", "ranking: Z9", 1),
        encoding="utf-8",
    )
    with pytest.raises(er.RuleError, match="kind contest_ranking"):
        er.load_rules(rules_copy, shipped=False)


def _teams(totals: list[int]) -> er.Records:
    departments = [
        {"id": "D", "name": "司法局", "region": ["贵州省"], "level": "市", "domain": "司法"}
    ]
    officers = [{"id": "O1", "department": "D", "employment": "staff"}]
    officers += [{"id": f"O{i}", "department": "D", "employment": "staff"} for i in (2, 3)]
    teams = [
        {
            "id": f"T{n:02d}",
            "department": "D",
            "members": ["O1", "O2", "O3"],
            "date": "2022-07-20",
            "scores": {"O1": float(total), "O2": 0.0, "O3": 0.0},
        }
        for n, total in enumerate(totals)
    ]
    return er.Records.from_dicts(
        {"departments": departments, "officers": officers, "contest_teams": teams}
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=24))
def test_the_ranking_never_breaks_a_tie_and_never_admits_more_than_ten(totals: list[int]) -> None:
    result = er.contest(_teams(totals), pack="zunyi-2022")
    rows = result.preliminary.to_dicts()
    placement_of_total: dict[float, set[str]] = {}
    for row in rows:
        placement_of_total.setdefault(row["total"], set()).add(row["placement"])
    assert all(len(p) == 1 for p in placement_of_total.values())  # equal scores, equal fate
    finalists = sum(row["placement"] == "finalist" for row in rows)
    tied = sum(row["placement"] == "tied" for row in rows)
    assert finalists <= 10
    assert finalists + tied >= min(10, len(rows))
    assert (tied > 0) == (result.ties.height > 0)


def test_the_html_report_lists_the_exemption() -> None:
    html = er.evaluate(er.load(ZUNYI), as_of="2022-11-30").to_html()
    section = html[html.index("豁免 exemptions") :]
    assert "ZY-JJZD-2022-1187" in section and "法律另有规定的除外" in section
