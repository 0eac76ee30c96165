"""Where the service evaluates a check: in worker processes, each holding the rule set the
service was started with, or in the service's own thread pool (``workers=0``).

A check is mostly Python (the rules' queries are small on a department's month), so threads
share one core through the interpreter lock; worker processes use every core. A worker gets
the posted bytes and the request's options and hands back the report's bytes; the errors it
raises (bad records, an unknown rule) reach the service whole. The workers start with the
first check, not with the service, and a pool whose worker died is replaced. Each worker's polars
gets its share of the cores.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from starlette.concurrency import run_in_threadpool

from ._errors import UsageError
from ._evaluate import evaluate
from ._rulebase import LOST_CHARACTERS, Severity, Status
from ._rules import RuleSet
from ._uploads import load_upload, private_folder
from ._waivers import Waivers
from ._writers import findings_csv

if TYPE_CHECKING:
    from ._report import Report


@dataclass(frozen=True)
class CheckJob:
    """One ``POST /v1/check``: the records' name (saying their format) and bytes, and the
    request's options."""

    name: str
    data: bytes
    as_of: str
    output: str
    packs: list[str] | None = None
    rules: list[str] | None = None
    departments: list[str] | None = None
    statuses: list[Status] | None = None
    severities: list[Severity] | None = None
    skip_rules: list[str] | None = None
    strict: bool = False
    with_names: bool = False
    waivers: Waivers | None = None


def run_check(job: CheckJob, ruleset: RuleSet) -> tuple[bytes, int]:
    """The report's bytes in the job's format, and the exit status ``check`` would have."""
    with private_folder() as folder:
        records = load_upload(folder, job.name, job.data)
        report = evaluate(
            records,
            as_of=job.as_of,
            packs=job.packs,
            strict=job.strict,
            rules=ruleset,
            waivers=job.waivers,
        )
        known_rules(job.rules, report.rules, "rule")
        known_rules(job.skip_rules, report.rules, "skip_rule")
        report = report.filter(
            rule=job.rules,
            department=job.departments,
            status=job.statuses,
            severity=job.severities,
            skip_rule=job.skip_rules,
        )
        body = report_body(report, job.output, job.with_names, folder)
        return body, int(report.has_violations)


def report_body(report: Report, output: str, with_names: bool, folder: Path) -> bytes:
    if output == "csv":
        return findings_csv(report, with_names=with_names).encode("utf-8-sig")
    if output == "html":
        return report.to_html(with_names=with_names).encode()
    if output == "xlsx":
        return report.to_excel(folder / "report.xlsx", with_names=with_names).read_bytes()
    text = report.to_json(with_names=with_names)  # {"as_of": ...}: the exit status goes first
    return f'{{"exit_status":{int(report.has_violations)},{text[1:]}'.encode()


def known_rules(named: list[str] | None, known: list[str], option: str) -> None:
    unknown = sorted(set(named or ()) - set(known))
    if unknown:
        raise UsageError(f"{option}: unknown rule {', '.join(unknown)} (see GET /v1/rules)")


def usable_cores() -> int:
    """The cores this process may run on (the default number of workers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_worker_rules: RuleSet | None = None
"""The rule set of this worker process (set when it starts)."""


def _start_worker(ruleset: RuleSet, lost: dict[str, tuple[tuple[str, str], ...]]) -> None:
    global _worker_rules
    _worker_rules = ruleset
    LOST_CHARACTERS.update(lost)  # filled where the documents were loaded: quotes' readings


def _check_in_worker(job: CheckJob) -> tuple[bytes, int]:
    assert _worker_rules is not None, "a worker holds its rule set from its start"
    return run_check(job, _worker_rules)


class CheckPool:
    """Checks evaluated by ``workers`` processes (``0``: in the service's thread pool)."""

    def __init__(self, ruleset: RuleSet, workers: int) -> None:
        self.ruleset = ruleset
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _processes(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # The cores are shared out: each worker's polars runs cores / workers threads
                # (POLARS_MAX_THREADS, read as a worker starts, unless set already). Idle threads
                # of a larger pool wait busily and took half a check's CPU time away from the
                # other workers. This process's own pool is sized already.
                pl.thread_pool_size()
                threads = max(1, usable_cores() // self.workers)
                os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    # spawned, not forked: a fork would copy polars' thread pool mid-use
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self.ruleset, dict(LOST_CHARACTERS)),
                )
            return self._pool

    async def check(self, job: CheckJob) -> tuple[bytes, int]:
        if self.workers == 0:
            return await run_in_threadpool(run_check, job, self.ruleset)
        pool = self._processes()
        try:
            return await asyncio.wrap_future(pool.submit(_check_in_worker, job))
        except BrokenProcessPool:
            with self._lock:  # a worker died (killed, out of memory): start afresh once
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            return await asyncio.wrap_future(self._processes().submit(_check_in_worker, job))

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
