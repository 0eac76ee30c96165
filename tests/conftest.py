from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from enforcement_rules import _engine
from enforcement_rules._rules import default_rules_dir

# The step vocabulary of the Gherkin specs ships inside the library (enforcement-rules test).
pytest_plugins = ["enforcement_rules._steps"]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the shipped rules folder (packs, sources, coverage registers) to break."""
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


@pytest.fixture
def stale_register(rules_copy: Path) -> Path:
    """A rules copy whose register for 遵义 misquotes one sentence (执法考试全员参与)."""
    register = rules_copy / "coverage" / "zunyi-2022.yaml"
    text = register.read_text(encoding="utf-8")
    assert "执法考试全员参与," in text
    register.write_text(text.replace("执法考试全员参与,", "执法考试全员参加,", 1), encoding="utf-8")
    return rules_copy


@pytest.fixture
def engine_installed() -> None:
    """Skip a test of the live monitor where durable-rules is not installed at all, saying
    how to install it; with CI set, fail instead (CI builds the engine on every Python it
    runs). An engine that is installed but broken is not skipped: its tests fail."""
    if _engine.installed():
        return
    version = ".".join(map(str, sys.version_info[:3]))
    reason = f"durable-rules is not installed for Python {version}: {_engine.install_hint()}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it)")
    pytest.skip(reason)
