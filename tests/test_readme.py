"""The README and the getting-started pages, run as a reader runs them: every command and
Python snippet, in a copy of ``examples/`` in a temporary folder, each shown output compared.

- ```` ```python ```` blocks run in one namespace per page, in order;
- ```` ```pycon ```` blocks are doctests: each ``>>>`` line's output is compared (``...``
  stands for any text, as in doctest);
- ```` ```sh ```` and ```` ```console ```` blocks run their commands; a line starting with
  ``$ `` in those or in a ```` ```text ```` block is a command whose output follows it and is
  compared exactly, unless the shown output holds a line ``…`` alone: then it is an excerpt,
  and each run of lines between ``…`` must appear in the output in that order.

Installing (``pip``, ``venv``), building the docs (``mkdocs`` and ``docs/generate.py``, run by
``test_docs.py``), benchmarks and the
suite itself are not run; the synthetic province is generated at scale 0.01, not 1. A block
that starts the HTTP service (``enforcement-rules serve``) is run by ``test_service.py``
against a started service.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from enforcement_rules._cli import main

ROOT = Path(__file__).parents[1]
PAGES = [
    "README.md",
    "docs/index.md",
    "docs/getting-started/host-system.md",
    "docs/getting-started/analyst.md",
    "docs/getting-started/legal-staff.md",
    "docs/waivers.md",
]
NOT_RUN = ("python3 -m venv", "python -m pip", ". .venv/bin/activate", "mkdocs", "python -m pytest")
NOT_RUN += ("jupyter", "python benchmarks/", "python docs/generate.py")
SERVED = "enforcement-rules serve"
SUBSTITUTED = {"--scale 1 ": "--scale 0.01 "}  # a province in a second, not in a minute
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


@dataclass
class Block:
    page: str
    line: int
    kind: str
    text: str


def blocks(page: str) -> list[Block]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        Block(page, text[: m.start()].count("\n") + 1, m.group(1) or "text", m.group(2))
        for m in _FENCE.finditer(text)
    ]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    return tmp_path


def _commands(block: Block) -> list[tuple[str, list[str] | None]]:
    """Each command of a block (continuation lines joined), with its shown output where the
    block shows one."""
    lines = block.text.replace("\\\n", " ").splitlines()
    prompted = any(line.startswith("$ ") for line in lines)
    found: list[tuple[str, list[str] | None]] = []
    for line in lines:
        if prompted:
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                shown = found[-1][1]
                assert shown is not None
                shown.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            found.append((line, None))
    return found


def _run(command: str, shown: bool) -> str:
    """Run one command line in the current folder; its standard output and error. A command
    must succeed (status 0, or 1 for violations found) unless the page shows its output."""
    allowed = (0, 1, 2) if shown else (0, 1)
    for old, new in SUBSTITUTED.items():
        command = command.replace(old, new)
    output = []
    for part in command.split("&&"):
        part = part.strip()
        if not part or part.startswith(NOT_RUN):
            continue
        words = shlex.split(part, comments=True)
        if words[0] not in ("cd", "enforcement-rules", "python"):
            path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
            done = subprocess.run(
                ["bash", "-c", part],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "PATH": path},
            )
            assert done.returncode in allowed, f"{part}\n{done.stderr}"
            output.append(done.stdout + done.stderr)
        elif words[0] == "cd":
            os.chdir(words[1])
        elif words[0] == "enforcement-rules":
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(words[1:])
            assert code in allowed, f"{part}\n{err.getvalue()}"
            output.append(out.getvalue() + err.getvalue())
        else:
            done = subprocess.run(
                [sys.executable, *words[1:]], capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, f"{part}\n{done.stderr}"
            output.append(done.stdout)
    return "".join(output)


def _compare(shown: list[str], output: str, where: str) -> None:
    got = [line.rstrip() for line in output.rstrip("\n").splitlines()]
    wanted = [line.rstrip() for line in shown]
    while wanted and not wanted[-1]:
        wanted.pop()
    if "…" not in wanted:
        assert got == wanted, f"{where}: the output differs from what the page shows"
        return
    at = 0
    chunks: list[list[str]] = [[]]
    for line in wanted:
        if line == "…":
            chunks.append([])
        else:
            chunks[-1].append(line)
    for chunk in filter(None, chunks):
        for start in range(at, len(got) - len(chunk) + 1):
            if got[start : start + len(chunk)] == chunk:
                at = start + len(chunk)
                break
        else:
            pytest.fail(
                f"{where}: these lines are not in the output, in order:\n" + "\n".join(chunk)
            )


@pytest.mark.parametrize("page", PAGES)
def test_every_command_and_snippet_runs_and_shows_what_it_prints(
    page: str, sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    for block in blocks(page):
        where = f"{page}:{block.line}"
        if block.kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.text, where, "exec"), namespace)
        elif block.kind == "pycon":
            test = doctest.DocTestParser().get_doctest(
                block.text, namespace, where, page, block.line
            )
            out = io.StringIO()
            runner.run(test, out=out.write, clear_globs=False)
            assert runner.failures == 0, out.getvalue()
            namespace.update(test.globs)  # the parser runs a copy of the namespace
        elif block.kind in ("sh", "console", "text"):
            commands = _commands(block)
            if block.kind == "text" and not any(shown is not None for _, shown in commands):
                continue  # an illustration, not a command
            if any(command.startswith(SERVED) for command, _ in commands):
                continue  # test_service.py runs it against a started service
            for command, shown in commands:  # a `cd` holds for the rest of the page
                output = _run(command, bool(shown))
                if shown:
                    _compare(shown, output, f"{where}: $ {command}")
