"""The enforcement-rules command: exit codes, formats and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._table import display_width

EXAMPLE = Path(__file__).parents[1] / "examples" / "dawukou-2024" / "records.json"


def _report() -> er.Report:
    return er.evaluate(er.load(EXAMPLE), as_of="2024-12-31")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_exits_1_when_the_example_has_violations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31")
    assert code == 1
    assert "D3" in out and "「行政执法证件人员需按照执法证件授权范围,不少于2人持证执法」" in out


def test_check_exits_0_before_anything_is_due(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-04-01")
    assert code == 0, out


def test_check_json_is_the_reports_dict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(
        capsys,
        "check",
        str(EXAMPLE),
        "--as-of",
        "2024-12-31",
        "--format",
        "json",
        "--output",
        str(target),
        "--pack",
        "dawukou-2024",
    )
    assert code == 1 and out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["packs"] == ["dawukou-2024"]
    violations = [
        f for f in data["findings"] if f["severity"] == "violation" and f["status"] != "pending"
    ]
    assert data["counts"]["violations"] == len(violations) > 0
    first = data["findings"][0]
    assert {"rule", "subject", "figures", "due", "message", "message_en", "sources", "fix"} <= set(
        first
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "missing.json", "--as-of", "2024-12-31"], "an existing file"),
        (["check", str(EXAMPLE), "--as-of", "2024-12-32"], "as_of"),
        (["check", str(EXAMPLE), "--as-of", "2024-12-31", "--pack", "nope"], "unknown pack nope"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_a_bad_record_file_exits_2_naming_record_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "records.json"
    path.write_text(
        json.dumps({"officers": [{"id": "O1", "department": "D", "employment": "x"}]}),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check", str(path), "--as-of", "2024-12-31")
    assert code == 2
    assert "officers[0] (id=O1)" in err and "'employment'" in err


def test_the_table_lines_up_chinese_columns(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31")
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("规则"))
    rows = lines[header + 2 : lines.index("", header)]
    starts = {display_width(row[: row.index("DWK-")]) for row in rows}
    assert len(starts) == 1, starts


def test_rules_lists_ids_titles_and_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--pack", "guanghan-2023")
    assert code == 0
    assert "G2 · " in out and "「每名执法人员每年接受不少于60学时" in out and "D3 · " not in out


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert "officers" in json.loads(out)["properties"]


# -- the terminal table, filters and what the command says -------------------------------


def test_the_table_fits_the_width_it_is_given_cutting_or_wrapping_chinese_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    for command in (
        ["check", str(EXAMPLE), "--as-of", "2024-12-31"],
        ["rules"],
        ["obligations"],
        ["calendar", str(EXAMPLE), "--as-of", "2024-12-31"],
    ):
        _, out, _ = run(capsys, *command)
        assert max(display_width(line) for line in out.splitlines()) <= 72, command
    _, out, _ = run(capsys, "obligations")
    assert "…" in out  # a long title is cut, not spilled over the next column


def test_wrapping_breaks_between_chinese_characters_and_keeps_ids_whole() -> None:
    from enforcement_rules._table import wrap

    text = (
        "执法行为 DWK-2024-0094(2024-08-20,行政强制)参与人员 2 人,其中持当日有效执法证件的 1 人。"
    )
    lines = wrap(text, 20)
    assert all(display_width(line) <= 20 for line in lines.splitlines())
    assert "DWK-2024-0094" in lines and not any(
        line.startswith("。") for line in lines.splitlines()
    )
    assert lines.replace("\n", "").replace(" ", "") == text.replace(" ", "")


def test_pending_findings_are_counted_but_listed_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    _, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31")
    pending = len(_report().filter(status="pending"))
    assert pending and f"未到期 pending {pending}" in out and f"未到期的 {pending} 项未列出" in out
    assert "未到期  " not in out and "违规·未到期" not in out
    _, listed, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--pending")
    assert "未到期  " in listed and "违规·未到期" not in listed
    assert len(listed.splitlines()) > len(out.splitlines())


def test_a_pending_finding_reads_not_yet_due_not_a_violation() -> None:
    import enforcement_rules as er

    report = er.evaluate(er.load(EXAMPLE), as_of="2024-12-31")
    pending = report.filter(status="pending").findings[0]
    assert "（未到期）" in pending.explain().splitlines()[0]
    late = report.filter(status="late").findings[0]
    assert "（违规·逾期）" in late.explain().splitlines()[0]


def test_rule_ids_are_in_natural_order(capsys: pytest.CaptureFixture[str]) -> None:
    import enforcement_rules as er

    report = er.evaluate(er.load(EXAMPLE), as_of="2024-12-31")
    rules = list(report.counts("rule"))
    assert rules.index("D2.report") < rules.index("D12") and rules.index("D9") < rules.index("D12")
    _, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--summary")
    assert out.index("\nD9 ") < out.index("\nD12 ") < out.index("\nD13 ")


def test_filters_narrow_the_report_and_its_exit_status(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = ["check", str(EXAMPLE), "--as-of", "2024-12-31"]
    code, out, _ = run(capsys, *base, "--rule", "D3", "--rule", "D1", "--format", "csv")
    assert code == 1 and {line.split(",")[2] for line in out.splitlines()[1:]} == {"D1", "D3"}
    target = tmp_path / "r.json"
    run(capsys, *base, "--skip-rule", "XZCF.47", "--output", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["findings"] and "XZCF.47" not in {f["rule"] for f in data["findings"]}
    code, _, _ = run(capsys, *base, "--status", "pending")
    assert code == 0  # nothing due among what is left: no violations
    code, out, _ = run(capsys, *base, "--department", "DWK-SCJG", "--severity", "violation")
    assert code == 1 and "DWK-ZJJT" not in out
    code, _, err = run(capsys, *base, "--skip-rule", "D99")
    assert code == 2 and "unknown rule D99" in err


def test_the_summary_counts_per_rule_and_per_department_and_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--summary")
    assert "按规则 by rule" in out and "按部门和规则 by department and rule" in out
    row = next(line for line in out.splitlines() if line.startswith("XZCF.47 "))
    assert row.split()[1] == "30"


def test_the_table_lists_at_most_limit_findings_and_says_how_many_more(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--limit", "5")
    due = len(_report()) - len(_report().filter(status="pending"))
    assert f"另有 {due - 5} 项未列出" in out


def test_a_command_that_writes_a_file_says_what_it_wrote_and_shows_no_progress_when_piped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.csv"
    _, out, err = run(
        capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--output", str(target)
    )
    assert out == "" and err == f"已写入 wrote {target}: {len(_report())} 项发现 findings (csv)\n"
    ics = tmp_path / "c.ics"
    _, _, err = run(capsys, "calendar", str(EXAMPLE), "--as-of", "2024-12-31", "--ics", str(ics))
    assert f"已写入 wrote {ics}" in err and ics.exists()
    _, _, err = run(capsys, "convert", str(EXAMPLE), "--to", "jsonl", str(tmp_path / "r.jsonl"))
    assert "已写入 wrote" in err


def test_calendar_takes_the_same_filters(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["calendar", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "json"]
    _, out, _ = run(capsys, *base, "--department", "DWK-ZJJT", "--status", "missing")
    entries = json.loads(out)["entries"]
    assert entries and {(e["department"], e["status"]) for e in entries} == {
        ("DWK-ZJJT", "missing")
    }
    _, out, _ = run(capsys, *base, "--skip-rule", "D9")
    assert "D9" not in {e["rule"] for e in json.loads(out)["entries"]}


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("enforcement-rules ")
