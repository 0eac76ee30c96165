"""``enforcement-rules watch``: JSON Lines in, findings out as soon as they arise."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from enforcement_rules import load_rules
from enforcement_rules._cli import main
from enforcement_rules._monitor import DATED
from enforcement_rules._rulebase import KINDS
from monitoring import DEPARTMENT, action, certificate, needs_engine, officer

pytestmark = needs_engine
ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024" / "records.json"
WAIVERS = EXAMPLE.parent / "waivers.yaml"


def lines(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def typed(record_type: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"type": record_type, **record}


def about(findings: list[dict[str, Any]], subject_type: str) -> list[dict[str, Any]]:
    """The findings about one type of subject (the pack's reports and ratios follow the clock
    too)."""
    return [f for f in findings if f["subject"]["type"] == subject_type]


def key(finding: dict[str, Any]) -> tuple[str, str, str | None, str | None]:
    subject = finding["subject"]
    return (finding["rule"], subject["id"], finding["period"], subject["department"])


def replayed(out: list[dict[str, Any]]) -> dict[tuple[str, str, str | None, str | None], Any]:
    """What a consumer of the stream holds: each finding raised (or waived), less those
    resolved, as its latest line tells it."""
    held: dict[tuple[str, str, str | None, str | None], Any] = {}
    for line in out:
        if line.get("event") == "resolved":
            del held[key(line["finding"])]  # only what was raised is resolved
        else:
            held[key(line)] = line
    return held


def watch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, *args: str
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["watch", *args])
    out, err = capsys.readouterr()
    errors = [json.loads(x) for x in err.splitlines()]
    return code, [json.loads(x) for x in out.splitlines()], [e for e in errors if "note" not in e]


STANDING = [
    typed("department", DEPARTMENT),
    typed("officer", officer("O1")),
    typed("officer", officer("O2")),
    typed("certificate", certificate("O1")),
    typed("certificate", certificate("O2")),
]


def test_watch_prints_each_finding_as_a_json_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = lines(
        *STANDING,
        typed("action", action("A1", "2024-05-10", "O1")),
        typed("action", action("A2", "2024-05-10", "O1", "O2")),
    )
    code, out, err = watch(monkeypatch, capsys, text, "--pack", "dawukou-2024")
    assert code == 1 and err == []
    acts = about(out, "action")
    assert [(f["rule"], f["subject"]["id"], f["status"]) for f in acts] == [("D3", "A1", "not_met")]
    assert (
        acts[0]["sources"][0]["quote"] == "行政执法证件人员需按照执法证件授权范围,不少于2人持证执法"
    )


def test_a_bad_line_gets_an_error_line_with_its_number_and_the_stream_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        lines(*STANDING)
        + "{not json\n"
        + lines({"type": "action", "id": "A0", "date": "2024-02-30"})
        + "\n"
        + lines({"type": "memo", "id": "M1"}, typed("action", action("A1", "2024-05-10", "O1")))
    )
    code, out, err = watch(monkeypatch, capsys, text, "--pack", "dawukou-2024")
    assert code == 2
    assert [e["line"] for e in err] == [6, 7, 9]
    assert "expected a JSON object" in err[0]["error"]
    assert err[1]["error"].startswith("action (id=A0): ")
    assert "field 'date': expected a real calendar date" in err[1]["error"]
    assert "expected a record type" in err[2]["error"]
    assert [f["subject"]["id"] for f in about(out, "action")] == ["A1"]  # after the bad ones


def test_the_clock_starts_at_as_of_and_moves_with_advance_to_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = lines(
        *STANDING,
        {"type": "advance_to", "moment": "2024-06-30"},
        {"type": "advance_to", "moment": "2024-06-29"},
    )
    code, out, err = watch(
        monkeypatch, capsys, text, "--pack", "dawukou-2024", "--as-of", "2024-06-01"
    )
    assert code == 2 and [e["line"] for e in err] == [7]
    assert "only moves forward" in err[0]["error"]
    assert sorted((f["rule"], f["subject"]["id"], f["status"]) for f in about(out, "officer")) == [
        ("D2.rotation", "O1", "not_met"),
        ("D2.rotation", "O2", "not_met"),
    ]
    # the reports due on 30 June arose with it
    assert {f["rule"] for f in about(out, "department") if f["due"] == "2024-06-30"} == {
        "D2.report",
        "D6",
    }


def test_pending_findings_are_printed_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = lines(*STANDING)
    _, out, _ = watch(monkeypatch, capsys, text, "--pack", "dawukou-2024", "--as-of", "2024-05-01")
    assert out and all(f["status"] != "pending" for f in out)
    _, with_pending, _ = watch(
        monkeypatch, capsys, text, "--pack", "dawukou-2024", "--as-of", "2024-05-01", "--pending"
    )
    pending = [f for f in with_pending if f["status"] == "pending"]
    assert [f for f in with_pending if f["status"] != "pending"] == out
    assert {("D1", "O1"), ("D2.rotation", "O2"), ("D2.report", "ZHZF"), ("D9", "ZHZF")} <= {
        (f["rule"], f["subject"]["id"]) for f in pending
    }


def test_the_rules_not_followed_live_are_noted_once_by_kind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for pack in ("zunyi-2022", "dawukou-2024"):
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        assert main(["watch", "--pack", pack]) == 0
        assert capsys.readouterr().err == ""  # every rule of the pack is followed
    kind = KINDS["contest_ranking"]
    monkeypatch.setattr(kind, "tracker", None)
    monkeypatch.setattr(kind, "not_followed", "left out for this test")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["watch", "--pack", "zunyi-2022"]) == 0
    (note,) = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert note["skipped"] == {
        "contest_ranking": {"rules": ["Z10"], "reason": "left out for this test"}
    }


def test_an_unknown_pack_or_start_day_stops_watch_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["watch", "--pack", "nowhere"]) == 2
    assert "unknown pack nowhere" in capsys.readouterr().err
    assert main(["watch", "--as-of", "2024-13-01"]) == 2
    assert "start: expected" in capsys.readouterr().err


def test_the_shipped_example_streamed_gives_the_findings_check_reports(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    stream = [typed(t, r) for t, records in data.items() if t not in DATED for r in records]
    acts = sorted(
        (
            typed(t, r)
            for t, records in data.items()
            if t in DATED
            for r in records
            if str(r[DATED[t]])[:10] <= "2024-12-31"  # the state as of that day
        ),
        key=lambda r: str(r[DATED[r["type"]]])[:10],
    )
    text = lines(*stream, *acts, {"type": "advance_to", "moment": "2024-12-31"})
    code, out, err = watch(monkeypatch, capsys, text, "--pending")
    assert code == 1 and err == []
    assert main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    # findings later resolved (an officer's late rotation training) are withdrawn by a line of
    # their own: replaying the stream gives exactly what check reports
    latest = replayed(out)
    assert any(line["event"] == "resolved" for line in out)
    rules = load_rules().rules
    checked = {
        key(f): f
        for f in report["findings"]
        if f["rule"] in rules and type(rules[f["rule"]]).tracker is not None
    }
    assert {k[0] for k in checked} >= {"D1", "D3", "D4", "D2.rotation", "D13", "D5", "D.tasks"}
    assert set(latest) == set(checked)
    assert {k: f["status"] for k, f in checked.items()} == {k: latest[k]["status"] for k in checked}
    assert {k: f["figures"] for k, f in checked.items()} == {
        k: latest[k]["figures"] for k in checked
    }


def test_with_waivers_the_streamed_example_gives_what_check_reports_found_and_waived(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    stream = [typed(t, r) for t, records in data.items() if t not in DATED for r in records]
    acts = sorted(
        (typed(t, r) for t, records in data.items() if t in DATED for r in records),
        key=lambda r: str(r[DATED[r["type"]]])[:10],
    )
    acts = [a for a in acts if str(a[DATED[a["type"]]])[:10] <= "2024-12-31"]
    text = lines(*stream, *acts, {"type": "advance_to", "moment": "2024-12-31"})
    code, out, err = watch(monkeypatch, capsys, text, "--pending", "--waivers", str(WAIVERS))
    assert code == 1 and err == []
    command = ["check", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "json"]
    assert main([*command, "--waivers", str(WAIVERS)]) == 1
    report = json.loads(capsys.readouterr().out)
    latest = replayed(out)
    waived = {k for k, line in latest.items() if line["event"] == "waived"}
    assert waived == {key(w) for w in report["waived"]} and len(waived) >= 3
    found = {k: line for k, line in latest.items() if line["event"] == "raised"}
    assert set(found) == {key(f) for f in report["findings"]}
    expired = [f for f in report["findings"] if "豁免已于" in f["message"]]
    assert expired and all(found[key(f)]["message"] == f["message"] for f in expired)


def test_a_waiver_streamed_waives_from_its_approval_and_raises_again_after_its_last_day(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(
        "规则,对象,理由,英文理由,批准人,批准日期,有效期至\n"
        "D3,A1,夜间突发事故处置，第二名持证人员在途。,The second officer was on the way.,"
        "区司法局 王敏,2024-06-01,2024-06-30\n",
        encoding="utf-8",
    )
    text = lines(
        *STANDING,
        typed("action", action("A1", "2024-05-10", "O1")),
        {"type": "advance_to", "moment": "2024-06-01"},
        {"type": "advance_to", "moment": "2024-06-30"},
        {"type": "advance_to", "moment": "2024-07-01"},
    )
    code, out, err = watch(
        monkeypatch, capsys, text, "--pack", "dawukou-2024", "--waivers", str(waivers)
    )
    told = [(f["event"], f["message"]) for f in out if f.get("subject", {}).get("id") == "A1"]
    assert [event for event, _ in told] == ["raised", "waived", "raised"]
    assert "豁免已于2024-06-30到期" in told[2][1] and "豁免" not in told[0][1]
    waived = next(f for f in out if f["event"] == "waived")
    assert waived["waiver"]["approved_by"] == "区司法局 王敏" and waived["status"] == "not_met"
    assert code == 1 and err == []


def test_a_waiver_of_an_unknown_rule_stops_watch_with_exit_2_naming_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        WAIVERS.read_text(encoding="utf-8").replace("rule: D17", "rule: D71"), encoding="utf-8"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["watch", "--waivers", str(waivers)]) == 2
    error = capsys.readouterr().err
    assert "waivers.yaml" in error and "D71" in error and "Traceback" not in error


def test_findings_are_written_while_the_input_is_still_open() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "enforcement_rules._cli", "watch", "--pack", "dawukou-2024"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(lines(*STANDING, typed("action", action("A1", "2024-05-10", "O1"))))
        process.stdin.flush()
        first: list[str] = []

        def read() -> None:  # up to the action's finding (the clock's come first)
            while line := process.stdout.readline():  # type: ignore[union-attr]
                first.append(line)
                if json.loads(line)["subject"]["id"] == "A1":
                    return

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=60)
        assert first and json.loads(first[-1])["subject"]["id"] == "A1"
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
        if process.stderr:
            process.stderr.close()
    assert process.returncode == 1
