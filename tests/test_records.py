"""The record contract: what is accepted, and what a bad record is told."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import enforcement_rules as er

DEPARTMENT = {
    "id": "D1",
    "name": "大武口区综合执法局",
    "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
    "level": "county",
    "domain": "综合行政执法",
}


def records(**arrays: list[dict[str, Any]]) -> er.Records:
    return er.Records.from_dicts({"departments": [DEPARTMENT], **arrays})


def problems(**arrays: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(er.InputError) as caught:
        records(**arrays)
    return [str(p) for p in caught.value.problems]


def test_enumerations_accept_the_english_value_or_the_chinese_words() -> None:
    loaded = records(
        officers=[
            {"id": "O1", "department": "D1", "employment": "staff"},
            {"id": "O2", "department": "D1", "employment": "聘用", "education": "本科"},
            {"id": "O3", "department": "D1", "employment": "辅助"},
        ]
    )
    assert loaded.officers["employment"].to_list() == ["staff", "contract", "auxiliary"]
    assert loaded.officers["on_duty"].to_list() == [True, True, True]


def test_domain_aliases_resolve_and_an_unknown_domain_is_kept_and_reported() -> None:
    loaded = er.Records.from_dicts(
        {
            "departments": [
                {**DEPARTMENT, "id": "D1", "domain": "生态环保"},
                {**DEPARTMENT, "id": "D2", "domain": "文化市场"},
                {**DEPARTMENT, "id": "D3", "domain": "低空经济"},
            ]
        }
    )
    assert loaded.departments["domain"].to_list() == ["生态环境", "文化和旅游", "低空经济"]
    assert loaded.unknown_domains == ["低空经济"]
    report = er.evaluate(loaded, as_of="2024-12-31")
    assert any("低空经济" in w for w in report.warnings)


def test_an_action_without_a_domain_takes_its_departments() -> None:
    loaded = records(
        actions=[
            {
                "id": "A1",
                "department": "D1",
                "date": "2024-01-02",
                "kind": "inspection",
                "participants": [],
            }
        ]
    )
    assert loaded.actions["domain"].to_list() == ["综合行政执法"]


def test_every_problem_names_array_record_field_and_expected_form() -> None:
    found = problems(
        officers=[{"id": "O1", "department": "D1", "employment": "临时工"}],
        trainings=[{"officer": "O1", "date": "2024/03/01", "hours": "8"}],
    )
    assert any("officers[0] (id=O1)" in p and "'employment'" in p and "在编" in p for p in found)
    assert any("trainings[0]" in p and "'date'" in p and "YYYY-MM-DD" in p for p in found)
    assert any("trainings[0]" in p and "'hours'" in p and "a number" in p for p in found)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "O1", "department": "D1", "employment": "staff", "on_duty": "yes"}, "on_duty"),
        ({"id": "O1", "department": "D1", "employment": "staff", "age": 30}, "age"),
        ({"id": "O1", "employment": "staff"}, "department"),
        ({"id": 7, "department": "D1", "employment": "staff"}, "id"),
    ],
)
def test_nothing_is_coerced_or_dropped(record: dict[str, Any], field: str) -> None:
    found = problems(officers=[record])
    assert any(f"'{field}'" in p for p in found), found


def test_a_date_time_without_an_offset_is_refused_and_one_with_it_is_read_in_shanghai() -> None:
    found = problems(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "x",
                "submitted_on": "2025-01-15T16:30:00",
            }
        ]
    )
    assert any("'submitted_on'" in p and "UTC offset" in p for p in found)
    loaded = records(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "x",
                "submitted_on": "2025-01-15T16:30:00Z",
            }
        ]
    )
    assert loaded.table("submissions")["submitted_on"].to_list() == [date(2025, 1, 16)]


def test_a_certificate_not_valid_needs_the_day_it_stopped() -> None:
    found = problems(
        certificates=[
            {
                "id": "C1",
                "officer": "O1",
                "valid_from": "2022-01-01",
                "valid_to": "2027-01-01",
                "status": "暂扣",
            }
        ]
    )
    assert any("certificates[0] (id=C1)" in p and "status_since" in p for p in found)


def test_an_unknown_array_is_named(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"officer": []}), encoding="utf-8")
    with pytest.raises(er.InputError, match=r"'officer'.*a record type"):
        er.load(path)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text('{"officers": [\n  {"id": "O1",}\n]}', encoding="utf-8")
    with pytest.raises(er.InputError, match="line 2, column"):
        er.load(path)


def test_the_problem_list_is_capped_and_says_so() -> None:
    bad = [{"id": f"O{i}", "department": "D1", "employment": "?"} for i in range(80)]
    with pytest.raises(er.InputError) as caught:
        records(officers=bad)
    assert len(caught.value.problems) == 50
    assert caught.value.truncated


def test_text_rows_take_chinese_headers_and_list_cells() -> None:
    loaded = er.Records.from_text_rows(
        {
            "部门": [
                {
                    "编号": "D1",
                    "名称": "局",
                    "区划": "宁夏回族自治区/石嘴山市/大武口区",
                    "层级": "区",
                    "领域": "城管",
                }
            ],
            "执法行为": [
                {
                    "编号": "A1",
                    "部门": "D1",
                    "日期": "2024-01-02",
                    "类型": "行政检查",
                    "参与人员": "O1、O2",
                }
            ],
        }
    )
    assert loaded.departments["region"].to_list() == [["宁夏回族自治区", "石嘴山市", "大武口区"]]
    assert loaded.actions["participants"].to_list() == [["O1", "O2"]]


def test_the_json_schema_lists_every_record_type_and_the_chinese_words() -> None:
    schema = er.json_schema()
    assert set(schema["properties"]) == set(er.RECORD_TYPES)
    text = json.dumps(schema, ensure_ascii=False)
    assert ("在编" in text and "YYYY" not in text) or "pattern" in text


def test_a_submission_period_is_a_year_or_a_quarter_and_chinese_forms_are_read() -> None:
    loaded = records(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "dawukou-annual-report",
                "period": "2024年第一季度",
                "submitted_on": "2025-01-15T16:30:00Z",
            }
        ]
    )
    row = loaded.table("submissions").row(0, named=True)
    assert row["period"] == "2024-Q1"
    assert row["submitted_on"] == date(2025, 1, 16)  # its day in Asia/Shanghai
    found = problems(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "x",
                "period": "2024Q1",
                "submitted_on": "2025-01-15",
            }
        ]
    )
    assert found == [
        "<dicts>: submissions[0] (id=S1): field 'period': expected a period as 2024 or 2024-Q1 "
        '(or 2024年, 2024年第1季度); got "2024Q1"'
    ]


def test_a_submission_or_task_report_naming_no_rules_obligation_is_a_data_quality_warning() -> None:
    loaded = records(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "annual-report",
                "submitted_on": "2025-01-10",
            }
        ],
        task_reports=[{"task": "DWK-99", "department": "D1", "completed_on": "2024-05-01"}],
    )
    report = er.evaluate(loaded, as_of="2024-12-31")
    found = report.filter(rule="data-quality.unknown-obligation").findings
    assert [(f.subject_id, f.severity.value) for f in found] == [
        ("S1", "warning"),
        ("task_reports[0]", "warning"),
    ]
    assert "annual-report" in found[0].message and "DWK-99" in found[1].message


def test_strict_evaluation_refuses_a_submission_naming_no_rules_obligation() -> None:
    loaded = records(
        submissions=[
            {
                "id": "S1",
                "department": "D1",
                "obligation": "annual-report",
                "submitted_on": "2025-01-10",
            }
        ]
    )
    with pytest.raises(er.InputError) as caught:
        er.evaluate(loaded, as_of="2024-12-31", strict=True)
    assert [str(p) for p in caught.value.problems] == [
        "<dicts>: submissions record S1: field 'obligation': expected an id the rules define "
        "(enforcement-rules obligations); got annual-report"
    ]
