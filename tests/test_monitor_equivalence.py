"""The monitor and the batch evaluator agree: records replayed through the monitor in time
order give, on each day, exactly the findings ``evaluate`` reports on that day for the kinds
the monitor follows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._dates import month_end
from monitoring import differences, needs_engine, replay, supported_findings

pytestmark = needs_engine
ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*/records.json"))
RULES = er.load_rules()


def month_ends(first: date, last: date) -> list[date]:
    days = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        days.append(month_end(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def compare(data: dict[str, list[dict[str, Any]]], days: list[date]) -> None:
    records = er.Records.from_dicts(data)
    with er.Monitor() as monitor:
        for day, found in replay(monitor, data, days):
            expected = supported_findings(er.evaluate(records, day), RULES)
            assert found == expected, f"as of {day}:\n" + "\n".join(differences(expected, found))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_replaying_a_shipped_example_gives_evaluates_findings_at_every_month_end(
    example: Path,
) -> None:
    data = json.loads(example.read_text(encoding="utf-8"))
    dated = [str(r["date"]) for kind in ("actions", "trainings") for r in data.get(kind, [])]
    first, last = date.fromisoformat(min(dated)), date.fromisoformat(max(dated))
    # every month end from the first act to half a year after the last (2024-12-31, the
    # example's as-of day, among them)
    compare(data, month_ends(first, last + timedelta(days=183)))


# -- generated record sets --------------------------------------------------------------

DEPARTMENTS = [
    (
        "DWK",
        "大武口区综合执法局",
        ["宁夏回族自治区", "石嘴山市", "大武口区"],
        "county",
        "综合行政执法",
    ),
    ("DWK-T", "大武口区交通运输局", ["宁夏回族自治区", "石嘴山市", "大武口区"], "county", "交通"),
    ("GH", "广汉市市场监督管理局", ["四川省", "德阳市", "广汉市"], "county", "市场监管"),
    ("XX", "新乡市民政局", ["河南省", "新乡市"], "city", "民政"),
]
DOMAINS = ["综合行政执法", "交通运输", "市场监管", "民政", "生态环境"]


def days(first: str, last: str) -> st.SearchStrategy[date]:
    return st.dates(date.fromisoformat(first), date.fromisoformat(last))


@st.composite
def systems_fields(draw: st.DrawFn) -> dict[str, Any]:
    """What the three systems read of an action: each field present or not."""
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["major"] = draw(st.booleans())
    if draw(st.booleans()):
        fields["recorded"] = draw(st.booleans())
    for name in ("decided_on", "legal_review_on", "publicized_on"):
        if draw(st.booleans()):
            fields[name] = draw(days("2022-08-01", "2026-03-31")).isoformat()
    return fields


@st.composite
def record_sets(draw: st.DrawFn) -> tuple[dict[str, list[dict[str, Any]]], list[date]]:
    departments = draw(
        st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3, unique_by=lambda d: d[0])
    )
    department_ids = [d[0] for d in departments]
    officer_ids = [f"O{n}" for n in range(draw(st.integers(1, 6)))]
    officers = [
        {
            "id": o,
            "department": draw(st.sampled_from([*department_ids, "NOWHERE"])),
            "employment": draw(st.sampled_from(["staff", "contract", "auxiliary"])),
            "on_duty": draw(st.booleans()),
            **(
                {"entered_enforcement_on": draw(days("2022-06-01", "2025-06-30")).isoformat()}
                if draw(st.booleans())
                else {}
            ),
        }
        for o in officer_ids
    ]
    certificates = []
    for o in officer_ids:
        for n in range(draw(st.integers(0, 2))):
            valid_from = draw(days("2021-01-01", "2025-06-30"))
            status = draw(
                st.sampled_from(["valid", "valid", "suspended", "withdrawn", "cancelled"])
            )
            certificate = {
                "id": f"C-{o}-{n}",
                "officer": o,
                "valid_from": valid_from.isoformat(),
                "valid_to": (valid_from + timedelta(days=draw(st.integers(0, 1500)))).isoformat(),
                "status": status,
                "domains": draw(st.lists(st.sampled_from(DOMAINS), max_size=2, unique=True)),
            }
            if status != "valid":
                certificate["status_since"] = draw(days("2022-01-01", "2025-12-31")).isoformat()
            certificates.append(certificate)
    people = [*officer_ids, "STRANGER"]
    trainings = [
        {
            "officer": draw(st.sampled_from(people)),
            "date": draw(days("2022-12-01", "2025-12-31")).isoformat(),
            "hours": draw(st.integers(1, 160)) / 2,  # half hours add up exactly
            "rotation": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 14)))
    ]
    actions = [
        {
            "id": f"A{n}",
            "department": draw(st.sampled_from(department_ids)),
            "date": draw(days("2022-08-01", "2025-12-31")).isoformat(),
            "kind": draw(st.sampled_from(["penalty", "coercion", "inspection", "permit"])),
            "participants": draw(st.lists(st.sampled_from(people), max_size=4, unique=True)),
            **({"domain": draw(st.sampled_from(DOMAINS))} if draw(st.booleans()) else {}),
            **({"exception_basis": "行政处罚法第四十二条"} if draw(st.booleans()) else {}),
            **draw(systems_fields()),
        }
        for n in range(draw(st.integers(0, 10)))
    ]
    activities = [
        {
            "id": f"M{n}",
            "department": draw(st.sampled_from(department_ids)),
            "kind": draw(st.sampled_from(["consultation_meeting", "legal_lecture"])),
            "date": draw(days("2022-08-01", "2025-12-31")).isoformat(),
            **({"minutes": draw(st.booleans())} if draw(st.booleans()) else {}),
        }
        for n in range(draw(st.integers(0, 4)))
    ]
    data = {
        "departments": [
            {"id": i, "name": name, "region": region, "level": level, "domain": domain}
            for i, name, region, level, domain in departments
        ],
        "officers": officers,
        "certificates": certificates,
        "trainings": trainings,
        "actions": actions,
        "activities": activities,
    }
    checkpoints = sorted(
        set(draw(st.lists(days("2022-06-01", "2026-03-31"), min_size=1, max_size=3)))
    )
    return data, checkpoints


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets())
def test_generated_record_sets_replayed_give_evaluates_findings(
    case: tuple[dict[str, list[dict[str, Any]]], list[date]],
) -> None:
    data, checkpoints = case
    compare(data, checkpoints)
