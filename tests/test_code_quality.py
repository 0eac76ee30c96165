"""ruff and mypy (strict on src/) are part of the test suite, so CI holds them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "src", "tests", "examples")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing_in_src() -> None:
    result = _run("mypy", "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_imports_another_modules_private_names() -> None:
    package = ROOT / "src" / "enforcement_rules"
    modules = {p.stem for p in package.rglob("*.py")} | {p.name for p in package.iterdir()}
    imported = [
        f"{path.relative_to(package)}:{node.lineno}: {alias.name} from {node.module}"
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
        if alias.name not in modules  # a private module is imported by its name
    ]
    assert imported == []


def test_the_kinds_depend_on_no_module_above_them() -> None:
    """``_kinds`` reads a check's context through the ``_rulebase.Context`` protocol: no kind
    imports ``_context``, ``_evaluate``, ``_monitor`` or the command."""
    above = {"_context", "_evaluate", "_monitor", "_cli", "_report", "_calendar"}
    found = [
        f"{path.name}:{node.lineno}: {node.module}"
        for path in (ROOT / "src" / "enforcement_rules" / "_kinds").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").lstrip(".").split(".")[0] in above
    ]
    assert found == []
