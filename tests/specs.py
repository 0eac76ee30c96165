"""Reading the Gherkin specs as data: which rules each scenario passes and fails."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

FEATURES = Path(__file__).parent / "features"
_FAILS = re.compile(r"规则 (\S+) 对 \S+( 的任务 \S+)?( 在 \S+)? 报告 ")
_PASSES = re.compile(r"规则 (\S+)( 对 \S+( 的任务 \S+)?( 在 \S+)?)? 没有发现")


@dataclass(frozen=True)
class Scenario:
    file: Path
    name: str
    tags: frozenset[str]
    steps: tuple[str, ...]

    def failed_rules(self) -> set[str]:
        return {m.group(1) for s in self.steps if (m := _FAILS.match(s))}

    def passed_rules(self) -> set[str]:
        return {m.group(1) for s in self.steps if (m := _PASSES.match(s))}


@dataclass(frozen=True)
class Feature:
    file: Path
    language: str
    tags: frozenset[str]
    description: str
    scenarios: tuple[Scenario, ...]


def features() -> list[Feature]:
    found = []
    for path in sorted(FEATURES.rglob("*.feature")):
        document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
        feature = document["feature"]
        feature_tags = frozenset(t["name"].lstrip("@") for t in feature["tags"])
        scenarios = []
        for child in feature["children"]:
            for item in [child.get("scenario")] + [
                c.get("scenario") for c in child.get("rule", {}).get("children", [])
            ]:
                if not item:
                    continue
                tags = feature_tags | {t["name"].lstrip("@") for t in item["tags"]}
                steps = tuple(s["text"] for s in item["steps"])
                scenarios.append(Scenario(path, item["name"], frozenset(tags), steps))
        found.append(
            Feature(
                path,
                feature["language"],
                feature_tags,
                feature.get("description", ""),
                tuple(scenarios),
            )
        )
    return found
