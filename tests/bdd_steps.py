"""Shared steps of the Gherkin specs (zh-CN): build records from tables, evaluate, and read
the report.

Given: a step ``<记录类型>:`` with a table adds records of that type (headers as in the
contract or their Chinese names; list cells separated with 、).
Given also: ``规则 <id> 施行至 YYYY-MM-DD`` evaluates with that rule in force to that day;
``工作日历只收录至 YYYY 年`` holds the working-day calendar to the years up to YYYY.
When: ``以 YYYY-MM-DD 为评估日评估`` evaluates every pack, ``…评估规则包 <id>`` one pack.
Then: ``规则 <id> 没有发现``, ``规则 <id> 对 <对象> 报告 <结论>``, ``该发现的 <数据> 为 <值>``…
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

import enforcement_rules as er
from enforcement_rules import _dates
from enforcement_rules._figures import FIGURES, KEYS_BY_LABEL
from enforcement_rules._quality import CHECKS as QUALITY_CHECKS
from enforcement_rules._rulebase import STATUS_LABELS, Period, RuleBase
from enforcement_rules._rules import Pack
from enforcement_rules._vocab import ALIASES

STATUS_BY_LABEL = {label: status for status, label in STATUS_LABELS.items()}


@dataclass
class World:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    report: er.Report | None = None
    error: er.EnforcementRulesError | None = None
    finding: er.Finding | None = None
    as_of: str | None = None
    exemption: er.Exemption | None = None
    in_force_to: dict[str, str] = field(default_factory=dict)  # rule id -> last day in force
    folders: list[Path] = field(default_factory=list)  # rules folders loaded besides the shipped

    def rules(self) -> er.RuleSet:
        return er.load_rules(*self.folders)

    def findings(
        self, rule: str, subject: str | None = None, period: str | None = None
    ) -> list[er.Finding]:
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


@pytest.fixture
def world() -> World:
    return World()


def _table(datatable: list[list[str]]) -> list[dict[str, str]]:
    headers, *rows = datatable
    return [dict(zip(headers, row, strict=True)) for row in rows]


@given(parsers.re(r"(?P<table_name>[^\s:：]+)[:：]"))
def records_table(world: World, table_name: str, datatable: list[list[str]]) -> None:
    world.rows.setdefault(table_name, []).extend(_table(datatable))


@given(parsers.re(r"工作日历只收录至 (?P<year>\d{4}) 年"))
def calendar_known_to(year: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the working-day calendar to the years up to ``year``, as an installed release
    that knows no later year would, so the scenario does not move with a newer release."""
    first, last = _dates.working_day_years()
    assert int(year) <= last, f"the installed calendar knows {first}–{last} only"
    monkeypatch.setattr(_dates, "WORKING_DAY_YEARS", (first, int(year)))


@given(parsers.re(r"另加载规则文件夹 (?P<folder>\S+)"))
def rules_folder(world: World, folder: str) -> None:
    """Load the packs of a rules folder too (a path from the repository's root)."""
    path = Path(__file__).parents[1] / folder
    assert path.is_dir(), f"no rules folder {folder}"
    world.folders.append(path)


@given(parsers.re(r"规则 (?P<rule>\S+) 施行至 (?P<end>\d{4}-\d{2}-\d{2})"))
def rule_in_force_to(world: World, rule: str, end: str) -> None:
    assert rule in world.rules().rules, f"no rule {rule!r}"
    world.in_force_to[rule] = end


def _ruleset(world: World) -> er.RuleSet | None:
    """The shipped rules and the folders loaded, with the periods in force the scenario
    extends (``施行至``)."""
    if not world.in_force_to:
        return world.rules() if world.folders else None
    shipped = world.rules()

    def extended(rule: RuleBase, pack: Pack) -> RuleBase:
        if rule.id not in world.in_force_to:
            return rule
        start = (rule.in_force or pack.in_force).start
        end = date.fromisoformat(world.in_force_to[rule.id])
        return rule.model_copy(update={"in_force": Period(start=start, end=end)})

    packs = [
        dataclasses.replace(p, rules=tuple(extended(r, p) for r in p.rules))
        for p in shipped.packs.values()
    ]
    return er.RuleSet(shipped.documents, packs)


@when(parsers.re(r"以 (?P<as_of>\S+) 为评估日评估(规则包 (?P<packs>.+))?"))
def evaluate(world: World, as_of: str, packs: str | None) -> None:
    records = er.Records.from_text_rows(world.rows)
    pack_ids = [p.strip() for p in packs.split("、")] if packs else None
    world.as_of = as_of
    try:
        world.report = er.evaluate(records, as_of=as_of, packs=pack_ids, rules=_ruleset(world))
    except er.EnforcementRulesError as error:
        world.error = error
        return
    named = {k for f in world.report.findings for k in f.figures} | {
        k for e in world.report.exempt for k in e.figures
    }
    assert named <= set(FIGURES), f"figures without a label in _figures: {named - set(FIGURES)}"


@then(parsers.re(r"规则 (?P<rule>\S+) 没有发现"))
def no_findings(world: World, rule: str) -> None:
    found = world.findings(rule)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@then(parsers.re(r"规则 (?P<rule>\S+) 对 (?P<subject>\S+)( 在 (?P<period>\S+))? 没有发现"))
def no_finding_for(world: World, rule: str, subject: str, period: str | None) -> None:
    found = world.findings(rule, subject, period)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@then(
    parsers.re(r"规则 (?P<rule>\S+) 对 (?P<subject>\S+)( 在 (?P<period>\S+))? 报告 (?P<status>\S+)")
)
def finding_for(world: World, rule: str, subject: str, period: str | None, status: str) -> None:
    found = world.findings(rule, subject, period)
    assert found, f"expected a finding of {rule} for {subject}; the report has:\n" + "\n".join(
        f"{f.rule} {f.subject_id} {f.message}"
        for f in world.report.findings  # type: ignore[union-attr]
    )
    expected = STATUS_BY_LABEL[status]
    assert [f.status for f in found] == [expected] * len(found), [f.status for f in found]
    world.finding = found[0]


@then(parsers.re(r"规则 (?P<rule>\S+) 共报告 (?P<count>\d+) 项"))
def finding_count(world: World, rule: str, count: str) -> None:
    assert len(world.findings(rule)) == int(count), [f.message for f in world.findings(rule)]


@then(parsers.re(r"该发现的 (?P<name>\S+) 为 (?P<value>.+)"))
def finding_figure(world: World, name: str, value: str) -> None:
    assert world.finding is not None
    assert name in KEYS_BY_LABEL, (
        f"「{name}」 is not the Chinese label of a figure"
        + (f"; write 「{FIGURES[name][0]}」" if name in FIGURES else "")
        + " (labels: enforcement_rules._figures.FIGURES)"
    )
    key = KEYS_BY_LABEL[name]
    assert key in world.finding.figures, (
        f"the finding has no {name} ({key}): {world.finding.figures}"
    )
    actual = world.finding.figures[key]
    assert _same(actual, value.strip()), f"{name}: {actual!r} is not {value}"


@then(parsers.re(r"该发现的期限为 (?P<due>\S+)"))
def finding_due(world: World, due: str) -> None:
    assert world.finding is not None and world.finding.due is not None
    assert world.finding.due.isoformat() == due


@then(parsers.re(r"该发现的说明包含「(?P<text>.+)」"))
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
        return actual == json.loads(written)
    # an enumeration's value written as its Chinese word (依据层级 为 规范性文件)
    if any(
        word == written and member.value == actual
        for e in ALIASES.values()
        for word, member in e.items()
    ):
        return True
    return str(actual) == written


@then(parsers.re(r"规则 (?P<rule>\S+) 对 (?P<subject>\S+) 豁免,依据「(?P<basis>.+)」"))
def exempt_for(world: World, rule: str, subject: str, basis: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [e for e in world.report.exempt if e.rule == rule and e.subject_id == subject]
    assert found, f"expected an exemption of {rule} for {subject}; the report has:\n" + "\n".join(
        f"{e.rule} {e.subject_id}" for e in world.report.exempt
    )
    assert basis in found[0].basis, found[0].basis
    world.exemption = found[0]


@then(parsers.re(r"该豁免的说明包含「(?P<text>.+)」"))
def exemption_message(world: World, text: str) -> None:
    assert world.exemption is not None
    assert text in world.exemption.reason, world.exemption.reason


@then(parsers.re(r"规则 (?P<rule>\S+) 没有豁免"))
def no_exemptions(world: World, rule: str) -> None:
    assert world.report is not None, f"no evaluation ran in this scenario: {world.error}"
    found = [e for e in world.report.exempt if e.rule == rule]
    assert not found, [e.reason for e in found]


@then(parsers.re(r"活动参加范围中部门 (?P<department>\S+) 应参加 (?P<campaign>\S+)"))
def campaign_of(world: World, department: str, campaign: str) -> None:
    scope = er.campaign_scope(er.Records.from_text_rows(world.rows))
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
# -- task tables: a task is owed by each responsible department ---------------------------


def _task_findings(
    world: World, rule: str, department: str, task: str, period: str | None
) -> list[er.Finding]:
    return [f for f in world.findings(rule, task, period) if f.department == department]


@then(
    parsers.re(
        r"大比武排名中队伍 (?P<team>\S+) 的(?P<what>初赛总分|初赛名次|初赛结果|决赛名次|奖项)为 "
        r"(?P<value>.+)"
    )
)
def contest_figure(world: World, team: str, what: str, value: str) -> None:
    result = er.contest(er.Records.from_text_rows(world.rows), as_of=world.as_of)
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


@then(parsers.re(r"该发现(的严重程度)?为 ?(?P<severity>违规|提示)"))
def finding_severity(world: World, severity: str) -> None:
    assert world.finding is not None
    expected = {"违规": er.Severity.VIOLATION, "提示": er.Severity.WARNING}[severity]
    assert world.finding.severity == expected, world.finding.severity


@then(
    parsers.re(
        r"规则 (?P<rule>\S+) 对 (?P<department>\S+) 的任务 (?P<task>\S+)( 在 (?P<period>\S+))? "
        r"报告 (?P<status>\S+)"
    )
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


@then(
    parsers.re(
        r"规则 (?P<rule>\S+) 对 (?P<department>\S+) 的任务 (?P<task>\S+)( 在 (?P<period>\S+))? "
        r"没有发现"
    )
)
def no_task_finding_for(
    world: World, rule: str, department: str, task: str, period: str | None
) -> None:
    found = _task_findings(world, rule, department, task, period)
    assert not found, "expected no finding, got:\n" + "\n".join(f.message for f in found)


@then(parsers.re(r"该发现引用原文「(?P<text>.+)」"))
def finding_quotes(world: World, text: str) -> None:
    assert world.finding is not None
    assert world.finding.quote == text, world.finding.quote


@then(parsers.re(r"该发现也引用原文「(?P<text>.+)」"))
def finding_also_quotes(world: World, text: str) -> None:
    assert world.finding is not None
    quotes = [s.quote for s in world.finding.sources]
    assert text in quotes, quotes
