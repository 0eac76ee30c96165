"""What a report is written as: JSON, CSV, Excel, the terminal table, DataFrames, HTML; and
officers named by id unless names are asked for."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._order import natural_key
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
    rules = book.load_sheet(RULE_SHEET).to_polars()
    d3 = rules.filter(pl.col(rules.columns[0]) == "D3")
    assert d3["解读 reading"].to_list() == [er.load_rules().rules["D3"].note]
    assert d3["reading (English)"].to_list() == [er.load_rules().rules["D3"].note_en]
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
    for reference in ("http:", "https:", "//", "<link", "src=", "@import", "url(", "fetch("):
        assert reference not in html.replace("<!DOCTYPE html>", ""), reference
    assert html.count("<script") == 2  # the data and the inline script, nothing loaded
    assert "<svg" in html and "<style>" in html
    for finding in report:
        assert finding.quote in html and finding.subject_id in html


def test_the_embedded_data_cannot_close_its_script_element_and_is_compressed_when_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64
    import gzip

    from enforcement_rules import _html

    data = {"findings": [["</script><script>alert(1)</script>", "<!--", "「中文」"]]}
    element = _html._embedded(data)
    body = element[element.index(">") + 1 : element.rindex("</script>")]
    assert "<" not in body and json.loads(body) == data
    monkeypatch.setattr(_html, "COMPRESS_ABOVE", 10)
    element = _html._embedded(data)
    assert 'data-encoding="gzip-base64"' in element
    packed = json.loads(element[element.index(">") + 1 : element.rindex("</script>")])
    assert json.loads(gzip.decompress(base64.b64decode(packed))) == data


def test_the_html_summary_folds_all_but_the_twenty_largest_into_one_bar() -> None:
    from enforcement_rules._html import TOP, _chart_rows

    summary = pl.DataFrame(
        {
            "rule": [f"R{i}" for i in range(30)],
            "findings": list(range(1, 31)),
            "violations": list(range(1, 31)),
            "warnings": [0] * 30,
            "pending": [0] * 30,
        }
    )
    rows = _chart_rows(summary, "rule", "", "规则")
    assert len(rows) == TOP + 1
    assert [label for label, _ in rows[:3]] == ["R29", "R28", "R27"]
    assert rows[-1][0].startswith("其余 10 个规则") and rows[-1][1]["violations"] == sum(
        range(1, 11)
    )


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


def _browser() -> str:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")
    return browser


def _rendered(browser: str, url: str, *extra: str) -> str:
    """The page's DOM once its script has run (virtual time lets the data load first)."""
    return _headless(browser, "--virtual-time-budget=10000", *extra, "--dump-dom", url).stdout


def _rows(dom: str) -> list[str]:
    body = dom[dom.index('id="findings-body"') : dom.index("</tbody>", dom.index("findings-body"))]
    return re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", body)


def test_the_html_report_renders_in_headless_chromium(report: er.Report, tmp_path: Path) -> None:
    browser = _browser()
    report.to_html(tmp_path / "report.html")
    url = (tmp_path / "report.html").as_uri()
    shot = tmp_path / "report.png"
    result = _headless(browser, f"--screenshot={shot}", "--window-size=1400,2000", url)
    assert shot.exists(), result.stderr
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a page with content, not blank
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 2000)
    dom = _rendered(browser, url)
    assert 'data-ready="1"' in dom
    assert f'<b id="count-findings">{len(report)}</b>' in dom
    assert len(_rows(dom)) == 50  # the first page
    assert 'id="page">1 / 2<' in dom
    assert "行政执法证件人员需按照执法证件授权范围,不少于2人持证执法" in dom


def test_the_html_findings_filter_sort_and_page_in_the_browser(
    report: er.Report, tmp_path: Path
) -> None:
    browser = _browser()
    report.to_html(tmp_path / "report.html")
    url = (tmp_path / "report.html").as_uri()
    dom = _rendered(browser, url + "#rule=D3")
    rows = _rows(dom)
    assert len(rows) == report.counts("rule")["D3"] and all(">D3<" in r for _, r in rows)
    dom = _rendered(browser, url + "#department=DWK-ZJJT&status=" + "未到期")
    expected = len(report.filter(department="DWK-ZJJT", status="pending"))
    assert [kind for kind, _ in _rows(dom)] == ["pending"] * expected
    dom = _rendered(browser, url + "#page=2")
    assert len(_rows(dom)) == len(report) - 50 and 'id="page">2 / 2<' in dom
    dom = _rendered(browser, url + "#q=O013")
    assert _rows(dom) and all("O013" in r for _, r in _rows(dom))
    dom = _rendered(browser, url + "#sort=rule&desc=1")
    first = re.findall(r"<td><div>(?:<a [^>]*>)?([^<]+)<", _rows(dom)[0][1])[1]
    assert first == max(report.counts("rule"), key=natural_key)


def test_the_compressed_html_report_reads_its_data_in_the_browser(
    report: er.Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from enforcement_rules import _html

    browser = _browser()
    monkeypatch.setattr(_html, "COMPRESS_ABOVE", 100)
    html = report.to_html(tmp_path / "report.html")
    assert 'data-encoding="gzip-base64"' in html
    dom = _rendered(browser, (tmp_path / "report.html").as_uri() + "#page=2")
    assert len(_rows(dom)) == len(report) - 50


def test_nothing_in_the_html_report_overflows_a_390_pixel_window(
    report: er.Report, tmp_path: Path
) -> None:
    browser = _browser()
    html = report.to_html()
    # headless windows are at least 500 pixels wide: the page is shown in a 390-pixel frame,
    # and tells the frame's parent how wide its content is once its script has run
    probe = (
        "<script>setInterval(function () { if (document.body.dataset.ready) parent.postMessage("
        '"width=" + innerWidth + " " + document.documentElement.clientWidth + " " + '
        'document.documentElement.scrollWidth, "*"); }, 50);'
        "</script>"
    )
    (tmp_path / "report.html").write_text(html.replace("</body>", probe + "</body>"), "utf-8")
    frame = (
        '<!DOCTYPE html><html><head><title>waiting</title></head><body style="margin:0">'
        '<iframe src="report.html" width="390" height="844" style="border:0"></iframe>'
        "<script>addEventListener('message', function (e) { document.title = e.data; });"
        "</script></body></html>"
    )
    (tmp_path / "phone.html").write_text(frame, "utf-8")
    dom = _rendered(browser, (tmp_path / "phone.html").as_uri(), "--allow-file-access-from-files")
    found = re.search(r"<title>width=(\d+) (\d+) (\d+)</title>", dom)
    assert found, re.findall(r"<title>[^<]*", dom)
    window, visible, content = map(int, found.groups())
    assert window == 390 and content <= visible  # no horizontal scrolling
