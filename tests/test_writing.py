"""What is written under hostile values and hostile paths: formula-safe spreadsheet cells,
iCalendar text that cannot forge events, escaped control characters on the terminal, files
replaced only whole, outputs that would replace an input refused, and every failure a located
error with exit 2."""

from __future__ import annotations

import errno
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules import _output
from enforcement_rules._cli import main
from enforcement_rules._spreadsheet import formula_safe
from enforcement_rules._terminal import printable

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024" / "records.json"
FORMULA = '=HYPERLINK("http://example.com","ALL CLEAR")'
CLEAR = "\x1b[2J\x1b[HALL CLEAR"


def hostile(tmp_path: Path) -> Path:
    """The 大武口 example with a formula for a department's name, an action id starting with
    ``+`` and ``-``, an officer named ``@SUM(…)``, a name with a bare CR forging calendar
    events and an id clearing the screen."""
    data: dict[str, list[dict[str, Any]]] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    forged = "\r".join(["END:VEVENT", "BEGIN:VEVENT", "UID:forged", "SUMMARY:forged", "x"])
    data["departments"][0]["name"] = FORMULA
    data["departments"][1]["name"] = "司法局" + forged
    data["officers"][0]["name"] = "@SUM(1+1)"
    data["actions"][0]["id"] = "+1+cmd|' /C calc'!A0"
    data["actions"][1]["id"] = "-2+3"
    data["actions"][2]["id"] = CLEAR
    path = tmp_path / "records.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def cells(path: Path) -> tuple[list[str], str]:
    """The text cells of a workbook (shared, or inline where rows are streamed) and its
    sheets' XML (formulas are ``<f>``)."""
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        strings = (
            book.read("xl/sharedStrings.xml").decode("utf-8")
            if "xl/sharedStrings.xml" in names
            else ""
        )
        sheets = "".join(
            book.read(n).decode("utf-8") for n in names if n.startswith("xl/worksheets/")
        )
    return re.findall(r"<t[^>]*>([^<]*)</t>", strings + sheets), sheets


def starts_formula(text: str) -> bool:
    return text[:1] in ("=", "+", "-", "@", "\t", "\r")


# -- spreadsheet formula injection ----------------------------------------------------------


def test_report_cells_that_would_start_a_formula_are_written_as_text(tmp_path: Path) -> None:
    records = hostile(tmp_path)
    assert (
        main(["check", str(records), "--as-of", "2024-12-31", "--output", str(tmp_path / "r.csv")])
        == 1
    )
    frame = pl.read_csv(tmp_path / "r.csv", infer_schema=False)
    texts = [v for column in frame.columns for v in frame[column].drop_nulls()]
    assert "'" + FORMULA in texts and "'-2+3" in texts
    assert not [v for v in texts if starts_formula(v)]
    assert (
        main(
            [
                "check",
                str(records),
                "--as-of",
                "2024-12-31",
                "--output",
                str(tmp_path / "r.xlsx"),
                "--with-names",
            ]
        )
        == 1
    )
    strings, sheets = cells(tmp_path / "r.xlsx")
    assert "<f>" not in sheets
    assert "'" + FORMULA.replace('"', "&quot;") in strings or "'" + FORMULA in strings
    assert not [v for v in strings if starts_formula(v)]


def test_converted_records_hold_no_formula_and_numbers_stay_numbers(tmp_path: Path) -> None:
    records = hostile(tmp_path)
    assert main(["convert", str(records), "--to", "xlsx", str(tmp_path / "r.xlsx")]) == 0
    strings, sheets = cells(tmp_path / "r.xlsx")
    assert "<f>" not in sheets and "'@SUM(1+1)" in strings
    assert not [v for v in strings if starts_formula(v)]
    assert main(["convert", str(records), "--to", "csv", str(tmp_path / "csv")]) == 0
    officers = pl.read_csv(tmp_path / "csv" / "officers.csv", infer_schema=False)
    assert officers["name"][0] == "'@SUM(1+1)"
    frame = formula_safe(pl.DataFrame({"n": [-3, 4], "s": ["-3", "ok"], "d": [None, "＝1"]}))
    assert frame.to_dict(as_series=False) == {"n": [-3, 4], "s": ["'-3", "ok"], "d": [None, "'＝1"]}


# -- iCalendar ------------------------------------------------------------------------------


def test_a_carriage_return_in_a_name_cannot_forge_calendar_events(tmp_path: Path) -> None:
    import icalendar

    records = hostile(tmp_path)
    ics = tmp_path / "due.ics"
    assert (
        main(
            [
                "calendar",
                str(records),
                "--as-of",
                "2024-12-31",
                "--ics",
                str(ics),
                "--format",
                "json",
            ]
        )
        == 0
    )
    text = ics.read_bytes()
    unfolded = text.replace(b"\r\n ", b"").split(b"\r\n")
    assert not [line for line in unfolded if line.startswith(b"UID:forged")]
    assert b"\r" not in text.replace(b"\r\n", b"")  # no bare CR: programs end lines there
    expected = len(er.calendar(er.load(records), as_of="2024-12-31"))
    parsed = icalendar.Calendar.from_ical(text)
    events = [c for c in parsed.walk("VEVENT")]
    assert len(events) == expected
    assert not any(str(e.get("UID")) == "forged" for e in events)


# -- the terminal ---------------------------------------------------------------------------


def test_control_characters_are_shown_escaped_in_tables_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = hostile(tmp_path)
    assert main(["check", str(records), "--as-of", "2024-12-31"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\\u001b[2J" in out
    assert main(["calendar", str(records), "--as-of", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "\r" not in out and "END:VEVENT\\u000dBEGIN:VEVENT" in out  # a department's name
    assert main(["obligations", str(records)]) == 0
    assert "\r" not in capsys.readouterr().out
    broken = json.loads(records.read_text(encoding="utf-8"))
    broken["actions"][2]["date"] = "2024-02-30"
    records.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(records), "--as-of", "2024-12-31"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\u001b[2J" in err
    assert printable("a\x1bb\u202ec\x9bd\ne", one_line=True) == "a\\u001bb\\u202ec\\u009bd\\u000ae"


# -- where files are written ----------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_an_unusable_output_path_is_a_located_error_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check = ["check", str(EXAMPLE), "--as-of", "2024-12-31", "--output"]
    code, err = run(capsys, *check, str(tmp_path / "missing" / "r.json"))
    assert code == 2 and "does not exist" in err and "missing" in err
    code, err = run(capsys, *check, str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, err = run(capsys, "convert", str(EXAMPLE), "--to", "csv", str(EXAMPLE))
    assert code == 2 and "replace the input" in err

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as patched:  # a read-only folder (the tests may run as root)
        patched.setattr(_output.tempfile, "mkstemp", denied)
        code, err = run(capsys, *check, str(tmp_path / "r.json"))
        assert code == 2 and "Permission denied" in err and "r.json" in err


@pytest.mark.parametrize("suffix", ["json", "csv", "xlsx", "html"])
def test_a_full_disk_leaves_the_previous_report_and_no_temporary_file(
    suffix: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / f"report.{suffix}"
    target.write_bytes(b"the previous report")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_output.os, "fsync", full)
    code, err = run(capsys, "check", str(EXAMPLE), "--as-of", "2024-12-31", "--output", str(target))
    assert code == 2 and "No space left on device" in err and str(target) in err
    assert target.read_bytes() == b"the previous report"
    assert sorted(tmp_path.iterdir()) == [target]


def test_a_writer_failing_midway_leaves_the_previous_workbook_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = er.evaluate(er.load(EXAMPLE), as_of="2024-12-31")
    target = report.to_excel(tmp_path / "report.xlsx")
    before = target.read_bytes()
    from enforcement_rules import _writers

    written = _writers._write_sheet

    def killed(sheet: Any, frame: pl.DataFrame, bold: Any) -> None:
        written(sheet, frame, bold)
        raise RuntimeError("killed while writing")

    monkeypatch.setattr(_writers, "_write_sheet", killed)
    with pytest.raises(RuntimeError, match="killed"):
        report.to_excel(target)
    assert target.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == [target]


def test_an_output_that_is_an_input_or_a_link_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.json"
    records.write_bytes(EXAMPLE.read_bytes())
    link = tmp_path / "link.json"
    link.symlink_to(records)
    for output in (records, link, tmp_path / "." / "records.json"):
        code, err = run(
            capsys, "check", str(records), "--as-of", "2024-12-31", "--output", str(output)
        )
        assert code == 2 and "replace the input" in err
    assert records.read_bytes() == EXAMPLE.read_bytes()
    other = tmp_path / "elsewhere.json"
    other.write_text("{}")
    (tmp_path / "report.json").symlink_to(other)
    code, err = run(
        capsys,
        "check",
        str(records),
        "--as-of",
        "2024-12-31",
        "--output",
        str(tmp_path / "report.json"),
    )
    assert code == 2 and "symbolic link" in err
    assert other.read_text() == "{}"
    code, _ = run(capsys, "check", str(records), "--as-of", "2024-12-31", "--output", "/dev/null")
    assert code == 1  # a device is written in place


def test_an_existing_report_is_replaced_whole_keeping_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    assert main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--output", str(target)]) == 1
    assert json.loads(target.read_text(encoding="utf-8"))["findings"]
    assert target.stat().st_mode & 0o777 == 0o640


def test_ctrl_c_ends_with_one_line_and_exit_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from enforcement_rules import _cli

    def interrupted(path: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_cli, "load", interrupted)
    assert main(["check", str(EXAMPLE), "--as-of", "2024-12-31"]) == 130
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert sys.stdout is not None


def test_a_report_piped_into_head_ends_quietly_with_its_status() -> None:
    import subprocess

    script = (
        f"{sys.executable} -m enforcement_rules._cli check {EXAMPLE} --as-of 2024-12-31 "
        "| head -1 > /dev/null; echo ${PIPESTATUS[0]}"
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "1" and "Traceback" not in done.stderr
