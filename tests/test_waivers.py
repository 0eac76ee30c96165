"""Waivers: the file (YAML or CSV) refused with located errors, and waived findings carried by
every output (terminal, JSON, CSV, Excel, HTML, the calendar and its iCalendar file, diff)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._writers import WAIVED_SHEET

EXAMPLE = Path(__file__).parent.parent / "examples" / "dawukou-2024"
RECORDS = EXAMPLE / "records.json"
WAIVERS = EXAMPLE / "waivers.yaml"

YAML_WAIVER = """\
waivers:
  - rule: D3
    subject: DWK-2024-0097
    reason: 夜间突发事故处置，第二名持证人员在途。
    approved_by: 区司法局王敏
    approved_on: 2024-10-20
    valid_until: 2025-03-31
"""
CSV_HEADER = "规则,对象,理由,英文理由,批准人,批准日期,有效期至\n"


@pytest.fixture(scope="module")
def records() -> er.Records:
    return er.load(RECORDS)


@pytest.fixture(scope="module")
def report(records: er.Records) -> er.Report:
    return er.evaluate(records, as_of="2024-12-31", waivers=WAIVERS)


def _refused(path: Path, records: er.Records) -> er.InputError:
    with pytest.raises(er.InputError) as raised:
        er.evaluate(records, as_of="2024-12-31", waivers=path)
    return raised.value


# -- the file ---------------------------------------------------------------------------------


def test_the_example_loads_from_yaml_and_the_same_waivers_from_csv(tmp_path: Path) -> None:
    waivers = er.load_waivers(WAIVERS)
    assert len(waivers) == 5
    first = waivers[0]
    assert (first.rule, first.subject, first.approved_by) == (
        "D3",
        "DWK-2024-0097",
        "区司法局 王敏",
    )
    assert first.where == "line 7" and first.file == str(WAIVERS)
    csv = tmp_path / "waivers.csv"
    rows = [
        ",".join(
            [
                w.rule,
                w.subject,
                w.reason,
                w.reason_en,
                w.approved_by,
                w.approved_on.isoformat(),
                w.valid_until.isoformat(),
            ]
        )
        for w in waivers
    ]
    csv.write_text(CSV_HEADER + "\n".join(rows) + "\n", encoding="gb18030")
    again = er.load_waivers(csv)
    assert [(w.rule, w.subject, w.reason, w.valid_until) for w in again] == [
        (w.rule, w.subject, w.reason, w.valid_until) for w in waivers
    ]
    assert again[0].where == "row 2"


def test_a_missing_waivers_file_is_named_as_the_waivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.yaml"
    command = ["check", str(RECORDS), "--as-of", "2024-12-31", "--waivers", str(absent)]
    assert main(command) == 2
    error = capsys.readouterr().err
    assert "problem(s) in the waivers" in error and str(absent) in error


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        (YAML_WAIVER.replace("2024-10-20", "2024/10/20"), "line 6", "approved_on"),
        (YAML_WAIVER.replace("2025-03-31", "2025-02-30"), "line 7", "valid_until"),
        (YAML_WAIVER.replace("2025-03-31", "2024-10-19"), "line 7", "valid_until"),
        (YAML_WAIVER.replace("    approved_by: 区司法局王敏\n", ""), "line 2", "approved_by"),
        (YAML_WAIVER + "    approved_at: 2024-10-20\n", "line 8", "approved_at"),
        (
            YAML_WAIVER.replace(
                "夜间突发事故处置，第二名持证人员在途。",
                "a night-time call, the second officer late",
            ),
            "line 4",
            "reason",
        ),
        (YAML_WAIVER.replace("事故处置，第二名", "事故处置,第二名"), "line 4", "reason"),
        (YAML_WAIVER.replace("2024-10-20", "2024-10-20T08:00:00+08:00"), "line 6", "approved_on"),
    ],
    ids=[
        "bad date",
        "no such day",
        "until before approved",
        "missing field",
        "unknown field",
        "reason not Chinese",
        "half-width comma",
        "a date-time",
    ],
)
def test_a_bad_yaml_waiver_names_file_line_and_field(
    tmp_path: Path, records: er.Records, text: str, where: str, field: str
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    error = _refused(path, records)
    problem = error.problems[0]
    assert (problem.file, problem.where, problem.field) == (str(path), where, field), problem
    assert str(error).startswith("1 problem(s) in the waivers; nothing was evaluated")


def test_a_waiver_of_a_rule_that_does_not_exist_is_a_located_error(
    tmp_path: Path, records: er.Records
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(YAML_WAIVER.replace("rule: D3", "rule: D99"), encoding="utf-8")
    problem = _refused(path, records).problems[0]
    assert (problem.where, problem.field, problem.got) == ("line 2", "rule", '"D99"')
    with pytest.raises(er.InputError, match="field 'rule'"):
        er.calendar(records, as_of="2024-12-31", waivers=path)


@pytest.mark.parametrize(
    ("row", "where", "field"),
    [
        ("D3,A1,该次执法已补充说明。,,王敏,2024-9-1,2025-06-30", "row 2", "approved_on"),
        ("D99,A1,该次执法已补充说明。,,王敏,2024-09-01,2025-06-30", "row 2", "rule"),
        ("D3,A1,该次执法已补充说明。,,王敏,2024-09-01,2024-08-31", "row 2", "valid_until"),
        ("D3,A1,该次执法已补充说明。,,,2024-09-01,2025-06-30", "row 2", "approved_by"),
        ("D3,A1,该次执法已补充说明。,王敏,2024-09-01,2025-06-30", "row 2", None),
    ],
    ids=["bad date", "unknown rule", "until before approved", "empty cell", "short row"],
)
def test_a_bad_csv_waiver_names_file_row_and_field(
    tmp_path: Path, records: er.Records, row: str, where: str, field: str | None
) -> None:
    path = tmp_path / "waivers.csv"
    path.write_text(CSV_HEADER + row + "\n", encoding="utf-8")
    problem = _refused(path, records).problems[0]
    assert (problem.file, problem.where, problem.field) == (str(path), where, field), problem


def test_a_csv_with_an_unknown_column_or_a_file_of_another_kind_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "waivers.csv"
    path.write_text("规则,对象,备注\nD3,A1,x\n", encoding="utf-8")
    with pytest.raises(er.InputError, match="row 1: field '备注'"):
        er.load_waivers(path)
    other = tmp_path / "waivers.json"
    other.write_text("[]", encoding="utf-8")
    with pytest.raises(er.InputError, match=r"ending \.yaml, \.yml or \.csv"):
        er.load_waivers(other)
    broken = tmp_path / "broken.yaml"
    broken.write_text("waivers:\n  - rule: [D3\n", encoding="utf-8")
    with pytest.raises(er.InputError, match=r"broken\.yaml: line"):
        er.load_waivers(broken)


def test_the_command_refuses_a_bad_waivers_file_with_status_2_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(YAML_WAIVER.replace("2024-10-20", "20241020"), encoding="utf-8")
    argv = ["check", str(RECORDS), "--as-of", "2024-12-31", "--waivers", str(path)]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"{path}: line 6: field 'approved_on'" in error and "Traceback" not in error


# -- applying them ----------------------------------------------------------------------------


def test_waived_findings_are_not_counted_and_the_exit_status_follows(
    records: er.Records, report: er.Report, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = er.evaluate(records, as_of="2024-12-31")
    waived = {(w.finding.rule, w.finding.subject_id) for w in report.waived}
    assert waived == {
        ("D3", "DWK-2024-0097"),
        ("D17", "DWK-2024-0021"),
        ("D17", "DWK-2024-0093"),
        ("D5", "DWK-ZJJT"),
    }
    assert len(report) == len(plain) - 4
    assert report.violation_count == plain.violation_count - 4
    assert not report.filter(rule="D17", department="DWK-ZHZF")
    # only what is waived keeps a department from exit status 1
    argv = ["check", str(RECORDS), "--as-of", "2024-12-31", "--rule", "D17"]
    argv += ["--department", "DWK-ZHZF"]
    assert main(argv) == 1
    assert main([*argv, "--waivers", str(WAIVERS)]) == 0
    capsys.readouterr()


def test_a_filter_keeps_the_waived_findings_it_selects(report: er.Report) -> None:
    kept = report.filter(department="DWK-ZHZF")
    assert {w.finding.rule for w in kept.waived} == {"D17"}
    assert not report.filter(status="missing", rule="D3").waived
    assert len(report.head(1).waived) == len(report.waived)


def test_expired_unmatched_and_unknown_waivers_are_noted(report: er.Report) -> None:
    (d10,) = report.filter(rule="D10", department="DWK-ZJJT", subject_id="DWK-ZJJT").findings[:1]
    assert d10.expired_waiver is not None
    assert "豁免已于2024-06-30到期" in d10.message and "expired on 2024-06-30" in d10.message_en
    unmatched = [w for w in report.warnings if w.startswith("豁免未匹配任何发现")]
    assert len(unmatched) == 1 and "DWK-2024-0001" in unmatched[0] and "line 39" in unmatched[0]


def test_a_loaded_waivers_object_and_several_paths_give_the_same_report(
    records: er.Records, report: er.Report
) -> None:
    loaded = er.evaluate(records, as_of="2024-12-31", waivers=er.load_waivers(WAIVERS))
    assert loaded.waived_frame.equals(report.waived_frame)
    twice = er.evaluate(records, as_of="2024-12-31", waivers=[WAIVERS, WAIVERS])
    assert twice.waived_frame.equals(report.waived_frame)  # the first waiver written applies


# -- every output -----------------------------------------------------------------------------


def test_the_json_report_lists_waived_findings_with_their_waiver(
    report: er.Report, tmp_path: Path
) -> None:
    compact = json.loads(report.to_json())
    assert compact == json.loads(report.to_json(indent=2)) == report.to_dict()
    assert compact["counts"]["waived"] == len(compact["waived"]) == 4
    first = compact["waived"][0]
    assert first["waiver"]["reason"] and first["subject"]["department_name"]
    written = json.loads(report.write_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written == compact


def test_csv_and_excel_carry_waived_findings(report: er.Report, tmp_path: Path) -> None:
    rows = pl.read_csv(report.to_csv(tmp_path / "r.csv"), infer_schema=False)
    waived = rows.filter(pl.col("waived").is_not_null())
    assert waived.height == 4 and rows.height == len(report) + 4
    assert set(waived["approved_by"]) == {"区司法局 王敏"}
    sheet = pl.read_excel(report.to_excel(tmp_path / "r.xlsx"), sheet_name=WAIVED_SHEET)
    assert sheet.height == 4 and "豁免理由 waiver reason" in sheet.columns


def test_html_page_and_terminal_table_list_waived_findings(
    report: er.Report, capsys: pytest.CaptureFixture[str]
) -> None:
    page = report.to_html()
    assert 'id="count-waived">4<' in page and '<h2 id="waived">已批准豁免 waived</h2>' in page
    assert "夜间突发事故处置" in page
    argv = ["check", str(RECORDS), "--as-of", "2024-12-31", "--waivers", str(WAIVERS)]
    main([*argv, "--limit", "1"])
    out = capsys.readouterr().out
    assert "已批准豁免 waived: 4" in out and "已批准豁免 waived（不计为违规 not counted）：4" in out
    assert "豁免未匹配任何发现" in out


def test_the_calendar_shows_waived_entries_as_waived(
    records: er.Records, capsys: pytest.CaptureFixture[str]
) -> None:
    result = er.calendar(records, as_of="2024-12-31", waivers=WAIVERS, department="DWK-ZJJT")
    waived = [e for e in result if e.waiver]
    assert [(e.rule, e.department) for e in waived] == [("D5", "DWK-ZJJT")]
    assert not waived[0].is_finding
    assert (
        json.loads(result.to_json())["entries"][result.entries.index(waived[0])]["waiver"]["rule"]
        == "D5"
    )
    assert "[缺失·已豁免]" in result.to_ics().replace("\r\n ", "")
    assert result.to_frame()["waived"].sum() == 1
    # only waivers of the calendar's rules can be unmatched there
    assert not [w for w in result.warnings if "D17" in w]
    argv = ["calendar", str(RECORDS), "--as-of", "2024-12-31", "--department", "DWK-ZJJT"]
    main([*argv, "--waivers", str(WAIVERS)])
    assert "缺失（已豁免）" in capsys.readouterr().out


def test_diff_counts_a_finding_that_became_waived_neither_new_nor_resolved(
    records: er.Records, report: er.Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = er.evaluate(records, as_of="2024-12-31")
    result = report.diff(plain)
    assert result.counts() == {"new": 0, "resolved": 0, "still_open": len(report), "waived": 4}
    assert set(result.waived["old_status"]) == {"not_met", "missing"}
    back = plain.diff(report)  # the waivers gone: the findings are open again, not new
    assert (
        back.counts()["new"] == 0
        and back.still_open.filter(pl.col("old_status") == "waived").height == 4
    )
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    plain.write_json(old)
    report.write_json(new)
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == result.counts() and len(data["waived"]) == 4


# -- hostile text -----------------------------------------------------------------------------


def test_waiver_text_is_formula_safe_in_csv_and_excel_and_escaped_in_the_terminal(
    tmp_path: Path, records: er.Records, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "waivers.yaml"
    # an escape sequence written as YAML's "\e", and text that would start a formula
    hostile = YAML_WAIVER.replace(
        "夜间突发事故处置，第二名持证人员在途。", '"=夜间\\e[2J突发事故处置，第二名持证人员在途。"'
    ).replace(
        "    approved_by: 区司法局王敏",
        '    reason_en: "=HYPERLINK(\\"http://x\\")"\n    approved_by: "@SUM(1)"',
    )
    path.write_text(hostile, encoding="utf-8")
    report = er.evaluate(records, as_of="2024-12-31", waivers=path)
    rows = pl.read_csv(report.to_csv(tmp_path / "r.csv"), infer_schema=False).filter(
        pl.col("waived").is_not_null()
    )
    assert rows["reason_en"].to_list() == ['\'=HYPERLINK("http://x")']
    assert rows["approved_by"].to_list() == ["'@SUM(1)"]
    assert rows["reason"].to_list() == ["'=夜间\x1b[2J突发事故处置，第二名持证人员在途。"]
    sheet = pl.read_excel(report.to_excel(tmp_path / "r.xlsx"), sheet_name=WAIVED_SHEET)
    assert sheet["批准人 approved by"].to_list() == ["'@SUM(1)"]
    assert sheet["豁免理由 waiver reason"].to_list() == rows["reason"].to_list()
    argv = ["check", str(RECORDS), "--as-of", "2024-12-31", "--waivers", str(path)]
    main([*argv, "--rule", "D3"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "夜间\\u001b[2J突发" in out
