"""The HTTP service (``enforcement-rules serve``), started as a host starts it: one uvicorn
process on a free port for this module, called over HTTP with httpx."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from enforcement_rules import _engine
from enforcement_rules._cli import main
from enforcement_rules._watch import watch

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024"
TOKEN = "s3cret-token-for-the-tests"
LIMIT = 3_000_000
LIVE_LINES = [
    {
        "type": "department",
        "id": "ZHZF",
        "name": "大武口区综合执法局",
        "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
        "level": "county",
        "domain": "综合行政执法",
    },
    {"type": "officer", "id": "O1", "department": "ZHZF", "employment": "在编"},
    {
        "type": "action",
        "id": "A1",
        "department": "ZHZF",
        "date": "2024-05-10",
        "kind": "行政检查",
        "participants": ["O1"],
    },
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The service, with a token and a request limit of 3 MB: its URL and its folder (which
    holds ``token.txt``, as the README's example has it)."""
    with _started(tmp_path_factory.mktemp("service")) as started:
        yield started


@contextlib.contextmanager
def _started(folder: Path, *options: str) -> Iterator[tuple[str, Path]]:
    (folder / "token.txt").write_text(TOKEN + "\n", encoding="utf-8")
    port = _free_port()
    log = (folder / "server.log").open("wb")
    command = [sys.executable, "-m", "enforcement_rules", "serve", "--port", str(port)]
    command += ["--token-file", "token.txt", "--max-request-bytes", str(LIMIT), *options]
    process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (folder / "server.log").read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the service did not start in 30 s"
            time.sleep(0.1)
        yield url, folder
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def client(server: tuple[str, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server[0], headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    ) as opened:
        yield opened


def _records() -> bytes:
    return (EXAMPLE / "records.json").read_bytes()


def _check(client: httpx.Client, body: bytes, **params: Any) -> httpx.Response:
    params.setdefault("as_of", "2024-12-31")
    return client.post(
        "/v1/check", content=body, params=params, headers={"Content-Type": "application/json"}
    )


def _csv_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((EXAMPLE / "csv").iterdir()):
            archive.write(path, f"csv/{path.name}")
    return buffer.getvalue()


# -- health, token, limits ----------------------------------------------------------------


def test_health_readiness_and_version_are_answered(
    server: tuple[str, Path], client: httpx.Client
) -> None:
    assert httpx.get(server[0] + "/healthz").json() == {"status": "ok"}  # no token asked
    ready = httpx.get(server[0] + "/readyz").json()
    assert ready["ready"] is True and ready["packs"] >= 6
    assert ready["monitor"]["available"] is _engine.installed()
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", client.get("/v1/version").json()["version"])


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_without_the_token_every_endpoint_but_the_probes_answers_401(
    server: tuple[str, Path], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [("GET", "/v1/rules"), ("POST", "/v1/check"), ("GET", "/v1/openapi.json")]:
        answer = httpx.request(method, server[0] + path, headers=headers)
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "token" in answer.json()["error"]


def test_a_body_over_the_limit_is_refused_with_413_declared_or_streamed(
    client: httpx.Client,
) -> None:
    body = b"x" * (LIMIT + 1)
    declared = _check(client, body)
    assert declared.status_code == 413
    assert str(LIMIT) in declared.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it is read
        for _ in range(LIMIT // 100_000 + 2):
            yield b" " * 100_000

    streamed = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert "Content-Length" not in streamed.request.headers


# -- check --------------------------------------------------------------------------------


def test_check_answers_the_report_with_the_exit_status_as_the_command_does(
    client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = _check(client, _records())
    assert answer.status_code == 200
    report = answer.json()
    assert report["exit_status"] == 1 and answer.headers["x-exit-status"] == "1"
    output = tmp_path / "report.json"
    code = main(
        ["check", str(EXAMPLE / "records.json"), "--as-of", "2024-12-31", "--output", str(output)]
    )
    assert code == 1
    expected = json.loads(output.read_text(encoding="utf-8"))
    assert report == {"exit_status": 1, **expected}
    assert all("officer_names" not in f for f in report["findings"])  # personal data: asked


def test_check_takes_the_filters_packs_and_names_of_the_command(client: httpx.Client) -> None:
    answer = _check(
        client, _records(), rule=["D3"], department="DWK-SCJG", pack="dawukou-2024", with_names=1
    )
    report = answer.json()
    assert report["packs"] == ["dawukou-2024"]
    assert report["counts"]["by_rule"] == {"D3": 2} and report["counts"]["by_department"] == {
        "DWK-SCJG": 2
    }
    assert all("officer_names" in f for f in report["findings"])
    assert any(f["officer_names"] for f in report["findings"])
    none = _check(client, _records(), status="pending", rule="D3")
    assert none.json()["exit_status"] == 0 and none.headers["x-exit-status"] == "0"


def test_check_writes_csv_html_and_xlsx_by_accept_or_format(client: httpx.Client) -> None:
    csv = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31", "rule": "D3"},
        content=_records(),
        headers={"Content-Type": "application/json", "Accept": "text/csv"},
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and len(csv.text.splitlines()) == 8
    html = _check(client, _records(), format="html")
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text
    workbook = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=_records(),
        headers={
            "Content-Type": "application/json",
            "Accept": "text/html;q=0.5, application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet",
        },
    )
    assert workbook.content.startswith(b"PK") and workbook.headers["x-exit-status"] == "1"


def test_a_csv_folder_as_a_zip_and_json_lines_give_the_same_report(
    client: httpx.Client, tmp_path: Path
) -> None:
    expected = _check(client, _records()).json()["counts"]
    uploaded = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        files={"records": ("dawukou.zip", _csv_zip(), "application/zip")},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["counts"] == expected
    main(["convert", str(EXAMPLE / "records.json"), "--to", "jsonl", str(tmp_path / "r.jsonl")])
    lines = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=(tmp_path / "r.jsonl").read_bytes(),
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert lines.json()["counts"] == expected


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_an_xlsx_workbook_gives_the_same_report_with_either_headers(
    client: httpx.Client, tmp_path: Path, headers: str
) -> None:
    expected = _check(client, _records()).json()["counts"]
    workbook = tmp_path / "records.xlsx"
    converted = ["convert", str(EXAMPLE / "records.json"), "--to", "xlsx", str(workbook)]
    main([*converted, "--headers", headers])
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    uploaded = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        files={"records": ("records.xlsx", workbook.read_bytes(), kind)},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["counts"] == expected
    posted = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=workbook.read_bytes(),
        headers={"Content-Type": kind},
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["counts"] == expected


def test_a_broken_workbook_gets_422_naming_it(client: httpx.Client) -> None:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        files={"records": ("records.xlsx", b"PK\x03\x04 not a workbook", kind)},
    )
    assert answer.status_code == 422, answer.text
    assert "records.xlsx" in answer.text


def test_bad_records_get_422_with_the_problems_the_command_prints(
    client: httpx.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads(_records())
    data["officers"][0]["employment"] = "临时"
    del data["officers"][1]["department"]
    body = json.dumps(data, ensure_ascii=False).encode()
    answer = _check(client, body)
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert [(p["file"], p["field"]) for p in problems] == [
        ("records.json", "employment"),
        ("records.json", "department"),
    ]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records.json").write_bytes(body)
    assert main(["check", "records.json", "--as-of", "2024-12-31"]) == 2
    printed = capsys.readouterr().err
    assert printed == "error: " + answer.json()["error"] + "\n"
    assert [f"  - {p['text']}" for p in problems] == printed.splitlines()[1:]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "said"),
    [
        ({"../officers.csv": b"id\n"}, "outside the archive"),
        ({"/etc/officers.csv": b"id\n"}, "outside the archive"),
        ({f"f{n}.csv": b"" for n in range(10_001)}, "at most 10000 members"),
        ({"officers.csv": "id,用工\nO1,临时\n".encode()}, "用工"),
    ],
    ids=["climbs-out", "absolute", "too-many-members", "bad-cell"],
)
def test_a_zip_is_checked_before_extraction_and_read_with_the_same_limits(
    client: httpx.Client, members: dict[str, bytes], said: str
) -> None:
    answer = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=_zip(members),
        headers={"Content-Type": "application/zip"},
    )
    assert answer.status_code == 422, answer.text
    assert said in answer.json()["error"]
    assert "/tmp" not in answer.text and "enforcement-rules-" not in answer.text


def test_a_zip_from_chinese_windows_names_its_tables_in_gbk(client: httpx.Client) -> None:
    placeholder = "XXXXXXXX.csv"  # as long in bytes as 执法人员.csv in GBK
    archive = _csv_zip().replace(b"csv/officers.csv", b"csv/" + placeholder.encode())
    archive = archive.replace(placeholder.encode(), "执法人员.csv".encode("gbk"))
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert "csv/" + "执法人员.csv".encode("gbk").decode("cp437") in opened.namelist()
    answer = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=archive,
        headers={"Content-Type": "application/zip"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"] == _check(client, _records()).json()["counts"]


def test_unusable_parameters_get_400_and_unread_media_415(client: httpx.Client) -> None:
    for params, said in [
        ({"as_of": "2024-13-40"}, "2024-13-40"),
        ({"as_of": "2024-12-31", "pack": "no-such-pack"}, "no-such-pack"),
        ({"as_of": "2024-12-31", "rule": "NOPE"}, "NOPE"),
        ({"as_of": "2024-12-31", "status": "fine"}, "status"),
        ({}, "as_of"),
    ]:
        answer = client.post(
            "/v1/check",
            params=params,
            content=_records(),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 400, params
        assert said in answer.json()["error"]
    text = client.post(
        "/v1/check",
        params={"as_of": "2024-12-31"},
        content=b"x",
        headers={"Content-Type": "text/plain"},
    )
    assert text.status_code == 415 and "application/zip" in text.json()["error"]


def test_concurrent_checks_get_the_same_answers(client: httpx.Client) -> None:
    body = _records()
    expected = _check(client, body, rule="D3").content

    def one(_: int) -> tuple[int, bytes]:
        answer = _check(client, body, rule="D3")
        return answer.status_code, answer.content

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, range(16)))
    assert answers == [(200, expected)] * 16


# -- calendar, rules, packs, schema, coverage, OpenAPI -------------------------------------


def test_calendar_answers_json_and_icalendar(client: httpx.Client) -> None:
    params = {"as_of": "2024-12-31", "department": "DWK-ZJJT", "within": 30}
    headers = {"Content-Type": "application/json"}
    entries = client.post("/v1/calendar", params=params, content=_records(), headers=headers)
    assert entries.status_code == 200, entries.text
    rules = [e["rule"] for e in entries.json()["entries"]]
    assert rules == ["D5", "D7.catalog", "D9", "D10", "D14", "D10"]
    ics = client.post(
        "/v1/calendar", params={**params, "format": "ics"}, content=_records(), headers=headers
    )
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 6


def test_rules_packs_schema_and_coverage_are_listed(client: httpx.Client) -> None:
    rules = client.get("/v1/rules", params={"pack": "dawukou-2024"}).json()
    assert {r["pack"] for r in rules} == {"dawukou-2024"} and "D3" in {r["id"] for r in rules}
    assert client.get("/v1/rules", params={"pack": "nope"}).status_code == 400
    packs = {p["id"]: p for p in client.get("/v1/packs").json()}
    assert packs["dawukou-2024"]["rules"] == len(rules)
    assert client.get("/v1/schema").json()["$schema"].endswith("2020-12/schema")
    covered = client.get("/v1/coverage", params={"pack": "dawukou-2024"}).json()
    assert [c["document"] for c in covered] == ["dawukou-2024"]
    assert covered[0]["unclassified"] == 0 and covered[0]["rules"] > 0


def test_the_openapi_document_describes_every_path_in_chinese_and_english(
    client: httpx.Client,
) -> None:
    document = client.get("/v1/openapi.json").json()
    paths = document["paths"]
    for path in ["/v1/check", "/v1/calendar", "/v1/rules", "/v1/monitors/{monitor}/findings"]:
        for operation in paths[path].values():
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"] + operation["description"])
            assert re.search(r"[A-Za-z]{4}", operation["summary"])
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "RecordsFile" in document["components"]["schemas"]


# -- the live monitor ---------------------------------------------------------------------


def _watch_lines(lines: list[bytes], packs: list[str], to: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    advance = json.dumps({"type": "advance_to", "moment": to}).encode()
    watch(packs, None, False, [*lines, advance], out, err)
    return out.getvalue().splitlines()


@pytest.mark.usefixtures("engine_installed")
def test_findings_stream_as_records_are_posted_the_lines_watch_writes(
    client: httpx.Client,
) -> None:
    created = client.post("/v1/monitors", json={"packs": ["dawukou-2024"]})
    assert created.status_code == 201, created.text
    monitor = created.json()["id"]
    lines = [json.dumps(line, ensure_ascii=False).encode() for line in LIVE_LINES]
    received: list[str] = []
    with client.stream("GET", f"/v1/monitors/{monitor}/findings") as stream:
        events = stream.iter_lines()

        def next_data() -> str:
            for line in events:
                if line.startswith("data: "):
                    return line.removeprefix("data: ")
            raise AssertionError("the stream ended")

        posted = client.post(
            f"/v1/monitors/{monitor}/records",
            content=b"\n".join(lines[:2]),
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        assert posted == {"posted": 2, "refused": [], "events": 0}
        posted = client.post(
            f"/v1/monitors/{monitor}/records",
            content=lines[2] + b"\n{bad\n",
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        assert posted["posted"] == 1 and posted["refused"][0]["line"] == 2
        received += [next_data() for _ in range(posted["events"])]  # arrived as it was posted
        assert "D3" in {json.loads(line)["rule"] for line in received}
        advanced = client.post(f"/v1/monitors/{monitor}/advance", json={"moment": "2024-12-31"})
        assert advanced.json()["clock"].startswith("2024-12-31T23:59:59")
        received += [next_data() for _ in range(advanced.json()["events"])]
        assert client.delete(f"/v1/monitors/{monitor}").status_code == 204
        assert list(events)[-2:] == ["data: {}", ""]  # the stream ends with `end`
    assert received == _watch_lines(lines, ["dawukou-2024"], "2024-12-31")
    assert (
        client.post(f"/v1/monitors/{monitor}/advance", json={"moment": "2025-01-01"}).status_code
        == 404
    )


@pytest.mark.usefixtures("engine_installed")
def test_a_stream_resumes_after_the_last_event_id(client: httpx.Client) -> None:
    monitor = client.post("/v1/monitors", json={"packs": ["dawukou-2024"]}).json()["id"]
    lines = b"\n".join(json.dumps(line, ensure_ascii=False).encode() for line in LIVE_LINES)
    client.post(f"/v1/monitors/{monitor}/records", content=lines)
    client.post(f"/v1/monitors/{monitor}/advance", json={"moment": "2024-12-31"})
    client.delete(f"/v1/monitors/{monitor}")  # the stream replays what was kept, then ends
    assert client.get(f"/v1/monitors/{monitor}/findings").status_code == 404
    monitor = client.post("/v1/monitors", json={"packs": ["dawukou-2024"]}).json()["id"]
    client.post(f"/v1/monitors/{monitor}/records", content=lines)
    with client.stream(
        "GET", f"/v1/monitors/{monitor}/findings", headers={"Last-Event-ID": "1"}
    ) as stream:
        first = next(line for line in stream.iter_lines() if line.startswith("id: "))
    assert first == "id: 2"
    assert client.post("/v1/monitors", json={"packs": ["nope"]}).status_code == 400
    client.delete(f"/v1/monitors/{monitor}")


def test_without_the_engine_the_monitor_answers_501_and_the_rest_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from enforcement_rules import load_rules
    from enforcement_rules._service import ServiceConfig, create_app

    def missing(name: str) -> Any:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(_engine, "_modules", None)
    monkeypatch.setattr(_engine, "_import", missing)
    app = create_app(ServiceConfig(rules=load_rules()))

    async def calls() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as local:
            return [
                await local.post("/v1/monitors", json={"packs": ["dawukou-2024"]}),
                await local.get("/readyz"),
                await local.get("/v1/packs"),
            ]

    opened, ready, packs = asyncio.run(calls())
    assert opened.status_code == 501
    assert "durable-rules" in opened.json()["error"]
    engine = ready.json()["monitor"]
    assert engine["available"] is False and "durable-rules" in engine["reason"]
    assert packs.status_code == 200


# -- the command, and the README ----------------------------------------------------------


def test_serve_refuses_a_remote_address_without_a_token_and_names_a_missing_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote-without-token" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "fastapi", None)
    assert main(["serve"]) == 2
    assert "enforcement-rules[service]" in capsys.readouterr().err


def test_the_readme_curl_example_works_as_written(server: tuple[str, Path]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## As a service", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, "README: the service section shows a console block"
    shown: list[tuple[str, list[str]]] = []
    for line in block.group(1).replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            shown.append((line[2:], []))
        else:
            shown[-1][1].append(line)
    assert any(c.startswith("enforcement-rules serve --token-file token.txt") for c, _ in shown)
    calls = [(c, output) for c, output in shown if c.startswith("curl ")]
    assert len(calls) == 3
    for command, output in calls:  # in the service's folder, which holds token.txt
        command = command.replace("127.0.0.1:8000", server[0].removeprefix("http://"))
        command = command.replace("@examples/", f"@{ROOT}/examples/")
        done = subprocess.run(
            ["bash", "-c", command], cwd=server[1], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.rstrip("\n").splitlines() == output, command


@pytest.mark.skipif(shutil.which("java") is None, reason="java is not installed here")
def test_the_java_example_of_the_docs_calls_the_service(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    page = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    program = re.search(r"```java\n(.*?)```", page, re.S)
    run = re.search(r"\n(java CheckRecords\.java (\S+) (\S+))\s+# (.*)\n", page)
    assert program and run, "docs/service.md: the Java program and the command that runs it"
    (tmp_path / "CheckRecords.java").write_text(program.group(1), encoding="utf-8")
    done = subprocess.run(
        ["java", "CheckRecords.java", str(ROOT / run.group(2)), run.group(3)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "ENFORCEMENT_RULES_URL": server[0],
            "ENFORCEMENT_RULES_TOKEN_FILE": str(server[1] / "token.txt"),
        },
    )
    assert done.stdout.strip() == run.group(4), done.stderr
    assert done.returncode == 1


def test_the_request_log_names_each_request_but_no_record(
    server: tuple[str, Path], client: httpx.Client
) -> None:
    _check(client, _records(), department="DWK-SCJG")
    log = (server[1] / "server.log").read_text(encoding="utf-8")
    assert re.search(r"POST /v1/check 200 \d+ bytes [\d.]+ ms", log)
    for secret in ("DWK-SCJG", "大武口", "O013", TOKEN):  # a record, a query value, the token
        assert secret not in log


# -- the service's waivers ----------------------------------------------------------------

LIVE_WAIVER = (
    "规则,对象,理由,英文理由,批准人,批准日期,有效期至\n"
    "D3,A1,夜间突发事故处置，第二名持证人员在途。,The second officer was on the way.,"
    "区司法局 王敏,2024-05-01,2024-06-30\n"
)


@pytest.fixture(scope="module")
def waived_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A service started with the example's waivers and one of its own for the live lines."""
    folder = tmp_path_factory.mktemp("waived")
    (folder / "live.csv").write_text(LIVE_WAIVER, encoding="utf-8")
    waivers = ["--waivers", str(EXAMPLE / "waivers.yaml"), "--waivers", "live.csv"]
    with (
        _started(folder, *waivers) as (url, _),
        httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as opened,
    ):
        yield opened


def test_the_service_applies_its_own_waivers_to_checks_and_calendars(
    waived_client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = _check(waived_client, _records())
    assert answer.status_code == 200, answer.text
    command = ["check", str(EXAMPLE / "records.json"), "--as-of", "2024-12-31"]
    main([*command, "--format", "json", "--waivers", str(EXAMPLE / "waivers.yaml")])
    expected = json.loads(capsys.readouterr().out)
    assert answer.json()["counts"] == expected["counts"] and expected["counts"]["waived"] >= 3
    assert [w["waiver"]["approved_by"] for w in answer.json()["waived"]] == [
        w["waiver"]["approved_by"] for w in expected["waived"]
    ]
    entries = waived_client.post(
        "/v1/calendar",
        params={"as_of": "2024-12-31", "department": "DWK-ZJJT"},
        content=_records(),
        headers={"Content-Type": "application/json"},
    ).json()
    assert any(e.get("waiver") and e["rule"] == "D5" for e in entries["entries"])


@pytest.mark.usefixtures("engine_installed")
def test_a_monitor_of_the_service_tells_a_waived_finding_as_waived(
    waived_client: httpx.Client,
) -> None:
    monitor = waived_client.post("/v1/monitors", json={"packs": ["dawukou-2024"]}).json()["id"]
    lines = [json.dumps(line, ensure_ascii=False).encode() for line in LIVE_LINES]
    lines.append(json.dumps({"type": "advance_to", "moment": "2024-07-01"}).encode())
    with waived_client.stream("GET", f"/v1/monitors/{monitor}/findings") as stream:
        posted = waived_client.post(
            f"/v1/monitors/{monitor}/records",
            content=b"\n".join(lines),
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        received: list[dict[str, Any]] = []
        for line in stream.iter_lines():
            if line.startswith("data: {"):
                received.append(json.loads(line.removeprefix("data: ")))
            if len(received) == posted["events"]:
                break
    told = [(e["event"], e["rule"]) for e in received if e.get("subject", {}).get("id") == "A1"]
    assert told == [("waived", "D3"), ("raised", "D3")]  # raised again when it expired
    again = [e for e in received if e.get("subject", {}).get("id") == "A1"][-1]
    assert "豁免已于2024-06-30到期" in again["message"]
    waived_client.delete(f"/v1/monitors/{monitor}")
