"""Live pieces of the training kinds: each officer (and calendar year) is observed again when
the officer, their department or their trainings change, and when the clock enters a year of
the rule's period, ends a year, or passes the rotation's due day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, ClassVar

from .._conditions import Condition, all_of, any_of, at_most, equals, field, greater, less
from .._kinds.training import (
    DoneByDue,
    RotationTraining,
    TrainingHours,
    TrainingParticipation,
    TrainingTaken,
    _OfficerRule,
)
from .._rulebase import Status
from ._base import Change, LiveState, Observation, Tracker, due_moment, last_moment, passed


def _judged(short: Condition) -> dict[str, Condition]:
    """``pending`` until the event's due moment, ``not_met`` from then on."""
    return {
        Status.PENDING.value: all_of(short, greater("due", field("now"))),
        Status.NOT_MET.value: all_of(short, at_most("due", field("now"))),
    }


class _OfficerTracker(Tracker):
    """A rule about each officer the rule counts (department in scope, employment, on duty)."""

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "trainings"})
    rule: _OfficerRule

    def officer_in_scope(self, officer_id: str) -> dict[str, Any] | None:
        officer = self.state.officers.get(officer_id)
        if (
            officer is None
            or not self.state.enforcement_officer(
                self.rule, self.pack, officer, self.rule.employment, self.rule.on_duty_only
            )
            or officer["department"] not in self.counted_departments()
        ):
            return None
        return officer

    def counted_departments(self) -> frozenset[str]:
        """The departments whose officers the rule counts (its scope, unless narrowed)."""
        return self.departments()

    def changed_officers(self, change: Change) -> Iterable[str]:
        if change.record_type == "departments":
            return list(self.state.officers_of(change.row["id"]))
        if change.record_type == "officers":
            return (change.row["id"],)
        return ()


class _YearTracker(_OfficerTracker):
    """A rule about each officer in each calendar year of its period up to the clock, from the
    year they entered enforcement; a year is judged once it has ended."""

    def on_change(self, change: Change) -> Iterable[Observation]:
        years = self.state.active_years(self.rule, self.pack)
        if change.record_type == "trainings":
            pairs = {(o, y) for o, y in change.officer_years if y in years}
        else:
            pairs = {(o, y) for o in self.changed_officers(change) for y in years}
        return self.observe(pairs)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        earlier = set(self.state.years_at(self.rule, self.pack, before))
        years = [
            y
            for y in self.state.years_at(self.rule, self.pack, after)
            if y not in earlier or passed(before, after, last_moment(date(y, 12, 31)))
        ]
        return self.observe({(o, y) for y in years for o in self.state.officers})

    def observe(self, pairs: set[tuple[str, int]]) -> Iterator[Observation]:
        for officer_id, year in sorted(pairs):
            yield self.observe_one(officer_id, year, self.officer_in_year(officer_id, year))

    def officer_in_year(self, officer_id: str, year: int) -> dict[str, Any] | None:
        officer = self.officer_in_scope(officer_id)
        entered = officer["entered_enforcement_on"] if officer else None
        if entered is not None and entered.year > year:
            return None
        return officer

    def observe_one(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> Observation:
        raise NotImplementedError


class TrainingHoursTracker(_YearTracker, follows=TrainingHours):
    how: ClassVar[str] = (
        "per officer-year: running hours and whether it is the officer's first year; the "
        "ruleset holds both minimums and decides `pending`/`not_met` from the year's due "
        "moment and the clock"
    )
    rule: TrainingHours

    def ruleset(self) -> dict[str, Condition]:
        short = less("hours", self.rule.minimum_hours)
        first_year = self.rule.first_year_minimum_hours
        if first_year is not None:
            short = any_of(
                all_of(equals("first_year", False), short),
                all_of(equals("first_year", True), less("hours", first_year)),
            )
        return _judged(short)

    def observe_one(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> Observation:
        if officer is None:
            return self.outside(officer_id, str(year))
        hours = self.state.hours.get((officer_id, year), 0.0)
        entered = officer["entered_enforcement_on"]
        first_year = (
            self.rule.first_year_minimum_hours is not None
            and entered is not None
            and entered.year == year
        )
        required = (
            self.rule.first_year_minimum_hours
            if first_year and self.rule.first_year_minimum_hours is not None
            else self.rule.minimum_hours
        )
        due = date(year, 12, 31)
        return self.observation(
            officer_id,
            officer["department"],
            {
                "hours": hours,
                "first_year": first_year,
                "due": due_moment(due),
                "now": self.state.now,
            },
            lambda: {
                "year": year,
                "hours": hours,
                "required": float(required),
                "first_year": first_year,
            },
            period=str(year),
            due=due,
        )


class TrainingParticipationTracker(_YearTracker, follows=TrainingParticipation):
    """Also keeps, per department and year, the officers it counts and those trained: the
    figures of a finding show the department's rate."""

    how: ClassVar[str] = (
        "per officer-year: sessions; the department's trained/officer counts kept for the figures"
    )

    rule: TrainingParticipation

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._department_of: dict[tuple[str, int], str] = {}
        self._members: dict[tuple[str, int], set[str]] = {}
        self._trained: dict[tuple[str, int], set[str]] = {}

    def ruleset(self) -> dict[str, Condition]:
        return _judged(less("sessions", 1))

    def observe(self, pairs: set[tuple[str, int]]) -> Iterator[Observation]:
        # Count every pair in first, then observe: the department's figures are final.
        officers = {pair: self.officer_in_year(*pair) for pair in pairs}
        changed: set[tuple[str, int]] = set()
        for (officer_id, year), officer in officers.items():
            changed |= self._count(officer_id, year, officer)
        subjects = set(pairs)
        for department, year in changed:
            untrained = self._members[(department, year)] - self._trained[(department, year)]
            subjects |= {(o, year) for o in untrained}
        for officer_id, year in sorted(subjects):
            pair = (officer_id, year)
            officer = officers[pair] if pair in officers else self.officer_in_year(*pair)
            yield self.observe_one(officer_id, year, officer)

    def _count(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> set[tuple[str, int]]:
        """Move the officer-year into (or out of) its department's counts; the department-years
        whose counts changed."""
        changed = set()
        before = self._department_of.pop((officer_id, year), None)
        trained = self.state.sessions.get((officer_id, year), 0) > 0
        if before is not None:
            was_trained = officer_id in self._trained[(before, year)]
            self._members[(before, year)].discard(officer_id)
            self._trained[(before, year)].discard(officer_id)
            if officer is None or officer["department"] != before or was_trained != trained:
                changed.add((before, year))
        if officer is not None:
            key = (officer["department"], year)
            self._department_of[(officer_id, year)] = key[0]
            self._members.setdefault(key, set()).add(officer_id)
            self._trained.setdefault(key, set())
            if trained:
                self._trained[key].add(officer_id)
            if before != key[0]:
                changed.add(key)
        return changed

    def observe_one(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> Observation:
        if officer is None:
            return self.outside(officer_id, str(year))
        sessions = self.state.sessions.get((officer_id, year), 0)
        key = (officer["department"], year)
        due = date(year, 12, 31)
        return self.observation(
            officer_id,
            officer["department"],
            {"sessions": sessions, "due": due_moment(due), "now": self.state.now},
            lambda: {
                "year": year,
                "trainings": sessions,
                "department_trained": len(self._trained[key]),
                "department_officers": len(self._members[key]),
            },
            period=str(year),
            due=due,
        )


class DoneByDueTracker(_OfficerTracker):
    """Each officer in enforcement by the due day, until a dated record (a rotation training,
    an exam) from ``counted_from`` to the due day; ``late`` for one after it. Subclasses give
    the days of an officer's records and the officers a record touches."""

    rule: DoneByDue

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.start = self.rule.counted_from or LiveState.in_force(self.rule, self.pack).start

    def ruleset(self) -> dict[str, Condition]:
        missing = equals("in_time", False)
        due_passed = at_most("due", field("now"))
        return {
            Status.PENDING.value: all_of(missing, greater("due", field("now"))),
            Status.LATE.value: all_of(missing, due_passed, equals("after_due", True)),
            Status.NOT_MET.value: all_of(missing, due_passed, equals("after_due", False)),
        }

    def days(self, officer_id: str) -> Iterable[date]:
        """The days of the officer's records that count."""
        raise NotImplementedError

    def touched(self, change: Change) -> Iterable[str]:
        """The officers whose records a change (a training, an exam) touched."""
        raise NotImplementedError

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type in ("departments", "officers"):
            return [self.observe(o) for o in self.changed_officers(change)]
        return [self.observe(o) for o in sorted(self.touched(change))]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        if not passed(before, after, last_moment(self.rule.due)):
            return ()
        return [self.observe(o) for o in list(self.state.officers)]

    def observe(self, officer_id: str) -> Observation:
        due = self.rule.due
        officer = self.officer_in_scope(officer_id)
        entered = officer["entered_enforcement_on"] if officer else None
        if officer is None or (entered is not None and entered > due):
            return self.outside(officer_id)
        days = [d for d in self.days(officer_id) if d >= self.start]
        after = min((d for d in days if d > due), default=None)
        event = {
            "in_time": any(d <= due for d in days),
            "after_due": after is not None,
            "due": due_moment(due),
            "now": self.state.now,
        }
        return self.observation(
            officer_id,
            officer["department"],
            event,
            lambda: {
                "due": due.isoformat(),
                "counted_from": self.start.isoformat(),
                self.rule._after_due_figure: after.isoformat() if after else None,
            },
            due=due,
        )


class RotationTrainingTracker(DoneByDueTracker, follows=RotationTraining):
    """Rotation trainings (全员轮训), from the monitor's running tally of each officer's."""

    how: ClassVar[str] = (
        "per officer: a rotation training in time, one after the due day; `pending`, `late` "
        "or `not_met` decided from the due moment and the clock"
    )

    rule: RotationTraining

    def days(self, officer_id: str) -> Iterable[date]:
        return self.state.rotations.get(officer_id, ())

    def touched(self, change: Change) -> Iterable[str]:
        return change.rotation_officers


class TrainingTakenTracker(DoneByDueTracker, follows=TrainingTaken):
    """Any training (a study stage), from the monitor's running tally of each officer's."""

    how: ClassVar[str] = (
        "per officer: any training from the first counted day to the due day, one after it; "
        "`pending`, `late` or `not_met` decided from the due moment and the clock"
    )

    rule: TrainingTaken

    def days(self, officer_id: str) -> Iterable[date]:
        return self.state.training_days.get(officer_id, ())

    def touched(self, change: Change) -> Iterable[str]:
        return change.trained_officers
