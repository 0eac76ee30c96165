"""The HTTP service against its targets (a benchmark, not a test).

Starts ``enforcement-rules serve`` on a free port and measures:

- one department's month (the 大武口 example: 99 acts, 31 officers, 5 units) checked by 16
  concurrent clients: p50 and p99 latency and requests a second (targets: p50 ≤ 30 ms,
  p99 ≤ 100 ms, ≥ 50 requests a second on 2 cores);
- the synthetic province at scale 0.1 (100k acts) posted as a zip of CSV files, against the
  ``check`` command on the same folder (target: within 1.5 times the command's time);
- the live monitor over HTTP: actions posted as JSON Lines batches (target: ≥ 5,000 records a
  second).

    python benchmarks/service.py                      # about a minute
    python benchmarks/service.py --requests 400 --scale 0.01 --actions 10000

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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def month_checks(url: str, requests: int, clients: int) -> None:
    body = EXAMPLE.read_bytes()
    params = {"as_of": "2024-12-31"}
    headers = {"Content-Type": "application/json"}
    latencies: list[float] = []
    left = list(range(requests))
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        for _ in range(clients):  # warm: every connection, and the first evaluation
            (await client.post("/v1/check", params=params, content=body, headers=headers))

        async def one_client() -> None:
            while left:
                left.pop()
                start = time.perf_counter()
                answer = await client.post(
                    "/v1/check", params=params, content=body, headers=headers
                )
                latencies.append(time.perf_counter() - start)
                assert answer.status_code == 200, answer.text

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        took = time.perf_counter() - start
    print(
        f"month check ({len(body) / 1e3:.0f} kB, 99 acts, 31 officers), {clients} clients, "
        f"{requests} requests: p50 {percentile(latencies, 0.5) * 1e3:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.0f} ms, {requests / took:.0f} requests/s "
        f"(targets 30 ms, 100 ms, 50/s)"
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
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = start_service(port)
    try:
        asyncio.run(month_checks(url, args.requests, args.clients))
        monitor_lines(url, args.actions, args.batch)
        with tempfile.TemporaryDirectory() as work:
            province_zip(url, args.scale, Path(work))
    finally:
        service.terminate()
        service.wait(timeout=30)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
