"""Live pieces of the exam and schooling kinds: every officer examined by a day, each
department's exam average, the degree of new recruits, and the share of officers with a degree.

The exam rules count only the departments their ``campaign_scope`` rule places in its
municipal campaign: a department's placement follows from its own level and domain, and the
monitor keeps it (``LiveState.municipal``) as departments arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar

import polars as pl

from .._conditions import (
    Condition,
    all_of,
    at_most,
    dated_in,
    equals,
    field,
    greater,
    less,
    reached,
)
from .._kinds.campaign import live_municipal
from .._kinds.education import (
    EDUCATION_RANK,
    EducationShare,
    ExamAverage,
    ExamTaken,
    NewRecruitEducation,
    _ExamRule,
)
from .._rulebase import Status
from ._base import (
    Alarms,
    Change,
    DepartmentTracker,
    LiveState,
    Members,
    Observation,
    due_moment,
    first_moment,
    iso,
    last_moment,
    start_moment,
)
from .training import DoneByDueTracker, _judged, _OfficerTracker


def _exams_of(rule: _ExamRule, row: dict[str, Any]) -> bool:
    """Whether an exam record is of the exams the rule counts (every exam when none named)."""
    return not rule.exams or row["exam"] in rule.exams


class ExamTakenTracker(DoneByDueTracker, follows=ExamTaken):
    """Each officer of the municipal campaign's departments sat an exam by the due day."""

    how: ClassVar[str] = (
        "per officer of the departments the `campaign_scope` rule places in its municipal "
        "campaign (a placement from each department's own level and domain, kept as "
        "departments arrive): an exam by the due day, or one after it (`late`)"
    )

    rule: ExamTaken
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "exams"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.exam_days: dict[str, list[date]] = {}

    def counted_departments(self) -> frozenset[str]:
        return live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)

    def days(self, officer_id: str) -> Iterable[date]:
        return self.exam_days.get(officer_id, ())

    def touched(self, change: Change) -> Iterable[str]:
        row = change.row
        if not _exams_of(self.rule, row):
            return ()
        self.exam_days.setdefault(row["officer"], []).append(row["date"])
        return (row["officer"],)


class ExamAverageTracker(DepartmentTracker, follows=ExamAverage):
    """Each department of the municipal campaign with officers has an exam average by the due
    day: one of its officers (of the rule's employment, on duty) sat an exam from
    ``counted_from`` to the due day. The monitor keeps the officers each department counts and
    those examined; the ruleset decides ``pending`` or ``missing``."""

    how: ClassVar[str] = (
        "per department of the municipal campaign: its counted officers and those with an "
        "exam from `counted_from` to the due day; `pending`, then `missing` when none has one"
    )

    rule: ExamAverage
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "exams"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        employment = {str(e) for e in self.rule.employment}
        on_duty_only = self.rule.on_duty_only
        self.members = Members(
            lambda o: o["employment"] in employment and (o["on_duty"] or not on_duty_only)
        )
        self.start = self.rule.counted_from or LiveState.in_force(self.rule, self.pack).start
        self.moments = (first_moment(self.start), last_moment(self.rule.due))
        self.examined: set[str] = set()  # officers with an exam in the window

    def ruleset(self) -> dict[str, Condition]:
        none = all_of(reached(self.start), greater("officers", 0), equals("examined", 0))
        return {
            Status.PENDING.value: all_of(none, greater("due", field("now"))),
            Status.MISSING.value: all_of(none, at_most("due", field("now"))),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "departments":
            return (self.observe(row["id"]),)
        if change.record_type == "officers":
            return [self.observe(d) for d in self.members.update(row)]
        if not _exams_of(self.rule, row) or not self.start <= row["date"] <= self.rule.due:
            return ()
        self.examined.add(row["officer"])
        officer = self.state.officers.get(row["officer"])
        return (self.observe(officer["department"]),) if officer else ()

    def observe(self, department: str) -> Observation:
        if department not in live_municipal(
            self.state, self.rule, self.pack, self.rule.campaign_scope
        ):
            return self.outside(department)
        officers = self.members(department)
        examined = len(officers & self.examined)
        event = {
            "today": self.state.day,
            "officers": len(officers),
            "examined": examined,
            "due": due_moment(self.rule.due),
            "now": self.state.now,
        }
        count = len(officers)
        return self.observation(
            department,
            department,
            event,
            lambda: {"officers": count, "examined": examined},
            due=self.rule.due,
        )


class NewRecruitEducationTracker(_OfficerTracker, follows=NewRecruitEducation):
    """Each officer recruited in the rule's period, by the clock's day, holds the minimum
    education; one hired after the clock's day waits for that day."""

    how: ClassVar[str] = (
        "per officer: the day hired against the period and the clock's day, and the "
        "education's rank against the minimum (`incomplete` when none is recorded)"
    )

    rule: NewRecruitEducation
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.alarms: Alarms[str] = Alarms()

    def ruleset(self) -> dict[str, Condition]:
        hired = dated_in("hired", LiveState.in_force(self.rule, self.pack))
        minimum = EDUCATION_RANK[str(self.rule.minimum_education)]
        return {
            Status.INCOMPLETE.value: all_of(*hired, equals("recorded", False)),
            Status.NOT_MET.value: all_of(
                *hired, equals("recorded", True), less("education", minimum)
            ),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        return [self.observe(o) for o in self.changed_officers(change)]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        return [self.observe(o) for o in self.alarms.rung(self.state.now)]

    def observe(self, officer_id: str) -> Observation:
        officer = self.officer_in_scope(officer_id)
        if officer is None or officer["hired_on"] is None:
            return self.outside(officer_id)
        hired: date = officer["hired_on"]
        self.alarms.at(start_moment(hired), officer_id, self.state.now)
        education = officer["education"]
        event = {
            "hired": hired.toordinal(),
            "today": self.state.day,
            "recorded": education is not None,
            "education": EDUCATION_RANK[education] if education is not None else 0,
        }
        return self.observation(
            officer_id,
            officer["department"],
            event,
            lambda: {
                "hired_on": iso(hired),
                "education": education,
                "minimum": str(self.rule.minimum_education),
            },
        )


class EducationShareTracker(DepartmentTracker, follows=EducationShare):
    """In each department, the share of its officers (of the rule's employment, on duty, in
    enforcement by the due day) holding the minimum education; the monitor keeps the officers
    and posts the share, the ruleset compares it with the minimum share."""

    how: ClassVar[str] = (
        "per department: the share of its counted officers (employment, on duty, in "
        "enforcement by the due day) holding the minimum education, against the minimum "
        "share; `pending` until the due day ends"
    )

    rule: EducationShare
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        employment = {str(e) for e in self.rule.employment}
        on_duty_only, due = self.rule.on_duty_only, self.rule.due
        self.members = Members(
            lambda o: (
                o["employment"] in employment
                and (o["on_duty"] or not on_duty_only)
                and (o["entered_enforcement_on"] is None or o["entered_enforcement_on"] <= due)
            )
        )
        self.start = LiveState.in_force(self.rule, self.pack).start
        self.moments = (first_moment(self.start), last_moment(self.rule.due))
        self.minimum = EDUCATION_RANK[str(self.rule.minimum_education)]

    def ruleset(self) -> dict[str, Condition]:
        return _judged(all_of(reached(self.start), less("share", self.rule.minimum_share)))

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return (self.observe(change.row["id"]),)
        return [self.observe(d) for d in self.members.update(change.row)]

    def observe(self, department: str) -> Observation:
        officers = [self.state.officers[o] for o in self.members(department)]
        if department not in self.departments() or not officers:
            return self.outside(department, str(self.rule.due.year))
        educations = [o["education"] for o in officers]
        qualified = sum(
            1 for e in educations if e is not None and EDUCATION_RANK[e] >= self.minimum
        )
        unknown = educations.count(None)
        share = qualified / len(officers)
        event = {
            "today": self.state.day,
            "share": share,
            "due": due_moment(self.rule.due),
            "now": self.state.now,
        }
        return self.observation(
            department,
            department,
            event,
            lambda: {
                "officers": len(officers),
                "qualified": qualified,
                "unknown": unknown,
                "share": pl.Series([share]).round(4).item(),  # rounded as the batch rounds it
                "required_share": self.rule.minimum_share,
                "minimum": str(self.rule.minimum_education),
            },
            period=str(self.rule.due.year),
            due=self.rule.due,
        )
