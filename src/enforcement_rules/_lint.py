"""``enforcement-rules lint DIR``: whether a rules folder is ready, problem by problem.

A folder (the layout of ``rules/``, with its Gherkin features in ``features/``) is clean when:

- every rule validates and every quote stands verbatim in its source (loading it with the
  shipped packs raises nothing), and no placeholder a scaffold wrote (``待填写``) is left;
- every sentence of its documents is classified in its coverage register, and no register
  entry is stale;
- every rule of its packs is cited in a register, by the sentences it quotes;
- every feature is zh-CN, tagged with the rules it specifies and quotes them verbatim, its steps
  are steps of the vocabulary (``_steps``) naming rules that exist, and every rule has a scenario
  that passes it and one that fails it (``_specs``).

Each problem names the file, the line where it can tell, and what to do, in Chinese and English.
A folder that cannot be read at all is a ``RuleError`` (exit 2), not a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ._coverage import COVERAGE_DIR, DocumentCoverage, coverage
from ._errors import RuleError
from ._optional import require
from ._quality import CHECKS as QUALITY_CHECKS
from ._rulebase import RuleBase
from ._rules import (
    NOT_PACKS,
    PACK_FILE,
    Pack,
    RuleSet,
    default_rules_dir,
    load_cached,
    load_rules,
    rules_folder,
)
from ._sources import DOCUMENTS_FILE, load_documents
from ._specs import LANGUAGE, Feature, read_feature
from ._yamlfile import LocatedYaml, read_yaml

PLACEHOLDER = "待填写"
"""What ``new-pack`` writes where the author must fill something in."""
FEATURES_DIR = "features"


@dataclass(frozen=True)
class LintProblem:
    """One problem: the file, the line (when known) and what to do, in Chinese and English."""

    file: str
    line: int | None
    problem: str
    problem_en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.problem}\n    {self.problem_en}"


@dataclass(frozen=True)
class LintResult:
    """The problems found, and what was looked at."""

    problems: list[LintProblem]
    rules: int = 0
    sentences: int = 0
    scenarios: int = 0


def lint(folder: str | Path, features: str | Path | None = None) -> LintResult:
    """Lint the rules folder ``folder`` and the features under ``features`` (default
    ``folder/features``). A folder that does not exist raises ``RuleError``."""
    rules_folder(folder)  # a folder, or a located error
    root = Path(folder)  # problems name files as the folder was given
    linter = _Linter(root, Path(features) if features is not None else root / FEATURES_DIR)
    return linter.run()


class _Linter:
    def __init__(self, root: Path, features: Path) -> None:
        self.root = root
        self.features = features
        self.shipped = root.resolve() == default_rules_dir().resolve()
        self.problems: list[LintProblem] = []

    # -- where -------------------------------------------------------------------------------

    def shown(self, path: Path) -> str:
        """A file of the folder as the folder was named (``host-rules/acme/rules.yaml``)."""
        try:
            return str(self.root / path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def add(self, file: str, line: int | None, problem: str, problem_en: str) -> None:
        self.problems.append(LintProblem(file, line, problem, problem_en))

    def add_error(self, error: RuleError) -> None:
        where = f"{error.file}:{error.line}" if error.line is not None else error.file
        message = str(error).removeprefix(f"{where}: ")
        file = error.file.replace(str(self.root.resolve()) + "/", str(self.root) + "/")
        self.add(
            file,
            error.line,
            f"无法载入：{message}。改正此处后再运行 lint。",
            f"cannot load: {message}. Correct it and lint again.",
        )

    # -- the checks ----------------------------------------------------------------------------

    def run(self) -> LintResult:
        load_cached.cache_clear()  # the files are read as they are now, not as first loaded
        try:
            ruleset = load_rules() if self.shipped else load_rules(self.root)
        except RuleError as error:
            self.add_error(error)
            self.placeholders()
            return LintResult(self.problems)
        self.placeholders()
        packs = [
            p
            for p in ruleset.packs.values()
            if p.folder is not None and p.folder.path == self.root.resolve()
        ]
        own_rules = [r for p in packs for r in p.rules]
        where = self.rule_lines(packs)
        sentences = self.coverage(ruleset, own_rules, where)
        scenarios = self.specs(ruleset, own_rules, where)
        return LintResult(self.problems, len(own_rules), sentences, scenarios)

    def placeholders(self) -> None:
        """Every line still holding a placeholder of the scaffold."""
        files = [self.root / "sources" / DOCUMENTS_FILE]
        files += sorted((self.root / COVERAGE_DIR).glob("*.yaml"))
        for pack in sorted(
            p for p in self.root.iterdir() if p.is_dir() and p.name not in NOT_PACKS
        ):
            files += sorted(pack.glob("*.yaml"))
        for path in files:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue  # loading names the file
            for number, line in enumerate(lines, start=1):
                if PLACEHOLDER in line.split("#", 1)[0]:
                    self.add(
                        self.shown(path),
                        number,
                        f"还有「{PLACEHOLDER}」的占位内容：按来源文件填写。",
                        "a placeholder is left: fill it in from the source document.",
                    )

    def rule_lines(self, packs: list[Pack]) -> dict[str, tuple[str, int | None]]:
        """Each rule id of the folder's packs -> (its file, its line)."""
        found: dict[str, tuple[str, int | None]] = {}
        for pack_dir in sorted(
            p for p in self.root.iterdir() if p.is_dir() and p.name not in NOT_PACKS
        ):
            for path in sorted(pack_dir.glob("*.yaml")):
                if path.name == PACK_FILE:
                    continue
                located = read_yaml(path, self.shown(path))
                if not isinstance(located.data, list):
                    continue
                for position, entry in enumerate(located.data):
                    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                        found[entry["id"]] = (located.file, located.line_of((position, "id")))
        return found

    def coverage(
        self,
        ruleset: RuleSet,
        own_rules: list[RuleBase],
        where: dict[str, tuple[str, int | None]],
    ) -> int:
        sources = self.root / "sources"
        own_documents = (
            set(load_documents(sources, f"{self.root}/"))
            if (sources / DOCUMENTS_FILE).is_file()
            else set()
        )
        try:
            reports = coverage(ruleset) if self.shipped else coverage(ruleset, self.root)
        except RuleError as error:
            self.add_error(error)
            return 0
        registers: dict[str, tuple[Path, LocatedYaml]] = {}
        for report in reports:
            path = self.root / COVERAGE_DIR / f"{report.document.id}.yaml"
            if report.register is not None and path.is_file():
                registers[report.document.id] = (path, read_yaml(path, self.shown(path)))
        mine = [r for r in reports if r.document.id in own_documents or self.shipped]
        for report in mine:
            self.sentences_classified(report, registers.get(report.document.id))
        by_document = {r.document.id: r for r in reports}
        cited = {rule for r in reports for rule in r.cited_rules()}
        for rule in own_rules:
            rule_id = rule.id
            file, line = where.get(rule_id, (self.root.name, None))
            if rule_id not in cited:
                self.add(
                    file,
                    line,
                    f"规则 {rule_id} 未在覆盖登记中引用：在 {COVERAGE_DIR}/<文件>.yaml 中"
                    f"它所引用的句子下写 rules: [{rule_id}]。",
                    f"rule {rule_id} is cited in no coverage register: write rules: [{rule_id}] "
                    f"under the sentences it quotes in {COVERAGE_DIR}/<document>.yaml.",
                )
                continue
            for source in rule.sources:
                quoted = by_document.get(source.document)
                if quoted is None or quoted.register is None or source.document not in registers:
                    continue
                _, located = registers[source.document]
                entries = quoted.register.sentences
                for item in quoted.quoted_by(source.quote):
                    if item.entry is None or rule_id in item.entry.rules:
                        continue
                    index = next((i for i, e in enumerate(entries) if e is item.entry), None)
                    self.add(
                        located.file,
                        located.line_of(("sentences", index)) if index is not None else None,
                        f"规则 {rule_id} 引用此句，但此句未列出它：在 rules 中加上 {rule_id}。",
                        f"rule {rule_id} quotes this sentence, which does not cite it: add "
                        f"{rule_id} to its rules.",
                    )
        return sum(len(r.sentences) for r in mine)

    def sentences_classified(
        self, report: DocumentCoverage, register: tuple[Path, LocatedYaml] | None
    ) -> None:
        document = report.document
        register_file = f"{self.root}/{COVERAGE_DIR}/{document.id}.yaml"
        if register is None:
            count = report.count("unclassified")
            self.add(
                register_file,
                None,
                f"文件 {document.id} 没有覆盖登记（{count} 句未分类）：写出此文件，逐句分类"
                f"（enforcement-rules coverage --rules {self.root} --unclassified 列出各句）。",
                f"document {document.id} has no coverage register ({count} sentences "
                f"unclassified): write this file, classifying each sentence (enforcement-rules "
                f"coverage --rules {self.root} --unclassified lists them).",
            )
            return
        _, located = register
        entries = report.register.sentences if report.register else []
        for item in report.sentences:
            if item.entry is not None:
                continue
            index = next(
                (
                    i
                    for i, e in enumerate(entries)
                    if e.text == item.sentence.text and not e.classified
                ),
                None,
            )
            text = (
                item.sentence.text
                if len(item.sentence.text) <= 40
                else item.sentence.text[:39] + "…"
            )
            if index is not None:
                self.add(
                    located.file,
                    located.line_of(("sentences", index)),
                    f"此句未分类：「{text}」。写 rules: [规则]、not_checkable: 理由"
                    "或 context: 标签中的一项。",
                    "this sentence is unclassified: give one of rules: [ids], not_checkable: "
                    "reason, context: label.",
                )
            else:
                self.add(
                    located.file,
                    None,
                    f"原文第 {item.sentence.line} 行的句子不在登记中：「{text}」。"
                    "按原文顺序加上此句并分类（enforcement-rules coverage --rules "
                    f"{self.root} --unclassified 打印条目）。",
                    f"the sentence of line {item.sentence.line} of the source is not in the "
                    "register: add it in the document's order and classify it (enforcement-rules "
                    f"coverage --rules {self.root} --unclassified prints the entries).",
                )
        for entry in report.stale:
            index = next((i for i, e in enumerate(entries) if e is entry), None)
            self.add(
                located.file,
                located.line_of(("sentences", index)) if index is not None else None,
                "此条目与原文的任何一句都不相符（原文改了，或抄录有误）：照原文逐字改正，或删去。",
                "this entry matches no sentence of the source (the text changed, or was copied "
                "wrongly): correct it to the verbatim sentence, or remove it.",
            )

    def specs(
        self,
        ruleset: RuleSet,
        own_rules: list[RuleBase],
        where: dict[str, tuple[str, int | None]],
    ) -> int:
        require("pytest_bdd", "checking the steps of Gherkin features")
        from ._steps import VOCABULARY

        patterns = [re.compile(step.pattern) for step in VOCABULARY]
        features: list[Feature] = []
        if self.features.is_dir():
            for path in sorted(self.features.rglob("*.feature")):
                try:
                    feature = read_feature(path, self.shown(path))
                except RuleError as error:
                    self.add_error(error)
                    continue
                if feature is None:
                    self.add(
                        self.shown(path),
                        1,
                        "此文件没有「功能:」：写出功能，或删去此文件。",
                        "this file holds no feature (功能:): write one, or remove the file.",
                    )
                    continue
                features.append(feature)
        passed: set[str] = set()
        failed: set[str] = set()
        scenarios = 0
        for feature in features:
            self.feature(feature, ruleset, patterns)
            for scenario in feature.scenarios:
                scenarios += 1
                passed |= scenario.passed_rules()
                failed |= scenario.failed_rules()
        shown_features = self.shown(self.features)
        for rule in own_rules:
            rule_id = rule.id
            file, line = where.get(rule_id, (self.root.name, None))
            if rule_id not in passed:
                self.add(
                    file,
                    line,
                    f"规则 {rule_id} 没有通过的场景：在 {shown_features}/ 下写一个场景，"
                    f"其中一步为「那么 规则 {rule_id} 没有发现」"
                    f"或「那么 规则 {rule_id} 对 <对象> 没有发现」。",
                    f"rule {rule_id} has no passing scenario: write one under {shown_features}/ "
                    f"with a step 「那么 规则 {rule_id} 没有发现」 "
                    "(or 「… 对 <subject> 没有发现」).",
                )
            if rule_id not in failed:
                self.add(
                    file,
                    line,
                    f"规则 {rule_id} 没有不通过的场景：在 {shown_features}/ 下写一个场景，"
                    f"其中一步为「那么 规则 {rule_id} 对 <对象> 报告 不符合」"
                    "（或 逾期、缺失、不完整）。",
                    f"rule {rule_id} has no failing scenario: write one under {shown_features}/ "
                    f"with a step 「那么 规则 {rule_id} 对 <subject> 报告 不符合」 (or 逾期, 缺失, "
                    "不完整).",
                )
        return scenarios

    def feature(self, feature: Feature, ruleset: RuleSet, patterns: list[re.Pattern[str]]) -> None:
        file = self.shown(feature.file)
        ruleset = self.loaded_by(feature, ruleset)
        if feature.language != LANGUAGE:
            self.add(
                file,
                1,
                f"功能须用中文写：第一行写「# language: {LANGUAGE}」。",
                f"features are written in Chinese: make the first line 「# language: {LANGUAGE}」.",
            )
        tagged = sorted(t for t in feature.tags if t in ruleset.rules)
        if not tagged:
            self.add(
                file,
                feature.line,
                "功能没有标注所规定的规则：在「功能:」上一行写规则编号，如 @ACME1。",
                "the feature names no rule: tag it with the ids of the rules it specifies "
                "(e.g. @ACME1 on the line above 功能:).",
            )
        for rule_id in tagged:
            quote = ruleset.rules[rule_id].sources[0].quote
            if quote not in feature.description:
                self.add(
                    file,
                    feature.line,
                    f"功能的说明未逐字引用规则 {rule_id} 的原文：在说明中写「{quote}」。",
                    f"the feature's description does not quote rule {rule_id} verbatim: write "
                    f"「{quote}」 in it.",
                )
        for scenario in feature.scenarios:
            unknown = sorted(scenario.tags - set(ruleset.rules) - feature.tags)
            if unknown:
                self.add(
                    file,
                    scenario.line,
                    f"场景标注了不存在的规则：{'、'.join(unknown)}。改正或删去这些标签。",
                    f"the scenario is tagged with rules that do not exist: {', '.join(unknown)}. "
                    "Correct or remove the tags.",
                )
            for step in scenario.steps:
                if not any(p.fullmatch(step.text) for p in patterns):
                    self.add(
                        file,
                        step.line,
                        f"步骤「{step.text}」不在步骤词汇表中：照 docs/steps.md 的写法改写。",
                        f"the step 「{step.text}」 is not in the step vocabulary: write it as "
                        "docs/steps.md shows.",
                    )
                    continue
                named = {m.group(1) for m in (_RULE_IN_STEP.match(step.text),) if m}
                missing = sorted(named - set(ruleset.rules) - _QUALITY)
                if missing:
                    self.add(
                        file,
                        step.line,
                        f"步骤中的规则 {'、'.join(missing)} 不存在：改正规则编号。",
                        f"the step names rule {', '.join(missing)}, which does not exist: "
                        "correct the id.",
                    )

    def loaded_by(self, feature: Feature, ruleset: RuleSet) -> RuleSet:
        """The rules a feature's scenarios see: ``ruleset`` and those of the folders its steps
        load (``另加载规则文件夹 PATH``, a path from the current folder, as ``test`` reads it)."""
        named: dict[str, int] = {}
        for scenario in feature.scenarios:
            for step in scenario.steps:
                match = _LOADS_FOLDER.fullmatch(step.text)
                if match:
                    named.setdefault(match.group(1), step.line)
        folders = []
        for name, line in named.items():
            path = Path.cwd() / name
            if path.is_dir():
                folders.append(path)
            else:
                self.add(
                    self.shown(feature.file),
                    line,
                    f"规则文件夹 {name} 不存在（从当前文件夹 {Path.cwd()} 算起）：改正路径。",
                    f"there is no rules folder {name} (from the current folder {Path.cwd()}): "
                    "correct the path.",
                )
        if not folders:
            return ruleset
        try:
            return load_rules(*folders) if self.shipped else load_rules(self.root, *folders)
        except RuleError as error:
            self.add_error(error)
            return ruleset


_RULE_IN_STEP = re.compile(r"规则 (\S+) ")
_LOADS_FOLDER = re.compile(r"另加载规则文件夹 (\S+)")
_QUALITY = frozenset(QUALITY_CHECKS)
