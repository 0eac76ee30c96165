"""Where the parts of a partitioned evaluation are evaluated: in this process, or on a Dask
cluster (the ``dask`` extra). The library only hands the engine one job per part and merges
what comes back; the engine schedules the jobs, moves the data and retries a lost worker's
jobs elsewhere.

Dask rather than Ray: a part travels as polars tables, which Dask's workers pickle through
Arrow IPC buffers without copying them through Python objects, like Ray's object store
would; Dask installs as a few pure-Python wheels on every Python the library supports, Ray
as a large binary wheel that lags new Pythons; and a Dask job that raises gives its
exception back to the caller, while a job on a worker that dies is run again on another (up
to ``distributed.scheduler.allowed-failures`` times). See docs/scaling.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from ._errors import UsageError
from ._optional import require
from ._partition import Job, Mapper, PartResult, in_process, run_job
from ._rules import RuleSet

ENGINES = ("local", "dask")

IN_FLIGHT_PER_WORKER = 2
"""Parts sent ahead to each worker: enough to keep it busy, few enough that the parts held
in memory (here and there) stay few."""


def mapper_for(engine: str, *, workers: int | None, address: str | None) -> Mapper:
    """The mapper of ``engine``: ``local`` (this process, one part at a time) or ``dask``
    (the cluster at ``address``, or a local cluster of ``workers`` processes)."""
    if engine not in ENGINES:
        raise UsageError(f"engine: expected one of {', '.join(ENGINES)}; got {engine!r}")
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise UsageError(f"workers: expected a number of 1 or more; got {workers!r}")
    if engine == "local":
        if workers is not None or address is not None:
            raise UsageError("workers and address choose a Dask cluster: add engine='dask'")
        return in_process
    if workers is not None and address is not None:
        raise UsageError("give a Dask cluster's address or a number of local workers, not both")
    return lambda jobs, rules: _on_dask(jobs, rules, workers=workers, address=address)


def _on_dask(
    jobs: Iterator[Job], rules: RuleSet, *, workers: int | None, address: str | None
) -> Iterator[PartResult]:
    distributed: Any = require("distributed", "evaluating on a Dask cluster (the dask extra)")
    cluster = None
    if address is None:
        cluster = distributed.LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
    try:
        client = distributed.Client(cluster if cluster is not None else address)
    except OSError as error:
        if cluster is not None:
            cluster.close()
        raise UsageError(f"address: no Dask scheduler answers at {address} ({error})") from None
    try:
        capacity = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        rules_there = client.scatter(rules, broadcast=True)
        pending: deque[Any] = deque()
        for job in jobs:
            pending.append(client.submit(run_job, job, rules_there, pure=False))
            if len(pending) >= capacity:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
