"""The enforcement-rules command: exit codes, formats and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enforcement_rules._cli import main
from enforcement_rules._table import display_width

EXAMPLE = Path(__file__).parents[1] / "examples" / "dawukou-2024" / "records.json"


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
