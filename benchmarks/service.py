"""The HTTP service against its targets (a benchmark, not a test).

Starts ``enforcement-rules serve`` on a free port and measures:

- one department's month (the 大武口 example: 99 acts, 31 officers, 5 units), against the
  targets p50 ≤ 30 ms, p99 ≤ 100 ms, ≥ 50 requests a second with 16 concurrent clients on 2
  cores. With 16 clients in a closed loop (each sends its next request when the last is
  answered) the latency is 16 / throughput whatever the service does (a p50 of 30 ms would need
  530 requests a second), so the targets are read as: (a) the latency of one client alone (the
  service time) within p50 30 ms, p99 100 ms; (b) ≥ 50 requests a second sustained by 16
  clients in a closed loop; (c) the latency at an offered load of 50 requests a second from 16
  clients (an open loop, timed from each request's scheduled moment) within p50 30 ms, p99
  100 ms;
- the synthetic province at scale 0.1 (100k acts) posted as a zip of CSV files, against the
  ``check`` command on the same folder (target: within 1.5 times the command's time);
- the live monitor over HTTP: actions posted as JSON Lines batches (target: ≥ 5,000 records a
  second).

    python benchmarks/service.py                      # about a minute
    python benchmarks/service.py --requests 400 --scale 0.01 --actions 10000
    python benchmarks/service.py --only month         # the month alone, about 30 s

The clients run in this process (asyncio, httpx) and share the machine with the service.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024" / "records.json"
CLI = [sys.executable, "-m", "enforcement_rules"]
AS_OF = "2025-12-31"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_service(port: int) -> subprocess.Popen[bytes]:
    command = [*CLI, "serve", "--port", str(port), "--max-request-bytes", str(2**30)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the service did not start in 60 s")


def service_cpu(pid: int) -> float:
    """CPU seconds the service and its worker processes have used (0 without psutil)."""
    try:
        import psutil
    except ImportError:
        return 0.0
    service = psutil.Process(pid)
    processes = [service, *service.children(recursive=True)]
    return sum(sum(p.cpu_times()[:2]) for p in processes if p.is_running())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def month_checks(url: str, requests: int, clients: int, rate: float, pid: int) -> None:
    """One department's month, measured three ways (a closed loop of ``clients`` clients has
    latency = clients / throughput, so its p50 says nothing beyond the throughput):

    (a) one client at a time: p50/p99 of the service time;
    (b) ``clients`` clients each sending its next request when the last is answered: the
        requests a second the service sustains;
    (c) ``clients`` clients sending ``rate`` requests a second between them on a fixed
        schedule (an open loop): p50/p99 of the latency at that offered load.
    """
    body = EXAMPLE.read_bytes()
    params = {"as_of": "2024-12-31"}
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def one() -> float:
            start = time.perf_counter()
            answer = await client.post("/v1/check", params=params, content=body, headers=headers)
            took = time.perf_counter() - start
            assert answer.status_code == 200, answer.text
            return took

        await asyncio.gather(*(one() for _ in range(clients)))  # warm every connection
        for _ in range(clients):  # and every worker
            await one()
        cpu = service_cpu(pid)
        alone = [await one() for _ in range(max(50, requests // 4))]
        cpu = (service_cpu(pid) - cpu) / len(alone)
        print(
            f"month check ({len(body) / 1e3:.0f} kB, 99 acts, 31 officers, 5 units)\n"
            f"  (a) one client, {len(alone)} requests: p50 {percentile(alone, 0.5) * 1e3:.1f} ms, "
            f"p99 {percentile(alone, 0.99) * 1e3:.1f} ms (targets 30 ms, 100 ms); "
            f"the service's CPU {cpu * 1e3:.1f} ms a request"
        )

        left = list(range(requests))

        async def closed_loop() -> None:
            while left:
                left.pop()
                await one()

        start = time.perf_counter()
        await asyncio.gather(*(closed_loop() for _ in range(clients)))
        took = time.perf_counter() - start
        print(
            f"  (b) {clients} clients in a closed loop, {requests} requests: "
            f"{requests / took:.1f} requests/s (target 50/s)"
        )

        latencies: list[float] = []
        offered = int(rate * max(4.0, requests / rate / 2))
        begin = time.perf_counter() + 0.05

        async def open_loop(first: int) -> None:
            for n in range(first, offered, clients):
                wait = begin + n / rate - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                sent = begin + n / rate  # latency from the scheduled moment: no omission
                await one()
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(open_loop(c) for c in range(clients)))
        achieved = offered / (time.perf_counter() - begin)
        print(
            f"  (c) {clients} clients offering {rate:g} requests/s, {offered} requests: "
            f"p50 {percentile(latencies, 0.5) * 1e3:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, {achieved:.1f} requests/s "
            f"answered (targets 30 ms, 100 ms)"
        )


def province_zip(url: str, scale: float, work: Path) -> None:
    out = work / "province"
    subprocess.run(
        [*CLI, "generate", "--scale", f"{scale:g}", "--out", str(out), "--format", "csv"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    folder = out / "csv"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    data = buffer.getvalue()
    start = time.perf_counter()
    done = subprocess.run(
        [*CLI, "check", str(folder), "--as-of", AS_OF, "--output", str(work / "report.json")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    command_took = time.perf_counter() - start
    assert done.returncode in (0, 1)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        answer = httpx.post(
            f"{url}/v1/check",
            params={"as_of": AS_OF},
            content=data,
            headers={"Content-Type": "application/zip"},
            timeout=600,
        )
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.text[:500]
    findings = json.loads(answer.content)["counts"]["findings"]
    service_took = min(times)
    print(
        f"scale {scale:g}: zip of CSVs {len(data) / 1e6:.1f} MB, {findings:,} findings; "
        f"service {service_took:.2f} s (best of 2), check command {command_took:.2f} s: "
        f"{service_took / command_took:.2f}x (target ≤ 1.5x)"
    )


def monitor_lines(url: str, actions: int, batch: int) -> None:
    rng = random.Random(6)
    setup = [
        {
            "type": "department",
            "id": "DWK-ZHZF",
            "name": "大武口区综合执法局",
            "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
            "level": "county",
            "domain": "综合行政执法",
        }
    ]
    officers = [f"O{n:04d}" for n in range(300)]
    for officer in officers:
        setup.append(
            {"type": "officer", "id": officer, "department": "DWK-ZHZF", "employment": "staff"}
        )
        setup.append(
            {
                "type": "certificate",
                "id": f"C-{officer}",
                "officer": officer,
                "valid_from": "2020-01-01",
                "valid_to": "2029-12-31",
            }
        )
    kinds = ["inspection", "penalty", "coercion", "permit"]
    lines = [
        json.dumps(
            {
                "type": "action",
                "id": f"A{i}",
                "department": "DWK-ZHZF",
                "date": f"2024-{5 + i * 7 // actions:02d}-{1 + i % 28:02d}",
                "kind": rng.choice(kinds),
                "participants": rng.sample(officers, rng.randint(1, 4)),
                "recorded": True,
            },
            ensure_ascii=False,
        )
        for i in range(actions)
    ]
    lines.sort(key=lambda line: json.loads(line)["date"])
    with httpx.Client(base_url=url, timeout=120) as client:
        created = client.post("/v1/monitors", json={})
        if created.status_code == 501:
            print(f"monitor: not measured ({created.json()['error'][:80]}...)")
            return
        monitor = created.json()["id"]
        opening = "\n".join(json.dumps(r, ensure_ascii=False) for r in setup).encode()
        opened = client.post(f"/v1/monitors/{monitor}/records", content=opening).json()
        assert not opened["refused"], opened["refused"][:3]
        start = time.perf_counter()
        events = 0
        for first in range(0, actions, batch):
            answer = client.post(
                f"/v1/monitors/{monitor}/records",
                content="\n".join(lines[first : first + batch]).encode(),
                headers={"Content-Type": "application/x-ndjson"},
            ).json()
            assert not answer["refused"], answer["refused"][:3]
            events += answer["events"]
        took = time.perf_counter() - start
        client.delete(f"/v1/monitors/{monitor}")
    print(
        f"monitor (every pack): {actions:,} actions in batches of {batch}: "
        f"{actions / took:,.0f} records/s, {events:,} findings (target 5,000/s)"
    )
    # the same lines to a monitor in this process, for what HTTP adds
    from enforcement_rules import Monitor
    from enforcement_rules._watch import take_line

    with Monitor(keep_findings=False, on_finding=lambda finding: None) as local:
        for record in setup:
            local.post(record)
        start = time.perf_counter()
        for line in lines:
            take_line(local, line.encode(), first=False)
        took = time.perf_counter() - start
    print(f"  the same lines posted in-process: {actions / took:,.0f} records/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--actions", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="offered load of (c)")
    parser.add_argument(
        "--only", choices=["month", "monitor", "province"], help="measure one part alone"
    )
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = start_service(port)
    try:
        if args.only in (None, "month"):
            asyncio.run(month_checks(url, args.requests, args.clients, args.rate, service.pid))
        if args.only in (None, "monitor"):
            monitor_lines(url, args.actions, args.batch)
        if args.only in (None, "province"):
            with tempfile.TemporaryDirectory() as work:
                province_zip(url, args.scale, Path(work))
    finally:
        service.terminate()
        service.wait(timeout=30)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
