"""The step vocabulary of the Gherkin specs (zh-CN), a pytest plugin.

The library's own features and a host's (``enforcement-rules test DIR``) use these steps: build
records from tables, evaluate as of a day, and read the report. Each step is registered with
pytest-bdd and listed in ``VOCABULARY`` with examples and its meaning in Chinese and English;
``docs/generate.py`` writes the step-vocabulary page from that list, and a test holds every
example to its step's pattern.

A scenario evaluates the shipped and installed packs and those of the fixture ``rules_folders``
(default none; ``enforcement-rules test DIR`` names DIR), and of any folder its steps add
(``另加载规则文件夹 PATH``, a path from ``rules_base``: the repository's root for the library's
own specs, the folder the command runs in for ``test DIR``). Load it with
``pytest_plugins = ["enforcement_rules._steps"]``; needs the ``packs`` extra (pytest-bdd).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytest_bdd import given, parsers, then, when

from . import _dates
from ._contest import contest
from ._errors import EnforcementRulesError
from ._evaluate import evaluate
from ._figures import all_labels, keys_by_label
from ._quality import CHECKS as QUALITY_CHECKS
from ._records import Records
from ._report import Exemption, Finding, Report
from ._rulebase import STATUS_LABELS, Period, RuleBase, Severity
from ._rules import Pack, RuleSet, load_rules
from ._scope import campaign_scope
from ._vocab import ALIASES
from ._waivers import WaivedFinding, Waivers

STATUS_BY_LABEL = {label: status for status, label in STATUS_LABELS.items()}
WAIVERS_TABLE = "豁免清单"
"""The Given table holding the evaluation's waivers (not records)."""
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class StepDefinition:
    """A step of the vocabulary: its keyword, pattern (a regular expression), examples as a
    feature writes them, and what it means, in Chinese and in English."""

    keyword: str
    pattern: str
    examples: tuple[str, ...]
    meaning: str
    meaning_en: str


VOCABULARY: list[StepDefinition] = []
"""Every step, in the order the steps are defined (the docs page lists them so)."""

_DECORATORS = {"假如": given, "当": when, "那么": then}


def _step(
    keyword: str, pattern: str, examples: tuple[str, ...], meaning: str, meaning_en: str
) -> Callable[[F], F]:
    """Register a step with pytest-bdd (in this module) and list it in ``VOCABULARY``."""
    decorator = _DECORATORS[keyword](parsers.re(pattern), stacklevel=2)

    def register(function: F) -> F:
        VOCABULARY.append(StepDefinition(keyword, pattern, examples, meaning, meaning_en))
        decorator(function)
        return function

    return register


# -- pytest: the plugin's hooks and fixtures -----------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id): a Gherkin scenario of the rule with this id")


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool:
    """Scenario tags are rule ids (``@D3``, ``@G3.rotation``): mark them as ``rule(id)``."""
    pytest.mark.rule(tag)(function)
    return True


@dataclass
class World:
    """What a scenario has built and found: its records, the report, the finding and the
    exemption the last steps named."""

    folders: list[Path]  # rules folders loaded besides the shipped and installed packs
    base: Path  # where a folder a step names is found from
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    report: Report | None = None
    error: EnforcementRulesError | None = None
    finding: Finding | None = None
    as_of: str | None = None
    exemption: Exemption | None = None
    waived: WaivedFinding | None = None
    in_force_to: dict[str, str] = field(default_factory=dict)  # rule id -> last day in force

    def findings(
        self, rule: str, subject: str | None = None, period: str | None = None
    ) -> list[Finding]:
        assert self.report is not None, f"no evaluation ran in this scenario: {self.error}"
        known = set(self.rules().rules) | set(QUALITY_CHECKS)
        assert rule in known, f"no rule {rule!r}: the step names a rule that does not exist"
        return [
            f
            for f in self.report.findings
            if f.rule == rule
            and (subject is None or f.subject_id == subject)
            and (period is None or f.period == period)
        ]

    def records(self) -> Records:
        return Records.from_text_rows(
            {name: rows for name, rows in self.rows.items() if name != WAIVERS_TABLE}
        )

    def waivers(self) -> Waivers | None:
        """The waivers of a ``豁免清单:`` table, if the scenario has one."""
        if WAIVERS_TABLE not in self.rows:
            return None
        return Waivers.from_rows(self.rows[WAIVERS_TABLE], file=WAIVERS_TABLE)

    def rules(self) -> RuleSet:
        """The shipped and installed packs, and those of the folders loaded."""
        return load_rules(*self.folders)


@pytest.fixture
def rules_folders() -> list[Path]:
    """The rules folders every scenario loads besides the shipped and installed packs."""
    return []


@pytest.fixture
def rules_base(pytestconfig: pytest.Config) -> Path:
    """Where the folder of a step 另加载规则文件夹 is found from: pytest's root folder."""
    return pytestconfig.rootpath


@pytest.fixture
def world(rules_folders: list[Path], rules_base: Path) -> World:
    return World(list(rules_folders), rules_base)


# -- records --------------------------------------------------------------------------------


def _table(datatable: list[list[str]]) -> list[dict[str, str]]:
    headers, *rows = datatable
    return [dict(zip(headers, row, strict=True)) for row in rows]


@_step(
    "假如",
    r"(?P<table_name>[^\s:：]+)[:：]",
    (
        "部门:",
        "执法人员:",
        "执法证件:",
        "培训记录:",
        "执法行为:",
        "报送材料:",
        "工作活动:",
        "豁免清单:",
    ),
    "添加该类型的记录，每行一条：表头用记录契约的字段名或其中文名（如 编号、所属部门、用工），"
    "列表单元格用「、」分隔；「豁免清单:」表是评估所用的豁免清单（见「经批准豁免」）。",
    "Add records of that type, one per row of the table: headers are the contract's field "
    "names or their Chinese names; list cells separate items with 、. A 豁免清单: table holds "
    "the evaluation's waivers instead.",
)
def records_table(world: World, table_name: str, datatable: list[list[str]]) -> None:
    world.rows.setdefault(table_name, []).extend(_table(datatable))


@_step(
    "假如",
    r"工作日历只收录至 (?P<year>\d{4}) 年",
    ("工作日历只收录至 2025 年",),
    "工作日历（法定节假日与调休）只用到该年为止，如同只认识到该年的已安装版本，"
    "使场景不随日历的新版本变化。",
    "Hold the working-day calendar (holidays and adjusted working days) to the years up to "
    "that one, as an installed release knowing no later year would.",
)
def calendar_known_to(year: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, last = _dates.working_day_years()
    assert int(year) <= last, f"the installed calendar knows {first}–{last} only"
    monkeypatch.setattr(_dates, "WORKING_DAY_YEARS", (first, int(year)))


@_step(
    "假如",
    r"另加载规则文件夹 (?P<folder>\S+)",
    ("另加载规则文件夹 examples/custom-pack",),
    "另外载入该规则文件夹中的规则包（路径从仓库根目录算起；enforcement-rules test 时从运行命令的"
    "文件夹算起）。",
    "Load the packs of that rules folder too (a path from the repository's root; for "
    "enforcement-rules test, from the folder the command runs in).",
)
def rules_folder(world: World, folder: str) -> None:
    path = world.base / folder
    assert path.is_dir(), f"no rules folder {folder} (from {world.base})"
    world.folders.append(path)


@_step(
    "假如",
    r"规则 (?P<rule>\S+) 施行至 (?P<end>\d{4}-\d{2}-\d{2})",
    ("规则 D1 施行至 2026-12-31",),
    "评估时把该规则的施行期延至该日（其余规则不变）。",
    "Evaluate with the rule in force to that day (the other rules unchanged).",
)
def rule_in_force_to(world: World, rule: str, end: str) -> None:
    assert rule in world.rules().rules, f"no rule {rule!r}"
    world.in_force_to[rule] = end


def _ruleset(world: World) -> RuleSet:
    """The scenario's rules, with the periods in force it extends (``施行至``)."""
    base = world.rules()
    if not world.in_force_to:
        return base

    def extended(rule: RuleBase, pack: Pack) -> RuleBase:
        if rule.id not in world.in_force_to:
            return rule
        start = (rule.in_force or pack.in_force).start
        end = date.fromisoformat(world.in_force_to[rule.id])
        return rule.model_copy(update={"in_force": Period(start=start, end=end)})

    packs = [
        dataclasses.replace(p, rules=tuple(extended(r, p) for r in p.rules))
        for p in base.packs.values()
    ]
    return RuleSet(base.documents, packs, base.exceptions, base.folders)


# -- evaluation -----------------------------------------------------------------------------


@_step(
    "当",
    r"以 (?P<as_of>\S+) 为评估日评估(规则包 (?P<packs>.+))?",
    ("以 2024-12-31 为评估日评估", "以 2024-12-31 为评估日评估规则包 dawukou-2024"),
    "以该日为评估日评估全部规则包，或只评估所列规则包（多个用「、」分隔）。",
    "Evaluate as of that day every pack, or only the packs named (several separated by 、).",
)
def evaluate_as_of(world: World, as_of: str, packs: str | None) -> None:
    records = world.records()
    pack_ids = [p.strip() for p in packs.split("、")] if packs else None
    world.as_of = as_of
    try:
        world.report = evaluate(
            records,
            as_of=as_of,
            packs=pack_ids,
            rules=_ruleset(world),
            waivers=world.waivers(),
        )
    except EnforcementRulesError as error:
        world.error = error
        return
    named = {k for f in world.report.findings for k in f.figures} | {
        k for e in world.report.exempt for k in e.figures
    }
    assert named <= set(all_labels()), (
        f"figures without a label in _figures: {named - set(all_labels())}"
    )


# -- findings -------------------------------------------------------------------------------


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 没有发现",
    ("规则 D3 没有发现",),
    "该规则没有任何发现（场景通过该规则）。",
    "The rule reports nothing (the scenario passes the rule).",
)
def no_findings(world: World, rule: str) -> None:
    found = world.findings(rule)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<subject>\S+)( 在 (?P<period>\S+))? 没有发现",
    ("规则 D3 对 A1 没有发现", "规则 D1 对 O1 在 2024 没有发现"),
    "该规则对该对象（及该期间）没有发现（场景通过该规则）。",
    "The rule reports nothing for that subject (and period): the scenario passes the rule.",
)
def no_finding_for(world: World, rule: str, subject: str, period: str | None) -> None:
    found = world.findings(rule, subject, period)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<subject>\S+)( 在 (?P<period>\S+))? 报告 (?P<status>\S+)",
    ("规则 D3 对 A1 报告 不符合", "规则 D1 对 O1 在 2024 报告 不符合"),
    "该规则对该对象（及该期间）有发现，结论为 不符合、逾期、缺失、不完整 或 未到期"
    "（场景不通过该规则）。",
    "The rule reports that subject (and period) with that status (不符合 not met, 逾期 late, "
    "缺失 missing, 不完整 incomplete, 未到期 pending): the scenario fails the rule.",
)
def finding_for(world: World, rule: str, subject: str, period: str | None, status: str) -> None:
    found = world.findings(rule, subject, period)
    assert found, f"expected a finding of {rule} for {subject}; the report has:\n" + "\n".join(
        f"{f.rule} {f.subject_id} {f.message}"
        for f in world.report.findings  # type: ignore[union-attr]
    )
    assert status in STATUS_BY_LABEL, f"「{status}」 is not a status: {', '.join(STATUS_BY_LABEL)}"
    expected = STATUS_BY_LABEL[status]
    assert [f.status for f in found] == [expected] * len(found), [f.status for f in found]
    world.finding = found[0]


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 共报告 (?P<count>\d+) 项",
    ("规则 D3 共报告 2 项",),
    "该规则的发现共有这么多项。",
    "The number of findings of the rule.",
)
def finding_count(world: World, rule: str, count: str) -> None:
    assert len(world.findings(rule)) == int(count), [f.message for f in world.findings(rule)]


@_step(
    "那么",
    r"该发现的 (?P<name>\S+) 为 (?P<value>.+)",
    ("该发现的 持证人数 为 1", "该发现的 未持证人员 为 O021、O022"),
    "上一步所指发现的某项依据数据，以其中文名称指明（见下文「依据数据」）；列表用「、」分隔，"
    "是非用 是、否。",
    "A figure of the finding the previous step named, by its Chinese label (see figures below); "
    "lists separated by 、, booleans 是/否.",
)
def finding_figure(world: World, name: str, value: str) -> None:
    assert world.finding is not None
    assert name in keys_by_label(), (
        f"「{name}」 is not the Chinese label of a figure"
        + (f"; write 「{all_labels()[name][0]}」" if name in all_labels() else "")
        + " (labels: each kind's Figures, enforcement_rules._figures.all_labels())"
    )
    key = keys_by_label()[name]
    assert key in world.finding.figures, (
        f"the finding has no {name} ({key}): {world.finding.figures}"
    )
    actual = world.finding.figures[key]
    assert _same(actual, value.strip()), f"{name}: {actual!r} is not {value}"


@_step(
    "那么",
    r"该发现的期限为 (?P<due>\S+)",
    ("该发现的期限为 2024-12-31",),
    "该发现的期限。",
    "The finding's due day.",
)
def finding_due(world: World, due: str) -> None:
    assert world.finding is not None and world.finding.due is not None
    assert world.finding.due.isoformat() == due


@_step(
    "那么",
    r"该发现的说明包含「(?P<text>.+)」",
    ("该发现的说明包含「少于要求的 2 人」",),
    "该发现的中文说明包含这段文字。",
    "The finding's Chinese message contains the text.",
)
def finding_message(world: World, text: str) -> None:
    assert world.finding is not None
    assert text in world.finding.message, world.finding.message


def _same(actual: Any, written: str) -> bool:
    if isinstance(actual, bool):
        return written in (("是", "true") if actual else ("否", "false"))
    if isinstance(actual, int | float):
        return float(actual) == float(written)
    if isinstance(actual, list):
        items = [i for i in written.replace(",", "、").split("、") if i] if written != "无" else []
        return [str(a) for a in actual] == items
    if isinstance(actual, dict):
        return bool(actual == json.loads(written))
    # an enumeration's value written as its Chinese word (依据层级 为 规范性文件)
    if any(
        word == written and member.value == actual
        for e in ALIASES.values()
        for word, member in e.items()
    ):
        return True
    return str(actual) == written


# -- exemptions -----------------------------------------------------------------------------


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<subject>\S+) 豁免,依据「(?P<basis>.+)」",
    ("规则 XZCF.42 对 A1 豁免,依据「道路交通安全法」",),
    "该规则对该记录豁免，其依据包含这段文字。",
    "The rule exempts that record, its basis containing the text.",
)
def exempt_for(world: World, rule: str, subject: str, basis: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [e for e in world.report.exempt if e.rule == rule and e.subject_id == subject]
    assert found, f"expected an exemption of {rule} for {subject}; the report has:\n" + "\n".join(
        f"{e.rule} {e.subject_id}" for e in world.report.exempt
    )
    assert basis in found[0].basis, found[0].basis
    world.exemption = found[0]


@_step(
    "那么",
    r"该豁免的说明包含「(?P<text>.+)」",
    ("该豁免的说明包含「法律另有规定」",),
    "上一步所指豁免的中文理由包含这段文字。",
    "The exemption's Chinese reason contains the text.",
)
def exemption_message(world: World, text: str) -> None:
    assert world.exemption is not None
    assert text in world.exemption.reason, world.exemption.reason


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 没有豁免",
    ("规则 XZCF.42 没有豁免",),
    "该规则没有豁免任何记录。",
    "The rule exempts nothing.",
)
def no_exemptions(world: World, rule: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [e for e in world.report.exempt if e.rule == rule]
    assert not found, [e.reason for e in found]


# -- waivers --------------------------------------------------------------------------------


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<subject>\S+) 经批准豁免",
    ("规则 D3 对 A1 经批准豁免", "规则 D1 对 DWK-SCJG 经批准豁免"),
    "该规则对该记录（或该部门）的发现经批准豁免：不计为违规，列为已批准豁免（豁免来自「豁免清单:」表，"
    "表头为 规则、对象、理由、英文理由、批准人、批准日期、有效期至）。",
    "The rule's finding for that record (or department) is waived: not counted, listed as "
    "waived (the waivers come from a 豁免清单: table: 规则, 对象, 理由, 英文理由, 批准人, "
    "批准日期, 有效期至).",
)
def waived_for(world: World, rule: str, subject: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [
        w
        for w in world.report.waived
        if w.finding.rule == rule and subject in (w.finding.subject_id, w.finding.department)
    ]
    assert found, f"expected a waived finding of {rule} for {subject}; waived:\n" + "\n".join(
        f"{w.finding.rule} {w.finding.subject_id}" for w in world.report.waived
    )
    assert not world.findings(rule, subject), "a waived finding is not among the findings"
    world.waived = found[0]


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<subject>\S+) 没有经批准豁免",
    ("规则 D3 对 A1 没有经批准豁免",),
    "该规则对该记录的发现没有经批准豁免。",
    "No finding of the rule for that record is waived.",
)
def not_waived_for(world: World, rule: str, subject: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [
        w for w in world.report.waived if w.finding.rule == rule and w.finding.subject_id == subject
    ]
    assert not found, [w.waiver.place for w in found]


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 经批准豁免 (?P<count>\d+) 项",
    ("规则 D1 经批准豁免 2 项",),
    "该规则经批准豁免的发现共这么多项。",
    "The number of the rule's findings that are waived.",
)
def waived_count(world: World, rule: str, count: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [w for w in world.report.waived if w.finding.rule == rule]
    assert len(found) == int(count), [w.finding.subject_id for w in found]


@_step(
    "那么",
    r"该批准豁免的(?P<what>理由|批准人)包含「(?P<text>.+)」",
    ("该批准豁免的理由包含「证件正在换发」", "该批准豁免的批准人包含「王敏」"),
    "上一步所指的已批准豁免，其理由（或批准人）包含这段文字。",
    "The waiver of the waived finding named last: its reason (or approver) contains the text.",
)
def waiver_text(world: World, what: str, text: str) -> None:
    assert world.waived is not None
    waiver = world.waived.waiver
    value = waiver.reason if what == "理由" else waiver.approved_by
    assert text in value, value


@_step(
    "那么",
    r"该发现注明豁免已于 (?P<day>\d{4}-\d{2}-\d{2}) 到期",
    ("该发现注明豁免已于 2024-06-30 到期",),
    "上一步所指的发现曾经批准豁免，豁免已于该日到期，发现重新列出，说明（中英文）注明到期日。",
    "The finding named last had a waiver that expired that day: it is reported again, its "
    "message (Chinese and English) saying so.",
)
def waiver_expired(world: World, day: str) -> None:
    assert world.finding is not None
    waiver = world.finding.expired_waiver
    assert waiver is not None, f"the finding notes no expired waiver: {world.finding.message}"
    assert waiver.valid_until.isoformat() == day
    assert f"豁免已于{day}到期" in world.finding.message, world.finding.message
    assert f"expired on {day}" in world.finding.message_en, world.finding.message_en


@_step(
    "那么",
    r"报告的警告(?P<negated>包含|不含)「(?P<text>.+)」",
    ("报告的警告包含「豁免未匹配任何发现」", "报告的警告不含「豁免未匹配任何发现」"),
    "报告的警告（如未匹配任何发现的豁免、尚未批准的豁免）包含（或不含）这段文字。",
    "The report's warnings (a waiver matching no finding, one not yet approved) contain (or do "
    "not contain) the text.",
)
def report_warning(world: World, negated: str, text: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = any(text in w for w in world.report.warnings)
    assert found == (negated == "包含"), world.report.warnings


@_step(
    "那么",
    r"评估因输入有误而未进行，错误指出「(?P<text>.+)」",
    ("评估因输入有误而未进行，错误指出「field 'rule'」",),
    "输入（记录或豁免清单）有误，评估没有进行；错误信息包含这段文字（文件、行号、字段）。",
    "The input (records or waivers) was refused and nothing was evaluated; the error names the "
    "text (file, line, field).",
)
def evaluation_refused(world: World, text: str) -> None:
    assert world.report is None and world.error is not None, "the evaluation ran"
    assert text in str(world.error), str(world.error)


# -- campaigns and contests -----------------------------------------------------------------


@_step(
    "那么",
    r"活动参加范围中部门 (?P<department>\S+) 应参加 (?P<campaign>\S+)",
    ("活动参加范围中部门 LC-SCJGS 应参加 zunyi-2022",),
    "按活动参加范围规则，该部门应参加的活动（「无」：不在规则之内）。",
    "The campaign the campaign-scope rule places the department in (无: outside the rule).",
)
def campaign_of(world: World, department: str, campaign: str) -> None:
    scope = campaign_scope(world.records(), rules=world.rules())
    row = scope.filter(scope["department"] == department).to_dicts()
    assert row, f"{department} is not in the scope: {scope['department'].to_list()}"
    expected = None if campaign == "无" else campaign
    assert row[0]["campaign"] == expected, row[0]


CONTEST_COLUMNS = {
    "初赛总分": ("preliminary", "total"),
    "初赛名次": ("preliminary", "place"),
    "初赛结果": ("preliminary", "placement"),
    "决赛名次": ("final", "place"),
    "奖项": ("final", "prize"),
}
PLACEMENTS = {"进入决赛": "finalist", "并列待定": "tied", "未进入决赛": "eliminated"}
PLACEMENTS["无法计分"] = "unscored"


@_step(
    "那么",
    r"大比武排名中队伍 (?P<team>\S+) 的(?P<what>初赛总分|初赛名次|初赛结果|决赛名次|奖项)为 "
    r"(?P<value>.+)",
    ("大比武排名中队伍 T10 的初赛总分为 273", "大比武排名中队伍 T10 的初赛名次为 10-11"),
    "大比武排名（截至评估日）中该队伍的 初赛总分、初赛名次（并列写作 10-11）、初赛结果"
    "（进入决赛、并列待定、未进入决赛、无法计分）、决赛名次 或 奖项（「无」：没有）。",
    "A figure of the contest ranking (as of the evaluation day): preliminary total, place "
    "(10-11 for a tie), result, final place or prize (无: none).",
)
def contest_figure(world: World, team: str, what: str, value: str) -> None:
    result = contest(world.records(), as_of=world.as_of, rules=world.rules())
    stage, column = CONTEST_COLUMNS[what]
    frame = result.preliminary if stage == "preliminary" else result.final
    rows = frame.filter(frame["team"] == team).to_dicts()
    if value == "无":
        assert not rows or rows[0].get(column) is None, rows
        return
    assert rows, f"team {team} is not in the {stage} ranking: {frame['team'].to_list()}"
    row = rows[0]
    if column == "place":
        low, high = row["rank_min"], row["rank_max"]
        actual = str(low) if low == high else f"{low}-{high}"
        assert actual == value, f"{what}: {actual} is not {value}"
    elif column == "placement":
        assert row["placement"] == PLACEMENTS[value], row["placement"]
    else:
        assert _same(row[column], value), f"{what}: {row[column]!r} is not {value}"


@_step(
    "那么",
    r"该发现(的严重程度)?为 ?(?P<severity>违规|提示)",
    ("该发现为提示", "该发现的严重程度为 违规"),
    "上一步所指发现的严重程度：违规，或提示（「原则上」「努力」之类）。",
    "The finding's severity: 违规 violation, or 提示 warning (for 原则上, 努力 …).",
)
def finding_severity(world: World, severity: str) -> None:
    assert world.finding is not None
    expected = {"违规": Severity.VIOLATION, "提示": Severity.WARNING}[severity]
    assert world.finding.severity == expected, world.finding.severity


# -- task tables: a task is owed by each responsible department -----------------------------


def _task_findings(
    world: World, rule: str, department: str, task: str, period: str | None
) -> list[Finding]:
    return [f for f in world.findings(rule, task, period) if f.department == department]


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<department>\S+) 的任务 (?P<task>\S+)( 在 (?P<period>\S+))? "
    r"报告 (?P<status>\S+)",
    (
        "规则 H1 对 ZZ-JT 的任务 HN-4.2 报告 缺失",
        "规则 H1 对 ZZ-JT 的任务 HN-4.2 在 2022-Q1 报告 缺失",
    ),
    "任务表规则对该部门的该任务（及该季度）有发现，结论如上（场景不通过该规则）。",
    "A task-table finding of that department and task (and quarter) with that status: the "
    "scenario fails the rule.",
)
def task_finding_for(
    world: World, rule: str, department: str, task: str, period: str | None, status: str
) -> None:
    found = _task_findings(world, rule, department, task, period)
    assert found, f"expected a finding of {rule} for {department} on {task}; the report has:\n" + (
        "\n".join(
            f"{f.rule} {f.department} {f.subject_id} {f.message}" for f in world.findings(rule)
        )
    )
    expected = STATUS_BY_LABEL[status]
    assert [f.status for f in found] == [expected] * len(found), [f.status for f in found]
    world.finding = found[0]


@_step(
    "那么",
    r"规则 (?P<rule>\S+) 对 (?P<department>\S+) 的任务 (?P<task>\S+)( 在 (?P<period>\S+))? "
    r"没有发现",
    ("规则 H1 对 ZZ-JT 的任务 HN-4.2 没有发现",),
    "任务表规则对该部门的该任务（及该季度）没有发现（场景通过该规则）。",
    "Nothing for that department and task (and quarter): the scenario passes the rule.",
)
def no_task_finding_for(
    world: World, rule: str, department: str, task: str, period: str | None
) -> None:
    found = _task_findings(world, rule, department, task, period)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@_step(
    "那么",
    r"该发现引用原文「(?P<text>.+)」",
    ("该发现引用原文「具备条件的把党支部建在执法大队上。」",),
    "上一步所指发现引用的第一段原文（任务表的一行）。",
    "The first quote the finding cites (a task's row).",
)
def finding_quotes(world: World, text: str) -> None:
    assert world.finding is not None
    assert world.finding.quote == text, world.finding.quote


@_step(
    "那么",
    r"该发现也引用原文「(?P<text>.+)」",
    (
        "该发现也引用原文「确保行政机关行政执法人员每人每年接受不少于60学时的公共法律知识、业务知识和行政执法技能培训」",
    ),
    "上一步所指发现所引用的原文中有这一段（覆盖规则同时引用两份原文）。",
    "The finding cites this quote among its sources (an overriding rule cites both documents).",
)
def finding_also_quotes(world: World, text: str) -> None:
    assert world.finding is not None
    quotes = [s.quote for s in world.finding.sources]
    assert text in quotes, quotes
