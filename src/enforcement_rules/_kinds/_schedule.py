"""What a department owes and by when: the schedule every obligation kind keeps, for both
evaluators.

An obligation rule (a deliverable, a quota, a task table) lists every item it demands: one per
(department, obligation, period), each with its due day, the day it opens, its status and the
figures that decided it. The periods, due days and opening days are the kind's ``periods``,
read by ``evaluate`` on all departments at once and by the monitor per department; an item's
status is the kind's ``decision`` on its event: ``opens_day`` and ``today`` (ordinals),
``due_moment`` and ``now`` (the last moment of the due day and the clock, in microseconds) and
the kind's own figures. An item no status condition meets is ``met`` once open (``pending``
before). The findings are the open items not met; the compliance calendar reads every item, so
the two cannot disagree.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar

import polars as pl
from pydantic import AfterValidator

from .._conditions import Condition, Decision, all_of, at_most, decide, decided, field
from .._conditions import greater as later_than
from .._dates import month_end, quarter_bounds, quarter_label, quarters_overlapping
from .._dates import quarter_of as quarter_number
from .._findings import FINDING_COLUMNS
from .._live._base import Alarms, Change, Observation, Tracker, due_moment, start_moment
from .._rulebase import DepartmentView, Period, RuleBase, Severity, Status

if TYPE_CHECKING:
    from .._rulebase import Context

JUDGED_IN_PYTHON = 60
"""A schedule of at most this many items (a department's, a city's) is decided in Python, by
the same decision; a larger one by polars. Measured (CPU, the schedules of a synthetic province
repeated to each size): ``decide`` costs about 4–9 µs an event, building the events' frame and
querying it (``decided``) about 0.3–0.5 ms whatever the size up to a few hundred; they cross
between 50 and 75 events for every obligation kind (at 400 events, 1.7–3.4 ms against
0.4–0.8 ms)."""

SCHEDULE_COLUMNS: dict[str, pl.DataType] = {
    **FINDING_COLUMNS,
    "item": pl.String(),  # the deliverable id, activity kind or task id
    "opens": pl.Date(),  # from this day on, an item not met is a finding
    "severity": pl.String(),
}

OBLIGATION_ID = r"^[a-z0-9][a-z0-9\-]*$"
"""The id a submission names in ``obligation``."""

MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")

STAGE_WORDS = {"中期": "mid_term", "中期评估": "mid_term", "终期": "final", "终期评估": "final"}
"""Chinese words of plan-evaluation stages (``activities.stage``)."""


EMPTY_SCHEDULE = pl.DataFrame(schema=SCHEDULE_COLUMNS)

CHECKED_EMPTY = pl.DataFrame(schema={**FINDING_COLUMNS, "severity": pl.String()})
"""A schedule's findings, none (their columns)."""

FEW_ROWS = 100
"""Up to this many rows, a frame is built from its rows rather than its columns. Measured
(CPU, a schedule's listed items): rows cost less below 100 (25 rows: 0.16–0.21 ms against
0.21–0.28 ms), the two alike at 100, columns less above (400 rows: 1.9–2.9 ms against
2.2–3.1 ms)."""


F = TypeVar("F", pl.DataFrame, pl.LazyFrame)
"""A table, eager or lazy."""


def frame_of(values: dict[str, list[Any]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A frame of the columns ``values`` (lists of one length), typed by ``schema``."""
    names = list(values)
    if len(next(iter(values.values()))) > FEW_ROWS:
        return pl.DataFrame(values, schema=schema)
    rows = zip(*values.values(), strict=True)
    return pl.from_dicts([dict(zip(names, row, strict=True)) for row in rows], schema=schema)


figures_text = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
"""An item's figures as JSON, as polars writes a struct of them: a schedule's figures are texts,
whole numbers, flags and lists of texts, which both write alike."""


def parse_month_day(text: str) -> tuple[int, int]:
    """``"01-15"`` as (1, 15); ``ValueError`` unless a real month-day."""
    match = MONTH_DAY.fullmatch(text)
    if match is None:
        raise ValueError("a month-day as MM-DD, e.g. 01-15")
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= month_end(2024, month).day:
        raise ValueError("a real month-day as MM-DD, e.g. 01-15")
    return month, day


def month_day_text(text: str) -> str:
    parse_month_day(text)
    return text


MonthDay = Annotated[str, AfterValidator(month_day_text)]
"""A month-day of each year as ``MM-DD`` (rule files)."""


def stage_of_value(stage: str | None) -> str | None:
    """An activity's stage in its canonical word (mid_term, final); others as written."""
    return None if stage is None else STAGE_WORDS.get(stage, stage)


# -- what a listing and the synthetic province ask of an obligation kind ----------------------


@dataclass(frozen=True, slots=True)
class Owed:
    """One thing an obligation rule asks for, as a listing shows it."""

    record_type: str  # submissions, activities, task_reports (or the rule tracking it)
    item: str  # the id a record names: submissions.obligation, activities.kind, task
    title: str
    when: str  # the deadline in words
    owers: str  # who owes it, in words
    details: str = ""


@dataclass(frozen=True, slots=True)
class Owing:
    """Whether one thing a rule asks for is owed by one department, and why."""

    item: str
    title: str
    applies: bool
    why: str


class Draws(Protocol):
    """The random draws the synthetic province makes for the records a rule asks for."""

    def outcomes(self, n: int, shares: dict[str, float]) -> pl.Series:
        """``n`` outcomes drawn with ``shares`` (what they leave is ``missing``)."""

    def uniform(self, n: int) -> pl.Series: ...

    def delivered(
        self, items: pl.DataFrame, shares: dict[str, float], early: int, late: int
    ) -> tuple[pl.DataFrame, pl.Expr]:
        """The items not left missing, each with its ``outcome``, and the day it was delivered:
        up to ``early`` days before it was due, or, when late, up to ``late`` days after."""

    def days(self, first: date, last: date, n: int) -> pl.Series:
        """``n`` days from ``first`` to ``last``."""

    def choose(self, values: pl.Series, shares: list[float], n: int) -> pl.Series:
        """``n`` of ``values``, each drawn with its share."""


def day_in(low: pl.Expr, high: pl.Expr, u: pl.Expr) -> pl.Expr:
    """A day from ``low`` to ``high`` (both inclusive), at fraction ``u`` of the way."""
    span = (high - low).dt.total_days().clip(lower_bound=0) + 1
    return low + pl.duration(days=(u * span).floor().cast(pl.Int64))


def days_after(day: pl.Expr, within: int) -> pl.Expr:
    """A day 1 to ``within`` days after ``day``, by the row's fraction ``v``."""
    return day + pl.duration(days=(pl.col("v") * within).floor().cast(pl.Int64) + 1)


class RecordsAsked(RuleBase):
    """A rule asking departments for records (submissions, activities, task reports): what
    listings and the synthetic province read of it."""

    drawn_after_activities: ClassVar[bool] = False
    """Its synthetic records count from the activities (drawn once those exist)."""

    def owed(self) -> list[Owed]:
        """What the rule asks for, for ``enforcement-rules obligations``."""
        return []

    def names(self) -> dict[str, set[str]]:
        """The ids records may name for it, by record type."""
        names: dict[str, set[str]] = {}
        for owed in self.owed():
            names.setdefault(owed.record_type, set()).add(owed.item)
        return names

    def owing(self, department: DepartmentView) -> list[Owing]:
        """Each thing it asks for: whether ``department`` owes it, and why."""
        misses = self.applies_to.misses(department)
        why = "; ".join(misses) if misses else self.applies_to.describe()
        return [Owing(o.item, o.title, not misses, why) for o in self.owed()]

    def draw(self, ctx: Context, draws: Draws) -> dict[str, pl.DataFrame]:
        """Synthetic records answering the rule as of ``ctx.as_of``, by record type."""
        raise NotImplementedError


# -- the schedule ----------------------------------------------------------------------------


def is_open() -> Condition:
    """The item has opened by the clock's day."""
    return at_most("opens_day", field("today"))


def due_passed() -> Condition:
    """The clock has passed the last moment of the item's due day."""
    return at_most("due_moment", field("now"))


def not_yet_due() -> Condition:
    return later_than("due_moment", field("now"))


def opened(decision: dict[str, Condition]) -> Decision:
    """Each status of a schedule's decision, for open items only."""
    return {status: all_of(is_open(), condition) for status, condition in decision.items()}


EPOCH = date(1970, 1, 1).toordinal()


def ordinal_of(column: str) -> pl.Expr:
    """A date column's days as ordinals (an event's days; ``NO_DAY``, 0, for none)."""
    return (pl.col(column).cast(pl.Int64) + EPOCH).fill_null(0)


class Item(NamedTuple):
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


ItemKey = tuple[str, str | None, str | None]
"""An item: its department, task (task tables only) and period."""

Judged = tuple[dict[str, Any], Callable[[], dict[str, Any]]]
"""An item's event fields (beside the schedule's days) and what builds its figures."""


class Obligation(RecordsAsked):
    """Base of the kinds that keep a schedule. Both evaluators read one definition: the
    ``periods``, a department's items (``items_of``), what the items count (a ``book`` that
    ``hold`` fills with records: ``evaluate`` from the records as of the day, the monitor as
    they arrive), an item's event and figures (``judged``), and the ``decision``."""

    subject_type: ClassVar[str] = "department"

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        """(period, first, last, due, opens) of every item as of a day, before pairing with
        the departments."""
        raise NotImplementedError

    book: ClassVar[type[Any]]
    """The book of what the items count."""

    def book_records(self) -> list[tuple[str, str, str | None, Any]]:
        """The record types whose records the book holds, each with the column dating them,
        and the column and its value telling those it may hold (``None``: any)."""
        raise NotImplementedError

    def hold(self, book: Any, record_type: str, row: dict[str, Any], key: Hashable) -> list[Any]:
        """Hold a record (``key``: its id; a record with the id again replaces it): the
        departments (or other keys of the book) whose items it touched."""
        raise NotImplementedError

    def items_of(self, department: str, periods: list[dict[str, Any]], book: Any) -> list[Item]:
        """The items a department in the rule's scope owes: one per period."""
        return [
            Item(department, p["period"], p["due"], p["opens"], p["first"], p["last"])
            for p in periods
        ]

    def judged(self, item: Item, book: Any, today: date) -> Judged:
        """An item's event fields and figures, from what the book holds by ``today``."""
        raise NotImplementedError

    def item_id(self, item: Item) -> str:
        """What the item asks for (``SCHEDULE_COLUMNS``' ``item``)."""
        raise NotImplementedError

    def filled(self, ctx: Context) -> Any:
        """The book of the records as of the day (each row its own record): each record type's
        rows are read once per evaluation, by the value of the column telling which a rule
        holds, and the rule's are offered to ``hold``."""
        book = self.book()
        for record_type, dated_by, column, value in self.book_records():
            table = ctx.records.table(record_type)
            rows = ctx.shared(
                ("dated rows", record_type, dated_by, str(column)),
                functools.partial(dated_rows, table, dated_by, column, ctx.as_of),
            )
            for number, row in enumerate(rows.get(value, ())):
                self.hold(book, record_type, row, number)
        return book

    def every_item(
        self, ctx: Context
    ) -> tuple[list[Item], list[Callable[[], dict[str, Any]]], list[str | None]]:
        """Every item of the rule as of the day, what builds each item's figures (built only for
        the items listed), and each item's status (``None`` where no condition of the decision
        holds): decided in Python for a few items, by polars for many (the same decision)."""
        periods = period_rows(self, ctx.in_force(self), ctx.as_of)
        departments = ctx.departments(self)
        if not periods or not departments:
            return [], [], []
        book = self.filled(ctx)
        items = [item for d in departments for item in self.items_of(d, periods, book)]
        today, now = ctx.as_of.toordinal(), due_moment(ctx.as_of)
        judged = [self.event(item, book, ctx.as_of, today, now) for item in items]
        events = [event for event, _ in judged]
        figures = [figures for _, figures in judged]
        decision = self.decision(ctx.in_force(self))
        if len(events) <= JUDGED_IN_PYTHON:
            return items, figures, [decide(decision, event) for event in events]
        statuses: list[str | None] = [None] * len(events)
        frame = decided(pl.DataFrame(events).with_row_index("row"), decision)
        for row, status in frame.select("row", "status").iter_rows():
            statuses[row] = status
        return items, figures, statuses

    def event(self, item: Item, book: Any, day: date, today: int, now: int) -> Judged:
        """An item's event (the schedule's days and its own fields from the book by ``day``:
        ``today`` its ordinal, ``now`` the clock's moment) and figures, for both evaluators."""
        fields, figures = self.judged(item, book, day)
        event = {
            "opens_day": item.opens.toordinal(),
            "today": today,
            "due_moment": due_moment(item.due),
            "now": now,
            **fields,
        }
        return event, figures

    def schedule(self, ctx: Context) -> pl.DataFrame:
        """Every item of the rule, open or not, with its status (``SCHEDULE_COLUMNS``): an
        item no condition holds for is ``met`` once open, ``pending`` before."""
        items, figures, statuses = self.every_item(ctx)
        return self.listed(
            items,
            figures,
            [
                status or (Status.MET if item.opens <= ctx.as_of else Status.PENDING).value
                for item, status in zip(items, statuses, strict=True)
            ],
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        items, figures, statuses = self.every_item(ctx)
        found = [i for i, status in enumerate(statuses) if status]
        return self.listed(
            [items[i] for i in found],
            [figures[i] for i in found],
            [statuses[i] for i in found],
            CHECKED_EMPTY,
        )

    def listed(
        self,
        items: list[Item],
        figures: list[Callable[[], dict[str, Any]]],
        status: list[str | None],
        empty: pl.DataFrame = EMPTY_SCHEDULE,
    ) -> pl.DataFrame:
        """The columns of ``empty`` (every item's, or the findings' only) of ``items``, with
        their ``status`` and the figures each of ``figures`` builds."""
        if not items:
            return empty.clear()  # a new frame, without building the schema again
        values: dict[str, list[Any]] = {
            "subject_type": [self.subject_type] * len(items),
            "subject_id": [item.subject for item in items],
            "department": [item.department for item in items],
            "status": status,
            "period": [item.period for item in items],
            "due": [item.due for item in items],
            "figures": [figures_text(built()) for built in figures],
            "item": [self.item_id(item) for item in items],
            "opens": [item.opens for item in items],
            "severity": [(item.severity or self.severity).value for item in items],
        }
        return frame_of({name: values[name] for name in empty.columns}, empty.schema)

    def open_items(self, ctx: Context) -> pl.DataFrame:
        """The items open on the as-of day, in a fixed order (what the synthetic province
        answers)."""
        return (
            self.schedule(ctx)
            .filter(pl.col("opens") <= ctx.as_of)
            .sort("department", "subject_id", "period", nulls_last=True)
        )

    def item_title(self, item: str) -> str:
        """The title of one item (a task table's task); by default the rule's."""
        return self.title


# -- periods ----------------------------------------------------------------------------


def horizon(period: Period, as_of: date) -> date:
    """The last day a schedule reaches: the end of the period in force, or for an open-ended
    one, a year after the as-of day."""
    return period.end if period.end is not None else as_of + timedelta(days=366)


def span(period: str | None, first: date, last: date, due: date, opens: date) -> dict[str, Any]:
    """A period of a schedule: its label, first and last day, due day, and the day it opens."""
    return {"period": period, "first": first, "last": last, "due": due, "opens": opens}


def quarter_periods(first: date, last: date) -> list[dict[str, Any]]:
    """One per calendar quarter with a day from ``first`` to ``last``: due on its last day,
    open from its first."""
    quarters = [(y, q, *quarter_bounds(y, q)) for y, q in quarters_overlapping(first, last)]
    return [span(quarter_label(y, q), start, end, end, start) for y, q, start, end in quarters]


def quarter_named(day: date) -> str:
    """The label (``2024-Q2``) of the quarter ``day`` falls in."""
    return quarter_label(day.year, quarter_number(day))


def opening_in_force(periods: list[dict[str, Any]], in_force: Period) -> list[dict[str, Any]]:
    """The periods, none opening before the rule is in force."""
    return [p | {"opens": max(p["opens"], in_force.start)} for p in periods]


def dated(table: F, column: str, as_of: date) -> F:
    """Records dated on or before the as-of day (later ones are not part of the state)."""
    return table.filter(pl.col(column) <= as_of)


def dated_rows(
    table: pl.DataFrame, dated_by: str, column: str | None, as_of: date
) -> dict[Any, list[dict[str, Any]]]:
    """The rows of ``dated``, read in Python, by their value of ``column`` (``None``: all
    under ``None``)."""
    rows: dict[Any, list[dict[str, Any]]] = {}
    for row in table.iter_rows(named=True):
        if (day := row[dated_by]) is not None and day <= as_of:
            rows.setdefault(None if column is None else row[column], []).append(row)
    return rows


PERIODS: dict[tuple[int, Period, date], tuple[Obligation, list[dict[str, Any]]]] = {}


def period_rows(rule: Obligation, period: Period, day: date) -> list[dict[str, Any]]:
    """The rule's periods as of ``day``, computed once per rule, period in force and day (a
    monitor is cheap to create: every monitor of a process shares them)."""
    key = (id(rule), period, day)
    held = PERIODS.get(key)
    if held is None or held[0] is not rule:
        if len(PERIODS) > 4096:
            PERIODS.clear()
        held = PERIODS[key] = (rule, rule.periods(period, day))
    return held[1]


# -- the live side ---------------------------------------------------------------------------

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class ByDepartment(Generic[K, T]):
    """What a book keeps of the records its items count, by department (or another key of
    its items) and record: a record held again with its key replaces the earlier version
    (and leaves the department it was filed under)."""

    def __init__(self) -> None:
        self.held: dict[K, dict[Any, T]] = {}
        self.department: dict[Any, K] = {}

    def put(self, record_id: Hashable, department: K, value: T | None) -> list[K]:
        """Hold ``value`` (``None``: the record counts for nothing here); the departments
        whose items it touched."""
        touched = []
        before = self.department.pop(record_id, None)
        if before is not None:
            del self.held[before][record_id]
            touched.append(before)
        if value is not None:
            self.held.setdefault(department, {})[record_id] = value
            self.department[record_id] = department
            if department != before:
                touched.append(department)
        return touched

    def of(self, department: K) -> dict[Any, T]:
        return self.held.get(department, {})


class ScheduleTracker(Tracker):
    """A rule whose schedule holds items per department: the kind's book, filled as records
    arrive (``on_record``), and its items, judged again when what they count or the clock
    changes."""

    rule: Obligation

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.book = self.rule.book()
        self.items: dict[str, dict[ItemKey, Item]] = {}
        self.alarms: Alarms[ItemKey] = Alarms()
        # An open-ended period reaches a year past the as-of day: its periods grow with the
        # clock. A closed one's are fixed.
        self.open_ended = self.in_force.end is None
        self.horizon = self.in_force.start
        self.periods = period_rows(self.rule, self.in_force, self.in_force.start)

    def judge(self, item: Item) -> Observation:
        today = self.state.today or date.min
        event, figures = self.rule.event(item, self.book, today, self.state.day, self.state.now)
        return self.labelled(
            item.subject,
            item.department,
            event,
            figures,
            period=item.period,
            due=item.due,
            severity=item.severity,
        )

    def on_record(self, change: Change) -> Iterable[Observation]:
        touched = self.rule.hold(self.book, change.record_type, change.row, change.row["id"])
        return [o for d in touched for o in self.judge_department(d)]

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return self.refresh(change.row["id"])
        return self.on_record(change)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        observations: list[Observation] = []
        today = self.state.today
        if self.open_ended and today is not None and today > self.horizon:
            self.horizon = today
            periods = period_rows(self.rule, self.in_force, today)
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
            items = self.rule.items_of(department, self.periods, self.book)
            new = self.items[department] = {item.key: item for item in items}
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


def only(figures: dict[str, T], absent: Iterable[str]) -> dict[str, T]:
    """``figures`` without the figures a rule does not show (``published`` of a deliverable
    not to be made public)."""
    dropped = set(absent)
    return {name: value for name, value in figures.items() if name not in dropped}
