"""Time and memory of evaluating obligations and building the calendar on generated records.

Run from the repository root:  python benchmarks/obligations.py [DEPARTMENTS]

Generates DEPARTMENTS units of 大武口区 (default 2,000), each with the deliverables, activities
and task reports of the dawukou-2024 pack (about 30 records a unit, some late or missing), and
prints the seconds and peak memory of loading, `evaluate` and `calendar`.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import enforcement_rules as er

T = TypeVar("T")
REGION = ["宁夏回族自治区", "石嘴山市", "大武口区"]
OBLIGATIONS = [
    ("dawukou-problem-list", None, date(2023, 12, 30)),
    ("dawukou-rotation-report", None, date(2024, 6, 30)),
    ("dawukou-three-systems-rectification-report", None, date(2024, 6, 30)),
    ("dawukou-enforcement-catalog", None, date(2024, 12, 31)),
    ("dawukou-annual-report", "2024", date(2025, 1, 15)),
]


def generate(units: int, seed: int = 7) -> dict[str, list[dict[str, object]]]:
    rng = random.Random(seed)
    departments, submissions, activities, reports = [], [], [], []
    for n in range(units):
        dept = f"U{n:05d}"
        departments.append(
            {
                "id": dept,
                "name": f"大武口区第{n}执法单位",
                "region": REGION,
                "level": "county",
                "domain": "综合行政执法",
                "enforcement_staff": rng.randint(5, 60),
                "legal_reviewers": rng.randint(0, 3),
            }
        )
        for obligation, period, due in OBLIGATIONS:
            if rng.random() < 0.05:
                continue  # missing
            day = due - timedelta(days=rng.randint(-3, 20))
            record = {
                "id": f"{dept}-{obligation}",
                "department": dept,
                "obligation": obligation,
                "submitted_on": day.isoformat(),
            }
            if period:
                record["period"] = period
                record["published_on"] = day.isoformat()
            submissions.append(record)
        for k in range(20):
            activities.append(
                {
                    "id": f"{dept}-A{k}",
                    "department": dept,
                    "kind": rng.choice(["case_file_review", "consultation_meeting"]),
                    "date": (date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat(),
                    "minutes": rng.random() < 0.9,
                }
            )
        reports.append({"task": "DWK-18.2", "department": dept, "completed_on": "2025-11-30"})
    return {
        "departments": departments,
        "submissions": submissions,
        "activities": activities,
        "task_reports": reports,
    }


def timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    data = generate(units)
    counts = ", ".join(f"{k} {len(v)}" for k, v in data.items())
    print(f"records: {counts}")
    rules = er.load_rules()
    records = timed("validate records", lambda: er.Records.from_dicts(data))
    report = timed(
        "evaluate as of 2025-01-31", lambda: er.evaluate(records, "2025-01-31", rules=rules)
    )
    print(f"  findings {len(report)}, violations {report.violation_count}")
    calendar = timed(
        "calendar as of 2025-01-31", lambda: er.calendar(records, "2025-01-31", rules=rules)
    )
    print(f"  entries {len(calendar)}")
    timed("iCalendar text", calendar.to_ics)
    timed("word every finding", lambda: report.findings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)                  {peak:8.0f} MiB")


if __name__ == "__main__":
    main()
