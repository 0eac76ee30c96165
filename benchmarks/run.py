"""Province-scale figures: loading, evaluation, memory, a hand-written query, the monitor.

Run from the repository root (with the generate extra: python -m pip install -e '.[generate]'):

    python benchmarks/run.py                       # scales 0.01, 0.1 and 1
    python benchmarks/run.py --scales 0.1 --repeat 1
    python benchmarks/run.py --compare --scales 1   # only the seven rules against the query

For each scale it generates the synthetic province once (`enforcement-rules generate`, kept
under --data), then, each in a process of its own so that its peak memory is its own:

- load: the Parquet folder and the CSV folder (`enforcement_rules.load`);
- evaluate: every pack as of 2025-12-31 on the Parquet records (best of --repeat), the
  findings and violations, and the peak resident memory of loading and evaluating;
- compare: the two-person, auxiliary-staff and 60-hour rules (D3, XZQZ.18, HNZF.24,
  XZCF.42, G5, D1, G2) checked by the library and by a polars query written by hand for
  them (benchmarks/handwritten.py), on the same tables, in the same process: both times
  (best of --repeat), their ratio, and whether both found the same records;
- end to end: `enforcement-rules check <parquet> --as-of 2025-12-31 --output report.csv`
  as a whole process (start, imports, load, evaluate, every finding worded and written).

Then the cost of scale 1 over scale 0.1, and the live monitor's figures where the build has
it (`benchmarks/monitor.py`, run as a process of its own). Figures are printed, not
asserted: docs/performance.md records them with the machine they were measured on.

    python benchmarks/run.py --targets --repeat 1 [--large 30] [--partition county]
        [--only-partitioned | --only-in-memory] [--data FOLDER]

prints the figures of the scaling targets instead (docs/scaling.md): a scale-1 check from
Parquet in memory and partitioned (peak memory, time, the same report), on a local Dask
cluster of two workers (time, each worker's memory), the seven rules against a hand-written
query, and with --large a province of that scale generated in shards (unless --data holds it
already) and checked by parts, its time against the scale-1 partitioned check's, each with
the machine's load average. The partitioned checks log their steps and parts, each with its
time, to targets-scale-N.log under --data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AS_OF = "2025-12-31"
COMPARED = ["D3", "XZQZ.18", "HNZF.24", "XZCF.42", "G5", "D1", "G2"]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(action: Any, repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` runs, and the last run's result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def best_cpu(action: Any, repeat: int) -> tuple[float, float, Any]:
    """The shortest wall time and the shortest CPU time (every thread's) of ``repeat`` runs,
    and the last run's result."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - start)
    return min(walls), min(cpus), result


# -- children: one measurement each, printing a JSON object -----------------------------------


def child_load(folder: str) -> dict[str, Any]:
    import enforcement_rules as er

    start = time.perf_counter()
    records = er.load(folder)
    return {"load_s": time.perf_counter() - start, "records": records.counts(), "rss": peak_mib()}


def child_evaluate(folder: str, repeat: int) -> dict[str, Any]:
    import enforcement_rules as er

    start, cpu = time.perf_counter(), time.process_time()
    records = er.load(folder)
    load_s, load_cpu = time.perf_counter() - start, time.process_time() - cpu
    rules = er.load_rules()
    evaluate_s, evaluate_cpu, report = best_cpu(
        lambda: er.evaluate(records, AS_OF, rules=rules), repeat
    )
    return {
        "load_s": load_s,
        "load_cpu": load_cpu,
        "evaluate_s": evaluate_s,
        "evaluate_cpu": evaluate_cpu,
        "findings": len(report),
        "violations": report.violation_count,
        "rss": peak_mib(),
    }


def child_compare(folder: str, repeat: int) -> dict[str, Any]:
    import polars as pl

    import enforcement_rules as er
    from enforcement_rules._context import Context

    sys.path.insert(0, str(HERE))
    from handwritten import handwritten_checks

    records = er.load(folder)
    day = date.fromisoformat(AS_OF)
    rules = er.load_rules()
    packs = rules.select(None)
    chosen = [rules.rules[rule_id] for rule_id in COMPARED]

    def ours() -> dict[str, pl.DataFrame]:
        """What ``evaluate`` does for these rules: the findings, and the exemptions."""
        ctx = Context(records, day, packs)
        found = {}
        for rule in chosen:
            found[rule.id] = rule.check(ctx)
            rule.exemptions(ctx)
        return found

    def keys(frame: pl.DataFrame, *columns: str) -> list[str]:
        """The records found, as sorted texts (an officer-year: officer, year, status)."""
        return sorted(frame.select(pl.concat_str(columns, separator="|", ignore_nulls=True))[:, 0])

    tables = {name: records.table(name) for name in records.counts()}
    ours_s, ours_cpu, ours_found = best_cpu(ours, repeat)
    hand_s, hand_cpu, hand_found = best_cpu(lambda: handwritten_checks(tables, day), repeat)
    same, ours_counts, hand_counts = {}, {}, {}
    for rule, frame in ours_found.items():
        hand = hand_found[rule]
        if "year" in hand.columns:
            ours_keys = keys(frame, "subject_id", "period", "status")
            status = pl.when("judged").then(pl.lit("not_met")).otherwise(pl.lit("pending"))
            hand_keys = keys(
                hand.with_columns(pl.col("year").cast(pl.String), status.alias("status")),
                "officer",
                "year",
                "status",
            )
        else:
            ours_keys, hand_keys = keys(frame, "subject_id"), keys(hand, "id")
        same[rule] = ours_keys == hand_keys
        ours_counts[rule], hand_counts[rule] = len(ours_keys), len(hand_keys)
    return {
        "ours_s": ours_s,
        "hand_s": hand_s,
        "ours_cpu": ours_cpu,
        "hand_cpu": hand_cpu,
        "ours": ours_counts,
        "hand": hand_counts,
        "same": same,
        "rss": peak_mib(),
    }


def child_outputs(folder: str, repeat: int) -> dict[str, Any]:
    """Time to write the report in each format (the findings worded once beforehand, as
    every writer needs them), and the size of each file."""
    import enforcement_rules as er

    report = er.evaluate(er.load(folder), AS_OF)
    start = time.perf_counter()
    report.findings  # noqa: B018 - worded once, as a cached property
    result: dict[str, Any] = {"word_s": time.perf_counter() - start}
    out = Path(tempfile.mkdtemp(prefix="er-outputs-"))
    writers = {
        "csv": lambda: report.to_csv(out / "report.csv"),
        "json": lambda: report.write_json(out / "report.json"),
        "xlsx": lambda: report.to_excel(out / "report.xlsx"),
        "html": lambda: report.to_html(out / "report.html"),
    }
    for name, write in writers.items():
        result[f"{name}_s"], _ = best(write, repeat)
        result[f"{name}_bytes"] = (out / f"report.{name}").stat().st_size
    result["folder"] = str(out)
    return result


def child_dask(folder: str, repeat: int) -> dict[str, Any]:
    """A partitioned check on a local Dask cluster of two worker processes: the time, each
    worker's peak memory, and the report written (to compare with the in-process one)."""
    import distributed

    import enforcement_rules as er

    def worker_peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        start = time.perf_counter()
        report = er.evaluate(
            er.scan(folder),
            AS_OF,
            partition_by="city",
            engine="dask",
            address=cluster.scheduler_address,
        )
        took = time.perf_counter() - start
        with distributed.Client(cluster) as client:
            workers = client.run(worker_peak)
    out = Path(tempfile.mkdtemp(prefix="er-dask-")) / "report.csv"
    report.to_csv(out)
    return {
        "seconds": took,
        "workers_rss": sorted(workers.values()),
        "rss": peak_mib(),
        "report": str(out),
        "findings": len(report),
    }


CHILDREN = {
    "dask": child_dask,
    "load": child_load,
    "evaluate": child_evaluate,
    "compare": child_compare,
    "outputs": child_outputs,
}


def first_screen(page: Path) -> float | None:
    """Seconds headless Chromium takes to open ``page`` and capture its first screen (the
    browser's own start included), or None without Chromium."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--screenshot={Path(profile) / 'shot.png'}",
            "--window-size=1400,900",
            page.as_uri(),
        ]
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, timeout=300)
        return time.perf_counter() - start


def run_child(kind: str, folder: Path, repeat: int) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", kind, str(folder), "--repeat", str(repeat)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {folder} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def end_to_end(
    folder: Path, report: Path, *options: str, log: Path | None = None
) -> dict[str, Any]:
    """Wall time, CPU time and peak memory of the check command as a process of its own
    (with ``log``: the partitioned evaluation's steps and parts logged to that file)."""
    command = [
        sys.executable,
        "-c",
        (
            "import logging, sys; "
            + (
                "logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s'); "
                if log
                else ""
            )
            + "from enforcement_rules._cli import main; sys.exit(main())"
        ),
        "check",
        str(folder),
        "--as-of",
        AS_OF,
        "--output",
        str(report),
        *options,
    ]
    start = time.perf_counter()
    with open(log or os.devnull, "w", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        said = log.read_text(encoding="utf-8")[-2000:] if log else ""
        raise SystemExit(f"check failed with {code}: {said}")
    return {
        "seconds": took,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "bytes": report.stat().st_size,
    }


# -- the parent ---------------------------------------------------------------------------------


def generated(data: Path, scale: float, seed: int) -> tuple[Path, float | None]:
    """The folder of the synthetic province at ``scale`` (generated when missing), and the
    seconds generating it took (``None`` when it was there already)."""
    folder = data / f"scale-{scale:g}-seed-{seed}"
    held = _manifest(folder)
    if held.get("scale") == scale and held.get("seed") == seed:
        return folder, None
    command = [
        sys.executable,
        "-c",
        "import sys; from enforcement_rules._cli import main; sys.exit(main())",
        "generate",
        "--scale",
        f"{scale:g}",
        "--seed",
        str(seed),
        "--out",
        str(folder),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return folder, time.perf_counter() - start


def timed(*arguments: str) -> dict[str, Any]:
    """Wall time and peak memory of an enforcement-rules command as a process of its own."""
    command = [
        sys.executable,
        "-c",
        "import sys; from enforcement_rules._cli import main; sys.exit(main())",
        *arguments,
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(
            f"{arguments} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return {"seconds": took, "rss": usage.ru_maxrss / 1024}


def uptime() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def targets(
    data: Path,
    large: float | None,
    partition: str,
    repeat: int,
    only_partitioned: bool,
    only_in_memory: bool = False,
) -> None:
    """The figures of the scaling targets (docs/scaling.md), each measured once."""
    print(f"machine: {machine()}")
    print(f"targets, as of {AS_OF}; {uptime()}\n", flush=True)
    # --data may name a scale-1 province itself (as generated by `generate --scale 1`)
    one = data if _manifest(data).get("scale") == 1 else data / "targets-scale-1"
    parquet = one / "parquet"
    if not (one / "province.json").exists():
        made = timed("generate", "--scale", "1", "--out", str(one), "--format", "parquet")
        print(
            f"  generate scale 1 (Parquet)          {made['seconds']:8.1f} s   "
            f"peak RSS {made['rss']:6,.0f} MiB"
        )
    work = Path(tempfile.mkdtemp(prefix="er-targets-"))
    whole: dict[str, Any] | None = None
    if not only_partitioned:
        whole = end_to_end(parquet, work / "whole.csv")
        print(
            f"  scale 1 check, in memory            {whole['seconds']:8.1f} s "
            f"(CPU {whole['cpu']:.1f} s)   peak RSS {whole['rss']:6,.0f} MiB  "
            f"(target ≤ 700 MiB)   {uptime()}",
            flush=True,
        )
        evaluated = run_child("evaluate", parquet, repeat)
        print(
            f"  scale 1 load + evaluate, in memory  "
            f"{evaluated['load_s'] + evaluated['evaluate_s']:8.1f} s"
            f"   peak RSS {evaluated['rss']:6,.0f} MiB  (load {evaluated['load_s']:.2f} s, "
            f"CPU {evaluated['load_cpu']:.2f} s; evaluate {evaluated['evaluate_s']:.2f} s, "
            f"CPU {evaluated['evaluate_cpu']:.2f} s)   {uptime()}",
            flush=True,
        )
    if only_in_memory:
        shutil.rmtree(work, ignore_errors=True)
        print(f"\n{uptime()} at the end")
        return
    parted = end_to_end(
        parquet, work / "parted.csv", "--partition-by", partition, log=data / "targets-scale-1.log"
    )
    equal = (
        "not compared"
        if whole is None
        else "yes"
        if (work / "parted.csv").read_bytes() == (work / "whole.csv").read_bytes()
        else "NO"
    )
    print(
        f"  scale 1 check, by {partition:<7} (scanned) {parted['seconds']:8.1f} s "
        f"(CPU {parted['cpu']:,.0f} s)   peak RSS {parted['rss']:6,.0f} MiB  "
        f"same report: {equal}   {uptime()}",
        flush=True,
    )
    if not only_partitioned:
        rest_of_scale_one(parquet, work / "whole.csv", repeat)
    if large:
        big = data / f"targets-scale-{large:g}"
        if _manifest(big).get("scale") == large:
            print(f"  scale {large:g}: the province generated before in {big} is checked")
        else:
            shutil.rmtree(big, ignore_errors=True)
            made = timed("generate", "--scale", f"{large:g}", "--out", str(big))
            print(
                f"  scale {large:g} generate (in shards)     {made['seconds']:8.1f} s   peak RSS "
                f"{made['rss']:6,.0f} MiB   {uptime()}",
                flush=True,
            )
        checked = end_to_end(
            big / "parquet",
            work / "large.csv",
            "--partition-by",
            partition,
            log=data / f"targets-scale-{large:g}.log",
        )
        print(
            f"  scale {large:g} check, by {partition:<7}       {checked['seconds']:8.1f} s "
            f"(CPU {checked['cpu']:,.0f} s)   peak RSS {checked['rss']:6,.0f} MiB  "
            f"(target ≤ 6,144 MiB)   {uptime()}",
            flush=True,
        )
        print(
            f"  scale {large:g} ÷ scale 1, both by {partition}: "
            f"{checked['seconds'] / parted['seconds']:.1f} × in time (target ≤ 40 ×), "
            f"{checked['cpu'] / parted['cpu']:.1f} × in CPU time; "
            f"report {checked['bytes'] / 2**20:,.0f} MiB"
        )
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{uptime()} at the end")


def _manifest(folder: Path) -> dict[str, Any]:
    """What ``generate`` wrote of the province in ``folder`` (its scale, seed …; empty when
    none is there)."""
    manifest = folder / "province.json"
    if not manifest.exists():
        return {}
    held: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    return held


def rest_of_scale_one(parquet: Path, report: Path, repeat: int) -> None:
    """Scale 1 on a local Dask cluster, and the seven rules against the hand-written query."""
    try:
        dask = run_child("dask", parquet, 1)
    except SystemExit as error:
        print(f"  dask: not measured ({str(error).splitlines()[0]})")
    else:
        same = Path(dask["report"]).read_bytes() == report.read_bytes()
        print(
            f"  scale 1 on Dask, 2 local workers    {dask['seconds']:8.1f} s   worker peak RSS "
            + ", ".join(f"{w:,.0f}" for w in dask["workers_rss"])
            + f" MiB, client {dask['rss']:,.0f} MiB  same report: {'yes' if same else 'NO'}   "
            + uptime(),
            flush=True,
        )
    print_compared(run_child("compare", parquet, repeat))


def print_compared(compared: dict[str, Any]) -> None:
    """The seven rules by the library and by hand: times, ratio, and whether each rule found
    the same records both ways."""
    wall = compared["ours_s"] / compared["hand_s"]
    cpu = compared["ours_cpu"] / compared["hand_cpu"]
    print(
        f"  7 rules, library                {compared['ours_s']:8.2f} s"
        f"   (CPU {compared['ours_cpu']:.2f} s)\n"
        f"  7 rules, hand-written polars    {compared['hand_s']:8.2f} s"
        f"   (CPU {compared['hand_cpu']:.2f} s)\n"
        f"  ratio {wall:.2f} (CPU {cpu:.2f}; target ≤ 1.5); "
        + (
            "same records for all seven"
            if all(compared["same"].values())
            else "DIFFERENT records: "
            + ", ".join(
                f"{rule} (library {compared['ours'][rule]:,}, by hand {compared['hand'][rule]:,})"
                for rule, same in compared["same"].items()
                if not same
            )
        )
        + f"   {uptime()}",
        flush=True,
    )


def machine() -> str:
    import polars as pl

    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                model,
            )
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{model}, {cores} cores, {memory:.0f} GiB; Python {platform.python_version()}, "
        f"polars {pl.__version__}; load average {load:.2f} at start"
    )


def monitor(events: int) -> None:
    """The live monitor's figures: its own benchmark, where this build has a monitor."""
    import enforcement_rules as er

    script = HERE / "monitor.py"
    if not hasattr(er, "Monitor") or not script.exists():
        print("monitor: not available on this build")
        return
    try:
        er.Monitor().close()
    except er.EnforcementRulesError as error:
        print(f"monitor: not available on this build ({error})")
        return
    print(f"monitor ({events:,} actions; benchmarks/monitor.py):", flush=True)
    subprocess.run([sys.executable, str(script), "--events", str(events)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1, 1.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "enforcement-rules-province",
        help="where the generated provinces are kept (default: a folder in the temp dir)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--monitor-events", type=int, default=1_000_000)
    parser.add_argument("--no-monitor", action="store_true")
    parser.add_argument(
        "--targets",
        action="store_true",
        help="print the scaling targets' figures instead (scale 1 in memory, partitioned, on a "
        "local Dask cluster, the 7 rules by hand; with --large, a sharded province too)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="only the seven rules against the hand-written query, at each of --scales",
    )
    parser.add_argument("--large", type=float, help="with --targets: the large scale (e.g. 30)")
    parser.add_argument("--partition", default="county", help="with --targets: the partition")
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--only-partitioned",
        action="store_true",
        help="with --targets: only the partitioned checks (scale 1, and the large scale)",
    )
    only.add_argument(
        "--only-in-memory",
        action="store_true",
        help="with --targets: only the scale-1 check in memory (and its load + evaluate)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, folder = args.child
        child = CHILDREN[kind]
        result = child(folder) if kind == "load" else child(folder, args.repeat)  # type: ignore[operator]
        print(json.dumps(result))
        return
    if args.targets:
        targets(
            args.data,
            args.large,
            args.partition,
            args.repeat,
            args.only_partitioned,
            args.only_in_memory,
        )
        return

    print(f"machine: {machine()}")
    print(f"as of {AS_OF}, seed {args.seed}, best of {args.repeat}\n", flush=True)
    if args.compare:
        for scale in args.scales:
            folder, _ = generated(args.data, scale, args.seed)
            print(f"== scale {scale:g}")
            print_compared(run_child("compare", folder / "parquet", args.repeat))
        return
    figures: dict[float, dict[str, Any]] = {}
    for scale in args.scales:
        folder, generating = generated(args.data, scale, args.seed)
        parquet, csv = folder / "parquet", folder / "csv"
        loaded_csv = run_child("load", csv, 1)
        evaluated = run_child("evaluate", parquet, args.repeat)
        compared = run_child("compare", parquet, args.repeat)
        with tempfile.TemporaryDirectory() as work:
            whole = end_to_end(parquet, Path(work) / "report.csv")
        outputs = run_child("outputs", parquet, 1)
        written = Path(outputs["folder"])
        with tempfile.TemporaryDirectory() as work:
            blank = Path(work) / "blank.html"
            blank.write_text("<!DOCTYPE html><title>-</title>", encoding="utf-8")
            browser_start = first_screen(blank)
        screen = first_screen(written / "report.html")
        counts = loaded_csv["records"]
        figures[scale] = {"evaluate": evaluated, "whole": whole}
        print(f"== scale {scale:g}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
        if generating is not None:
            print(f"  generate (Parquet and CSV)      {generating:8.2f} s")
        print(f"  load Parquet                    {evaluated['load_s']:8.2f} s")
        print(
            f"  load CSV                        {loaded_csv['load_s']:8.2f} s"
            f"   (peak RSS {loaded_csv['rss']:,.0f} MiB)"
        )
        print(
            f"  evaluate, every pack            {evaluated['evaluate_s']:8.2f} s"
            f"   findings {evaluated['findings']:,}, violations {evaluated['violations']:,}"
        )
        print(f"  peak RSS, load + evaluate       {evaluated['rss']:8,.0f} MiB")
        print_compared(compared)
        print(
            f"  end to end, check → report.csv  {whole['seconds']:8.2f} s"
            f"   (peak RSS {whole['rss']:,.0f} MiB, {whole['bytes'] / 2**20:,.0f} MiB written)"
        )
        print(f"  word the findings               {outputs['word_s']:8.2f} s")
        for name in ("csv", "json", "xlsx", "html"):
            print(
                f"  write {name:<4}                      {outputs[name + '_s']:8.2f} s"
                f"   {outputs[name + '_bytes'] / 2**20:,.1f} MiB"
            )
        if screen is not None and browser_start is not None:
            print(
                f"  Chromium, first screen of html  {screen:8.2f} s"
                f"   (a blank page: {browser_start:.2f} s)"
            )
        shutil.rmtree(written, ignore_errors=True)
        print(flush=True)
    if 0.1 in figures and 1.0 in figures:
        small, large = figures[0.1], figures[1.0]
        print("== cost of scale 1 over scale 0.1")
        for label, key, part in (
            ("load Parquet", "evaluate", "load_s"),
            ("evaluate", "evaluate", "evaluate_s"),
            ("end to end", "whole", "seconds"),
        ):
            print(f"  {label:<30} {large[key][part] / small[key][part]:8.2f} ×")
        print()
    if not args.no_monitor:
        monitor(args.monitor_events)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
