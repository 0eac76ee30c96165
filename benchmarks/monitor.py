"""Throughput, latency and memory of the live monitor (a benchmark, not a test).

Posts generated enforcement actions with 1 to 4 participants (mostly recorded, publicised
and, when major, reviewed), one ``post`` each, to a monitor following every shipped pack, and
prints events per second, the p50/p99 latency of ``post``
per number of participants, and the resident memory as the count grows to 1M.

    python benchmarks/monitor.py               # 1,000,000 actions (a few minutes)
    python benchmarks/monitor.py --events 100000 --pack dawukou-2024

The monitor keeps no findings about single acts (``keep_findings=False``; they go to the
callback, which counts them), so what grows with the count is the monitor's own state.
Latencies are kept in an 8-byte array (8 MB per 1M events), included in the memory figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from array import array
from datetime import date, timedelta
from importlib import metadata

import enforcement_rules as er

DEPARTMENTS = [
    {
        "id": "DWK-ZHZF",
        "name": "大武口区综合执法局",
        "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
        "level": "county",
        "domain": "综合行政执法",
    },
    {
        "id": "GH-SCJG",
        "name": "广汉市市场监督管理局",
        "region": ["四川省", "德阳市", "广汉市"],
        "level": "county",
        "domain": "市场监管",
    },
    {
        "id": "XX-MZJ",
        "name": "新乡市民政局",
        "region": ["河南省", "新乡市"],
        "level": "city",
        "domain": "民政",
    },
]
KINDS = ["inspection", "penalty", "coercion", "permit"]


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def percentile(sorted_values: list[int], share: float) -> float:
    index = min(len(sorted_values) - 1, int(share * len(sorted_values)))
    return sorted_values[index] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--officers", type=int, default=600, help="per department")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--days", type=int, default=240, help="the days the actions span (the clock moves daily)"
    )
    parser.add_argument("--pack", action="append", help="only this pack (default: every pack)")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    findings = 0

    def count(finding: er.Finding) -> None:
        nonlocal findings
        findings += 1

    monitor = er.Monitor(args.pack, on_finding=count, keep_findings=False)
    staff: dict[str, list[str]] = {}
    for department in DEPARTMENTS:
        monitor.post(department, "departments")
        ids = staff.setdefault(department["id"], [])
        for n in range(args.officers):
            officer = f"{department['id']}-O{n:05d}"
            ids.append(officer)
            employment = "auxiliary" if rng.random() < 0.03 else "staff"
            monitor.post(
                {"id": officer, "department": department["id"], "employment": employment},
                "officers",
            )
            if rng.random() < 0.95:
                monitor.post(
                    {
                        "id": f"C-{officer}",
                        "officer": officer,
                        "valid_from": "2020-01-01",
                        "valid_to": "2029-12-31",
                    },
                    "certificates",
                )

    print(f"machine: {cpu_model()}, {platform.machine()}, Linux {platform.release()}")
    print(
        f"python {platform.python_version()}, durable-rules {metadata.version('durable-rules')}, "
        f"enforcement-rules {metadata.version('enforcement-rules')}"
    )
    print(
        f"monitor: {len(monitor.rules)} rules of {len(monitor.packs)} packs; "
        f"{len(DEPARTMENTS)} departments, {len(DEPARTMENTS) * args.officers} officers"
    )
    latencies = {n: array("q") for n in range(1, 5)}
    checkpoints = {100_000, 250_000, 500_000, 1_000_000, args.events}
    first_day = date(2024, 5, 1)
    spent = cpu = 0
    start_rss = rss_mb()
    print(f"RSS after setup: {start_rss:.1f} MB")
    for i in range(1, args.events + 1):
        department = rng.choice(DEPARTMENTS)["id"]
        participants = rng.randint(1, 4)
        day = (first_day + timedelta(days=i * args.days // args.events)).isoformat()
        action = {
            "id": f"A{i}",
            "department": department,
            "date": day,
            "kind": rng.choice(KINDS),
            "participants": rng.sample(staff[department], participants),
            # the three systems: recorded, publicised, major decisions reviewed, mostly
            "recorded": rng.random() < 0.98,
            "major": rng.random() < 0.03,
            **({"publicized_on": day} if rng.random() < 0.97 else {}),
            **({"legal_review_on": day} if rng.random() < 0.97 else {}),
        }
        began, cpu_began = time.perf_counter_ns(), time.thread_time_ns()
        monitor.post(action, "actions")
        took = time.perf_counter_ns() - began
        spent += took
        cpu += time.thread_time_ns() - cpu_began
        latencies[participants].append(took)
        if i in checkpoints:
            grown = rss_mb() - start_rss
            own = sum(len(values) * values.itemsize for values in latencies.values()) / 1e6
            print(
                f"  {i:>9,} events: RSS {rss_mb():.1f} MB (+{grown:.1f}; the monitor "
                f"+{grown - own:.1f} without the latencies' {own:.1f} MB), "
                f"{i / (spent / 1e9):,.0f} events/s, {findings:,} findings"
            )
    monitor.close()
    print(f"events per second (time inside post): {args.events / (spent / 1e9):,.0f}")
    print(
        f"events per second of CPU time inside post (one core, whatever the machine's load): "
        f"{args.events / (cpu / 1e9):,.0f}; load average {os.getloadavg()[0]:.1f}"
    )
    print("latency of post, microseconds:")
    every: list[int] = []
    for participants, values in latencies.items():
        ordered = sorted(values)
        every += ordered
        print(
            f"  {participants} participant(s): p50 {percentile(ordered, 0.50):6.1f}  "
            f"p99 {percentile(ordered, 0.99):6.1f}  ({len(ordered):,} events)"
        )
    every.sort()
    print(
        f"  all:              p50 {percentile(every, 0.50):6.1f}  "
        f"p99 {percentile(every, 0.99):6.1f}"
    )


if __name__ == "__main__":
    main()
