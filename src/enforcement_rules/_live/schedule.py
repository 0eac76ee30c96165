"""What the live pieces of the obligation kinds share: the items a rule's schedule holds for
each department it applies to (a report due on a day, a quarter's quota, a task), when each
opens and falls due, and the moments at which the clock judges them again.

The items are the ones ``schedule(ctx)`` of the kind lists: their periods, due days and the
days they open come from the kind's own period helpers, read on a context without records
(``context_at``); their owers are the departments the rule's selectors take. An item is
observed when a record it counts arrives, when its department changes, and when the clock
passes the first moment of the day it opens or the last moment of its due day; the ruleset
decides ``pending``, ``missing``, ``late``, ``incomplete`` or ``not_met`` from the figures the
tracker derives, the item's days and the clock.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import polars as pl

from .._conditions import Condition, at_most, field, greater
from .._context import Context
from .._records import Records
from .._rulebase import RuleBase, Severity
from ._base import Alarms, Change, LiveState, Observation, Tracker, due_moment, start_moment

if TYPE_CHECKING:
    from .._rules import Pack

ItemKey = tuple[str, str | None, str | None]
"""An item: its department, task (task tables only) and period."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a department owes: in ``period`` (``None`` for a one-off), counted from
    ``first`` to ``last``, due on ``due``, judged from ``opens`` on."""

    department: str
    period: str | None
    due: date
    opens: date
    first: date | None = None
    last: date | None = None
    task: str | None = None
    units: tuple[str, ...] = ()
    severity: Severity | None = None
    activity_on: date | None = None  # a relative deadline: the activity it counts from

    @property
    def key(self) -> ItemKey:
        return (self.department, self.task, self.period)

    @property
    def subject(self) -> str:
        return self.task if self.task is not None else self.department


T = TypeVar("T")


class ByDepartment(Generic[T]):
    """What a tracker keeps of the records its items count, by department and record id: a
    record posted again with its id replaces the earlier version (and leaves the department it
    was filed under)."""

    def __init__(self) -> None:
        self._held: dict[str, dict[str, T]] = {}
        self._department: dict[str, str] = {}

    def put(self, record_id: str, department: str, value: T | None) -> list[str]:
        """Hold ``value`` (``None``: the record counts for nothing here); the departments
        whose items it touched."""
        touched = []
        before = self._department.pop(record_id, None)
        if before is not None:
            del self._held[before][record_id]
            touched.append(before)
        if value is not None:
            self._held.setdefault(department, {})[record_id] = value
            self._department[record_id] = department
            if department != before:
                touched.append(department)
        return touched

    def of(self, department: str) -> dict[str, T]:
        return self._held.get(department, {})


@functools.cache
def _no_records() -> Records:
    return Records.from_dicts({})


def context_at(pack: Pack, day: date) -> Context:
    """A context holding no records, as of ``day``: what a kind's period helpers read (the
    rule's period in force, and the as-of day an open-ended period's horizon counts from)."""
    return Context(_no_records(), day, [pack])


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return list(frame.iter_rows(named=True))


_PERIODS: dict[tuple[int, str, date], tuple[RuleBase, list[dict[str, Any]]]] = {}


def periods_of(
    rule: RuleBase, pack: Pack, day: date, read: Callable[[Context], pl.DataFrame]
) -> list[dict[str, Any]]:
    """The periods ``read`` gives for a rule as of ``day``, computed once per rule and day (a
    monitor is cheap to create: every monitor of a process shares them)."""
    key = (id(rule), pack.id, day)
    held = _PERIODS.get(key)
    if held is None or held[0] is not rule:
        if len(_PERIODS) > 4096:
            _PERIODS.clear()
        held = (rule, rows(read(context_at(pack, day))))
        _PERIODS[key] = held
    return held[1]


# -- conditions every schedule shares ------------------------------------------------------


def is_open() -> Condition:
    """The item has opened by the clock's day (the schedule's ``opens <= as_of``)."""
    return at_most("opens", field("today"))


def due_passed() -> Condition:
    """The clock has passed the last moment of the item's due day."""
    return at_most("due", field("now"))


def not_yet_due() -> Condition:
    return greater("due", field("now"))


class ScheduleTracker(Tracker):
    """A rule whose schedule holds items per department. Subclasses give the rule's periods
    (``periods_at``), a department's items (``department_items``), and how an item is judged
    (``judge``); ``on_record`` takes the records the items count."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.items: dict[str, dict[ItemKey, Item]] = {}
        self.alarms: Alarms[ItemKey] = Alarms()
        in_force = LiveState.in_force(self.rule, self.pack)
        # An open-ended period reaches a year past the as-of day: its periods grow with the
        # clock. A closed one's are fixed.
        self._open_ended = in_force.end is None
        self._horizon = in_force.start
        self.periods = self.periods_at(in_force.start)

    def periods_at(self, day: date) -> list[dict[str, Any]]:
        """The rule's periods as its schedule lists them as of ``day``."""
        raise NotImplementedError

    def department_items(self, department: str) -> list[Item]:
        """The items a department in the rule's scope owes: one per period."""
        return [
            Item(department, p["period"], p["due"], p["opens"], p["first"], p["last"])
            for p in self.periods
        ]

    def judge(self, item: Item) -> Observation:
        raise NotImplementedError

    def on_record(self, change: Change) -> Iterable[Observation]:
        return ()

    # -- what moves the items ------------------------------------------------------------

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return self.refresh(change.row["id"])
        return self.on_record(change)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        observations: list[Observation] = []
        today = self.state.today
        if self._open_ended and today is not None and today > self._horizon:
            self._horizon = today
            periods = self.periods_at(today)
            if periods != self.periods:  # a new period came within the horizon
                self.periods = periods
                for department in list(self.items):
                    observations += self.refresh(department)
        for department, task, period in self.alarms.rung(self.state.now):
            item = self.items.get(department, {}).get((department, task, period))
            if item is not None:
                observations.append(self.judge(item))
        return observations

    def refresh(self, department: str) -> list[Observation]:
        """Rebuild the department's items (none once it is out of scope) and judge them."""
        old = self.items.pop(department, {})
        new: dict[ItemKey, Item] = {}
        if department in self.departments():
            new = {item.key: item for item in self.department_items(department)}
            self.items[department] = new
        observations = [
            self.outside(item.subject, item.period, item.department)
            for key, item in old.items()
            if key not in new
        ]
        for key, item in new.items():
            if old.get(key) != item:
                self.alarms.at(start_moment(item.opens), key, self.state.now)
                self.alarms.at(due_moment(item.due), key, self.state.now)
            observations.append(self.judge(item))
        return observations

    def judge_department(self, department: str, task: str | None = None) -> list[Observation]:
        """Judge the department's items again (those of one task, when given)."""
        return [
            self.judge(item)
            for item in self.items.get(department, {}).values()
            if task is None or item.task == task
        ]

    def wake_at(self, department: str, day: date) -> None:
        """Judge the department's items again on ``day`` (a publication counts from its day)."""
        for key in self.items.get(department, {}):
            self.alarms.at(start_moment(day), key, self.state.now)

    def item_event(self, item: Item, **figures: Any) -> dict[str, Any]:
        """An item's event: the day it opens, its due moment, the clock, and ``figures``."""
        return {
            "opens": item.opens.toordinal(),
            "today": self.state.day,
            "due": due_moment(item.due),
            "now": self.state.now,
            **figures,
        }
