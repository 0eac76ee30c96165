"""Live piece of ``task_table``: each task a table judges from task reports, for each
responsible unit, by its due day or in each quarter it is carried on.

A department owes the tracked tasks whose units include it (``TaskTable.units_of``); each
task's periods, due days and severity are those of ``TaskTable._periods``. A task report is
observed for its task and department: a completion after the due day is ``late`` when it
arrives; a due day passed without one is ``missing`` then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from .._conditions import Condition, all_of, equals, field, greater
from .._dates import quarter_label, quarter_of
from .._kinds.tasks import TaskTable
from .._rulebase import DepartmentView, Severity, Status
from ._base import Change, Observation, iso, ordinal
from .schedule import (
    Item,
    ScheduleTracker,
    due_passed,
    is_open,
    not_yet_due,
    periods_of,
)


class TaskTableTracker(ScheduleTracker, follows=TaskTable):
    """Items per (task, department, period); reports kept per (task, department)."""

    how: ClassVar[str] = (
        "per (task, responsible department, period): the task's units, due day or quarters "
        "and severity as the table gives them; the reports of the task and department; "
        "`pending`, `missing` when the due moment passes without one, `late` when a "
        "completion after the due day arrives"
    )

    rule: TaskTable
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "task_reports"})
    keyed_by_department: ClassVar[bool] = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # (task, department) -> report key -> (completed on, quarter it covers)
        self.reports: dict[tuple[str, str], dict[object, tuple[date, str]]] = {}
        self._report_of: dict[str, tuple[str, str]] = {}  # report id -> (task, department)
        self._serial = 0

    def ruleset(self) -> dict[str, Condition]:
        none = equals("reports", 0)
        return {
            Status.PENDING.value: all_of(is_open(), none, not_yet_due()),
            Status.MISSING.value: all_of(is_open(), none, due_passed()),
            Status.LATE.value: all_of(
                is_open(),
                greater("reports", 0),
                equals("dated", True),
                greater("completed", field("due_day")),
            ),
        }

    def periods_at(self, day: date) -> list[dict[str, Any]]:
        return periods_of(self.rule, self.pack, day, self.rule._periods)

    def department_items(self, department: str) -> list[Item]:
        units = set(self.rule.units_of(DepartmentView.of(self.state.departments[department])))
        tasks = {t.id: t for t in self.rule.tasks}
        items = []
        for period in self.periods:
            task = tasks[period["task"]]
            mine = tuple(u for u in task.units if u in units)
            if mine:
                items.append(
                    Item(
                        department,
                        period["period"],
                        period["due"],
                        period["opens"],
                        task=task.id,
                        units=mine,
                        severity=Severity(period["severity"]),
                    )
                )
        return items

    def on_record(self, change: Change) -> Iterable[Observation]:
        row = change.row
        touched = []
        before = self._report_of.pop(row["id"], None) if row["id"] is not None else None
        if before is not None:  # the same report again replaces the earlier version
            del self.reports[before][row["id"]]
            touched.append(before)
        if self.rule.task(row["task"]) is not None:
            key = (row["task"], row["department"])
            day: date = row["completed_on"]
            covers = row["period"] or quarter_label(day.year, quarter_of(day))
            if row["id"] is None:  # a report without an id is another one
                self._serial += 1
                report: object = self._serial
            else:
                report = row["id"]
                self._report_of[row["id"]] = key
            self.reports.setdefault(key, {})[report] = (day, covers)
            if key != before:
                touched.append(key)
        return [o for task, d in self._sharing(touched) for o in self.judge_department(d, task)]

    def _sharing(self, touched: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (task, department) pairs a report touches: for a task the area owes once,
        every department that owes it."""
        pairs: list[tuple[str, str]] = []
        for task_id, department in touched:
            task = self.rule.task(task_id)
            if task is not None and task.area_wide:
                pairs += [(task_id, d) for d in self._owing(task_id)]
            else:
                pairs.append((task_id, department))
        return list(dict.fromkeys(pairs))

    def _owing(self, task_id: str) -> list[str]:
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
            if task.area_wide and self.reports.get((task.id, department)):
                observations += [
                    o
                    for d in self._owing(task.id)
                    if d != department
                    for o in self.judge_department(d, task.id)
                ]
        return observations

    def judge(self, item: Item) -> Observation:
        assert item.task is not None
        task = self.rule.task(item.task)
        if task is not None and task.area_wide:  # owed once: any owing unit's reports count
            held = [
                report
                for department in self._owing(item.task)
                for report in self.reports.get((item.task, department), {}).values()
            ]
        else:
            held = list(self.reports.get((item.task, item.department), {}).values())
        dated = item.period is None  # a due day: any report counts; else the quarter's
        days = [day for day, covers in held if dated or covers == item.period]
        completed = min(days, default=None)
        event = self.item_event(
            item,
            reports=len(days),
            dated=dated,
            completed=ordinal(completed),
            due_day=item.due.toordinal(),
        )
        return self.labelled(
            item.task,
            item.department,
            event,
            lambda: {
                "task": item.task,
                "department": item.department,
                "units": list(item.units),
                "period": item.period,
                "due": iso(item.due),
                "completed": iso(completed),
                "reports": len(days),
            },
            period=item.period,
            due=item.due,
            severity=item.severity,
        )
