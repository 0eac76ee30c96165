"""What a report is written as: JSON, CSV, Excel, the terminal table, DataFrames, HTML; and
officers named by id unless names are asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._writers import DEPARTMENT_SHEET, FINDINGS_SHEET, RULE_SHEET

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024" / "records.json"


@pytest.fixture(scope="module")
def records() -> er.Records:
    return er.load(EXAMPLE)


@pytest.fixture(scope="module")
def report(records: er.Records) -> er.Report:
    return er.evaluate(records, as_of="2024-12-31")


@pytest.fixture(scope="module")
def officer_names(records: er.Records) -> list[str]:
    return records.officers["name"].drop_nulls().to_list()


def test_the_csv_report_has_a_row_per_finding_with_its_quote_and_opens_in_spreadsheets(
    report: er.Report, tmp_path: Path
) -> None:
    path = report.to_csv(tmp_path / "findings.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese
    frame = pl.read_csv(path, infer_schema=False)
    assert frame.height == len(report)
    d3 = frame.filter(pl.col("rule") == "D3")
    assert d3["quote"].to_list()[0] == "行政执法证件人员需按照执法证件授权范围,不少于2人持证执法"
    assert set(d3["department_name"]) <= set(report.names.departments.values())


def test_the_excel_report_has_findings_and_a_summary_per_department_and_rule(
    report: er.Report, tmp_path: Path
) -> None:
    import fastexcel

    path = report.to_excel(tmp_path / "report.xlsx")
    book = fastexcel.read_excel(str(path))
    assert book.sheet_names == [FINDINGS_SHEET, DEPARTMENT_SHEET, RULE_SHEET]
    findings = book.load_sheet(FINDINGS_SHEET).to_polars()
    assert findings.height == len(report)
    departments = book.load_sheet(DEPARTMENT_SHEET).to_polars()
    assert departments.height == len(report.names.departments)  # those without findings too
    counted = dict(zip(departments[:, 0], departments["发现 findings"], strict=True))
    assert counted == {k: v for k, v in report.counts("department").items() if k} | {
        k: 0 for k in report.names.departments if k not in report.counts("department")
    }


def test_the_pandas_frame_holds_what_the_polars_frame_holds(report: er.Report) -> None:
    frame = report.to_pandas()
    assert list(frame.columns) == report.to_frame().columns
    assert len(frame) == len(report)


def test_filter_narrows_by_rule_and_department(report: er.Report) -> None:
    narrowed = report.filter(rule="D3", department="DWK-SCJG")
    assert len(narrowed) > 0
    assert {(f.rule, f.department) for f in narrowed} == {("D3", "DWK-SCJG")}
    assert len(report.filter(rule="D3")) == report.counts("rule")["D3"]


def test_officers_are_named_by_id_unless_names_are_asked_for(
    report: er.Report, officer_names: list[str], tmp_path: Path
) -> None:
    finding = report.filter(rule="D1").findings[0]
    name = report.names.officers[finding.subject_id]
    outputs = {
        "json": report.to_json(),
        "csv": report.to_csv(tmp_path / "a.csv").read_text(encoding="utf-8-sig"),
        "html": report.to_html(),
        "frame": report.to_frame().write_csv(),
        "explain": "\n".join(report.explain(f) for f in report),
    }
    for kind, text in outputs.items():
        assert not [n for n in officer_names if n in text], kind
    assert name in report.to_json(with_names=True)
    assert name in report.to_html(with_names=True)
    assert name in report.explain(finding, with_names=True)
    named = report.to_frame(with_names=True).filter(pl.col("subject_id") == finding.subject_id)
    assert f"{finding.subject_id} {name}" in named["officer_names"].to_list()


def test_the_cli_writes_each_format_from_the_output_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], officer_names: list[str]
) -> None:
    for suffix in ("json", "csv", "xlsx", "html"):
        target = tmp_path / f"report.{suffix}"
        assert main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--output", str(target)]) == 1
        assert target.stat().st_size > 1000
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["findings"]
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    main(["check", str(EXAMPLE), "--as-of", "2024-12-31"])
    plain = capsys.readouterr().out
    main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--with-names"])
    named = capsys.readouterr().out
    assert not [n for n in officer_names if n in plain]
    assert [n for n in officer_names if n in named]


def test_an_xlsx_report_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err


# -- the HTML report ----------------------------------------------------------------------


def test_the_html_report_is_one_file_that_fetches_nothing(report: er.Report) -> None:
    html = report.to_html()
    for reference in ("http:", "https:", "//", "<script", "<link", "src=", "@import", "url("):
        assert reference not in html.replace("<!DOCTYPE html>", ""), reference
    assert "<svg" in html and "<style>" in html
    for finding in report:
        assert finding.quote in html and finding.subject_id in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def test_the_html_report_renders_in_headless_chromium(report: er.Report, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")
    page = report.to_html(tmp_path / "report.html")
    assert page
    url = (tmp_path / "report.html").as_uri()
    shot = tmp_path / "report.png"
    result = _headless(browser, f"--screenshot={shot}", "--window-size=1400,2000", url)
    assert shot.exists(), result.stderr
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a page with content, not blank
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 2000)
    dom = _headless(browser, "--dump-dom", url).stdout
    assert f'<b id="count-findings">{len(report)}</b>' in dom
    assert dom.count("<tr class=") == len(report)
    assert "行政执法证件人员需按照执法证件授权范围,不少于2人持证执法" in dom


def test_the_json_is_compact_by_default_and_holds_exactly_what_to_dict_holds(
    report: er.Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for with_names in (False, True):
        expected = report.to_dict(with_names=with_names)
        text = report.to_json(with_names=with_names)
        assert "\n" not in text and json.loads(text) == expected
        written = report.write_json(tmp_path / "r.json", with_names=with_names)
        assert json.loads(written.read_text(encoding="utf-8")) == expected
        indented = report.to_json(indent=2, with_names=with_names)
        assert indented.startswith('{\n  "as_of"') and json.loads(indented) == expected
    empty = report.filter(rule="D99")
    assert json.loads(empty.to_json()) == empty.to_dict()
    assert json.loads(empty.write_json(tmp_path / "e.json").read_text("utf-8")) == empty.to_dict()
    target = tmp_path / "indented.json"
    main(["check", str(EXAMPLE), "--as-of", "2024-12-31", "--output", str(target), "--indent", "1"])
    assert target.read_text(encoding="utf-8").startswith('{\n "as_of"')


def test_a_workbook_holding_part_of_the_findings_names_how_many_it_left_out(
    report: er.Report, tmp_path: Path
) -> None:
    import fastexcel

    path = report.to_excel(tmp_path / "report.xlsx", limit=10)
    book = fastexcel.read_excel(str(path))
    findings = book.load_sheet(FINDINGS_SHEET, header_row=None).to_polars()
    assert findings.height == 1 + 10 + 1  # the header, ten findings, the note
    assert f"另有 {len(report) - 10} 项未列出" in findings[-1, 0]
    rules = book.load_sheet(RULE_SHEET).to_polars()
    assert rules["发现 findings"].sum() == len(report)  # the summaries count every finding
