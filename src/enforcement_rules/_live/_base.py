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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from .._dates import day_end, local_day, microseconds
from .._engine import Condition
from .._rulebase import DepartmentView, Period, RuleBase
from .._vocab import CertificateStatus, Employment

if TYPE_CHECKING:
    from .._rules import Pack

BEFORE_ANY_MOMENT = -(2**53)
"""``now`` in an event while the monitor's clock is not set: before every due moment."""


def due_moment(day: date) -> int:
    """The last moment of ``day`` in Asia/Shanghai, as an event carries it."""
    return microseconds(day_end(day))


@dataclass(slots=True)
class Change:
    """A record that arrived: its type and its row."""

    record_type: str
    row: dict[str, Any]
    # trainings: the (officer, year) tallies and the officers' rotation days it changed
    officer_years: set[tuple[str, int]] = field(default_factory=set)
    rotation_officers: set[str] = field(default_factory=set)
    summary: ActSummary | None = None


@dataclass(slots=True)
class Observation:
    """What a tracker saw about one subject (and period).

    ``event`` is what the rule's ruleset decides on; ``None`` means the subject is outside the
    rule (not in scope, not yet in force): no finding. ``figures`` builds the figures of a
    finding, called only when a rule fired.
    """

    tracker: Tracker
    subject_id: str
    period: str | None
    department: str | None
    due: date | None
    event: dict[str, Any] | None
    figures: Callable[[], dict[str, Any]]

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.tracker.rule.id, self.subject_id, self.period)


@dataclass(frozen=True, slots=True)
class ActSummary:
    """An action and its participants as the personnel rules read them on its date.

    ``event`` holds the figures durable-rules decides on: ``day`` (ordinal), ``kind``,
    ``participants``, ``certified`` (a certificate valid that day), ``certified_in_domain``
    (valid and covering the action's domain), ``auxiliary``, ``exited`` (participants whose
    certificates covering the day had all been suspended, withdrawn or cancelled) and
    ``exception_basis`` (the action names a law allowing fewer officers).
    """

    row: dict[str, Any]
    event: dict[str, Any]
    uncertified: list[str]
    uncertified_in_domain: list[str]
    auxiliary: list[str]
    exited: list[dict[str, Any]]


class LiveState:
    """The standing records, the running tallies and the clock of one monitor."""

    def __init__(self) -> None:
        self.departments: dict[str, dict[str, Any]] = {}
        self.officers: dict[str, dict[str, Any]] = {}
        self.certificates: dict[str, dict[str, dict[str, Any]]] = {}  # officer -> id -> row
        self._certificate_holder: dict[str, str] = {}
        self.hours: dict[tuple[str, int], float] = {}
        self.sessions: dict[tuple[str, int], int] = {}
        self.rotations: dict[str, list[date]] = {}
        self._trainings: dict[str, tuple[str, date, float, bool]] = {}  # trainings with an id
        self._scopes: dict[str, frozenset[str]] = {}
        self.clock: datetime | None = None
        self.now = BEFORE_ANY_MOMENT
        """The clock as an event carries it (microseconds)."""
        self.today: date | None = None
        """The clock's day in Asia/Shanghai."""

    # -- the clock --------------------------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        self.clock = moment
        self.now = microseconds(moment)
        self.today = local_day(moment)

    # -- scope ------------------------------------------------------------------------

    def departments_in_scope(self, rule: RuleBase, pack: Pack) -> frozenset[str]:
        """Ids of the departments ``rule`` applies to (its pack's selector and its own)."""
        scope = self._scopes.get(rule.id)
        if scope is None:
            scope = frozenset(
                d.id
                for d in self._department_views
                if pack.applies_to.matches(d) and rule.applies_to.matches(d)
            )
            self._scopes[rule.id] = scope
        return scope

    @cached_property
    def _department_views(self) -> list[DepartmentView]:
        return [DepartmentView.of(row) for row in self.departments.values()]

    @staticmethod
    def in_force(rule: RuleBase, pack: Pack) -> Period:
        """The rule's own period in force, else its pack's."""
        return rule.in_force or pack.in_force

    def active_years(self, rule: RuleBase, pack: Pack) -> range:
        """Calendar years of the rule's period up to the clock's day (none before it starts)."""
        return self.years_at(rule, pack, self.clock)

    def years_at(self, rule: RuleBase, pack: Pack, moment: datetime | None) -> range:
        """Calendar years of the rule's period up to the day of ``moment``."""
        period = self.in_force(rule, pack)
        today = None if moment is None else local_day(moment)
        if today is None or today < period.start:
            return range(0)
        last = today if period.end is None else min(period.end, today)
        return range(period.start.year, last.year + 1)

    def enforcement_officer(
        self,
        rule: RuleBase,
        pack: Pack,
        officer: dict[str, Any],
        employment: list[Employment],
        on_duty_only: bool,
    ) -> bool:
        """Whether ``officer`` is one of the rule's departments' officers it counts."""
        return (
            officer["department"] in self.departments_in_scope(rule, pack)
            and officer["employment"] in employment
            and (officer["on_duty"] or not on_duty_only)
        )

    # -- records ----------------------------------------------------------------------

    def apply(self, record_type: str, row: dict[str, Any]) -> Change:
        """Take in a record: hold it if it is a standing one, count it if it is a training."""
        if record_type == "departments":
            self.departments[row["id"]] = row
            self._scopes.clear()
            self.__dict__.pop("_department_views", None)
            return Change(record_type, row)
        if record_type == "officers":
            self.officers[row["id"]] = row
            return Change(record_type, row)
        if record_type == "certificates":  # replaced in place, or moved to another holder
            holder = self._certificate_holder.get(row["id"])
            if holder is not None and holder != row["officer"]:
                del self.certificates[holder][row["id"]]
            self.certificates.setdefault(row["officer"], {})[row["id"]] = row
            self._certificate_holder[row["id"]] = row["officer"]
            return Change(record_type, row)
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
        if rotation:
            days = self.rotations.setdefault(officer, [])
            if sign > 0:
                days.append(day)
            else:
                days.remove(day)
            change.rotation_officers.add(officer)

    def officers_of(self, department: str) -> Iterator[str]:
        return (oid for oid, row in self.officers.items() if row["department"] == department)

    # -- an action's participants -------------------------------------------------------

    def summary(self, change: Change) -> ActSummary:
        """The action of ``change`` with its participants, computed once per action."""
        if change.summary is None:
            change.summary = self._summarise(change.row)
        return change.summary

    def _summarise(self, row: dict[str, Any]) -> ActSummary:
        day: date = row["date"]
        domain: str | None = row["domain"]
        uncertified: list[str] = []
        uncertified_in_domain: list[str] = []
        auxiliary: list[str] = []
        exited: list[dict[str, Any]] = []
        for officer_id in row["participants"]:
            officer = self.officers.get(officer_id)
            department = self.departments.get(officer["department"]) if officer else None
            department_domain = department["domain"] if department else None
            certified = in_domain = False
            first_exit: dict[str, Any] | None = None
            for certificate in self.certificates.get(officer_id, {}).values():
                if not certificate["valid_from"] <= day <= certificate["valid_to"]:
                    continue
                standing = (
                    certificate["status"] == CertificateStatus.VALID.value
                    or day < certificate["status_since"]
                )
                if not standing:
                    if first_exit is None:
                        first_exit = {
                            "officer": officer_id,
                            "certificate": certificate["id"],
                            "status": certificate["status"],
                            "since": certificate["status_since"].isoformat(),
                        }
                    continue
                certified = True
                scope = certificate["domains"]
                covers = domain in scope if scope else department_domain == domain
                in_domain = in_domain or (covers and domain is not None)
            if not certified:
                uncertified.append(officer_id)
                if first_exit is not None:
                    exited.append(first_exit)
            if not in_domain:
                uncertified_in_domain.append(officer_id)
            if officer is not None and officer["employment"] == Employment.AUXILIARY.value:
                auxiliary.append(officer_id)
        participants = len(row["participants"])
        event = {
            "day": day.toordinal(),
            "kind": row["kind"],
            "participants": participants,
            "certified": participants - len(uncertified),
            "certified_in_domain": participants - len(uncertified_in_domain),
            "auxiliary": len(auxiliary),
            "exited": len(exited),
            "exception_basis": row["exception_basis"] is not None,
        }
        return ActSummary(
            row=row,
            event=event,
            uncertified=sorted(uncertified),
            uncertified_in_domain=sorted(uncertified_in_domain),
            auxiliary=sorted(auxiliary),
            exited=sorted(exited, key=lambda e: str(e["officer"])),
        )


class Tracker:
    """Follows one rule of one pack in the live monitor.

    A kind's live piece subclasses it: ``ruleset`` compiles the rule's parameters into
    durable-rules conditions (one per status; they exclude each other), ``on_change`` and
    ``on_clock`` turn what arrived into observations. ``reads`` names the record types whose
    changes it follows; ``about_acts`` says its findings are about single acts, judged once
    (kept for ``findings()`` only with ``keep_findings``); other findings change or are
    withdrawn as records arrive and time passes, and are always kept.
    """

    reads: ClassVar[frozenset[str]] = frozenset()
    about_acts: ClassVar[bool] = False

    def __init__(self, rule: RuleBase, pack: Pack, state: LiveState) -> None:
        self.rule = rule
        self.pack = pack
        self.state = state

    def ruleset(self) -> dict[str, Condition]:
        raise NotImplementedError

    def on_change(self, change: Change) -> Iterable[Observation]:
        return ()

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        return ()

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

    def outside(self, subject_id: str, period: str | None = None) -> Observation:
        """The subject is outside the rule: any finding about it is withdrawn."""
        return Observation(self, subject_id, period, None, None, None, dict)


def passed(before: datetime | None, after: datetime, moment: datetime) -> bool:
    """Whether the clock moving from ``before`` to ``after`` passed ``moment``."""
    return (before is None or before < moment) and moment <= after
