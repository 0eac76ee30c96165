"""The live stream under hostile input, and the findings it withdraws.

A record the monitor cannot take in is refused with its line and reason and changes nothing;
a finding that stops holding is withdrawn, so a consumer replaying the stream holds what
``Monitor.findings()`` holds at every moment."""

from __future__ import annotations

import io
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import enforcement_rules as er
from enforcement_rules._cli import main
from monitoring import action, certificate, needs_engine, officer, replay, standing, training
from test_monitor_equivalence import EXAMPLES, month_ends, record_sets

pytestmark = needs_engine
Key = tuple[str, str, str | None, str | None]


def key_of(finding: er.Finding) -> Key:
    return (finding.rule, finding.subject_id, finding.period, finding.department)


def order(finding: er.Finding) -> tuple[str, ...]:
    return tuple(value or "" for value in key_of(finding))


class Consumer:
    """Holds what a monitor's callbacks told: each finding raised, less those resolved."""

    def __init__(self) -> None:
        self.held: dict[Key, er.Finding] = {}
        self.resolved = 0

    def raised(self, finding: er.Finding) -> None:
        self.held[key_of(finding)] = finding

    def resolve(self, finding: er.Finding) -> None:
        assert self.held.pop(key_of(finding)) == finding  # only what was told is withdrawn
        self.resolved += 1

    def findings(self) -> list[er.Finding]:
        return sorted(self.held.values(), key=order)


def replayed_agrees(data: dict[str, list[dict[str, Any]]], days: list[date]) -> int:
    """Replay ``data``: at every day, a consumer of a monitor that tells pending findings holds
    its ``findings()``, and a consumer of one keeping no act findings (the stream's mode) holds
    the same less the pending ones. The findings resolved."""
    told, stream = Consumer(), Consumer()
    options: dict[str, Any] = {"on_finding": told.raised, "on_resolved": told.resolve}
    with (
        er.Monitor(pending=True, **options) as monitor,
        er.Monitor(
            on_finding=stream.raised, on_resolved=stream.resolve, keep_findings=False
        ) as streaming,
    ):
        for (day, found), _ in zip(
            replay(monitor, data, days), replay(streaming, data, days), strict=True
        ):
            expected = sorted(found, key=order)
            assert told.findings() == expected, f"as of {day}"
            due = [f for f in expected if f.status != er.Status.PENDING]
            assert stream.findings() == due, f"as of {day} (the stream)"
    return told.resolved


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_replaying_what_the_monitor_told_gives_its_findings_every_month(example: Path) -> None:
    data = json.loads(example.read_text(encoding="utf-8"))
    days = month_ends(date(2021, 1, 1), date(2025, 6, 30))
    assert replayed_agrees(data, days) > 0  # findings were withdrawn along the way


@settings(
    max_examples=int(os.environ.get("STREAM_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(record_sets())
def test_replaying_a_generated_stream_gives_the_monitors_findings(
    case: tuple[dict[str, list[dict[str, Any]]], list[date]],
) -> None:
    data, checkpoints = case
    replayed_agrees(data, checkpoints)


def test_a_publication_dated_after_the_decision_withdraws_its_finding_when_its_day_comes() -> None:
    told = Consumer()
    with er.Monitor(
        packs=["guanghan-2023"],
        on_finding=told.raised,
        on_resolved=told.resolve,
        keep_findings=False,
        pending=True,
    ) as monitor:
        monitor.post(
            {
                "id": "GH",
                "name": "广汉市司法局",
                "region": ["四川省", "德阳市", "广汉市"],
                "level": "county",
                "domain": "司法行政",
            },
            "departments",
        )
        review = {
            "major": True,
            "decided_on": "2024-05-10",
            "legal_review_on": "2024-05-20",
            "publicized_on": "2024-05-12",
            "recorded": True,
        }
        monitor.post({**action("A1", "2024-05-10"), "department": "GH", **review}, "actions")
        held = {(k[0], k[1]): f.status for k, f in told.held.items()}
        assert held[("G13.review", "A1")] == er.Status.MISSING
        # its publication is due within 7 working days of the decision: pending meanwhile
        assert held[("G13.publicity", "A1")] == er.Status.PENDING
        monitor.advance_to("2024-06-30")  # the publication and the review have come
        held = {(k[0], k[1]): f.status for k, f in told.held.items()}
        assert ("G13.publicity", "A1") not in held and told.resolved == 1
        assert held[("G13.review", "A1")] == er.Status.LATE  # reviewed after the decision


# -- a bad record changes nothing ------------------------------------------------------------


def _run(bad: dict[str, Any] | None) -> tuple[list[er.Finding], list[str]]:
    """Officers, trainings (``bad`` among them), actions and the year end; the findings, and the
    refusals."""
    refused = []
    with er.Monitor(packs=["dawukou-2024"]) as monitor:
        standing(monitor, "O1", "O2")
        monitor.post(training("O1", "2024-03-01", 20), "trainings")
        if bad is not None:
            try:
                monitor.post(bad)
            except er.InputError as error:
                refused.append(str(error))
        monitor.post(training("O2", "2024-03-02", 70), "trainings")
        monitor.post(action("A1", "2024-05-10", "O1"), "actions")
        monitor.advance_to("2025-01-01")
        return monitor.findings(), refused


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"type": "training", **training("O1", "2024-03-01", float("inf"))}, "'hours'"),
        ({"type": "training", **training("O1", "2024-03-01", float("nan"))}, "'hours'"),
        ({"type": "training", **training("O1", "2024-03-01", 1e308)}, "'hours'"),
        ({"type": "officer", **officer("O1", name="\ud800")}, "'name'"),
        (
            {
                "type": "department",
                "id": "X",
                "name": "x",
                "region": ["a"],
                "level": "county",
                "domain": "综合行政执法",
                "enforcement_staff": 2**70,
            },
            "'enforcement_staff'",
        ),
    ],
    ids=["Infinity hours", "NaN hours", "1e308 hours", "lone surrogate", "2**70 staff"],
)
def test_a_record_the_engine_cannot_compare_is_refused_and_changes_nothing(
    bad: dict[str, Any], reason: str
) -> None:
    expected, _ = _run(None)
    found, refused = _run(bad)
    assert len(refused) == 1 and reason in refused[0]
    assert found == expected


def test_hours_written_in_exponent_form_reach_the_engine() -> None:
    # durable's parser refused 1e-05 (Python's form of 0.00001): the monitor broke on it
    with er.Monitor(packs=["dawukou-2024"]) as monitor:
        standing(monitor, "O1")
        monitor.post(training("O1", "2024-03-01", 0.00001), "trainings")
        monitor.advance_to("2025-01-01")
        assert {f.subject_id for f in monitor.findings() if f.rule == "D1"} == {"O1"}


# -- watch reads bytes, line by line ---------------------------------------------------------


def _watch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: bytes
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(["watch", "--pack", "dawukou-2024"])
    out, err = capsys.readouterr()
    errors = [json.loads(x) for x in err.splitlines()]
    return code, [json.loads(x) for x in out.splitlines()], [e for e in errors if "note" not in e]


def _json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def test_watch_refuses_each_unreadable_line_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    standing_lines = [
        _json(
            {
                "type": "department",
                **{
                    "id": "ZHZF",
                    "name": "大武口区综合执法局",
                    "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
                    "level": "county",
                    "domain": "综合行政执法",
                },
            }
        ),
        _json({"type": "officer", **officer("O1", name="张\u2028三\u0085")}),  # separators are text
        _json({"type": "certificate", **certificate("O1")}),
    ]
    hostile = [
        '{"type": "officer", "id": "O9", "name": "张三"}'.encode("gb18030"),  # 4
        b'{"type": "officer", "id": "O9", "name": "\xff\xfe"}',  # 5: invalid UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # 6: nested too deep
        b'{"type": "department", "id": "X", "enforcement_staff": ' + b"9" * 5000 + b"}",  # 7
        _json({"type": "training", **training("O1", "2024-03-01", 1)}).replace(b"1}", b"Infinity}"),
        _json({"type": "action", **action("A0", "9999-12-31T23:00:00-12:00", "O1")}),  # 9
    ]
    after = [_json({"type": "action", **action("A1", "2024-05-10", "O1")})]  # line 10
    data = b"\r\n".join([*standing_lines, *hostile, *after]) + b"\r\n"
    code, out, err = _watch(monkeypatch, capsys, data)
    assert code == 2
    assert [e["line"] for e in err] == [4, 5, 6, 7, 8, 9]
    assert "UTF-8" in err[0]["error"] and "UTF-8" in err[1]["error"]
    assert "nested at most 32 deep" in err[2]["error"]
    assert [(f["rule"], f["subject"]["id"]) for f in out if f["subject"]["type"] == "action"] == [
        ("D3", "A1")
    ]


def test_watch_piped_into_head_stops_quietly_with_the_status_of_what_it_printed(
    tmp_path: Path,
) -> None:
    import subprocess

    records = [
        {
            "type": "department",
            "id": "ZHZF",
            "name": "大武口区综合执法局",
            "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
            "level": "county",
            "domain": "综合行政执法",
        },
        {"type": "officer", **officer("O1")},
    ] + [{"type": "action", **action(f"A{n}", "2024-05-10", "O1")} for n in range(2000)]
    source = tmp_path / "stream.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    script = (
        f"{sys.executable} -m enforcement_rules._cli watch --pack dawukou-2024 < {source} "
        "| head -1 > /dev/null; echo ${PIPESTATUS[0]}"
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "1"  # violations were printed before the reader left
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_watch_keeps_the_json_limits_of_every_file_reader(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # a number of 31 digits and nesting 33 deep are refused by a JSON Lines file: so by watch
    long_number = b'{"type": "department", "id": "X", "enforcement_staff": ' + b"9" * 31 + b"}"
    deep = b'{"type": "officer", "id": "O9", "x": ' + b"[" * 33 + b"]" * 33 + b"}"
    path = tmp_path / "records.jsonl"
    path.write_bytes(long_number + b"\n" + deep + b"\n")
    with pytest.raises(er.InputError) as refused:
        er.load(path)
    assert len(refused.value.problems) == 2
    code, _, err = _watch(monkeypatch, capsys, long_number + b"\n" + deep + b"\n")
    assert code == 2
    assert [e["line"] for e in err] == [1, 2]
    assert "at most 30 digits" in err[0]["error"]
    assert "nested at most 32 deep" in err[1]["error"]
