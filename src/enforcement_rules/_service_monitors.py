"""The live monitor over HTTP: monitors by id, records in as JSON Lines, findings out as
server-sent events carrying the lines ``enforcement-rules watch`` writes.

Each monitor is used under a lock of its own (posting runs in the thread pool); its events are
numbered and the last ``MAX_EVENTS_KEPT`` kept, so a stream may join late or resume after its
``Last-Event-ID``. Streams wait on the event loop and are woken after each post.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ._monitor import Monitor
from ._report import Finding
from ._rules import RuleSet
from ._terminal import json_line
from ._waived_stream import WaivedStream
from ._waivers import Waivers
from ._watch import RESOLVED, take_line

MAX_MONITORS = 64
"""Monitors open at once; another is refused (429) until one is deleted."""
MAX_EVENTS_KEPT = 100_000
"""Each monitor keeps its last events this many for streams that join or resume later."""
KEEP_ALIVE_SECONDS = 15.0

_LINES_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "JSON Lines：每行一条记录（含 type 字段），或 "
        '{"type": "advance_to", "moment": "…"}，与 enforcement-rules watch 的输入相同。'
        "JSON Lines, one record a line with its 'type', or an advance_to line, as "
        "`enforcement-rules watch` reads.",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@dataclass
class LiveMonitor:
    """One monitor of the service, its events numbered for streams that join or resume."""

    monitor: Monitor
    waived: WaivedStream
    lock: threading.Lock = field(default_factory=threading.Lock)
    events: list[tuple[int, str, str]] = field(default_factory=list)
    counted: int = 0
    closed: bool = False
    _kept: threading.Lock = field(default_factory=threading.Lock)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, event: str, data: dict[str, Any]) -> None:
        with self._kept:
            self.counted += 1
            self.events.append((self.counted, event, json_line({"event": event, **data})))
            if len(self.events) > MAX_EVENTS_KEPT:
                del self.events[: len(self.events) - MAX_EVENTS_KEPT]

    def since(self, after: int) -> list[tuple[int, str, str]]:
        with self._kept:
            if not self.events or self.events[-1][0] <= after:
                return []
            first = self.events[0][0]
            return self.events[max(0, after + 1 - first) :]

    def close(self) -> None:
        """Close the monitor (then ``wake`` its streams, on the event loop, to end them)."""
        with self.lock:
            self.closed = True
            self.monitor.close()

    def wake(self) -> None:
        """Tell waiting streams (on the event loop) that events arrived or the monitor ended."""
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    @property
    def changed(self) -> asyncio.Event:
        return self._changed


class Monitors:
    """The open monitors by id."""

    def __init__(self) -> None:
        self._open: dict[str, LiveMonitor] = {}
        self._lock = threading.Lock()

    def add(self, live: LiveMonitor) -> str:
        with self._lock:
            if len(self._open) >= MAX_MONITORS:
                raise HTTPException(
                    429,
                    f"已开启 {MAX_MONITORS} 个监测器，请先删除不用的。"
                    f"{MAX_MONITORS} monitors are open; delete one first",
                )
            identifier = uuid.uuid4().hex
            self._open[identifier] = live
            return identifier

    def get(self, identifier: str) -> LiveMonitor:
        with self._lock:
            live = self._open.get(identifier)
        if live is None:
            raise HTTPException(404, f"没有这个监测器。no monitor {identifier!r}")
        return live

    def pop(self, identifier: str) -> LiveMonitor:
        live = self.get(identifier)
        with self._lock:
            self._open.pop(identifier, None)
        return live

    def close_all(self) -> None:
        """Close every monitor and end its streams (the service is stopping; on the loop)."""
        with self._lock:
            opened, self._open = list(self._open.values()), {}
        for live in opened:
            live.close()
            live.wake()


class NewMonitor(BaseModel):
    """A monitor to open: the packs it follows, the clock's first moment, pending findings."""

    model_config = ConfigDict(extra="forbid")
    packs: list[str] | None = None
    start: str | None = None
    pending: bool = False


class Advance(BaseModel):
    """The moment to move a monitor's clock to: a day (its last moment) or a date-time."""

    model_config = ConfigDict(extra="forbid")
    moment: str


def _open_monitor(rules: RuleSet, spec: NewMonitor, waivers: Waivers | None) -> LiveMonitor:
    holder: list[LiveMonitor] = []
    waived = WaivedStream(waivers or Waivers())

    def raised(finding: Finding) -> None:
        event, data, _ = waived.told(finding, holder[0].monitor.clock)
        holder[0].record(event, data)

    def resolved(finding: Finding) -> None:
        waived.resolved(finding)
        holder[0].record(RESOLVED, {"finding": finding.to_dict()})

    monitor = Monitor(
        spec.packs,
        on_finding=raised,
        on_resolved=resolved,
        start=spec.start,
        pending=spec.pending,
        keep_findings=False,
        rules=rules,
    )
    holder.append(LiveMonitor(monitor, waived))
    return holder[0]


def _post_lines(live: LiveMonitor, data: bytes) -> dict[str, Any]:
    refused = []
    posted = 0
    with live.lock:
        if live.closed:
            raise HTTPException(404, "监测器已删除。the monitor was deleted")
        before = live.counted
        for number, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                take_line(live.monitor, line, first=number == 1)
                posted += 1
            except ValueError as error:
                refused.append({"line": number, "error": str(error)})
            for event, told, _ in live.waived.moved(live.monitor.clock):
                live.record(event, told)
        return {"posted": posted, "refused": refused, "events": live.counted - before}


def monitor_routes(
    rules: RuleSet,
    monitors: Monitors,
    errors: dict[int | str, dict[str, Any]],
    waivers: Waivers | None = None,
) -> APIRouter:
    """The monitor paths, on ``rules`` (and the service's ``waivers``), keeping the open
    monitors in ``monitors``."""
    router = APIRouter(tags=["monitor"])

    @router.post(
        "/v1/monitors",
        tags=["monitor"],
        summary="开启监测器 Open a monitor",
        status_code=201,
        responses={
            **errors,
            201: {"description": "已开启 opened"},
            429: {"description": "监测器过多 too many monitors open"},
        },
    )
    async def open_monitor(spec: Annotated[NewMonitor, Body()]) -> dict[str, Any]:
        """开启一个实时监测器（规则包、起始时刻），返回其 id。Open a live monitor following
        these packs from this moment; its id names it in the other monitor paths."""
        live = await run_in_threadpool(_open_monitor, rules, spec, waivers)
        try:
            identifier = monitors.add(live)
        except HTTPException:
            live.monitor.close()
            raise
        skipped = [
            {"rule": rule, "kind": kind, "reason": reason}
            for rule, kind, reason in live.monitor.skipped
        ]
        return {"id": identifier, "packs": live.monitor.packs, "skipped": skipped}

    @router.post(
        "/v1/monitors/{monitor}/records",
        tags=["monitor"],
        summary="提交记录 Post records",
        openapi_extra=_LINES_BODY,
        responses=errors,
    )
    async def post_records(monitor: str, request: Request) -> dict[str, Any]:
        """提交一条或一批记录（JSON Lines）；新发现进入事件流。拒收的行注明行号和原因，其余照收。
        Post one record or a batch as JSON Lines; the findings go to the event stream. A line
        refused names its number and why, and the rest are taken in, as `watch` does."""
        live = monitors.get(monitor)
        data = await request.body()
        try:
            return await run_in_threadpool(_post_lines, live, data)
        finally:
            live.wake()

    @router.post(
        "/v1/monitors/{monitor}/advance",
        tags=["monitor"],
        summary="推进时钟 Advance the clock",
        responses=errors,
    )
    async def advance(monitor: str, to: Annotated[Advance, Body()]) -> dict[str, Any]:
        """把监测器的时钟推进到某日（该日最后时刻）或某一时刻；期限已过的发现进入事件流。Move
        the clock to a day (its last moment) or a date-time; findings of passed deadlines
        go to the event stream."""
        live = monitors.get(monitor)

        def work() -> dict[str, Any]:
            with live.lock:
                before = live.counted
                live.monitor.advance_to(to.moment)
                clock = live.monitor.clock
                return {
                    "clock": clock.isoformat() if clock else None,
                    "events": live.counted - before,
                }

        try:
            return await run_in_threadpool(work)
        finally:
            live.wake()

    @router.get(
        "/v1/monitors/{monitor}/findings",
        tags=["monitor"],
        summary="发现事件流 Findings as server-sent events",
        responses={
            200: {
                "description": "text/event-stream：事件 raised 或 resolved，data 为 "
                "`enforcement-rules watch` 输出的同一行；监测器删除后以 end 结束。"
                "Events raised and resolved whose data is the line `watch` writes; `end` "
                "when the monitor is deleted. Resume with Last-Event-ID or `after`.",
                "content": {"text/event-stream": {}},
            },
            **errors,
        },
    )
    async def findings(
        monitor: str,
        request: Request,
        after: Annotated[
            int | None, Query(ge=0, description="只发此编号之后的事件 events after this id")
        ] = None,
    ) -> StreamingResponse:
        """监测器的发现，作为服务器发送事件，随记录到达即时推送（从头开始，或从 Last-Event-ID
        之后）。The monitor's findings as server-sent events as they arise (from the start, or
        after Last-Event-ID)."""
        live = monitors.get(monitor)
        resume = request.headers.get("last-event-id", "")
        start = after if after is not None else int(resume) if resume.isdigit() else 0
        return StreamingResponse(
            _events(live, start),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.delete(
        "/v1/monitors/{monitor}",
        tags=["monitor"],
        summary="关闭监测器 Close a monitor",
        status_code=204,
        responses={**errors, 204: {"description": "已关闭 closed"}},
    )
    async def close_monitor(monitor: str) -> Response:
        """关闭监测器，结束其事件流。Close the monitor and end its event streams."""
        live = monitors.pop(monitor)
        await run_in_threadpool(live.close)
        live.wake()
        return Response(status_code=204)

    return router


async def _events(live: LiveMonitor, after: int) -> AsyncIterator[str]:
    seen = after
    while True:
        changed = live.changed
        batch = live.since(seen)
        for number, event, line in batch:
            yield f"id: {number}\nevent: {event}\ndata: {line}\n\n"
            seen = number
        if batch:
            continue
        if live.closed:
            yield "event: end\ndata: {}\n\n"
            return
        try:
            await asyncio.wait_for(changed.wait(), KEEP_ALIVE_SECONDS)
        except TimeoutError:
            yield ": keep-alive\n\n"
