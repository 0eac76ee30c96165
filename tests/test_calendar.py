"""The compliance calendar: the same schedules as the findings, and an iCalendar file that a
calendar program reads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._kinds._schedule import Obligation

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024" / "records.json"
RECORDS = er.load(EXAMPLE)
RULES = er.load_rules()


@pytest.mark.parametrize(
    "as_of", ["2024-04-08", "2024-06-30", "2024-12-31", "2025-01-16", "2026-02-01"]
)
def test_the_calendars_open_entries_not_met_are_exactly_the_obligation_findings(as_of: str) -> None:
    report = er.evaluate(RECORDS, as_of=as_of)
    findings = sorted(
        (f.rule, f.department, f.subject_id, f.period or "", f.status.value, f.due)
        for f in report
        if isinstance(RULES.rules.get(f.rule), Obligation)
    )
    entries = sorted(
        (
            e.rule,
            e.department,
            e.subject_id,
            e.period or "",
            e.status.value,
            e.due,
        )
        for e in er.calendar(RECORDS, as_of=as_of)
        if e.is_finding
    )
    assert findings == entries


def test_entries_are_per_department_soonest_first_with_days_left() -> None:
    calendar = er.calendar(RECORDS, as_of="2024-12-31")
    assert calendar.departments() == sorted(calendar.departments())
    for department in calendar.departments():
        dues = [e.due for e in calendar.for_department(department)]
        assert dues == sorted(dues)
    entry = next(
        e for e in calendar if e.rule == "D10" and e.department == "DWK-SFJ" and e.period == "2024"
    )
    assert (entry.due, entry.days_left, entry.period) == (date(2025, 1, 15), 15, "2024")
    assert entry.status == er.Status.PENDING
    assert entry.due_moment.isoformat() == "2025-01-15T23:59:59.999999+08:00"


def test_a_report_sent_at_1630_utc_on_the_due_day_is_late_in_shanghai() -> None:
    calendar = er.calendar(RECORDS, as_of="2025-01-31", department="DWK-SCJG")
    entry = next(e for e in calendar if e.rule == "D10" and e.period == "2024")
    assert entry.status == er.Status.LATE
    assert "2025-01-16" in entry.message


def test_within_keeps_what_falls_due_soon_and_what_is_overdue_and_not_delivered() -> None:
    full = er.calendar(RECORDS, as_of="2024-12-31")
    soon = er.calendar(RECORDS, as_of="2024-12-31", within=30)
    assert 0 < len(soon) < len(full)
    for entry in soon:
        assert 0 <= entry.days_left <= 30 or entry.status in (
            er.Status.MISSING,
            er.Status.INCOMPLETE,
            er.Status.NOT_MET,
        )
    assert any(e.rule == "D10" for e in soon)  # due 2025-01-15
    assert not any(e.rule == "D7.cleanup" for e in soon)  # due 2025-12-31
    assert not any(e.days_left < 0 and e.status == er.Status.LATE for e in soon)


def test_an_unknown_department_or_a_negative_window_is_a_usage_error() -> None:
    with pytest.raises(er.UsageError, match="DWK-NONE"):
        er.calendar(RECORDS, as_of="2024-12-31", department="DWK-NONE")
    with pytest.raises(er.UsageError, match="within"):
        er.calendar(RECORDS, as_of="2024-12-31", within=-1)


def _ics(as_of: str = "2024-12-31", **kwargs: object) -> tuple[er.Calendar, str]:
    calendar = er.calendar(RECORDS, as_of=as_of, **kwargs)  # type: ignore[arg-type]
    return calendar, calendar.to_ics()


def test_the_ics_file_reads_back_with_an_independent_parser() -> None:
    calendar, text = _ics()
    parsed = icalendar.Calendar.from_ical(text)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(calendar) > 0
    assert str(parsed["VERSION"]) == "2.0"
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    for entry, event in zip(calendar, events, strict=True):
        assert event.decoded("DTSTART") == entry.due
        assert event.decoded("DTEND") == date.fromordinal(entry.due.toordinal() + 1)
        description = str(event["DESCRIPTION"])
        assert f"「{entry.quote}」" in description
        assert entry.message in description
        assert entry.department_name in str(event["SUMMARY"])
    stamp = events[0].decoded("DTSTAMP")
    assert stamp.isoformat() == "2024-12-31T15:59:59+00:00"


def test_the_ics_text_follows_rfc_5545_line_rules() -> None:
    _, text = _ics()
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character
    assert any(line.startswith(b" ") for line in lines)  # long Chinese lines were folded
    unfolded = text.replace("\r\n ", "")
    assert "\\," in unfolded and "\\n" in unfolded


def test_the_ics_file_depends_on_the_records_and_the_day_only() -> None:
    _, first = _ics()
    _, second = _ics()
    assert first == second
    _, later = _ics("2025-01-31")
    uids = {line for line in first.replace("\r\n ", "").split("\r\n") if line.startswith("UID:")}
    later_uids = {
        line for line in later.replace("\r\n ", "").split("\r\n") if line.startswith("UID:")
    }
    assert uids == later_uids  # an event keeps its UID, so a newer import updates it
    assert "DTSTAMP:20250131T155959Z" in later


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_calendar_command_prints_per_department_and_writes_the_ics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "calendar.ics"
    code, out, err = run(
        capsys,
        "calendar",
        str(EXAMPLE),
        "--as-of",
        "2024-12-31",
        "--department",
        "DWK-ZJJT",
        "--ics",
        str(target),
    )
    assert code == 0
    assert "DWK-ZJJT 大武口区住建交通局" in out and "DWK-SFJ 大武口区司法局" not in out
    assert "2024-06-30" in out and "逾期" in out  # its rotation report, sent on 3 July
    parsed = icalendar.Calendar.from_ical(target.read_bytes())
    expected = er.calendar(RECORDS, as_of="2024-12-31", department="DWK-ZJJT")
    assert [e.decoded("DTSTART") for e in parsed.walk("VEVENT")] == [e.due for e in expected]
    assert f"已写入 wrote {target}: {len(expected)} 个日程 events" in err


def test_the_calendar_command_writes_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "calendar",
        str(EXAMPLE),
        "--as-of",
        "2024-12-31",
        "--format",
        "json",
        "--within",
        "30",
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2024-12-31"
    assert {"department", "due", "status", "rule", "sources", "message"} <= set(data["entries"][0])


def test_obligations_lists_the_ids_a_host_system_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "obligations", "--pack", "dawukou-2024")
    assert code == 0
    for item in ("dawukou-annual-report", "dawukou-problem-list", "DWK-18.2", "case_file_review"):
        assert item in out
    code, out, _ = run(capsys, "obligations", "--format", "json")
    listed = json.loads(out)
    assert {"zunyi-self-inspection-report", "HN-4.2", "legal_lecture"} <= {
        o["item"] for o in listed
    }


def test_obligations_of_a_records_file_say_per_department_what_applies_and_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "obligations", str(EXAMPLE), "--department", "DWK-SFJ", "--format", "json"
    )
    assert code == 0
    rows = {(r["rule"], r["item"]): r for r in json.loads(out)}
    assert rows[("D11", "dawukou-supervision-plan")]["applies"] is True
    # the justice bureau receives the rotation reports and, an enforcement unit, owes its own
    assert rows[("D2.report", "dawukou-rotation-report")]["applies"] is True
    plan = rows[("D14", "dawukou-annual-training-plan")]
    assert plan["applies"] is True
    review = rows[("D15", "supervisor_appointment")]
    assert review["applies"] is True
    assert rows[("D.tasks", "DWK-26")]["applies"] is True
    assert "区司法局" in rows[("D.tasks", "DWK-26")]["why"]
