"""The live monitor from Python: findings as records arrive, the clock and its deadlines,
standing records that change, and what it refuses."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import enforcement_rules as er
from enforcement_rules._kinds import followed, kind_names
from enforcement_rules._rulebase import KINDS
from monitoring import (
    DEPARTMENT,
    GUANGHAN,
    action,
    certificate,
    needs_engine,
    officer,
    standing,
    training,
)

pytestmark = needs_engine
ROOT = Path(__file__).parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def dawukou(**options: object) -> er.Monitor:
    return er.Monitor(packs=["dawukou-2024"], **options)  # type: ignore[arg-type]


def of(findings: list[er.Finding], *rules: str) -> list[er.Finding]:
    """The findings of the rules a test is about (the pack's other rules follow the clock too)."""
    return [f for f in findings if f.rule in rules]


def statuses(monitor: er.Monitor, rule: str) -> dict[tuple[str, str | None], str]:
    return {(f.subject_id, f.period): f.status.value for f in monitor.findings() if f.rule == rule}


def test_an_action_with_one_certified_officer_is_reported_when_it_is_posted() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append) as monitor:
        standing(monitor, "O1", "O2")
        found = monitor.post(action("A1", "2024-05-10", "O1"), "actions")
        assert found == heard
        (finding,) = [f for f in heard if f.rule == "D3"]
        assert finding.subject_id == "A1" and finding.status == er.Status.NOT_MET
        assert finding.figures["certified"] == 1 and finding.figures["required"] == 2
        assert "少于要求的 2 人" in finding.message
        assert finding.quote == "行政执法证件人员需按照执法证件授权范围,不少于2人持证执法"
        assert monitor.post(action("A2", "2024-05-11", "O1", "O2"), "actions") == []


def test_a_year_of_training_is_judged_when_the_clock_passes_its_last_moment() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append, start="2024-05-01") as monitor:
        standing(monitor, "O1")
        monitor.post(training("O1", "2024-05-20", 40), "trainings")
        assert statuses(monitor, "D1") == {("O1", "2024"): "pending"}
        # pending findings are not announced unless asked for
        assert [f for f in heard if f.status == er.Status.PENDING] == []
        monitor.advance_to(datetime(2024, 12, 31, 15, 59, 59, tzinfo=ZoneInfo("UTC")))
        assert statuses(monitor, "D1") == {("O1", "2024"): "pending"}
        monitor.advance_to("2024-12-31T16:00:00+00:00")  # midnight in Shanghai
        assert statuses(monitor, "D1") == {("O1", "2024"): "not_met", ("O1", "2025"): "pending"}
        (finding,) = [f for f in heard if f.rule == "D1"]
        assert (finding.rule, finding.figures["hours"], finding.due) == (
            "D1",
            40.0,
            date(2024, 12, 31),
        )


def test_an_act_dated_in_a_new_year_ends_the_year_before_it() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append) as monitor:
        standing(monitor, "O1", "O2")
        monitor.post(training("O1", "2024-06-01", 60, rotation=True), "trainings")
        monitor.post(training("O2", "2024-06-01", 70, rotation=True), "trainings")
        monitor.post(training("O1", "2025-01-03", 8), "trainings")
        assert monitor.clock == datetime(2025, 1, 3, tzinfo=SHANGHAI)
        assert statuses(monitor, "D1") == {
            ("O1", "2025"): "pending",
            ("O2", "2025"): "pending",
        }
        monitor.post(training("O2", "2024-12-30", 1, id="late-entry"), "trainings")
        assert statuses(monitor, "D1")[("O2", "2025")] == "pending"
        assert of(heard, "D1", "D2.rotation") == []


def test_rotation_training_is_missing_at_its_due_moment_and_late_when_it_comes_after() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append, pending=True) as monitor:
        standing(monitor, "O1", "O2")
        assert statuses(monitor, "D2.rotation") == {
            ("O1", None): "pending",
            ("O2", None): "pending",
        }
        monitor.post(training("O1", "2024-06-30", 4, rotation=True), "trainings")
        monitor.advance_to("2024-06-30")
        assert statuses(monitor, "D2.rotation") == {("O2", None): "not_met"}
        monitor.post(training("O2", "2024-07-05", 4, rotation=True), "trainings")
        assert statuses(monitor, "D2.rotation") == {("O2", None): "late"}
        rotation = [(f.subject_id, f.status.value) for f in heard if f.rule == "D2.rotation"]
        assert rotation == [("O1", "pending"), ("O2", "pending"), ("O2", "not_met"), ("O2", "late")]
        assert heard[-1].figures["rotation_after_due"] == "2024-07-05"


def test_a_certificate_suspended_later_counts_for_the_actions_after_it_arrives() -> None:
    with dawukou() as monitor:
        standing(monitor, "O1", "O2")
        found = monitor.post(action("A1", "2024-08-20", "O1", "O2"), "actions")
        # the rotation's due day passed (and the reports due by then were not submitted)
        assert [f.rule for f in of(found, "D2.rotation", "D3", "D4")] == [
            "D2.rotation",
            "D2.rotation",
        ]
        monitor.post(certificate("O1", status="暂扣", status_since="2024-08-01"), "certificates")
        found = monitor.post(action("A2", "2024-08-21", "O1", "O2"), "actions")
        assert {(f.rule, f.subject_id) for f in found} == {("D3", "A2"), ("D4", "A2")}
        exit_finding = next(f for f in found if f.rule == "D4")
        assert exit_finding.figures["officers"] == [
            {"officer": "O1", "certificate": "C-O1", "status": "suspended", "since": "2024-08-01"}
        ]
        # the earlier action stays judged against the certificates held when it arrived
        assert {f.subject_id for f in monitor.findings() if f.rule in ("D3", "D4")} == {"A2"}


def test_an_officer_going_off_duty_takes_their_training_findings_away() -> None:
    with dawukou(start="2024-12-31") as monitor:
        standing(monitor, "O1", "O2")
        assert set(statuses(monitor, "D1")) == {("O1", "2024"), ("O2", "2024")}
        monitor.post(officer("O1", on_duty=False), "officers")
        assert set(statuses(monitor, "D1")) == {("O2", "2024")}
        monitor.post(officer("O1"), "officers")
        assert set(statuses(monitor, "D1")) == {("O1", "2024"), ("O2", "2024")}


def test_an_action_posted_again_is_judged_again() -> None:
    with dawukou() as monitor:
        standing(monitor, "O1", "O2")
        monitor.post(action("A1", "2024-05-10", "O1"), "actions")
        assert [f.subject_id for f in monitor.findings() if f.rule == "D3"] == ["A1"]
        assert monitor.post(action("A1", "2024-05-10", "O1", "O2"), "actions") == []
        assert [f for f in monitor.findings() if f.rule == "D3"] == []


def test_a_training_posted_again_with_its_id_replaces_the_one_before() -> None:
    with dawukou(start="2024-12-31") as monitor:
        standing(monitor, "O1", "O2")
        monitor.post(training("O1", "2024-03-01", 30, id="T1"), "trainings")
        monitor.post(training("O1", "2024-03-01", 30, id="T1"), "trainings")
        monitor.post(training("O2", "2024-03-01", 30), "trainings")
        monitor.post(training("O2", "2024-03-01", 30), "trainings")  # no id: a second session
        hours = {f.subject_id: f.figures["hours"] for f in monitor.findings() if f.rule == "D1"}
        assert hours == {"O1": 30.0}


def test_a_malformed_record_is_refused_with_its_field_and_changes_nothing() -> None:
    with dawukou() as monitor:
        with pytest.raises(er.InputError) as refused:
            monitor.post(
                {"type": "actions", "id": "A1", "department": "ZHZF", "date": "2024-13-01"}
            )
        problems = {(p.where, p.field) for p in refused.value.problems}
        assert ("action (id=A1)", "date") in problems and ("action (id=A1)", "kind") in problems
        with pytest.raises(er.InputError, match="expected a record type"):
            monitor.post({"type": "acts", "id": "A1"})
        with pytest.raises(er.InputError, match="'type'"):
            monitor.post({"id": "A1"})
        assert monitor.clock is None and monitor.findings() == []


@pytest.mark.parametrize("name", ["actions", "action", "执法行为"])
def test_the_record_type_is_named_singular_plural_or_in_chinese(name: str) -> None:
    with dawukou() as monitor:
        standing(monitor, "O1")
        found = monitor.post({"type": name, **action("A1", "2024-05-10", "O1")})
        assert [f.rule for f in found if f.subject_id == "A1"] == ["D3"]


def test_the_clock_moves_only_forward() -> None:
    with dawukou(start="2024-06-01") as monitor:
        standing(monitor, "O1")
        with pytest.raises(er.UsageError, match="only moves forward"):
            monitor.advance_to("2024-05-31")
        with pytest.raises(er.UsageError, match="YYYY-MM-DD"):
            monitor.advance_to("June")
        monitor.post(action("A0", "2024-05-02", "O1"), "actions")  # history is taken in
        assert monitor.clock == datetime(2024, 6, 1, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_without_keeping_findings_acts_go_to_the_callback_only() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append, keep_findings=False, start="2024-12-31") as monitor:
        standing(monitor, "O1")
        monitor.post(action("A1", "2024-12-31", "O1"), "actions")
        assert {"D3", "D1", "D2.rotation"} <= {f.rule for f in heard}
        # only the finding about the act is not kept
        assert {f.rule for f in heard} - {f.rule for f in monitor.findings()} == {"D3"}


def test_a_closed_monitor_refuses_to_work() -> None:
    with dawukou() as monitor:
        standing(monitor, "O1")
    with pytest.raises(er.UsageError, match="closed"):
        monitor.post(action("A1", "2024-05-10", "O1"), "actions")
    with pytest.raises(er.UsageError, match="closed"):
        monitor.advance_to("2025-01-01")
    monitor.close()  # closing twice is harmless
    assert "closed" in repr(monitor)


def test_the_callback_may_read_findings_but_not_post() -> None:
    seen: list[int] = []

    def callback(finding: er.Finding) -> None:
        seen.append(len([f for f in monitor.findings() if f.rule == "D3"]))
        monitor.post(action("A9", "2024-05-10", "O1"), "actions")

    with dawukou(on_finding=callback) as monitor:
        standing(monitor, "O1")
        with pytest.raises(er.UsageError, match="called from on_finding"):
            monitor.post(action("A1", "2024-05-10", "O1"), "actions")
        assert seen == [1]
        assert [f.subject_id for f in monitor.findings() if f.rule == "D3"] == ["A1"]


def test_rules_of_a_kind_without_a_live_piece_are_listed_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kind = KINDS["certificate_exit"]
    monkeypatch.setattr(kind, "tracker", None)
    monkeypatch.setattr(kind, "not_followed", "left out for this test")
    with dawukou() as monitor:
        assert ("D4", "certificate_exit", "left out for this test") in monitor.skipped
        assert "D4" not in monitor.rules and "D3" in monitor.rules
        assert all(kind != "certified_participants" for _, kind, _ in monitor.skipped)


def test_the_docs_list_every_kind_and_whether_the_monitor_follows_it() -> None:
    text = (ROOT / "docs" / "monitor.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (yes|no\b[^|]*?) \|", text, flags=re.MULTILINE))
    for kind, follows in followed().items():
        assert kind in rows, f"docs/monitor.md: no row for kind {kind}"
        if isinstance(follows, str):
            assert rows[kind].startswith("no"), kind
        else:
            assert rows[kind].strip() == "yes", kind
    assert set(rows) == set(kind_names())


def test_every_department_record_field_is_read_as_evaluate_reads_it() -> None:
    with dawukou() as monitor:
        monitor.post({**DEPARTMENT, "domain": "综合执法"}, "departments")  # an alias
        monitor.post(officer("O1"), "officers")
        monitor.post(officer("O2"), "officers")
        monitor.post(certificate("O1", domains=["综合执法"]), "certificates")
        monitor.post(certificate("O2"), "certificates")
        found = monitor.post(action("A1", "2024-05-10", "O1", "O2"), "actions")
        assert [f for f in found if f.subject_id == "A1"] == []


def test_a_major_decision_reviewed_on_a_later_day_is_missing_until_that_day_then_late() -> None:
    heard: list[er.Finding] = []
    with er.Monitor(packs=["guanghan-2023"], on_finding=heard.append) as monitor:
        monitor.post(GUANGHAN, "departments")
        decision = {
            **action("A1", "2024-03-01", "O1"),
            "department": "GH",
            "major": True,
            "legal_review_on": "2024-03-05",
        }
        found = monitor.post(decision, "actions")
        systems = {f.rule: f.status.value for f in found if f.rule.startswith("G13")}
        assert systems == {"G13.record": "missing", "G13.review": "missing"}
        # publication is due within working days of the decision: pending meanwhile
        (publicity,) = [f for f in monitor.findings() if f.rule == "G13.publicity"]
        assert (publicity.status, publicity.due) == (er.Status.PENDING, date(2024, 3, 29))
        assert monitor.advance_to("2024-03-04") == []
        (late,) = monitor.advance_to("2024-03-05")
        assert (late.rule, late.status, late.due) == (
            "G13.review",
            er.Status.LATE,
            date(2024, 3, 1),
        )
        assert late.figures["days_after"] == 4 and late.figures["legal_review_on"] == "2024-03-05"
        corrected = {
            **decision,
            "legal_review_on": "2024-02-28",
            "recorded": True,
            "publicized_on": "2024-03-02",
        }
        monitor.post(corrected, "actions")
        assert [f.rule for f in monitor.findings() if f.rule.startswith("G13")] == []


def test_a_consultation_without_minutes_is_reported_when_it_is_posted() -> None:
    with dawukou(start="2024-05-10") as monitor:
        monitor.post(DEPARTMENT, "departments")
        meeting = {"id": "M1", "department": "ZHZF", "kind": "会商", "date": "2024-05-10"}
        assert [f.rule for f in monitor.post(meeting, "activities")] == ["D13"]
        assert monitor.post({**meeting, "id": "M2", "minutes": True}, "activities") == []
        lecture = {**meeting, "id": "M3", "kind": "legal_lecture"}
        assert monitor.post(lecture, "activities") == []


# -- schedules, scopes and standing registers --------------------------------------------


def test_a_report_not_submitted_by_its_due_day_is_missing_at_its_last_moment() -> None:
    heard: list[er.Finding] = []
    with dawukou(on_finding=heard.append, start="2024-06-01") as monitor:
        monitor.post(DEPARTMENT, "departments")
        assert statuses(monitor, "D2.report") == {("ZHZF", None): "pending"}
        assert of(heard, "D2.report") == []  # not announced while it is not yet due
        monitor.advance_to("2024-06-30T15:59:59+00:00")  # 23:59:59 in Shanghai
        assert statuses(monitor, "D2.report") == {("ZHZF", None): "pending"}
        (missing,) = of(monitor.advance_to("2024-06-30"), "D2.report")
        assert (missing.status, missing.due, missing.figures["submitted"]) == (
            er.Status.MISSING,
            date(2024, 6, 30),
            None,
        )
        report = {
            "id": "S1",
            "department": "ZHZF",
            "obligation": "dawukou-rotation-report",
            "submitted_on": "2024-07-03",
        }
        (late,) = of(monitor.post(report, "submissions"), "D2.report")
        assert (late.status, late.figures["submitted"]) == (er.Status.LATE, "2024-07-03")
        assert "晚于期限 2024-06-30" in late.message
        # the same submission posted again, with the day it was in fact sent, replaces it
        monitor.post({**report, "submitted_on": "2024-06-28"}, "submissions")
        assert statuses(monitor, "D2.report") == {}


def test_a_report_published_after_its_due_day_is_incomplete_then_late_on_its_publication_day() -> (
    None
):
    with dawukou(start="2025-01-01") as monitor:
        monitor.post(DEPARTMENT, "departments")
        earlier = {  # the 2023 report, owed by the end of 2024 (its day preceded the table)
            "id": "S0",
            "department": "ZHZF",
            "obligation": "dawukou-annual-report",
            "period": "2023",
            "submitted_on": "2024-12-01",
            "published_on": "2024-12-01",
        }
        monitor.post(earlier, "submissions")
        report = {
            "id": "S1",
            "department": "ZHZF",
            "obligation": "dawukou-annual-report",
            "period": "2024",
            "submitted_on": "2025-01-10T09:00:00+08:00",
            "published_on": "2025-01-20",
        }
        monitor.post(report, "submissions")
        assert statuses(monitor, "D10") == {("ZHZF", "2024"): "pending"}
        (incomplete,) = of(monitor.advance_to("2025-01-15"), "D10")
        assert incomplete.status == er.Status.INCOMPLETE
        assert incomplete.figures["published"] is None  # dated after the clock's day
        assert incomplete.figures["submitted_moment"] == "2025-01-10T01:00:00+00:00"
        (late,) = of(monitor.advance_to("2025-01-20"), "D10")
        assert (late.status, late.figures["completed"]) == (er.Status.LATE, "2025-01-20")


def test_a_task_the_area_owes_once_is_completed_for_every_unit_by_one_report() -> None:
    justice = {**DEPARTMENT, "id": "SFJ", "name": "大武口区司法局", "domain": "司法行政"}
    office = {**DEPARTMENT, "id": "ZFB", "name": "大武口区政府办", "domain": "综合"}
    with dawukou(start="2024-12-31") as monitor:
        monitor.post(justice, "departments")
        monitor.post(office, "departments")
        owed = {f.department: f for f in monitor.findings() if f.subject_id == "DWK-26"}
        assert {d: f.status.value for d, f in owed.items()} == {"SFJ": "missing", "ZFB": "missing"}
        assert owed["SFJ"].figures["units"] == ["区司法局"]
        done = {"task": "DWK-26", "department": "SFJ", "completed_on": "2025-01-08"}
        changed = monitor.post(done, "task_reports")
        assert {(f.department, f.status) for f in changed} == {
            ("SFJ", er.Status.LATE),
            ("ZFB", er.Status.LATE),
        }
        owed = {
            f.department: f.status.value for f in monitor.findings() if f.subject_id == "DWK-26"
        }
        assert owed == {"SFJ": "late", "ZFB": "late"}
        # the report leaves the area: the office owes the system again
        monitor.post({**justice, "region": ["宁夏回族自治区", "银川市"]}, "departments")
        owed = {
            f.department: f.status.value for f in monitor.findings() if f.subject_id == "DWK-26"
        }
        assert owed == {"ZFB": "missing"}


def test_a_quarter_without_a_lecture_is_missing_when_it_ends() -> None:
    xinxiang = {
        "id": "XX",
        "name": "新乡市民政局",
        "region": ["河南省", "新乡市"],
        "level": "city",
        "domain": "民政",
    }
    with er.Monitor(packs=["xinxiang-civil-2022"], start="2023-01-01") as monitor:
        monitor.post(xinxiang, "departments")
        lecture = {"id": "L1", "department": "XX", "kind": "法治专题讲座", "date": "2023-02-01"}
        monitor.post(lecture, "activities")
        monitor.advance_to("2023-06-30")
        quarters = {p: s for (_, p), s in statuses(monitor, "X1").items() if p >= "2023"}
        assert quarters == {"2023-Q2": "missing"}  # Q1 had its lecture; Q3 has not opened


def test_a_department_joins_the_campaign_its_own_level_and_sector_place_it_in() -> None:
    zunyi = ["贵州省", "遵义市"]
    township = {
        "id": "LC",
        "name": "红花岗区老城街道市场监管所",
        "region": [*zunyi, "红花岗区"],
        "level": "乡镇",
        "domain": "市场监管",
    }
    city = {**township, "id": "HB", "name": "遵义市生态环境局", "level": "市", "domain": "生态环境"}
    with er.Monitor(packs=["zunyi-2022"], start="2022-05-01") as monitor:
        monitor.post(township, "departments")
        monitor.post(city, "departments")
        assert statuses(monitor, "Z1") == {("LC", None): "missing", ("HB", None): "missing"}
        for department in ("LC", "HB"):
            enrolment = {"department": department, "campaign": "zunyi-2022"}
            monitor.post(enrolment, "campaign_enrollments")
        (wrong,) = [f for f in monitor.findings() if f.rule == "Z1"]
        assert (wrong.subject_id, wrong.status) == ("HB", er.Status.NOT_MET)
        assert wrong.figures["expected"] == "guizhou-2022-system"
        # the exam rules count the township unit, not the city's 生态环境 bureau
        monitor.post({"id": "O1", "department": "LC", "employment": "staff"}, "officers")
        monitor.post({"id": "O2", "department": "HB", "employment": "staff"}, "officers")
        assert {f.subject_id for f in monitor.findings() if f.rule == "Z2"} == {"O1"}


def test_a_certificate_issued_to_an_auxiliary_officer_is_reported_on_its_issue_day() -> None:
    henan = {
        "id": "XX",
        "name": "新乡市民政局",
        "region": ["河南省", "新乡市"],
        "level": "city",
        "domain": "民政",
    }
    with er.Monitor(packs=["national"], start="2024-06-01") as monitor:
        monitor.post(henan, "departments")
        monitor.post({"id": "O1", "department": "XX", "employment": "辅助"}, "officers")
        issued = {"id": "C1", "officer": "O1", "valid_from": "2024-07-01", "valid_to": "2029-06-30"}
        monitor.post(issued, "certificates")
        assert [f for f in monitor.findings() if f.rule == "HNZF.20"] == []
        (finding,) = [f for f in monitor.advance_to("2024-07-01") if f.rule == "HNZF.20"]
        assert (finding.subject_id, finding.figures["employment"]) == ("C1", "auxiliary")
