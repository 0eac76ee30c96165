"""The Gherkin specs read as data: each feature's tags and description, each scenario's steps,
and which rules a scenario passes and fails.

A scenario passes a rule when a step says it found nothing (``规则 D3 没有发现``, ``规则 D3 对 A1
在 2024 没有发现``, ``规则 H1 对 ZZ-JT 的任务 HN-4.2 没有发现``) and fails it when a step expects a
finding (``规则 D3 对 A1 报告 不符合``). Every rule needs one of each: ``enforcement-rules lint``
checks a host's folder with this, and the library's tests check the shipped packs with it.
Needs gherkin-official (the ``packs`` extra, which brings pytest-bdd).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import RuleError
from ._optional import require
from ._yamlfile import read_rule_text

FAILS = re.compile(r"规则 (\S+) 对 \S+( 的任务 \S+)?( 在 \S+)? 报告 ")
"""A step that expects a finding of a rule: the scenario fails the rule."""
PASSES = re.compile(r"规则 (\S+)( 对 \S+( 的任务 \S+)?( 在 \S+)?)? 没有发现")
"""A step that expects no finding of a rule: the scenario passes it."""
LANGUAGE = "zh-CN"


@dataclass(frozen=True)
class Step:
    """A step of a scenario: its keyword (假如, 当, 那么, 而且 …), text and line."""

    keyword: str
    text: str
    line: int


@dataclass(frozen=True)
class Scenario:
    """A scenario: its name, line, tags (its own and its feature's) and steps."""

    file: Path
    name: str
    line: int
    tags: frozenset[str]
    steps: tuple[Step, ...]

    def failed_rules(self) -> set[str]:
        """The rules a step of the scenario expects a finding of."""
        return {m.group(1) for s in self.steps if (m := FAILS.match(s.text))}

    def passed_rules(self) -> set[str]:
        """The rules a step of the scenario expects no finding of."""
        return {m.group(1) for s in self.steps if (m := PASSES.match(s.text))}


@dataclass(frozen=True)
class Feature:
    """A feature file: its language, tags (rule ids), description and scenarios."""

    file: Path
    line: int
    language: str
    tags: frozenset[str]
    description: str
    scenarios: tuple[Scenario, ...]


def read_feature(path: Path, display: str | None = None) -> Feature | None:
    """One feature file; ``None`` for a file holding no feature (only comments). A file that
    cannot be read or parsed raises ``RuleError`` naming it and the line."""
    parser = require("gherkin.parser", "reading Gherkin features")
    scanner = require("gherkin.token_scanner", "reading Gherkin features")
    errors = require("gherkin.errors", "reading Gherkin features")
    shown = display or str(path)
    text = read_rule_text(path, shown, "a feature file")
    try:
        document = parser.Parser().parse(scanner.TokenScanner(text))
    except errors.ParserError as error:
        first = getattr(error, "errors", [error])[0]
        location = getattr(first, "location", None) or {}
        message = str(first).splitlines()[0]
        message = re.sub(r"^\(\d+:\d+\): ", "", message)
        raise RuleError(shown, f"not valid Gherkin: {message}", line=location.get("line")) from None
    feature = document.get("feature")
    if not feature:
        return None
    feature_tags = _tags(feature)
    scenarios: list[Scenario] = []
    background: list[dict[str, Any]] = []
    for child in feature["children"]:
        if "background" in child:
            background = child["background"]["steps"]
        elif "scenario" in child:
            scenarios += _scenarios(path, child["scenario"], feature_tags, background)
        elif "rule" in child:
            rule_background = list(background)
            for item in child["rule"].get("children", []):
                if "background" in item:
                    rule_background += item["background"]["steps"]
                elif "scenario" in item:
                    tags = feature_tags | _tags(child["rule"])
                    scenarios += _scenarios(path, item["scenario"], tags, rule_background)
    return Feature(
        path,
        feature["location"]["line"],
        feature["language"],
        feature_tags,
        feature.get("description", ""),
        tuple(scenarios),
    )


def read_features(folder: Path) -> list[Feature]:
    """Every feature under ``folder`` (``*.feature``, recursively), in path order."""
    found = []
    for path in sorted(folder.rglob("*.feature")):
        feature = read_feature(path)
        if feature is not None:
            found.append(feature)
    return found


def _scenarios(
    path: Path, item: dict[str, Any], tags: frozenset[str], background: list[dict[str, Any]]
) -> list[Scenario]:
    """A scenario, its background's steps first; an outline, once per example row."""
    steps = [(s["keyword"].strip(), s["text"], s["location"]["line"]) for s in background]
    steps += [(s["keyword"].strip(), s["text"], s["location"]["line"]) for s in item["steps"]]
    found = []
    for line, values in _example_rows(item):
        written = tuple(
            Step(keyword, _filled(text, values), step_line) for keyword, text, step_line in steps
        )
        found.append(Scenario(path, item["name"], line, tags | _tags(item), written))
    return found


def _example_rows(item: dict[str, Any]) -> list[tuple[int, dict[str, str]]]:
    """A scenario outline's example rows (line, values by column); one empty row for a plain
    scenario, at its own line."""
    rows = []
    for examples in item.get("examples", []):
        header = examples.get("tableHeader")
        if not header:
            continue
        names = [cell["value"] for cell in header["cells"]]
        for row in examples.get("tableBody", []):
            values = [cell["value"] for cell in row["cells"]]
            rows.append((row["location"]["line"], dict(zip(names, values, strict=False))))
    return rows or [(item["location"]["line"], {})]


def _filled(text: str, values: dict[str, str]) -> str:
    """A step of an outline with its ``<placeholders>`` filled from an example row."""
    for name, value in values.items():
        text = text.replace(f"<{name}>", value)
    return text


def _tags(node: dict[str, Any]) -> frozenset[str]:
    return frozenset(t["name"].lstrip("@") for t in node.get("tags", []))
