"""What the live monitor keeps between records, and what a tracker is.

The monitor holds the standing records (departments, officers, certificates: latest version by
id) and running tallies of the acts (training hours and sessions per officer-year, rotation
training days per officer), never the acts themselves. A tracker follows one rule: from a
record that changed (or a clock that moved) it derives observations, each an event of plain
figures that the rule's durable-rules ruleset decides on; the figures a finding would show
are built only when a rule fires.

Readings shared with the batch evaluator (``_context.Context``): a department matches a rule
when it matches the rule's pack selector and its own; a certificate is valid on a day from
``valid_from`` to ``valid_to`` unless suspended, withdrawn or cancelled on or before it; an
empty authorised scope covers the holder's department's domain.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from .._conditions import Decision
from .._dates import day_end, day_start, local_day, microseconds
from .._exceptions import ExceptionRegister
from .._rulebase import DepartmentView, Period, RuleBase, Severity
from .._semantics import in_force, valid, years_to

if TYPE_CHECKING:
    from .._rules import Pack

T = TypeVar("T")

BEFORE_ANY_MOMENT = -(2**53)
"""``now`` in an event while the monitor's clock is not set: before every due moment."""

NO_DAY = 0
"""A day an event does not name (or ``today`` while the clock is not set), as an ordinal: before
every real day."""


@functools.lru_cache(maxsize=4096)
def first_moment(day: date) -> datetime:
    """The first moment of ``day`` in Asia/Shanghai (``_dates.day_start``, computed once)."""
    return day_start(day)


@functools.lru_cache(maxsize=4096)
def last_moment(day: date) -> datetime:
    """The last moment of ``day`` in Asia/Shanghai (``_dates.day_end``, computed once)."""
    return day_end(day)


@functools.lru_cache(maxsize=4096)
def due_moment(day: date) -> int:
    """The last moment of ``day`` in Asia/Shanghai, as an event carries it."""
    return microseconds(last_moment(day))


@functools.lru_cache(maxsize=4096)
def start_moment(day: date) -> int:
    """The first moment of ``day`` in Asia/Shanghai, as an event carries it."""
    return microseconds(first_moment(day))


def ordinal(day: date | None) -> int:
    """A day as an event carries it (``NO_DAY`` for none)."""
    return NO_DAY if day is None else day.toordinal()


def iso(day: date | None) -> str | None:
    """A day as a finding's figures hold it: ``YYYY-MM-DD``."""
    return None if day is None else day.isoformat()


def moment_text(moment: datetime | None) -> str | None:
    """A date-time as a finding's figures hold it: in UTC, with milliseconds or microseconds
    only when it has them (``2025-01-15T08:30:00.500+00:00``), as ``check``'s JSON writes it."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    fraction = utc.microsecond
    if fraction == 0:
        digits = ""
    elif fraction % 1000 == 0:
        digits = f".{fraction // 1000:03d}"
    else:
        digits = f".{fraction:06d}"
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + digits + "+00:00"


@dataclass(slots=True)
class Change:
    """A record that arrived: its type and its row."""

    record_type: str
    row: dict[str, Any]
    # standing records: the version it replaced, if any
    previous: dict[str, Any] | None = None
    # trainings: the (officer, year) tallies and the officers' rotation days it changed
    officer_years: set[tuple[str, int]] = field(default_factory=set)
    rotation_officers: set[str] = field(default_factory=set)
    trained_officers: set[str] = field(default_factory=set)
    # what the trackers read off the record, computed once for all of them (``_kinds._acts``)
    gathered: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Observation:
    """What a tracker saw about one subject (and period).

    ``event`` is what the rule's ruleset decides on; ``None`` means the subject is outside the
    rule (not in scope, not yet in force): no finding. ``figures`` builds the figures of a
    finding, called only when a rule fired; for a tracker ``about_acts`` maybe only when a host
    reads the finding, after later records arrived: it reads only the act and what the tracker
    read when the act arrived, never the monitor's state.
    """

    tracker: Tracker
    subject_id: str
    period: str | None
    department: str | None
    due: date | None
    event: dict[str, Any] | None
    figures: Callable[[], dict[str, Any]]

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """What the finding is about: rule, subject, period (and the department, where one
        subject is owed by several: ``Labelled``)."""
        return (self.tracker.rule.id, self.subject_id, self.period, None)

    def labels(self) -> tuple[str | None, Severity | None]:
        """The finding's subject type and severity where they are not the rule's."""
        return None, None


@dataclass(slots=True)
class Labelled(Observation):
    """An observation whose finding has its own subject type (a count about a campaign) or
    severity (a task table's row), or whose subject is owed by several departments, each with
    its own finding (``owner``: a task of a task table)."""

    subject_type: str | None = None
    severity: Severity | None = None
    owner: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        return (self.tracker.rule.id, self.subject_id, self.period, self.owner)

    def labels(self) -> tuple[str | None, Severity | None]:
        return self.subject_type, self.severity


class LiveState:
    """The standing records, the running tallies and the clock of one monitor."""

    def __init__(self, exceptions: ExceptionRegister | None = None) -> None:
        self.exceptions = exceptions if exceptions is not None else ExceptionRegister()
        self.departments: dict[str, dict[str, Any]] = {}
        self.officers: dict[str, dict[str, Any]] = {}
        self.certificates: dict[str, dict[str, dict[str, Any]]] = {}  # officer -> id -> row
        self._certificate_holder: dict[str, str] = {}
        self.hours: dict[tuple[str, int], float] = {}
        self.sessions: dict[tuple[str, int], int] = {}
        self.rotations: dict[str, list[date]] = {}
        self.training_days: dict[str, list[date]] = {}
        self._trainings: dict[str, tuple[str, date, float, bool]] = {}  # trainings with an id
        self.held_acts: Counter[str] = Counter()
        """Ids of the acts trackers hold to judge again, with how many hold each."""
        self.readings: dict[Any, Any] = {}
        """What the trackers read off the records for the clock's day (a held act's event),
        kept until a standing record arrives or the clock's day changes."""
        self.lasting: dict[Any, Any] = {}
        """What the trackers read off the standing records that holds over a span of days (an
        officer's certificates), kept until a standing record arrives."""
        self.scopes: dict[str, frozenset[str]] = {}
        """The departments each rule applies to, by rule id (a new dict when a department
        changes)."""
        self._derived: dict[Hashable, object] = {}
        self.clock: datetime | None = None
        self.now = BEFORE_ANY_MOMENT
        """The clock as an event carries it (microseconds)."""
        self.today: date | None = None
        """The clock's day in Asia/Shanghai."""

    # -- the clock --------------------------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        self.clock = moment
        self.now = microseconds(moment)
        today = local_day(moment)
        if today != self.today:
            self.readings.clear()  # acts mostly arrive in time order: the readings of a day
        self.today = today

    @property
    def day(self) -> int:
        """The clock's day as an event carries it (``today``; ``NO_DAY`` while unset)."""
        return ordinal(self.today)

    # -- scope ------------------------------------------------------------------------

    def departments_in_scope(self, rule: RuleBase, pack: Pack) -> frozenset[str]:
        """Ids of the departments ``rule`` applies to (its pack's selector and its own)."""
        scope = self.scopes.get(rule.id)
        if scope is None:
            scope = frozenset(
                d.id
                for d in self._department_views
                if pack.applies_to.matches(d) and rule.applies_to.matches(d)
            )
            self.scopes[rule.id] = scope
        return scope

    @cached_property
    def _department_views(self) -> list[DepartmentView]:
        return [DepartmentView.of(row) for row in self.departments.values()]

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept until a department changes: a family's table derived from the
        departments (e.g. a campaign's placements), computed once."""
        if key not in self._derived:
            self._derived[key] = compute()
        return cast(T, self._derived[key])

    @staticmethod
    def in_force(rule: RuleBase, pack: Pack) -> Period:
        """The rule's own period in force, else its pack's."""
        return in_force(rule, pack)

    def active_years(self, rule: RuleBase, pack: Pack) -> range:
        """Calendar years of the rule's period up to the clock's day (none before it starts)."""
        return self.years_at(rule, pack, self.clock)

    def years_at(self, rule: RuleBase, pack: Pack, moment: datetime | None) -> range:
        """Calendar years of the rule's period up to the day of ``moment``."""
        return years_to(in_force(rule, pack), None if moment is None else local_day(moment))

    # -- records ----------------------------------------------------------------------

    def apply(self, record_type: str, row: dict[str, Any]) -> Change:
        """Take in a record: hold it if it is a standing one, count it if it is a training."""
        if record_type in ("departments", "officers", "certificates"):
            self.readings.clear()
            self.lasting.clear()
        if record_type == "departments":
            previous = self.departments.get(row["id"])
            self.departments[row["id"]] = row
            self.scopes = {}  # a new dict, not cleared: a tracker keeps the one it read
            self._derived.clear()
            self.__dict__.pop("_department_views", None)
            return Change(record_type, row, previous)
        if record_type == "officers":
            previous = self.officers.get(row["id"])
            self.officers[row["id"]] = row
            return Change(record_type, row, previous)
        if record_type == "certificates":  # replaced in place, or moved to another holder
            previous = None
            holder = self._certificate_holder.get(row["id"])
            if holder is not None:
                previous = self.certificates[holder].pop(row["id"])
            self.certificates.setdefault(row["officer"], {})[row["id"]] = row
            self._certificate_holder[row["id"]] = row["officer"]
            return Change(record_type, row, previous)
        if record_type == "trainings":
            return self._training(row)
        if record_type == "actions" and row["domain"] is None:
            # an action without a domain takes its department's
            department = self.departments.get(row["department"])
            row["domain"] = department["domain"] if department else None
        return Change(record_type, row)

    def _training(self, row: dict[str, Any]) -> Change:
        change = Change("trainings", row)
        new = (row["officer"], row["date"], float(row["hours"]), bool(row["rotation"]))
        if row["id"] is not None:
            old = self._trainings.get(row["id"])
            if old is not None:  # the same training again: it replaces the earlier version
                self._count(change, *old, sign=-1)
            self._trainings[row["id"]] = new
        self._count(change, *new, sign=1)
        return change

    def _count(
        self, change: Change, officer: str, day: date, hours: float, rotation: bool, sign: int
    ) -> None:
        key = (officer, day.year)
        self.hours[key] = self.hours.get(key, 0.0) + sign * hours
        self.sessions[key] = self.sessions.get(key, 0) + sign
        change.officer_years.add(key)
        trained = self.training_days.setdefault(officer, [])
        if sign > 0:
            trained.append(day)
        else:
            trained.remove(day)
        change.trained_officers.add(officer)
        if rotation:
            days = self.rotations.setdefault(officer, [])
            if sign > 0:
                days.append(day)
            else:
                days.remove(day)
            change.rotation_officers.add(officer)

    def officers_of(self, department: str) -> Iterator[str]:
        return (oid for oid, row in self.officers.items() if row["department"] == department)

    def certificate(self, certificate_id: str) -> dict[str, Any] | None:
        """The certificate held under this id, if any."""
        holder = self._certificate_holder.get(certificate_id)
        return None if holder is None else self.certificates[holder][certificate_id]

    def certified_on(self, officer_id: str, day: date) -> bool:
        """Whether the officer held a certificate valid on ``day``."""
        return any(valid(c, day) for c in self.certificates.get(officer_id, {}).values())


class Members:
    """The officers a rule counts (``counts``: employment, on duty...), by department, kept as
    officers arrive; whether the department is in the rule's scope is the tracker's to check."""

    def __init__(self, counts: Callable[[dict[str, Any]], bool]) -> None:
        self.counts = counts
        self.of: dict[str, set[str]] = {}
        self._department: dict[str, str] = {}

    def update(self, officer: dict[str, Any]) -> list[str]:
        """Take in an officer's latest version: the departments whose members changed (or one
        of whose members did)."""
        changed = []
        before = self._department.pop(officer["id"], None)
        if before is not None:
            self.of[before].discard(officer["id"])
            changed.append(before)
        if self.counts(officer):
            self._department[officer["id"]] = officer["department"]
            self.of.setdefault(officer["department"], set()).add(officer["id"])
            if officer["department"] != before:
                changed.append(officer["department"])
        return changed

    def __call__(self, department: str) -> set[str]:
        return self.of.get(department, set())


class Tracker:
    """Follows one rule of one pack in the live monitor.

    A kind's live piece subclasses it: ``ruleset`` compiles the rule's parameters into
    durable-rules conditions (one per status; they exclude each other), ``on_change`` and
    ``on_clock`` turn what arrived into observations. ``reads`` names the record types whose
    changes it follows; ``about_acts`` says its findings are about single acts, judged once
    (kept for ``findings()`` only with ``keep_findings``); other findings change or are
    withdrawn as records arrive and time passes, and are always kept. ``keyed_by_department``:
    one subject is owed by several departments (a task), each with its own finding.
    """

    how: ClassVar[str] = ""
    """How the tracker follows its kind, in a sentence (the table in ``docs/monitor.md``)."""
    reads: ClassVar[frozenset[str]] = frozenset()
    about_acts: ClassVar[bool] = False
    keyed_by_department: ClassVar[bool] = False

    def __init_subclass__(cls, follows: type[RuleBase] | None = None, **kwargs: Any) -> None:
        """``follows``: the kind this tracker follows (it becomes the kind's ``tracker``)."""
        super().__init_subclass__(**kwargs)
        if follows is not None:
            follows.tracker = cls

    def __init__(self, rule: RuleBase, pack: Pack, state: LiveState) -> None:
        self.rule = rule
        self.pack = pack
        self.state = state
        self._scope: tuple[dict[str, frozenset[str]], frozenset[str]] | None = None

    def ruleset(self) -> Decision:
        """The rule's decision, which the engine applies to this tracker's events."""
        return self.rule.decision(self.in_force)

    @property
    def in_force(self) -> Period:
        """The rule's period in force (its own, else its pack's)."""
        return in_force(self.rule, self.pack)

    def reading(self) -> frozenset[str]:
        """The record types this tracker follows (``reads``, unless its rule narrows them)."""
        return self.reads

    def on_change(self, change: Change) -> Iterable[Observation]:
        return ()

    def concerns(self, row: dict[str, Any]) -> bool:
        """For a tracker ``about_acts``: whether the act of ``row`` can concern the rule (by
        default, whether its department is one of the rule's); it may read the act's
        department and ``kind`` only. ``False`` when the tracker would only answer ``outside``
        for it: the monitor then skips the tracker for such acts, unless it holds the act
        (``holds``: a finding about it may have to be withdrawn)."""
        return row["department"] in self.departments()

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        return ()

    def holds(self, subject_id: str) -> bool:
        """For a tracker ``about_acts``: whether it holds the act to judge it again as the clock
        moves (its finding may yet be withdrawn without the act being posted again)."""
        return False

    def observation(
        self,
        subject_id: str,
        department: str | None,
        event: dict[str, Any] | None,
        figures: Callable[[], dict[str, Any]],
        *,
        period: str | None = None,
        due: date | None = None,
    ) -> Observation:
        return Observation(self, subject_id, period, department, due, event, figures)

    def labelled(
        self,
        subject_id: str,
        department: str | None,
        event: dict[str, Any] | None,
        figures: Callable[[], dict[str, Any]],
        *,
        period: str | None = None,
        due: date | None = None,
        subject_type: str | None = None,
        severity: Severity | None = None,
    ) -> Observation:
        """An observation whose finding has its own subject type or severity (``Labelled``)."""
        owner = department if self.keyed_by_department else None
        return Labelled(
            self, subject_id, period, department, due, event, figures, subject_type, severity, owner
        )

    def outside(
        self, subject_id: str, period: str | None = None, department: str | None = None
    ) -> Observation:
        """The subject is outside the rule: any finding about it is withdrawn (``department``:
        the subject's, where one subject is owed by several)."""
        if department is None or not self.keyed_by_department:
            return Observation(self, subject_id, period, None, None, None, dict)
        return Labelled(self, subject_id, period, None, None, None, dict, owner=department)

    def departments(self) -> frozenset[str]:
        """Ids of the departments the rule applies to."""
        scopes = self.state.scopes
        if self._scope is None or self._scope[0] is not scopes:
            self._scope = (scopes, self.state.departments_in_scope(self.rule, self.pack))
        return self._scope[1]


class DepartmentTracker(Tracker):
    """A rule about each department of its scope (a ratio, a share, an average, an
    enrolment): judged again when the department or what it counts changes, and, for every
    department, when the clock passes one of ``moments`` (the rule's start, its due day)."""

    moments: tuple[datetime, ...] = ()

    def observe(self, department: str) -> Observation:
        raise NotImplementedError

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        if not any(passed(before, after, moment) for moment in self.moments):
            return ()
        return [self.observe(d) for d in sorted(self.departments())]


K = TypeVar("K", bound=Hashable)


class Alarms(Generic[K]):
    """Moments a tracker waits for (a due day's last moment, a day an item opens, a publication
    day), each with what to observe again when the clock passes it."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, K]] = []
        self._serial = itertools.count()

    def at(self, moment: int, key: K, now: int) -> None:
        """Observe ``key`` again when the clock passes ``moment`` (nothing if it has)."""
        if moment > now:
            heapq.heappush(self._heap, (moment, next(self._serial), key))

    def rung(self, now: int) -> list[K]:
        """What waited for a moment the clock has now passed (each once)."""
        keys: dict[K, None] = {}
        while self._heap and self._heap[0][0] <= now:
            keys[heapq.heappop(self._heap)[2]] = None
        return list(keys)


def passed(before: datetime | None, after: datetime, moment: datetime) -> bool:
    """Whether the clock moving from ``before`` to ``after`` passed ``moment``."""
    return (before is None or before < moment) and moment <= after
