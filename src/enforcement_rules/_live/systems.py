"""Live pieces of the three systems (三项制度): each action is judged when it arrives; a legal
review or a publication dated after the clock's day does not count yet, so such an action is
held until the clock reaches that day and judged again then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar

from .._conditions import Condition, all_of, any_of, at_least, at_most, equals, field, greater, less
from .._dates import local_day
from .._kinds.systems import (
    DecisionPublicity,
    MajorDecisionReview,
    WholeProcessRecord,
    calendar_reason,
    due_words,
)
from .._rulebase import Severity, Status
from ._base import Change, Observation
from .personnel import _ActTracker

_NEVER = 0  # the ordinal of a day an action does not name


class _SystemsTracker(_ActTracker):
    """An action's decision day, and the days of its review or publication, against the
    clock's day (``today``): a day after it does not count yet."""

    # the action's field dating what the rule asks for (reviewed, publicised), if any
    dated_by: ClassVar[str | None] = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._waiting: dict[str, dict[str, Any]] = {}  # action id -> row, until its day comes

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        self._waiting.pop(row["id"], None)
        if not self.in_scope(row):
            return (self.outside(row["id"]),)
        if change.systems_event is None:  # one event for every rule of the three systems
            change.systems_event = _event(row, self.state.today)
        return (self.observe(row, change.systems_event),)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        today = local_day(after)
        come = [r for r in self._waiting.values() if r[self.dated_by or "date"] <= today]
        for row in come:
            del self._waiting[row["id"]]
        return [self.observe(row, _event(row, today)) for row in come]

    def holds(self, subject_id: str) -> bool:
        return subject_id in self._waiting

    def observe(self, row: dict[str, Any], event: dict[str, Any]) -> Observation:
        today = self.state.today
        dated: date | None = row[self.dated_by] if self.dated_by else None
        if dated is not None and (today is None or dated > today):
            self._waiting[row["id"]] = row
        decided = row["decided_on"] or row["date"]
        counted = dated if dated is not None and today is not None and dated <= today else None
        return self.observation(
            row["id"],
            row["department"],
            event,
            lambda: self.figures_of(row, decided, counted),
            due=decided if isinstance(self.rule, MajorDecisionReview) else None,
        )

    def figures_of(
        self, row: dict[str, Any], decided: date, counted: date | None
    ) -> dict[str, Any]:
        raise NotImplementedError


def _event(row: dict[str, Any], today: date | None) -> dict[str, Any]:
    """An action as the three systems' rules read it: its days as ordinals (``_NEVER`` for a
    day it does not name) and the clock's day."""
    decided = row["decided_on"] or row["date"]
    return {
        "day": row["date"].toordinal(),
        "kind": row["kind"],
        "major": row["major"],
        "recorded": {True: "yes", False: "no", None: "unknown"}[row["recorded"]],
        "decided": decided.toordinal(),
        "legal_review_on": _ordinal(row["legal_review_on"]),
        "publicized_on": _ordinal(row["publicized_on"]),
        "today": _ordinal(today),
    }


def _ordinal(day: date | None) -> int:
    return _NEVER if day is None else day.toordinal()


def _not_counted(dated_by: str) -> Condition:
    """The action names no day for it, or a day after the clock's."""
    return any_of(equals(dated_by, _NEVER), greater(dated_by, field("today")))


class WholeProcessRecordTracker(_SystemsTracker, follows=WholeProcessRecord):
    how: ClassVar[str] = "per action: recorded, not recorded, or not stated"
    rule: WholeProcessRecord

    def ruleset(self) -> dict[str, Condition]:
        scope = self.scope(self.rule.action_kinds)
        return {
            Status.MISSING.value: all_of(*scope, equals("recorded", "unknown")),
            Status.NOT_MET.value: all_of(*scope, equals("recorded", "no")),
        }

    def figures_of(
        self, row: dict[str, Any], decided: date, counted: date | None
    ) -> dict[str, Any]:
        return {"date": row["date"].isoformat(), "kind": row["kind"], "recorded": row["recorded"]}


class MajorDecisionReviewTracker(_SystemsTracker, follows=MajorDecisionReview):
    how: ClassVar[str] = (
        "per major decision: its decision day and legal review day against the clock's day (a "
        "review dated later does not count yet: the action is held until that day and judged "
        "again)"
    )
    rule: MajorDecisionReview
    dated_by: ClassVar[str | None] = "legal_review_on"

    def ruleset(self) -> dict[str, Condition]:
        major = all_of(*self.scope(self.rule.action_kinds), equals("major", True))
        return {
            Status.MISSING.value: all_of(major, _not_counted("legal_review_on")),
            Status.LATE.value: all_of(
                major,
                greater("legal_review_on", _NEVER),
                at_most("legal_review_on", field("today")),
                greater("legal_review_on", field("decided")),
            ),
        }

    def figures_of(
        self, row: dict[str, Any], decided: date, counted: date | None
    ) -> dict[str, Any]:
        return {
            "kind": row["kind"],
            "decided_on": decided.isoformat(),
            "legal_review_on": counted.isoformat() if counted else None,
            "days_after": (counted - decided).days if counted else None,
        }


class DecisionPublicityTracker(_SystemsTracker, follows=DecisionPublicity):
    """With a due period, an unpublished decision is pending until its due day has passed and
    missing after it: such an action is held until the clock passes its due day and judged
    again then; one published after its due day is late. A due day past the working-day
    calendar's years is known only to come on or after its earliest day (``due``, with
    ``exact`` false): pending until then, and after it a warning that it cannot be judged."""

    how: ClassVar[str] = (
        "per action: its publication day against the clock's day (held likewise); with a due "
        "period, its due day (working days on the Chinese calendar): held until the clock "
        "passes it, then `missing`; published after it, `late`; a due day past the "
        "working-day calendar's years is held until the earliest day it can be, then a "
        "warning that it cannot be judged, as in `evaluate`"
    )

    rule: DecisionPublicity
    dated_by: ClassVar[str | None] = "publicized_on"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._pending: dict[str, dict[str, Any]] = {}  # action id -> row, until its due day

    def ruleset(self) -> dict[str, Condition]:
        scope = self.scope(self.rule.action_kinds)
        if not self.rule.due_within:
            return {Status.MISSING.value: all_of(*scope, _not_counted("publicized_on"))}
        unpublished = all_of(*scope, greater("due", _NEVER), _not_counted("publicized_on"))
        published_after = all_of(
            *scope,
            greater("due", _NEVER),
            greater("publicized_on", _NEVER),
            at_most("publicized_on", field("today")),
            greater("publicized_on", field("due")),
        )
        return {
            Status.PENDING.value: all_of(unpublished, at_least("due", field("today"))),
            Status.MISSING.value: all_of(
                unpublished, less("due", field("today")), equals("exact", True)
            ),
            Status.LATE.value: all_of(published_after, equals("exact", True)),
            Status.NOT_MET.value: all_of(
                equals("exact", False),
                any_of(all_of(unpublished, less("due", field("today"))), published_after),
            ),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        self._pending.pop(change.row["id"], None)
        return super().on_change(change)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        observed = list(super().on_clock(before, after))
        today = local_day(after)
        seen = {o.subject_id for o in observed}
        passed = [r for r in self._pending.values() if self._due(r) < today]
        for row in passed:
            del self._pending[row["id"]]
        return observed + [
            self.observe(row, _event(row, today)) for row in passed if row["id"] not in seen
        ]

    def _due(self, row: dict[str, Any]) -> date:
        due = self.rule.due_of(row["kind"], row["decided_on"] or row["date"])
        assert due is not None  # held only when the rule gives the act's kind a period
        return due.day

    def observe(self, row: dict[str, Any], event: dict[str, Any]) -> Observation:
        if not self.rule.due_within:
            return super().observe(row, event)
        decided = row["decided_on"] or row["date"]
        due = self.rule.due_of(row["kind"], decided)
        today = self.state.today
        if due is not None and (today is None or due.day >= today):
            self._pending[row["id"]] = row
        else:
            self._pending.pop(row["id"], None)
        exact = due is None or due.exact
        event = dict(event, due=_ordinal(due.day if due else None), exact=exact)
        dated: date | None = row["publicized_on"]
        if dated is not None and (today is None or dated > today):
            self._waiting[row["id"]] = row
        counted = dated if dated is not None and today is not None and dated <= today else None
        # the outcome depends on days the calendar does not know (the NOT_MET condition)
        unknown = (
            not exact
            and due is not None
            and today is not None
            and (counted > due.day if counted is not None else due.day < today)
        )
        figures = {
            "kind": row["kind"],
            "decided_on": decided.isoformat(),
            "due": due_words(due),
            "publicized_on": counted.isoformat() if counted else None,
        }
        return self.labelled(
            row["id"],
            row["department"],
            event,
            lambda: (figures | {"reason": calendar_reason()}) if unknown else figures,
            due=due.day if due is not None and due.exact else None,
            severity=Severity.WARNING if unknown else None,
        )

    def figures_of(
        self, row: dict[str, Any], decided: date, counted: date | None
    ) -> dict[str, Any]:
        return {"kind": row["kind"], "decided_on": decided.isoformat()}
