"""``task_table``: a task table (任务分解表), each task naming its responsible units and its
deadline.

A task's deadline is a day ("2021年底前"), "持续开展" (carried on continuously: evidence in
every calendar quarter of the period in force), both ("2022年3月,完成后持续开展": the day,
then every quarter after it), another rule that checks the same requirement on better
records (``tracked_by``), or none (listed: the text sets no date). Each responsible unit
reports its own completion (``task_reports``); one unit reporting does not cover another,
except for a task the area owes once (``area_wide``: "大武口区要培育…亮点1个"), which a report
of any of its responsible units completes for all of them.

An item (task, responsible department, period)'s event: ``reports``, ``dated`` (a task due on
a day, rather than a quarter it is carried on in), ``completed_day`` and ``due_day``
(ordinals), beside the schedule's days. Its status: ``missing`` (due, no report), ``late`` (a
task due on a day completed after it), ``pending`` (not yet due), else ``met``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._chinese import ChineseText
from .._conditions import Decision, all_of, equals, field, greater
from .._figures import Figures, figure
from .._live._base import Change, Observation, iso, ordinal
from .._rulebase import DepartmentView, Period, Selector, Severity, SourceRef, Spec, Status
from ._schedule import (
    ByDepartment,
    Draws,
    Item,
    Judged,
    Obligation,
    Owed,
    Owing,
    ScheduleTracker,
    due_passed,
    horizon,
    not_yet_due,
    opened,
    opening_in_force,
    quarter_named,
    quarter_periods,
    span,
)
from ._words import listed, period_zh

if TYPE_CHECKING:
    from .._rulebase import Context

OUTCOMES = {"met": 0.85, "late": 0.07}
"""Shares of a synthetic item's outcome; what is left is missing."""


class Task(Spec):
    """One row (or one measure of a row) of a task table."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", description="e.g. HN-4.2")
    title: str
    section: str
    quote: str = Field(min_length=2)
    units: list[str] = Field(min_length=1, description="Labels of the table's ``units``")
    due: date | None = None
    continuous: bool = Field(default=False, description="持续开展: evidence every quarter")
    tracked_by: list[str] = Field(
        default_factory=list, description="Rules that check this task on other records"
    )
    area_wide: bool = Field(
        default=False,
        description="Owed once by the area (a count or product of the whole area): a report "
        "of any responsible unit completes it for all",
    )
    severity: Severity | None = None
    note: ChineseText | None = Field(default=None, description="解读 of this row, in Chinese")
    note_en: str | None = None

    @model_validator(mode="after")
    def _one_way_of_tracking(self) -> Task:
        if (self.note is None) != (self.note_en is None):
            raise ValueError(f"task {self.id}: 'note' (Chinese) and 'note_en' go together")
        if self.tracked_by and (self.due is not None or self.continuous):
            raise ValueError(f"task {self.id}: 'tracked_by' or a due day/continuous, not both")
        if self.area_wide and (self.due is None or self.continuous):
            raise ValueError(f"task {self.id}: 'area_wide' needs a due day, and not continuous")
        return self

    @property
    def tracked(self) -> bool:
        """Whether the table itself judges this task from task reports."""
        return self.due is not None or self.continuous

    def when(self) -> str:
        if self.tracked_by:
            return "由规则 " + "、".join(self.tracked_by) + " 检查"
        if self.due is not None and self.continuous:
            return f"{self.due} 前,完成后持续开展(每季度)"
        if self.due is not None:
            return f"{self.due} 前"
        if self.continuous:
            return "持续开展(每季度)"
        return "未设时限(列示,不检查)"


class TaskTableFigures(Figures):
    task: str = figure("任务", "task")
    department: str = figure("部门", "department")
    units: list[str] = figure("责任单位", "responsible units")
    period: str | None = figure("期间", "period")
    due: str = figure("期限", "due")
    completed: str | None = figure("完成日期", "completed on")
    reports: int = figure("完成记录数", "reports")


def nobody(key: str) -> Any:
    return set()


class Reports:
    """What a task table's items count: the reports by (task, department), a department's
    units, and the departments owing a task the area owes once."""

    def __init__(self) -> None:
        self.reports: ByDepartment[tuple[str, str], tuple[date, str]] = ByDepartment()
        self.units_of: Callable[[str], set[str]] = nobody
        self.owing: Callable[[str], Iterable[str]] = nobody  # a task's departments


class TaskTable(Obligation):
    """A task table: ``units`` names each responsible unit with a selector; ``tasks`` lists
    every row with its quote, units and deadline."""

    kind: Literal["task_table"]
    units: dict[str, Selector] = Field(min_length=1)
    tasks: list[Task] = Field(min_length=1)

    subject_type: ClassVar[str] = "task"
    record_type: ClassVar[str] = "task_reports"
    figures: ClassVar[type[Figures]] = TaskTableFigures
    book: ClassVar[type[Any]] = Reports

    @model_validator(mode="after")
    def _consistent(self) -> TaskTable:
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValueError(f"task id {task.id} appears twice")
            seen.add(task.id)
            unknown = [u for u in task.units if u not in self.units]
            if unknown:
                raise ValueError(
                    f"task {task.id}: units {', '.join(unknown)} are not defined in 'units'"
                )
        return self

    def decision(self, in_force: Period) -> Decision:
        none = equals("reports", 0)
        return opened(
            {
                Status.PENDING.value: all_of(none, not_yet_due()),
                Status.MISSING.value: all_of(none, due_passed()),
                Status.LATE.value: all_of(
                    greater("reports", 0),
                    equals("dated", True),
                    greater("completed_day", field("due_day")),
                ),
            }
        )

    @cached_property
    def tasks_by_id(self) -> dict[str, Task]:
        return {task.id: task for task in self.tasks}

    # -- sources and references ----------------------------------------------------------

    def _row_source(self, task: Task) -> SourceRef:
        return SourceRef(document=self.sources[0].document, section=task.section, quote=task.quote)

    def quoted(self) -> list[tuple[tuple[str | int, ...], SourceRef]]:
        rows: list[tuple[tuple[str | int, ...], SourceRef]] = [
            (("tasks", number), self._row_source(task)) for number, task in enumerate(self.tasks)
        ]
        return super().quoted() + rows

    def references(self) -> list[str]:
        return [ref for task in self.tasks for ref in task.tracked_by]

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        task = self.tasks_by_id.get(subject_id)
        return ([self._row_source(task)] if task else []) + list(self.sources)

    def item_title(self, item: str) -> str:
        task = self.tasks_by_id.get(item)
        return f"{item} {task.title}" if task else self.title

    # -- who owes what ---------------------------------------------------------------------

    def units_of(self, department: DepartmentView) -> list[str]:
        """Labels of the units ``department`` is."""
        return [name for name, selector in self.units.items() if selector.matches(department)]

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        """(task, period, first, last, due, opens, severity) of every tracked task."""
        last = horizon(in_force, as_of)
        rows = []
        for task in (t for t in self.tasks if t.tracked):
            periods = []
            if task.due is not None:
                periods.append(span(None, in_force.start, task.due, task.due, in_force.start))
            if task.continuous:
                first = in_force.start if task.due is None else task.due + timedelta(days=1)
                periods += opening_in_force(quarter_periods(first, last), in_force)
            severity = (task.severity or self.severity).value
            rows += [p | {"task": task.id, "severity": severity} for p in periods]
        return rows

    # -- what the items count, for both evaluators ----------------------------------------

    def book_records(self) -> list[tuple[str, str, str | None, Any]]:
        return [("task_reports", "completed_on", None, None)]

    def hold(
        self, book: Reports, record_type: str, row: dict[str, Any], key: Hashable
    ) -> list[Any]:
        day: date = row["completed_on"]
        covers = row["period"] if row["period"] is not None else quarter_named(day)
        known = self.tasks_by_id.get(row["task"]) is not None
        return book.reports.put(
            key, (row["task"], row["department"]), (day, covers) if known else None
        )

    def filled(self, ctx: Context) -> Reports:
        book: Reports = super().filled(ctx)
        departments = ctx.departments(self)
        units: dict[str, set[str]] = {}
        for name, selector in self.units.items():
            for department in set(ctx.selected(selector)).intersection(departments):
                units.setdefault(department, set()).add(name)
        book.units_of = lambda department: units.get(department, set())
        owing = {
            task.id: [d for d in departments if units.get(d, set()).intersection(task.units)]
            for task in self.tasks
            if task.area_wide
        }
        book.owing = owing.__getitem__
        return book

    def items_of(self, department: str, periods: list[dict[str, Any]], book: Reports) -> list[Item]:
        units = book.units_of(department)
        items = []
        for period in periods:
            task = self.tasks_by_id[period["task"]]
            mine = tuple(u for u in task.units if u in units)
            if mine:
                severity = Severity(period["severity"])
                items.append(
                    Item(
                        department,
                        period["period"],
                        period["due"],
                        period["opens"],
                        task=task.id,
                        units=mine,
                        severity=severity,
                    )
                )
        return items

    def sharing(self, book: Reports, task_id: str, department: str) -> Iterable[str]:
        """The departments whose reports count for a department's item of the task (and whose
        items its reports touch): for a task the area owes once, every one owing it."""
        task = self.tasks_by_id.get(task_id)
        return book.owing(task_id) if task is not None and task.area_wide else (department,)

    def judged(self, item: Item, book: Reports, today: date) -> Judged:
        assert item.task is not None
        sharing = self.sharing(book, item.task, item.department)
        held = [report for d in sharing for report in book.reports.of((item.task, d)).values()]
        is_dated = item.period is None  # a due day: any report counts; else the quarter's
        days = [day for day, covers in held if is_dated or covers == item.period]
        completed = min(days, default=None)
        fields = {
            "reports": len(days),
            "dated": is_dated,
            "completed_day": ordinal(completed),
            "due_day": item.due.toordinal(),
        }
        return fields, lambda: TaskTableFigures.of(
            task=item.task,
            department=item.department,
            units=list(item.units),
            period=item.period,
            due=iso(item.due),
            completed=iso(completed),
            reports=len(days),
        )

    def item_id(self, item: Item) -> str:
        return str(item.task)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        task = self.tasks_by_id.get(subject_id)
        title = task.title if task else subject_id
        department, units = figures["department"], listed(figures["units"])
        head_zh = f"任务 {subject_id}「{title}」责任单位 {department}({units})"
        head_en = f"Task {subject_id}, responsible unit {department} ({units})"
        period, due = figures["period"], figures["due"]
        if period:
            if figures["reports"]:
                return (
                    f"{head_zh}{period_zh(period)}有工作佐证 {figures['reports']} 份。",
                    f"{head_en}: evidence for {period} ({figures['reports']} report(s)).",
                )
            return (
                f"{head_zh}{period_zh(period)}没有工作佐证(持续开展,每季度须有佐证)。",
                f"{head_en}: no evidence for {period} (carried on continuously: evidence "
                "every quarter).",
            )
        if not figures["completed"]:
            if task is not None and task.area_wide:
                return (
                    f"{head_zh}:该任务由全区完成一项,截至评估日没有任何责任单位报告完成;"
                    f"期限 {due}。",
                    f"{head_en}: owed once by the area, and no responsible unit reported it "
                    f"done by the evaluation day; due {due}.",
                )
            return (
                f"{head_zh}截至评估日未报告完成;期限 {due}。",
                f"{head_en}: no completion reported by the evaluation day; due {due}.",
            )
        if figures["completed"] <= due:
            return (
                f"{head_zh}于 {figures['completed']} 报告完成,按期(期限 {due})。",
                f"{head_en}: completed {figures['completed']}, in time (due {due}).",
            )
        return (
            f"{head_zh}于 {figures['completed']} 报告完成,晚于期限 {due}。",
            f"{head_en}: completed {figures['completed']}, after the {due} deadline.",
        )

    def owed(self) -> list[Owed]:
        return [
            Owed(
                record_type=(
                    "task_reports" if task.tracked else ("rules" if task.tracked_by else "-")
                ),
                item=task.id,
                title=task.title,
                when=task.when(),
                owers="、".join(task.units),
                details=(
                    ("提示 warning" if task.severity == Severity.WARNING else "")
                    + (task.note or "")
                ),
            )
            for task in self.tasks
        ]

    def names(self) -> dict[str, set[str]]:
        return {"task_reports": {task.id for task in self.tasks}}

    def owing(self, department: DepartmentView) -> list[Owing]:
        """Each tracked task: whether ``department`` is one of its responsible units."""
        units = self.units_of(department) if self.applies_to.matches(department) else []
        rows = []
        for task in (t for t in self.tasks if t.tracked):
            matched = [u for u in task.units if u in units]
            why = (
                "责任单位 " + "、".join(matched)
                if matched
                else "不是责任单位 not one of: " + "、".join(task.units)
            )
            rows.append(Owing(task.id, task.title, bool(matched), why))
        return rows

    def draw(self, ctx: Context, draws: Draws) -> dict[str, pl.DataFrame]:
        """A report of each open item, in time, late or missing."""
        items = self.open_items(ctx)
        frame, completed = draws.delivered(items, OUTCOMES, early=60, late=60)
        # A task the area owes once is reported (or not) once: by the first unit owing it.
        area = [t.id for t in self.tasks if t.area_wide]
        first = items.filter(pl.col("subject_id").is_in(area)).unique(
            "subject_id", keep="first", maintain_order=True
        )
        frame = frame.filter(
            ~pl.col("subject_id").is_in(area)
            | pl.struct("subject_id", "department").is_in(
                first.select(pl.struct("subject_id", "department")).to_series().implode()
            )
        )
        return {
            "task_reports": frame.select(
                pl.col("subject_id").alias("task"),
                "department",
                completed.alias("completed_on"),
                "period",
                pl.lit("任务完成情况报告").alias("evidence"),
            )
        }


class TaskTableTracker(ScheduleTracker, follows=TaskTable):
    how: ClassVar[str] = (
        "per (task, responsible department, period): the task's units, due day or quarters "
        "and severity as the table's `periods` give them; the reports of the task and "
        "department; `pending`, `missing` when the due moment passes without one, `late` when "
        "a completion after the due day arrives"
    )

    rule: TaskTable
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "task_reports"})
    keyed_by_department: ClassVar[bool] = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.serial = itertools.count()
        self.book.owing = self.owing
        self.book.units_of = lambda department: set(
            self.rule.units_of(DepartmentView.of(self.state.departments[department]))
        )

    def on_record(self, change: Change) -> Iterable[Observation]:
        row = change.row
        # the same report again replaces the earlier version; one without an id is another one
        report = row["id"] if row["id"] is not None else next(self.serial)
        touched = self.rule.hold(self.book, change.record_type, row, report)
        pairs = [(t, d) for t, of in touched for d in self.rule.sharing(self.book, t, of)]
        return [o for task, d in dict.fromkeys(pairs) for o in self.judge_department(d, task)]

    def owing(self, task_id: str) -> list[str]:
        """The departments in scope whose items include the task."""
        return [
            department
            for department, items in self.items.items()
            if any(item.task == task_id for item in items.values())
        ]

    def refresh(self, department: str) -> list[Observation]:
        observations = super().refresh(department)
        # A department entering or leaving a task the area owes once changes whose reports
        # count for the others.
        for task in self.rule.tasks:
            if task.area_wide and self.book.reports.of((task.id, department)):
                observations += [
                    o
                    for d in self.owing(task.id)
                    if d != department
                    for o in self.judge_department(d, task.id)
                ]
        return observations
