"""Time the campaign scope, the contest ranking and a full evaluation on the 遵义 example
scaled up: every record copied ``--copies`` times under new ids (the example has 30
departments, 111 officers, 14 contest teams, 36 exams and 13 actions).

Run from the repository root:  python benchmarks/campaign_contest.py --copies 200
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

import enforcement_rules as er

EXAMPLE = Path(__file__).parents[1] / "examples" / "zunyi-2022" / "records.json"
# Fields holding ids of other records, renamed with the copy's suffix.
REFERENCES = {"id", "department", "officer", "participants", "members"}


def scaled(copies: int) -> dict[str, list[dict[str, Any]]]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in data}
    for n in range(copies):
        suffix = f"~{n}"
        for name, rows in data.items():
            for row in rows:
                copy = dict(row)
                for field in REFERENCES & copy.keys():
                    value = copy[field]
                    copy[field] = (
                        [v + suffix for v in value] if isinstance(value, list) else value + suffix
                    )
                if "scores" in copy:
                    copy["scores"] = {k + suffix: v for k, v in copy["scores"].items()}
                out[name].append(copy)
    return out


def timed(label: str, work: Any) -> Any:
    start = time.perf_counter()
    result = work()
    print(f"{label:<34} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100)
    args = parser.parse_args()
    data = scaled(args.copies)
    print("records:", {k: len(v) for k, v in data.items()})
    er.load_rules()  # rule loading is cached; leave it out of the figures
    records = timed("validate records", lambda: er.Records.from_dicts(data))
    report = timed(
        "evaluate zunyi-2022 + national",
        lambda: er.evaluate(records, as_of="2022-11-30", packs=["zunyi-2022", "national"]),
    )
    print(f"  findings {len(report)}, exemptions {report.exemptions.height}")
    scope = timed("campaign_scope", lambda: er.campaign_scope(records))
    print(f"  departments {scope.height}")
    result = timed("contest", lambda: er.contest(records))
    print(f"  teams {result.preliminary.height}, ties {result.ties.height}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
