"""The documentation site: generated pages up to date, and the site builds in strict mode."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import enforcement_rules as er
from enforcement_rules._coverage import coverage
from enforcement_rules._rules import default_rules_dir

ROOT = Path(__file__).resolve().parents[1]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


def test_the_generated_pages_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert GENERATE.main(["--check"]) == 0, capsys.readouterr().out


def test_each_source_page_shows_every_rule_it_cites_once_and_links_to_it_after() -> None:
    ruleset = er.load_rules()
    for doc in coverage(ruleset, default_rules_dir()):
        page = (ROOT / "docs" / "sources" / f"{doc.document.id}.md").read_text(encoding="utf-8")
        for rule_id in doc.cited_rules():
            anchor = GENERATE.anchor("rule", rule_id)
            assert page.count(f'<span id="{anchor}"></span>') == 1, (doc.document.id, rule_id)
            assert page.count(f"](#{anchor})") >= 1
        assert "er-unclassified" not in page


def test_a_task_table_row_keeps_its_cells_together() -> None:
    page = (ROOT / "docs" / "sources" / "dawukou-2024.md").read_text(encoding="utf-8")
    row = page[page.index("### 第 29 行") : page.index("### 第 30 行")]
    cells = [line.split("**")[1] for line in row.splitlines() if line.startswith("> **")]
    assert cells == ["重点任务", "具体落实措施", "责任单位"]
    assert "区司法局于每年330日前制定年度行政执法监督工作方案" in row
    assert "任务 [DWK-29](#task-dwk-29)" in row


def test_a_changed_register_shows_on_the_page_as_unclassified_and_stale(
    stale_register: Path,
) -> None:
    ruleset = er.load_rules(stale_register, shipped=False)
    zunyi = next(c for c in coverage(ruleset, stale_register) if c.document.id == "zunyi-2022")
    page = GENERATE.SourcePage(zunyi, ruleset, {}).render()
    assert page.count('class="er-tag er-unclassified"') == 1
    assert "失效的登记条目 stale entries" in page and "执法考试全员参加" in page


def test_text_from_a_source_is_shown_verbatim_not_read_as_markup() -> None:
    assert GENERATE.md("《省…<关于印发…方案>的通知》*注*|x") == (
        "《省…&lt;关于印发…方案&gt;的通知》\\*注\\*\\|x"
    )


def test_the_site_builds_with_mkdocs_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    dawukou = (site / "sources" / "dawukou-2024" / "index.html").read_text(encoding="utf-8")
    assert 'id="rule-d5"' in dawukou and "第 7 行" in dawukou
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("evaluate", "Report", "Finding", "calendar", "InputError"):
        assert re.search(rf'id="enforcement_rules\.{name}"', api), name
    assert (site / "getting-started" / "legal-staff" / "index.html").exists()
    assert not _external_resources(site)


_FETCHED = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\ssrc=[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\shref=[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//"
    r"|@import\s+[\"']?(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def _external_resources(site: Path) -> list[str]:
    """Pages and assets of the built site that make a browser fetch from another host (a
    font, a script, a style sheet, an image): the site works where those hosts are blocked.
    Links a reader may follow are not fetches."""
    found = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(site)}: {m[:80]}" for m in _FETCHED.findall(text)]
    return found


def test_the_check_for_external_resources_finds_a_web_font(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto+Sans">'
        '<a href="https://github.com/x">a link is not a fetch</a>',
        encoding="utf-8",
    )
    (tmp_path / "a.css").write_text("@import url('//cdn.example/x.css');", encoding="utf-8")
    assert len(_external_resources(tmp_path)) == 2
