"""The rules as an HTTP service: ``enforcement-rules serve`` (the ``service`` extra: FastAPI on
uvicorn). Every endpoint calls the library as the command does: records are read by ``load``
from a private temporary folder (``_uploads``), evaluated by ``evaluate`` with the rule set
loaded once at start, and written by the report writers; the live monitor is ``Monitor``.

Safety: a request body is counted while it is read and refused with 413 once it passes the
limit (``Content-Length`` is checked first); a bearer token, when configured, is compared in
constant time; rules come only from the server's configuration and no endpoint reads a path
the client names; officers' names appear only with ``with_names``; the request log names the
method, path, status, size and time, never a record. Checks are evaluated off the event loop,
by worker processes (``_service_pool``); everything else runs in the thread pool; each monitor
is used under its own lock.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import _engine
from ._calendar import calendar
from ._coverage import coverage
from ._errors import (
    EnforcementRulesError,
    InputError,
    MissingDependency,
    MonitorUnavailable,
)
from ._inherit import rule_data
from ._limits import MAX_JSON_BYTES
from ._records import json_schema
from ._rulebase import Severity, Status
from ._rules import RuleSet
from ._service_monitors import Monitors, monitor_routes
from ._service_pool import CheckJob, CheckPool, known_rules
from ._terminal import json_line
from ._uploads import BODY_FORMATS, RECORDS_NAME, load_upload, private_folder
from ._waivers import Waivers

LOG = logging.getLogger("enforcement_rules.service")

DEFAULT_MAX_REQUEST_BYTES = MAX_JSON_BYTES
"""A request body is refused above this size unless ``--max-request-bytes`` says otherwise."""
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
"""Paths answered without the bearer token (probes of a load balancer)."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX,
    "html": "text/html; charset=utf-8",
}
_ACCEPTED = {"application/json": "json", "text/csv": "csv", XLSX: "xlsx", "text/html": "html"}
EXIT_HEADER = "X-Exit-Status"
"""The exit status ``check`` would have: 0 no violations, 1 violations (errors are 4xx)."""


@dataclass(frozen=True)
class ServiceConfig:
    """What the service is started with: the rule set (loaded once, shared by every request),
    the bearer token (``None``: none asked), the largest request body in bytes and the number
    of worker processes evaluating checks."""

    rules: RuleSet
    token: str | None = None
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    workers: int = 0
    """Processes evaluating checks (``0``: the service's own threads; ``_service_pool``)."""
    waivers: Waivers | None = None
    """The waivers every check, calendar and monitor of the service applies (``serve
    --waivers``); a client cannot send its own."""


def _version() -> str:
    try:
        return metadata.version("enforcement-rules")
    except metadata.PackageNotFoundError:
        return "unknown"


# -- the guard: token, size, log ----------------------------------------------------------


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求体超过 {limit} 字节。the request body is over {limit} bytes")


class Guard:
    """ASGI middleware: the bearer token, the size of the body (while it is read) and one log
    line per request without its contents."""

    def __init__(self, app: ASGIApp, config: ServiceConfig) -> None:
        self.app = app
        self.token = config.token.encode() if config.token is not None else None
        self.limit = config.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        received = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def receiving() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise RequestTooLarge(self.limit)
            return message

        try:
            headers = dict(scope["headers"])
            if self.token is not None and scope["path"] not in OPEN_PATHS:
                given = headers.get(b"authorization", b"")
                scheme, _, credential = given.partition(b" ")
                if scheme.lower() != b"bearer" or not hmac.compare_digest(
                    credential.strip(), self.token
                ):
                    await _plain_error(
                        sending, 401, "需要有效的令牌。a valid bearer token is needed"
                    )
                    return
            declared = headers.get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.limit:
                await _plain_error(sending, 413, RequestTooLarge(self.limit).detail)
                return
            await self.app(scope, receiving, sending)
        finally:
            LOG.info(
                "%s %s %s %d bytes %.1f ms",
                scope["method"],
                scope["path"],
                status or "-",
                received,
                (time.perf_counter() - started) * 1000,
            )


async def _plain_error(send: Callable[[Message], Awaitable[None]], status: int, text: str) -> None:
    body = json_line({"error": text}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# -- records in ---------------------------------------------------------------------------


async def _records_upload(request: Request) -> tuple[str, bytes]:
    """The name (saying the format) and bytes of the records a request carries: its body, by
    its media type, or the file ``records`` of a form."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=8)
        try:
            upload = form.get("records")
            if not isinstance(upload, UploadFile):
                raise HTTPException(
                    400, "表单须含文件字段 records。the form needs a file field 'records'"
                )
            return upload.filename or RECORDS_NAME, await upload.read()
        finally:
            await form.close()
    suffix = BODY_FORMATS.get(media)
    if suffix is None:
        raise HTTPException(
            415,
            "记录的媒体类型不受支持。records are sent as one of: "
            + ", ".join(BODY_FORMATS)
            + ", or multipart/form-data with a file 'records'",
        )
    return RECORDS_NAME + suffix, await request.body()


# -- reports out --------------------------------------------------------------------------


def _format_of(request: Request, chosen: str | None) -> str:
    """The report format: ``format`` if given, else the first of ``Accept`` it can write."""
    if chosen:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("accept", "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    weight = float(param[2:])
                except ValueError:
                    weight = 0.0
        ranked.append((-weight, position, media.lower()))
    for weight, _, media in sorted(ranked):
        if weight < 0 and media in _ACCEPTED:
            return _ACCEPTED[media]
    return "json"


def _engine_status() -> dict[str, Any]:
    try:
        _engine._durable()
    except MonitorUnavailable as error:
        return {"available": False, "reason": str(error)}
    return {"available": True}


# -- the application ----------------------------------------------------------------------

DESCRIPTION = """\
行政执法规则的 HTTP 服务：按评估日核查主机系统的记录，列出规则、规则包、记录格式和逐句覆盖情况，
并通过实时监测器在记录到达时报告发现。错误均注明位置：记录有误时返回 422，并列出与命令行相同的问题
（文件、行、字段）。

The enforcement rules as an HTTP service: check a host system's records as of a day, list the
rules, packs, the records' schema and the coverage of the source documents, and follow records
as they arrive with the live monitor. Bad records get 422 with the problems the command prints
(file, row, field); nothing is evaluated then. With a token configured, every path but
/healthz and /readyz needs `Authorization: Bearer <token>`.
"""

_RULE = "只列这些规则 only these rules"
_DEPARTMENT = "只列这些部门 only these departments"
_STATUS = "只列这些状态 only these statuses"
_SEVERITY = "只列这些严重程度 only these severities"
_SKIP_RULE = "略去这些规则 leave these rules out"
_RECORDS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "记录：JSON 交换文件、JSON Lines、CSV 文件夹的 zip 包或 xlsx 工作簿；"
        "或 multipart 表单的文件字段 records（文件名的后缀表明格式）。"
        "The records: the JSON interchange file, JSON Lines, a zip of a CSV folder or an xlsx "
        "workbook as the body; or the file field 'records' of a multipart form (its name's "
        "suffix says the format).",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/RecordsFile"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"records": {"type": "string", "format": "binary"}},
                    "required": ["records"],
                }
            },
        },
    }
}
_ANSWERED = "应答 answered"
_ERRORS: dict[int | str, dict[str, Any]] = {
    200: {"description": _ANSWERED},
    400: {"description": "参数有误 a parameter is not usable (unknown pack or rule, bad date)"},
    401: {"description": "缺少或令牌无效 the bearer token is missing or wrong"},
    413: {"description": "请求体过大 the body is over the limit"},
}
_CHECKS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    415: {"description": "记录的媒体类型不受支持 the records' media type is not one read"},
    422: {"description": "记录有误，未核查 bad records, nothing evaluated: the located problems"},
}
_LIVE: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    404: {"description": "没有这个监测器 no such monitor"},
    501: {"description": "实时监测引擎不可用 the engine (durable-rules) is not available here"},
}


def create_app(config: ServiceConfig) -> FastAPI:
    """The service's application for ``config`` (uvicorn runs it; tests may call it)."""
    monitors = Monitors()
    checks = CheckPool(config.rules, config.workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        monitors.close_all()  # shutting down: end every stream
        checks.close()

    app = FastAPI(
        lifespan=lifespan,
        title="enforcement-rules",
        version=_version(),
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN; the document is enough
        redoc_url=None,
    )
    app.add_middleware(Guard, config=config)
    engine = _Lazy(_engine_status)
    covered = _Lazy(lambda: coverage(config.rules))

    @app.exception_handler(InputError)
    async def bad_records(request: Request, error: InputError) -> JSONResponse:
        problems = [
            {
                "file": p.file,
                "where": p.where,
                "field": p.field,
                "expected": p.expected,
                "got": p.got,
                "text": str(p),
            }
            for p in error.problems
        ]
        body = {"error": str(error), "problems": problems, "truncated": error.truncated}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(MonitorUnavailable)
    @app.exception_handler(MissingDependency)
    async def unavailable(request: Request, error: EnforcementRulesError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=501)

    @app.exception_handler(EnforcementRulesError)
    async def not_usable(request: Request, error: EnforcementRulesError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{' '.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
        ]
        return JSONResponse({"error": "; ".join(problems)}, status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": error.detail}, error.status_code, headers=error.headers)

    # -- health -------------------------------------------------------------------------

    @app.get(
        "/healthz",
        tags=["health"],
        summary="存活 Alive",
        responses={200: {"description": _ANSWERED}},
    )
    async def healthz() -> dict[str, str]:
        """进程在运行。The process answers."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        summary="就绪 Ready",
        responses={200: {"description": _ANSWERED}},
    )
    async def readyz() -> dict[str, Any]:
        """规则已载入，可以核查；并说明实时监测引擎是否可用。The rules are loaded and checks are
        answered; says whether the live monitor's engine is available."""
        return {
            "ready": True,
            "packs": len(config.rules.select(None)),
            "monitor": await run_in_threadpool(engine.get),
        }

    @app.get(
        "/v1/version",
        tags=["health"],
        summary="版本 Version",
        responses={200: {"description": _ANSWERED}},
    )
    async def version() -> dict[str, str]:
        """本库的版本。The library's version."""
        return {"version": _version()}

    # -- checks -------------------------------------------------------------------------

    @app.post(
        "/v1/check",
        tags=["check"],
        summary="核查记录 Check records",
        openapi_extra=_RECORDS_BODY,
        responses={
            200: {
                "description": "报告：JSON（默认，含 exit_status）、CSV、xlsx 或 HTML；"
                "X-Exit-Status 头为命令行的退出状态（0 无违规，1 有违规）。The report as JSON "
                "(default, with exit_status), CSV, xlsx or HTML by `format` or Accept; the "
                "header X-Exit-Status is the command's exit status (0 none, 1 violations).",
                "content": {media: {} for media in MEDIA.values()},
            },
            **_CHECKS,
        },
    )
    async def check(
        request: Request,
        as_of: Annotated[str, Query(description="评估日 the day to evaluate as of (YYYY-MM-DD)")],
        pack: Annotated[
            list[str] | None, Query(description="只核查这些规则包 only these packs")
        ] = None,
        rule: Annotated[list[str] | None, Query(description=_RULE)] = None,
        department: Annotated[list[str] | None, Query(description=_DEPARTMENT)] = None,
        status: Annotated[list[Status] | None, Query(description=_STATUS)] = None,
        severity: Annotated[list[Severity] | None, Query(description=_SEVERITY)] = None,
        skip_rule: Annotated[list[str] | None, Query(description=_SKIP_RULE)] = None,
        strict: Annotated[
            bool, Query(description="引用问题作为输入错误 refuse referential problems")
        ] = False,
        with_names: Annotated[
            bool, Query(description="列出执法人员姓名（个人信息）name the officers (personal data)")
        ] = False,
        format: Annotated[
            str | None,
            Query(
                pattern="^(json|csv|xlsx|html)$",
                description="报告格式，优先于 Accept the report's format, before Accept",
            ),
        ] = None,
    ) -> Response:
        """按评估日核查记录，与 `enforcement-rules check` 相同。Evaluate records as of a day,
        as `enforcement-rules check` does."""
        output = _format_of(request, format)
        name, data = await _records_upload(request)

        job = CheckJob(
            name=name,
            data=data,
            as_of=as_of,
            output=output,
            packs=pack,
            rules=rule,
            departments=department,
            statuses=status,
            severities=severity,
            skip_rules=skip_rule,
            strict=strict,
            with_names=with_names,
            waivers=config.waivers,
        )
        body, exit_status = await checks.check(job)
        headers = {EXIT_HEADER: str(exit_status)}
        if output == "xlsx":
            headers["Content-Disposition"] = 'attachment; filename="report.xlsx"'
        return Response(body, media_type=MEDIA[output], headers=headers)

    @app.post(
        "/v1/calendar",
        tags=["check"],
        summary="合规日历 Compliance calendar",
        openapi_extra=_RECORDS_BODY,
        responses={
            200: {
                "description": "条目，JSON 或 iCalendar。The entries as JSON or iCalendar.",
                "content": {"application/json": {}, "text/calendar": {}},
            },
            **_CHECKS,
        },
    )
    async def calendar_(
        request: Request,
        as_of: Annotated[str, Query(description="评估日 the day (YYYY-MM-DD)")],
        pack: Annotated[
            list[str] | None, Query(description="只看这些规则包 only these packs")
        ] = None,
        within: Annotated[
            int | None,
            Query(ge=0, description="只列此后若干天内到期及逾期未交的 due within DAYS, or late"),
        ] = None,
        rule: Annotated[list[str] | None, Query(description=_RULE)] = None,
        department: Annotated[list[str] | None, Query(description=_DEPARTMENT)] = None,
        status: Annotated[list[Status] | None, Query(description=_STATUS)] = None,
        severity: Annotated[list[Severity] | None, Query(description=_SEVERITY)] = None,
        skip_rule: Annotated[list[str] | None, Query(description=_SKIP_RULE)] = None,
        format: Annotated[
            str, Query(pattern="^(json|ics)$", description="JSON 或 iCalendar (ics)")
        ] = "json",
    ) -> Response:
        """各部门应交何物、何时到期、现状如何，与 `enforcement-rules calendar` 相同。What each
        department owes, by when, and its status, as `enforcement-rules calendar` says."""
        name, data = await _records_upload(request)

        def work() -> str:
            with private_folder() as folder:
                records = load_upload(folder, name, data)
            known = [r.id for p in config.rules.select(pack) for r in p.rules]
            known_rules(rule, known, "rule")
            known_rules(skip_rule, known, "skip_rule")
            result = calendar(
                records,
                as_of=as_of,
                packs=pack,
                within=within,
                rules=config.rules,
                waivers=config.waivers,
            ).filter(
                rule=rule,
                department=department,
                status=status,
                severity=severity,
                skip_rule=skip_rule,
            )
            return result.to_ics() if format == "ics" else result.to_json(indent=None)

        text = await run_in_threadpool(work)
        media = "text/calendar; charset=utf-8" if format == "ics" else "application/json"
        return Response(text.encode(), media_type=media)

    # -- what the service knows ---------------------------------------------------------

    @app.get("/v1/rules", tags=["rules"], summary="规则 Rules", responses=_ERRORS)
    async def rules(
        pack: Annotated[
            list[str] | None, Query(description="只列这些规则包 only these packs")
        ] = None,
    ) -> list[dict[str, Any]]:
        """规则：编号、规则包、类型、标题、原文、解读和整改，与 `enforcement-rules rules
        --format json` 相同。The rules, as `enforcement-rules rules --format json` lists them."""
        return [rule_data(p, r) for p in config.rules.select(pack) for r in p.rules]

    @app.get(
        "/v1/packs",
        tags=["rules"],
        summary="规则包 Packs",
        responses={200: {"description": _ANSWERED}},
    )
    async def packs() -> list[dict[str, Any]]:
        """服务载入的规则包：来源文件、适用范围、施行期间和规则数。The packs the service
        loaded: their documents, whom they apply to, when in force, how many rules."""
        return [
            {
                "id": p.id,
                "title": p.title,
                "title_en": p.spec.title_en,
                "origin": p.origin,
                "documents": p.spec.documents,
                "description": p.spec.description,
                "description_en": p.spec.description_en,
                "in_force": p.in_force.model_dump(mode="json", by_alias=True),
                "rules": len(p.rules),
            }
            for p in config.rules.select(None)
        ]

    @app.get(
        "/v1/schema",
        tags=["rules"],
        summary="记录格式 Records' JSON Schema",
        responses={200: {"description": _ANSWERED}},
    )
    async def schema() -> dict[str, Any]:
        """记录交换文件的 JSON Schema，与 `enforcement-rules schema` 相同。The JSON Schema of
        the records file, as `enforcement-rules schema` prints it."""
        return json_schema()

    @app.get("/v1/coverage", tags=["rules"], summary="逐句覆盖 Coverage", responses=_ERRORS)
    async def coverage_(
        pack: Annotated[list[str] | None, Query(description="只列这些规则包的文件")] = None,
    ) -> list[dict[str, Any]]:
        """每份来源文件的句子：由规则编码、不可核查、背景、未分类，以及失效的登记条目，与
        `enforcement-rules coverage` 相同。Per source document, its sentences encoded by
        rules, not checkable, context and unclassified, and stale register entries."""
        documents = None
        if pack:
            documents = {d for p in config.rules.select(pack) for d in p.spec.documents}
        found = await run_in_threadpool(covered.get)
        return [
            {
                "document": c.document.id,
                "sentences": len(c.sentences),
                "rules": c.count("rules"),
                "not_checkable": c.count("not_checkable"),
                "context": c.count("context"),
                "unclassified": c.count("unclassified"),
                "stale": len(c.stale),
            }
            for c in found
            if documents is None or c.document.id in documents
        ]

    app.include_router(monitor_routes(config.rules, monitors, _LIVE, config.waivers))

    _document(app, config)
    return app


class _Lazy:
    """A value computed once, on first use, from any thread."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute
        self._lock = threading.Lock()

    @cached_property
    def _value(self) -> Any:
        return self._compute()

    def get(self) -> Any:
        with self._lock:
            return self._value


def _document(app: FastAPI, config: ServiceConfig) -> None:
    """The OpenAPI document: the records' schema as a component, the bearer scheme."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            components = document.setdefault("components", {})
            schema = json_schema()
            definitions = schema.pop("$defs", {})
            schemas = components.setdefault("schemas", {})
            for name, definition in definitions.items():
                schemas.setdefault(name, definition)
            schemas["RecordsFile"] = _refs_to_components(schema)
            if config.token is not None:
                components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
                document["security"] = [{"bearer": []}]
            app.openapi_schema = _refs_to_components(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _refs_to_components(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                item.replace("#/$defs/", "#/components/schemas/")
                if key == "$ref" and isinstance(item, str)
                else _refs_to_components(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_refs_to_components(item) for item in value]
    return value


def serve(config: ServiceConfig, host: str, port: int) -> int:
    """Run the service until interrupted; 0 when it stopped, 2 when it could not start."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            host=host,
            port=port,
            access_log=False,  # Guard logs each request without its query or body
            server_header=False,
            log_config=None,
        )
    )
    try:
        server.run()
    except SystemExit as stop:  # uvicorn exits when it cannot bind
        return 2 if stop.code else 0
    return 0 if server.started else 2
