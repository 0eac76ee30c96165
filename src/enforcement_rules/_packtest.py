"""``enforcement-rules test DIR``: run a rules folder's own Gherkin features (zh-CN) with the
library's step vocabulary, from an installed library, with no clone of its repository.

The features under ``DIR/features`` are run by pytest, in a process of its own (pytest-bdd keeps
the features it parsed), from a temporary folder holding a conftest that loads the step
vocabulary (``_steps``) and evaluates with the shipped packs and those of DIR. Each scenario is
listed as passed or failed, then the counts.
Needs the ``packs`` extra (pytest, pytest-bdd).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from ._errors import MissingDependency, RuleError, UsageError
from ._rules import default_rules_dir, load_cached, load_rules, rules_folder
from ._specs import read_features

_CONFTEST = """\
from pathlib import Path

import pytest

from enforcement_rules._packtest import Outcomes

pytest_plugins = ["enforcement_rules._steps"]


def pytest_configure(config):
    config.pluginmanager.register(Outcomes({features!r}, {outcomes!r}))


@pytest.fixture
def rules_folders():
    return [{folders}]


@pytest.fixture
def rules_base():
    return Path({base!r})
"""
_TESTS = """\
from pytest_bdd import scenarios

scenarios({features!r})
"""
OUTCOMES_FILE = "outcomes.json"


class Outcomes:
    """A pytest plugin writing each scenario's place, name and outcome to a JSON file."""

    def __init__(self, features: str, output: str) -> None:
        self.features = Path(features)
        self.output = Path(output)
        self.places: dict[str, tuple[str, str]] = {}
        self.rows: list[tuple[bool, str, str]] = []

    def pytest_bdd_before_scenario(self, request: Any, feature: Any, scenario: Any) -> None:
        path = Path(feature.filename)
        shown = path.relative_to(self.features) if path.is_relative_to(self.features) else path
        self.places[request.node.nodeid] = (f"{shown}:{scenario.line_number}", scenario.name)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when != "call" and not report.failed:
            return
        where, name = self.places.get(report.nodeid, (report.nodeid, ""))
        self.rows.append((bool(report.passed), where, name))

    def pytest_sessionfinish(self) -> None:
        self.output.write_text(json.dumps(self.rows, ensure_ascii=False), encoding="utf-8")


def run_features(
    folder: str | Path, features: str | Path | None, out: TextIO, *, verbose: bool = False
) -> int:
    """Run the features of ``folder`` (default ``folder/features``): 0 when every scenario
    passes, 1 when one fails or there are none, 2 when they cannot be run."""
    for module in ("pytest", "pytest_bdd"):
        if importlib.util.find_spec(module) is None:
            raise MissingDependency("running Gherkin features", module, "packs")
    root = rules_folder(folder)
    chosen = Path(features).resolve() if features is not None else root / "features"
    if not chosen.is_dir():
        raise RuleError(
            str(features if features is not None else Path(folder) / "features"),
            "no features folder: write the pack's scenarios there (see docs/steps.md)",
        )
    scenarios = sum(len(f.scenarios) for f in read_features(chosen))  # unreadable: located
    if not scenarios:
        print(f"没有场景 no scenarios under {chosen}", file=out)
        return 1
    shipped = root == default_rules_dir().resolve()
    load_cached.cache_clear()  # the files as they are now
    load_rules() if shipped else load_rules(root)  # a folder that does not load: say where
    with tempfile.TemporaryDirectory(prefix="enforcement-rules-test-") as temporary:
        place = Path(temporary)
        outcomes = place / OUTCOMES_FILE
        conftest = _CONFTEST.format(
            features=str(chosen),
            outcomes=str(outcomes),
            folders="" if shipped else f"Path({str(root)!r})",
            base=str(Path.cwd()),
        )
        (place / "conftest.py").write_text(conftest, encoding="utf-8")
        (place / "test_features.py").write_text(
            _TESTS.format(features=str(chosen)), encoding="utf-8"
        )
        (place / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(place),
            "-c",
            str(place / "pytest.ini"),
            "--rootdir",
            str(place),
            "-p",
            "no:cacheprovider",
            "--tb=short" if verbose else "--tb=line",
            "-q",
            "--no-header",
        ]
        environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        try:
            ran = subprocess.run(
                command, capture_output=True, cwd=place, env=environment, check=False
            )
        except OSError as error:
            raise UsageError(f"cannot run pytest with {sys.executable}: {error}") from None
        out.write(ran.stdout.decode("utf-8", "replace"))
        if ran.stderr:
            out.write(ran.stderr.decode("utf-8", "replace"))
        try:
            rows = json.loads(outcomes.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rows = []
    print("", file=out)
    for passed, where, name in rows:
        print(f"{'✓ 通过  ' if passed else '✗ 未通过'}  {where}  {name}", file=out)
    passed_count = sum(1 for row in rows if row[0])
    failed_count = len(rows) - passed_count
    print(f"场景 scenarios: {passed_count} 通过 passed，{failed_count} 未通过 failed", file=out)
    if ran.returncode == 0:
        return 0
    if ran.returncode == 1:
        return 1
    raise UsageError(
        f"the features under {chosen} could not be run (pytest exit status {ran.returncode}); "
        "enforcement-rules lint names the file and line"
    )
