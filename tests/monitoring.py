"""Helpers of the live monitor's tests: records to post, replaying a record set in time order,
and the findings of ``evaluate`` the monitor must match."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

import pydantic
import pytest

import enforcement_rules as er
from enforcement_rules._dates import local_day
from enforcement_rules._monitor import DATED

# The monitor's tests run wherever durable-rules is installed, on any Python; an engine that is
# installed but broken fails them. They are skipped only where it is not installed at all (the
# test extra installs it on Python 3.11 and 3.12; on 3.13+ `engine install` builds it), and
# with CI set they fail instead (conftest.engine_installed).
needs_engine = pytest.mark.usefixtures("engine_installed")

DAWUKOU = ["宁夏回族自治区", "石嘴山市", "大武口区"]
DEPARTMENT = {
    "id": "ZHZF",
    "name": "大武口区综合执法局",
    "region": DAWUKOU,
    "level": "county",
    "domain": "综合行政执法",
}

GUANGHAN = {
    "id": "GH",
    "name": "广汉市市场监督管理局",
    "region": ["四川省", "德阳市", "广汉市"],
    "level": "county",
    "domain": "市场监管",
}
"""A department of guanghan-2023's county (its packs' rules about major decisions)."""


def officer(officer_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": officer_id, "department": "ZHZF", "employment": "staff", **fields}


def certificate(officer_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"C-{officer_id}",
        "officer": officer_id,
        "valid_from": "2022-01-01",
        "valid_to": "2027-12-31",
        **fields,
    }


def action(action_id: str, day: str, *participants: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": action_id,
        "department": "ZHZF",
        "date": day,
        "kind": "inspection",
        "participants": list(participants),
        **fields,
    }


def training(officer_id: str, day: str, hours: float, **fields: Any) -> dict[str, Any]:
    return {"officer": officer_id, "date": day, "hours": hours, **fields}


def standing(monitor: er.Monitor, *officers: str) -> None:
    """The example department, and each officer with a certificate valid 2022-2027."""
    monitor.post(DEPARTMENT, "departments")
    for officer_id in officers:
        monitor.post(officer(officer_id), "officers")
        monitor.post(certificate(officer_id), "certificates")


def replay(
    monitor: er.Monitor, data: Mapping[str, list[dict[str, Any]]], days: list[date]
) -> Iterator[tuple[date, list[er.Finding]]]:
    """Post standing records first, then acts in time order; at each of ``days`` (ascending)
    advance the clock to it and yield the monitor's findings."""
    for record_type, records in data.items():
        if record_type not in DATED:
            for record in records:
                monitor.post(record, record_type)
    acts = sorted(
        (
            (day_of(record[DATED[record_type]]), position, record_type, record)
            for record_type, records in data.items()
            if record_type in DATED
            for position, record in enumerate(records)
        ),
        key=lambda act: (act[0], act[1]),
    )
    position = 0
    for day in days:
        while position < len(acts) and acts[position][0] <= day.isoformat():
            _, _, record_type, record = acts[position]
            monitor.post(record, record_type)
            position += 1
        monitor.advance_to(day)
        yield day, monitor.findings()


def day_of(value: object) -> str:
    """The day an act is dated (a date-time's day in Asia/Shanghai), as ``YYYY-MM-DD``."""
    text = str(value)
    if "T" not in text:
        return text[:10]
    return local_day(datetime.fromisoformat(text)).isoformat()


def supported_findings(report: er.Report, rules: er.RuleSet) -> list[er.Finding]:
    """The findings of ``report`` from rules whose kind the monitor follows."""
    return [
        f
        for f in report.findings
        if f.rule in rules.rules and type(rules.rules[f.rule]).tracker is not None
    ]


def untyped(findings: list[er.Finding], rules: er.RuleSet) -> list[str]:
    """The findings whose figures are not their kind's typed ``Figures`` (strictly), in words."""
    problems = []
    for finding in findings:
        rule = rules.rules[finding.rule]
        if not hasattr(type(rule), "figures"):
            continue
        model = rule.figures_for(finding.subject_type)
        try:
            model.model_validate(finding.figures, strict=True)
        except pydantic.ValidationError as error:
            problems.append(f"{finding.rule} {finding.subject_id}: {error}")
    return problems


def differences(expected: list[er.Finding], got: list[er.Finding]) -> list[str]:
    """What differs between two lists of findings, in words a failing test shows."""
    by_key = {(f.rule, f.subject_id, f.period, f.department): f for f in expected}
    found = {(f.rule, f.subject_id, f.period, f.department): f for f in got}
    lines = []
    for key in sorted(set(by_key) | set(found), key=str):
        want, have = by_key.get(key), found.get(key)
        if want != have:
            lines.append(f"{key}: evaluate {_short(want)}; monitor {_short(have)}")
    return lines


def _short(finding: er.Finding | None) -> str:
    if finding is None:
        return "nothing"
    return f"{finding.status.value} {dict(finding.figures)} ({finding.department})"
