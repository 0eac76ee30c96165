"""How long loading a large CSV folder takes, and how much memory it needs.

    python benchmarks/load_large.py [ACTIONS]     (default 1 000 000 enforcement acts)

Writes a folder of CSV files (GB18030, Chinese headers) with ACTIONS acts, ACTIONS / 20
officers and their certificates, and two trainings per officer, then times ``load`` (reading,
encoding detection and the columnar checks) and ``evaluate``, and prints the peak memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import enforcement_rules as er


def write_folder(folder: Path, actions: int) -> None:
    officers = max(actions // 20, 10)
    departments = 50
    ids = pl.int_range(0, officers, eager=True)
    tables = {
        "departments": pl.DataFrame(
            {
                "编号": [f"D{i}" for i in range(departments)],
                "名称": [f"第{i}执法局" for i in range(departments)],
                "区划": ["宁夏回族自治区、石嘴山市、大武口区"] * departments,
                "层级": ["区"] * departments,
                "领域": ["综合行政执法"] * departments,
            }
        ),
        "officers": pl.DataFrame(
            {
                "编号": ("O" + ids.cast(pl.String)),
                "所属部门": ("D" + (ids % departments).cast(pl.String)),
                "用工": ["在编"] * officers,
            }
        ),
        "certificates": pl.DataFrame(
            {
                "执法证号": ("C" + ids.cast(pl.String)),
                "人员编号": ("O" + ids.cast(pl.String)),
                "发证日期": ["2022-01-01"] * officers,
                "有效期至": ["2027-12-31"] * officers,
            }
        ),
        "trainings": pl.DataFrame(
            {
                "人员编号": ("O" + pl.concat([ids, ids]).cast(pl.String)),
                "培训日期": ["2024-03-01"] * officers + ["2024-09-01"] * officers,
                "学时": ["32"] * (2 * officers),
            }
        ),
    }
    n = pl.int_range(0, actions, eager=True)
    tables["actions"] = pl.DataFrame(
        {
            "编号": "A" + n.cast(pl.String),
            "执法部门": "D" + (n % departments).cast(pl.String),
            "执法日期": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 12, 31), eager=True)
            .gather(n % 366)
            .dt.strftime("%Y-%m-%d"),
            "类型": ["行政检查"] * actions,
            "参与人员": "O"
            + (n % officers).cast(pl.String)
            + "、O"
            + ((n + 1) % officers).cast(pl.String),
        }
    )
    for name, frame in tables.items():
        (folder / f"{name}.csv").write_bytes(frame.write_csv().encode("gb18030"))


def main() -> None:
    actions = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_folder(folder, actions)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        start = time.perf_counter()
        records = er.load(folder)
        loaded = time.perf_counter()
        report = er.evaluate(records, as_of="2024-12-31")
        evaluated = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records:  {records!r}")
    print(f"CSV:      {size:.0f} MB in GB18030")
    print(f"load:     {loaded - start:.2f} s ({actions / (loaded - start):,.0f} acts/s)")
    print(f"evaluate: {evaluated - loaded:.2f} s, {len(report)} findings")
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
