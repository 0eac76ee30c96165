"""Shared steps of the Gherkin specs (zh-CN): build records from tables, evaluate, and read
the report.

Given: a step ``<记录类型>:`` with a table adds records of that type (headers as in the
contract or their Chinese names; list cells separated with 、).
When: ``以 YYYY-MM-DD 为评估日评估`` evaluates every pack, ``…评估规则包 <id>`` one pack.
Then: ``规则 <id> 没有发现``, ``规则 <id> 对 <对象> 报告 <结论>``, ``该发现的 <数据> 为 <值>``…
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

import enforcement_rules as er
from enforcement_rules._rulebase import STATUS_LABELS

STATUS_BY_LABEL = {label: status for status, label in STATUS_LABELS.items()}


@dataclass
class World:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    report: er.Report | None = None
    error: er.EnforcementRulesError | None = None
    finding: er.Finding | None = None

    def findings(
        self, rule: str, subject: str | None = None, period: str | None = None
    ) -> list[er.Finding]:
        assert self.report is not None, f"no evaluation ran in this scenario: {self.error}"
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


@when(parsers.re(r"以 (?P<as_of>\S+) 为评估日评估(规则包 (?P<packs>.+))?"))
def evaluate(world: World, as_of: str, packs: str | None) -> None:
    records = er.Records.from_text_rows(world.rows)
    pack_ids = [p.strip() for p in packs.split("、")] if packs else None
    try:
        world.report = er.evaluate(records, as_of=as_of, packs=pack_ids)
    except er.EnforcementRulesError as error:
        world.error = error


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
    actual = world.finding.figures[name]
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
    return str(actual) == written


# -- task tables: a task is owed by each responsible department ---------------------------


def _task_findings(
    world: World, rule: str, department: str, task: str, period: str | None
) -> list[er.Finding]:
    return [f for f in world.findings(rule, task, period) if f.department == department]


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


@then(parsers.re(r"该发现的严重程度为 (?P<severity>\S+)"))
def finding_severity(world: World, severity: str) -> None:
    assert world.finding is not None
    labels = {"违规": er.Severity.VIOLATION, "提示": er.Severity.WARNING}
    assert world.finding.severity == labels[severity], world.finding.severity


@then(parsers.re(r"该发现引用原文「(?P<text>.+)」"))
def finding_quotes(world: World, text: str) -> None:
    assert world.finding is not None
    assert world.finding.quote == text, world.finding.quote
