"""The live monitor: findings as records arrive, decided by durable-rules.

``evaluate`` answers "how do we stand on day D"; the monitor answers "what just went wrong".
The same rule files drive both: each rule's kind has a live piece (``_live``) that compiles the
rule into a durable-rules ruleset and derives, from each record that arrives, the figures the
ruleset decides on. Findings are the same ``Finding`` objects ``evaluate`` reports.
"""

from __future__ import annotations

import functools
import math
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import TracebackType
from typing import Any

from ._dates import day_start, moment_of
from ._engine import Engine
from ._errors import InputError, Problem, UsageError
from ._kinds import tracker_class
from ._live import LiveState, Observation, Tracker
from ._one_record import SINGULAR_OF, parse_record
from ._order import natural_key
from ._records import MOMENT_SUFFIX
from ._report import Finding, unworded_finding
from ._rulebase import Status
from ._rules import RuleSet, load_rules

DATED: dict[str, str] = {
    "actions": "date",
    "trainings": "date",
    "activities": "date",
    "exams": "date",
    "contest_teams": "date",
    "submissions": "submitted_on",
    "task_reports": "completed_on",
}
"""Record types that are acts, and the field that dates them: an act moves the clock."""

_Key = tuple[str, str, str | None, str | None]


class Monitor:
    """Checks records one at a time as a host system records them, and reports each finding
    as soon as it arises.

    ``packs``: the packs to follow (default: every pack). ``on_finding``: called with each
    finding when it arises, when its status changes, or, once given, when its figures or
    department change (``pending`` ones only with ``pending=True``), in order, before
    ``post``/``advance_to`` returns. ``on_resolved``: called, in the same order, with a
    finding ``on_finding`` was given when it stops holding (withdrawn, now pending while
    pending ones are not told, or told again under another department). A consumer keeping
    what ``on_finding`` gives by rule, subject, period and department, and dropping what
    ``on_resolved`` gives, holds ``findings()`` (less the pending ones unless
    ``pending=True``; with ``keep_findings=False``, plus the findings about acts).
    ``start``: the clock's first moment (a day is read as its last moment, as an as-of day
    is; default: unset).
    ``keep_findings=False``: findings about single acts go to ``on_finding`` only and are not
    kept for ``findings()``, so memory stays flat however many acts are posted; findings about
    officers and periods are always kept, since they change as records arrive.

    Records (``post``): any record type of the contract, as a mapping with a ``type`` field
    (``"actions"`` or ``"action"``) or with ``record_type=``. Departments, officers,
    certificates, exam papers and register entries are standing records: a later one with the
    same id replaces the earlier. Actions, trainings, submissions, activities, task reports,
    exams and contest teams are acts; an action judged once stays judged against the standing
    records held when it arrived (``evaluate`` re-reads history). An act moves the clock to the
    start of its day when that is later; ``advance_to`` moves it further. Deadlines and year
    ends passed by the clock produce their findings then (a report not submitted by its due
    day is ``missing`` at its last moment); nothing reads the wall clock.

    The monitor is safe to use from several threads (one lock; ``on_finding`` is called
    while it is held and may read ``findings()`` but not post). It holds a durable-rules host:
    ``close()`` it, or use it as a context manager. It needs durable-rules (the ``live``
    extra, or ``enforcement-rules engine install``); creating one raises ``MonitorUnavailable``
    where it is missing or broken.

    >>> import enforcement_rules as er
    >>> with er.Monitor(packs=["dawukou-2024"], on_finding=print) as monitor:  # doctest: +SKIP
    ...     monitor.post({"type": "departments", "id": "D1", ...})
    ...     monitor.post({"type": "actions", "id": "A1", "department": "D1", ...})
    ...     monitor.advance_to("2024-12-31")
    """

    def __init__(
        self,
        packs: Iterable[str] | None = None,
        *,
        on_finding: Callable[[Finding], object] | None = None,
        on_resolved: Callable[[Finding], object] | None = None,
        start: date | datetime | str | None = None,
        pending: bool = False,
        keep_findings: bool = True,
        rules: RuleSet | None = None,
    ) -> None:
        ruleset = rules if rules is not None else load_rules()
        selected = ruleset.select(packs)
        first = None if start is None else _moment(start, "start")
        self.packs = [pack.id for pack in selected]
        self._state = LiveState(ruleset.exceptions)
        self._trackers: list[Tracker] = []
        self.skipped: list[tuple[str, str, str]] = []
        """Rules of the packs the monitor does not follow: (rule id, kind, reason)."""
        for pack in selected:
            for rule in pack.rules:
                follows = tracker_class(rule)
                if follows is None:
                    self.skipped.append((rule.id, rule.kind, type(rule).not_followed))
                else:
                    self._trackers.append(follows(rule, pack, self._state))
        self._readers: dict[str, list[Tracker]] = {}
        for tracker in self._trackers:
            for record_type in tracker.reading():
                self._readers.setdefault(record_type, []).append(tracker)
        self._concerned: dict[tuple[str, str, str | None], tuple[list[Tracker], list[Tracker]]] = {}
        self._engine = Engine({t.rule.id: t.ruleset() for t in self._trackers})
        self._release = weakref.finalize(self, self._engine.close)
        self._on_finding = on_finding
        self._on_resolved = on_resolved
        self._pending = pending
        self._keep = keep_findings
        self._findings: dict[_Key, Finding] = {}
        self._arisen: list[Finding] = []
        # what on_finding was told and still stands: withdrawn, it goes to on_resolved
        self._shown: dict[_Key, Finding] = {}
        self._told: list[tuple[bool, Finding]] = []  # (arisen or resolved, finding), in order
        self._lock = threading.RLock()
        self._delivering: int | None = None
        self._closed = False
        if first is not None:
            self._advance(first)

    # -- the public operations ---------------------------------------------------------

    def post(self, record: Mapping[str, Any], record_type: str | None = None) -> list[Finding]:
        """Take in one record; the findings it gave rise to (those ``on_finding`` receives).

        A malformed record raises ``InputError`` and changes nothing: it is validated
        completely (the contract's model, then what the rules engine can compare: finite
        numbers within ±2**53, integers within 64 bits, text without lone surrogates, a moment
        that exists in Asia/Shanghai) before anything is taken in.
        """
        with self._lock:
            self._usable("post")
            try:
                name, row = parse_record(record, record_type)
                moment = _admitted(name, row)
                if moment is not None and (self.clock is None or moment > self.clock):
                    self._advance(moment)
                change = self._state.apply(name, row)
                if name == "departments":
                    self._concerned.clear()
                decide = self._decide
                for tracker in self._readers_of(name, row):
                    for observation in tracker.on_change(change):
                        decide(observation)
            except BaseException:
                self._arisen.clear()
                self._told.clear()
                raise
            return self._deliver()

    def advance_to(self, moment: date | datetime | str) -> list[Finding]:
        """Move the clock to ``moment`` (a day is read as its last moment, as an as-of day is;
        or a date-time with its UTC offset); the findings of the deadlines it passed."""
        with self._lock:
            self._usable("advance_to")
            target = _moment(moment, "moment")
            if self.clock is not None and target < self.clock:
                raise UsageError(
                    f"the clock only moves forward: the monitor is at {self.clock.isoformat()}, "
                    f"not before; got {target.isoformat()}"
                )
            try:
                if self.clock is None or target > self.clock:
                    self._advance(target)
            except BaseException:
                self._arisen.clear()
                self._told.clear()
                raise
            return self._deliver()

    def findings(self) -> list[Finding]:
        """The findings as of the clock, in the order of a report (department, rule, subject,
        period, status); the same ``evaluate`` reports on the clock's day for these rules, when
        acts arrived in time order and standing records before the acts that read them."""
        with self._lock:
            return sorted(self._findings.values(), key=_report_order)

    @property
    def clock(self) -> datetime | None:
        """The monitor's moment, in Asia/Shanghai (``None`` until set)."""
        return self._state.clock

    @property
    def rules(self) -> list[str]:
        """Ids of the rules the monitor follows."""
        return [t.rule.id for t in self._trackers]

    def close(self) -> None:
        """Release the rules engine; the monitor cannot be used afterwards."""
        with self._lock:
            if self._delivering == threading.get_ident():
                raise UsageError("close() was called from on_finding; close after post returns")
            self._closed = True
            self._release()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        clock = self.clock.isoformat() if self.clock else "unset"
        return (
            f"Monitor(packs={self.packs}, rules={len(self._trackers)}, clock={clock}, "
            f"findings={len(self._findings)}{', closed' if self._closed else ''})"
        )

    # -- inside ------------------------------------------------------------------------

    def _usable(self, operation: str) -> None:
        if self._closed:
            raise UsageError(f"{operation}(): the monitor is closed")
        if self._delivering == threading.get_ident():
            raise UsageError(
                f"{operation}() was called from on_finding; the monitor is still handling "
                f"the record that raised the finding: post from outside the callback"
            )

    def _readers_of(self, record_type: str, row: dict[str, Any]) -> list[Tracker]:
        """The trackers a record goes to: for an act, those it can concern (``concerns``: its
        department, its kind), found once per department and kind, and those holding an act
        of its id (trackers it cannot concern would only answer ``outside``, which withdraws
        nothing unless findings about single acts are kept or the act is held)."""
        readers = self._readers.get(record_type, [])
        if record_type not in DATED or self._keep or "department" not in row:
            return readers
        key = (record_type, row["department"], row.get("kind"))
        found = self._concerned.get(key)
        if found is None:
            concerned = [t for t in readers if not t.about_acts or t.concerns(row)]
            # trackers that never hold an act need not be asked whether they hold this one
            others = [
                t for t in readers if t not in concerned and type(t).holds is not Tracker.holds
            ]
            found = self._concerned[key] = (concerned, others)
        concerned, others = found
        if row["id"] not in self._state.held_acts:
            return concerned
        holding = [t for t in others if t.holds(row["id"])]
        if holding:  # in the order the trackers were made, as every record goes to them
            return [t for t in readers if t in holding or t in concerned]
        return concerned

    def _advance(self, moment: datetime) -> None:
        before = self._state.clock
        self._state.set_clock(moment)
        for tracker in self._trackers:
            self._decide_all(tracker.on_clock(before, moment))

    def _decide_all(self, observations: Iterable[Observation]) -> None:
        for observation in observations:
            self._decide(observation)

    def _decide(self, observation: Observation) -> None:
        key = observation.key
        tracker = observation.tracker
        event = observation.event
        decided = None if event is None else self._engine.judge(tracker.rule.id, event)
        if decided is None:
            self._findings.pop(key, None)
            if self._shown:
                self._withdraw(key)
            return
        status = _STATUSES.get(decided) or Status(decided)
        kept = self._keep or not tracker.about_acts
        if status == Status.PENDING and not self._pending and not kept:
            # neither kept nor told: whatever was told of it no longer stands
            self._withdraw(key)
            return
        shown = self._shown.get(key)
        previous = self._findings.get(key) or shown
        figures: dict[str, Any] | Callable[[], dict[str, Any]]
        if previous is None and not kept:
            # about an act, given once: its figures are made when a host reads them (they
            # read only the act and what the tracker read off it when it arrived)
            figures = observation.figures
        else:
            figures = observation.figures()
            if (
                previous is not None
                and previous.status == status
                and previous.figures == figures
                and previous.department == observation.department
                and previous.due == observation.due
            ):
                return
        finding = _finding(observation, status, figures)
        if kept:
            self._findings[key] = finding
        if status == Status.PENDING and not self._pending:
            self._withdraw(key)  # what was told no longer stands as told
        elif previous is None or previous.status != status or shown is not None:
            # told when it arises, changes status, or, told already, changes its figures
            if shown is not None and shown.department != finding.department:
                self._withdraw(key)  # told under another department
            self._arisen.append(finding)
            self._told.append((True, finding))
            # a finding about an act not kept is told once, unless its rule may judge the act
            # again as the clock moves (a review dated later)
            if kept or tracker.holds(observation.subject_id):
                self._shown[key] = finding
            else:
                self._shown.pop(key, None)

    def _withdraw(self, key: _Key) -> None:
        shown = self._shown.pop(key, None)
        if shown is not None:
            self._told.append((False, shown))

    def _deliver(self) -> list[Finding]:
        arisen, self._arisen = self._arisen, []
        told, self._told = self._told, []
        if self._on_finding is not None or self._on_resolved is not None:
            self._delivering = threading.get_ident()
            try:
                for raised, finding in told:
                    tell = self._on_finding if raised else self._on_resolved
                    if tell is not None:
                        tell(finding)
            finally:
                self._delivering = None
        return arisen


_STATUSES = {status.value: status for status in Status}


def _finding(
    observation: Observation,
    status: Status,
    figures: dict[str, Any] | Callable[[], dict[str, Any]],
) -> Finding:
    rule = observation.tracker.rule
    subject_type, severity = observation.labels()
    row = {
        "rule": rule.id,
        "pack": observation.tracker.pack.id,
        "severity": severity or rule.severity,
        "status": status,
        "subject_type": subject_type or rule.subject_type,
        "subject_id": observation.subject_id,
        "department": observation.department,
        "period": observation.period,
        "due": observation.due,
    }
    return unworded_finding(rule, row, figures)


def _report_order(finding: Finding) -> tuple[tuple[bool, Any], ...]:
    """The report's order: department, rule (naturally: D2 before D12), subject, period."""
    return (
        (finding.department is None, finding.department or ""),
        (False, natural_key(finding.rule)),
        (False, finding.subject_id),
        (finding.period is None, finding.period or ""),
        (False, finding.status.value),
    )


def _moment(value: date | datetime | str, name: str) -> datetime:
    try:
        return moment_of(value)
    except ValueError as error:
        raise UsageError(f"{name}: expected {error}; got {value!r}") from None


_LARGEST_FLOAT = 2.0**53  # beyond it a float no longer holds every whole number
_LARGEST_INT = 2**63 - 1
_PLAIN = frozenset({bool, date})  # always comparable: skipped at once


def _admitted(record_type: str, row: dict[str, Any]) -> datetime | None:
    """Check what the contract's model leaves to the monitor: every value something the rules
    engine can compare, and the act's moment. The act's moment (``None`` for a standing
    record); ``InputError`` naming the record and the field otherwise."""
    for field, value in row.items():
        if value is None or value.__class__ in _PLAIN:
            continue
        if value.__class__ is str and value.isascii():
            continue
        if value.__class__ is list and all(v.__class__ is str and v.isascii() for v in value):
            continue  # ids of officers
        wrong = _not_comparable(value)
        if wrong is not None:
            raise _refused(record_type, row, field, wrong[0], wrong[1])
    try:
        return _act_moment(record_type, row)
    except (OverflowError, ValueError) as error:
        field = DATED[record_type]
        raise _refused(
            record_type,
            row,
            field,
            "a moment within the years 1 to 9999 in Asia/Shanghai",
            f"{row.get(field + MOMENT_SUFFIX) or row.get(field)} ({error})",
        ) from None


def _not_comparable(value: object) -> tuple[str, str] | None:
    """What was expected and what was found, when ``value`` (or an item of it) is not one the
    rules engine can compare."""
    if isinstance(value, str):
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                return "text of valid Unicode", f"a lone surrogate at character {error.start + 1}"
    elif isinstance(value, bool):
        pass
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > _LARGEST_FLOAT:
            return "a finite number within ±2**53", repr(value)
    elif isinstance(value, int):
        if abs(value) > _LARGEST_INT:
            return "an integer within ±(2**63 - 1)", f"an integer of {len(str(value))} digits"
    elif isinstance(value, list | tuple | dict):
        items = (*value.keys(), *value.values()) if isinstance(value, dict) else value
        for item in items:
            wrong = _not_comparable(item)
            if wrong is not None:
                return wrong
    return None


def _refused(
    record_type: str, row: dict[str, Any], field: str, expected: str, got: str
) -> InputError:
    singular = SINGULAR_OF.get(record_type, record_type)
    where = f"{singular} (id={row['id']})" if row.get("id") is not None else singular
    return InputError([Problem(None, where, field, expected, got)])


def _act_moment(record_type: str, row: dict[str, Any]) -> datetime | None:
    """When an act happened: its date-time, or the start of its day."""
    name = DATED.get(record_type)
    if name is None:
        return None
    exact = row.get(name + MOMENT_SUFFIX)
    if exact is not None:
        return moment_of(exact)
    return _start_of(row[name])


@functools.lru_cache(maxsize=4096)
def _start_of(day: date) -> datetime:
    return day_start(day)
