"""Who owes what: the deliverables, quotas and tasks the rules define, the departments each
applies to and why, and records that name an obligation no rule defines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import polars as pl

from . import _quality
from ._context import department_views
from ._errors import Problem
from ._figures import Figures, figure
from ._findings import finding_frame
from ._kinds._schedule import RecordsAsked
from ._records import Records
from ._rulebase import Severity, SourceRef, Status
from ._rules import Pack, RuleSet

PACK = "data-quality"


@dataclass(frozen=True, slots=True)
class Listed:
    """One obligation as ``enforcement-rules obligations`` lists it."""

    pack: str
    rule: str
    record_type: str
    item: str
    title: str
    when: str
    owers: str
    details: str

    def to_dict(self) -> dict[str, str]:
        return {name: str(value) for name, value in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Applies:
    """Whether one obligation applies to one department, and why."""

    department: str
    department_name: str
    pack: str
    rule: str
    item: str
    title: str
    applies: bool
    why: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnknownItemFigures(Figures):
    record_type: str = figure("记录类型", "record type")
    field: str = figure("字段", "field")
    value: str = figure("数值", "value")


def obligations(packs: Iterable[Pack]) -> list[Listed]:
    """Every deliverable, quota and task of ``packs``, in file order: what each rule asking
    for records says it owes (``RecordsAsked.owed``)."""
    return [
        Listed(pack.id, rule.id, o.record_type, o.item, o.title, o.when, o.owers, o.details)
        for pack in packs
        for rule in pack.rules
        if isinstance(rule, RecordsAsked)
        for o in rule.owed()
    ]


def known_items(ruleset: RuleSet) -> dict[str, set[str]]:
    """The ids records may name: ``submissions`` (obligation) and ``task_reports`` (task)."""
    known: dict[str, set[str]] = {"submissions": set(), "task_reports": set()}
    for rule in ruleset:
        if isinstance(rule, RecordsAsked):
            for record_type, names in rule.names().items():
                if record_type in known:
                    known[record_type].update(names)
    return known


def department_obligations(
    records: Records, packs: list[Pack], department: str | None = None
) -> list[Applies]:
    """Per department of the records: each obligation of the packs that cover it, whether it
    applies, and why (the selector it matches, or the conditions it fails)."""
    rows: list[Applies] = []
    for view in department_views(records):
        if department is not None and view.id != department:
            continue
        covering = [p for p in packs if p.applies(view)]
        if not covering:
            rows.append(
                Applies(view.id, view.name, "-", "-", "-", "-", False, "没有规则包适用 no pack")
            )
        rows += [
            Applies(view.id, view.name, pack.id, rule.id, o.item, o.title, o.applies, o.why)
            for pack in covering
            for rule in pack.rules
            if isinstance(rule, RecordsAsked)
            for o in rule.owing(view)
        ]
    return rows


# -- records naming an obligation no rule defines ------------------------------------------


@dataclass(frozen=True)
class UnknownItem:
    """Describes the data-quality finding of a record naming an unknown obligation or task."""

    id: str = "data-quality.unknown-obligation"
    title: str = "报送或任务记录引用了规则未定义的事项"
    title_en: str = "A record names an obligation or task no rule defines"
    fix: str = "按 enforcement-rules obligations 列出的编号更正 obligation 或 task。"
    fix_en: str = "Correct obligation or task to an id listed by enforcement-rules obligations."
    sources: list[SourceRef] = field(default_factory=list)
    severity: Severity = Severity.WARNING

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"{figures['record_type']} 记录 {subject_id} 的 {figures['field']} 为 "
            f"{figures['value']},规则中没有这一事项,不计入任何义务。",
            f"{figures['record_type']} record {subject_id}: {figures['field']} "
            f"{figures['value']} is defined by no rule, so it counts for nothing.",
        )


UNKNOWN_ITEM = UnknownItem()


_known: WeakKeyDictionary[RuleSet, tuple[tuple[object, ...], dict[str, set[str]]]] = (
    WeakKeyDictionary()
)
"""``known_items`` of each rule set, with the rules it was made of."""


def _known_items(ruleset: RuleSet) -> dict[str, set[str]]:
    """``known_items(ruleset)``, made once for a rule set (unless its rules change)."""
    rules = tuple(ruleset.rules.values())
    held = _known.get(ruleset)
    if held is None or held[0] != rules:
        held = _known[ruleset] = (rules, known_items(ruleset))
    return held[1]


def unknown_items(records: Records, ruleset: RuleSet) -> pl.DataFrame:
    """Data-quality findings for submissions and task reports naming an unknown id."""
    known = _known_items(ruleset)
    frames = []
    for table, column in (("submissions", "obligation"), ("task_reports", "task")):
        frame = records.table(table)
        if frame.height <= _quality.FEW_RECORDS:
            named = set(frame.get_column(column).to_list()) - {None}
            if named <= known[table]:
                continue
        unknown = frame.with_row_index("_row").filter(~pl.col(column).is_in(sorted(known[table])))
        if unknown.height == 0:
            continue
        frames.append(
            finding_frame(
                unknown,
                subject_type=table.removesuffix("s"),
                subject_id=pl.coalesce(pl.col("id"), pl.format(table + "[{}]", pl.col("_row"))),
                department=pl.col("department"),
                status=Status.NOT_MET.value,
                figures=UnknownItemFigures.columns(
                    record_type=pl.lit(table), field=pl.lit(column), value=pl.col(column)
                ),
            )
        )
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).with_columns(
        pl.lit(UNKNOWN_ITEM.id).alias("rule"),
        pl.lit(PACK).alias("pack"),
        pl.lit(Severity.WARNING.value).alias("severity"),
    )


def unknown_problems(unknown: pl.DataFrame, origin: str) -> list[Problem]:
    """The findings of ``unknown_items`` as input problems (for strict evaluation)."""
    problems = []
    for row in unknown.iter_rows(named=True):
        figures = json.loads(row["figures"])
        problems.append(
            Problem(
                origin,
                f"{figures['record_type']} record {row['subject_id']}",
                figures["field"],
                "an id the rules define (enforcement-rules obligations)",
                figures["value"],
            )
        )
    return problems
