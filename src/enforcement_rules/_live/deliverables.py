"""Live pieces of the deliverable kinds: a report, list or plan each department owes by a day.

Each item (department, period) is judged again when a submission of its deliverable arrives
(``late`` or ``incomplete`` then), when the clock passes its due day without one (``missing``
then), and when a publication's day comes. Submissions are few, so the tracker keeps those of
its deliverable, by department, and reads an item's figures from them as ``schedule`` does:
the first day submitted, the day every required section had arrived, the first publication
day on or before the clock's, and from those the day the item was done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from .._conditions import Condition, all_of, equals, field, greater
from .._dates import add_months, quarter_label, quarter_of
from .._kinds.deliverables import (
    STAGE_WORDS,
    Deliverable,
    QuarterlyDeliverable,
    RelativeDeliverable,
    YearlyDeliverable,
    _Deliverable,
    plain_title,
)
from .._rulebase import Status
from .._vocab import ActivityKind, parse_enum
from ._base import Change, LiveState, Observation, iso, moment_text, ordinal
from .schedule import (
    ByDepartment,
    Item,
    ScheduleTracker,
    due_passed,
    is_open,
    not_yet_due,
    periods_of,
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the submissions of one item show, as ``_Deliverable._judge`` reads them."""

    submitted: date | None  # the first day one arrived
    submitted_moment: str | None  # its date-time, when every first-day submission gives one
    submissions: int
    done: date | None  # every required section (and the publication) in, on this day
    missing_sections: list[str]
    published: date | None


def delivery(rule: _Deliverable, submissions: list[dict[str, Any]], today: date) -> Delivery:
    """The delivery of an item from its submissions (all arrived by ``today``)."""
    if not submissions:
        return Delivery(None, None, 0, None, list(rule.required_sections), None)
    submitted = min(s["submitted_on"] for s in submissions)
    moments = [s["submitted_on_moment"] for s in submissions if s["submitted_on"] == submitted]
    # the schedule sorts by day, then moment, nulls first: a plain day among them wins
    moment = None if None in moments else moment_text(min(moments))
    # a publication dated after the clock's day does not count yet
    published = min(
        (p for s in submissions if (p := s["published_on"]) is not None and p <= today),
        default=None,
    )
    completed: date | None = submitted
    missing: list[str] = []
    if rule.required_sections:
        titles = {plain_title(t): t for t in rule.required_sections}
        arrived: dict[str, date] = {}
        for s in submissions:
            for section in s["sections"]:
                plain = plain_title(section)
                if plain in titles and (plain not in arrived or s["submitted_on"] < arrived[plain]):
                    arrived[plain] = s["submitted_on"]
        completed = max(arrived.values()) if len(arrived) == len(titles) else None
        missing = [title for plain, title in titles.items() if plain not in arrived]
    done = completed
    if rule.must_publish:
        done = max(completed, published) if completed and published else None
    return Delivery(submitted, moment, len(submissions), done, missing, published)


class _DeliverableTracker(ScheduleTracker):
    """A deliverable: each department in scope owes a submission of ``obligation`` in each
    period, due on the period's due day."""

    rule: _Deliverable
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "submissions"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.submissions: ByDepartment[dict[str, Any]] = ByDepartment()

    def ruleset(self) -> dict[str, Condition]:
        return {
            Status.PENDING.value: all_of(is_open(), equals("done", False), not_yet_due()),
            Status.MISSING.value: all_of(is_open(), equals("submitted", False), due_passed()),
            Status.INCOMPLETE.value: all_of(
                is_open(), equals("submitted", True), equals("done", False), due_passed()
            ),
            Status.LATE.value: all_of(
                is_open(), equals("done", True), greater("done_on", field("due_day"))
            ),
        }

    def periods_at(self, day: date) -> list[dict[str, Any]]:
        return periods_of(self.rule, self.pack, day, self.rule.periods_in_force)

    def on_record(self, change: Change) -> Iterable[Observation]:
        row = change.row
        ours = row["obligation"] == self.rule.obligation
        departments = self.submissions.put(row["id"], row["department"], row if ours else None)
        if ours and row["published_on"] is not None:
            self.wake_at(row["department"], row["published_on"])
        return [o for d in departments for o in self.judge_department(d)]

    def counted(self, item: Item) -> list[dict[str, Any]]:
        """The item's submissions: those naming its period, or read as being for it."""
        held = self.submissions.of(item.department).values()
        return [s for s in held if self.period_of(item.department, s) == item.period]

    def period_of(self, department: str, submission: dict[str, Any]) -> str | None:
        """The period a submission counts for: the one it names, else read from its day."""
        raise NotImplementedError

    def judge(self, item: Item) -> Observation:
        today = self.state.today
        found = delivery(self.rule, self.counted(item), today or date.min)
        event = self.item_event(
            item,
            submitted=found.submitted is not None,
            done=found.done is not None,
            done_on=ordinal(found.done),
            due_day=item.due.toordinal(),
        )
        return self.observation(
            item.department,
            item.department,
            event,
            lambda: self.figures(item, found),
            period=item.period,
            due=item.due,
        )

    def figures(self, item: Item, found: Delivery) -> dict[str, Any]:
        figures = {
            "obligation": self.rule.obligation,
            "period": item.period,
            "due": iso(item.due),
            "submitted": iso(found.submitted),
            "submitted_moment": found.submitted_moment,
            "submissions": found.submissions,
            "completed": iso(found.done),
            "missing_sections": found.missing_sections,
        }
        if self.rule.must_publish:
            figures["published"] = iso(found.published)
        return figures


class DeliverableTracker(_DeliverableTracker, follows=Deliverable):
    """A one-off deliverable: a submission of any period counts."""

    how: ClassVar[str] = (
        "per (department, period) of the schedule: the periods, due days and the days items "
        "open are those `schedule` lists (the kind's own period helpers), the owers the "
        "rule's selectors; the tracker keeps the deliverable's submissions by department and "
        "derives the first day submitted, the day every required section had arrived and the "
        "first publication day up to the clock's, hence the day it was done; the ruleset "
        "decides `pending`, `missing` (the clock passed the due moment with none), "
        "`incomplete` (the due moment passed with a section or the publication still missing) "
        "and `late` (done after the due day, decided when the submission arrives)"
    )

    def counted(self, item: Item) -> list[dict[str, Any]]:
        return list(self.submissions.of(item.department).values())


class YearlyDeliverableTracker(_DeliverableTracker, follows=YearlyDeliverable):
    """A submission without a period covers the year of its day (or the year before)."""

    how: ClassVar[str] = (
        "the same, one item per year; a submission without a period covers the year of its "
        "day (or the year before)"
    )

    rule: YearlyDeliverable

    def period_of(self, department: str, submission: dict[str, Any]) -> str | None:
        shift = 1 if self.rule.covers == "previous_year" else 0
        return submission["period"] or str(submission["submitted_on"].year - shift)


class QuarterlyDeliverableTracker(_DeliverableTracker, follows=QuarterlyDeliverable):
    """A submission without a period counts for the quarter of its day."""

    how: ClassVar[str] = (
        "the same, one item per quarter; a submission without a period counts for the quarter "
        "of its day"
    )

    def period_of(self, department: str, submission: dict[str, Any]) -> str | None:
        day: date = submission["submitted_on"]
        return submission["period"] or quarter_label(day.year, quarter_of(day))


class RelativeDeliverableTracker(_DeliverableTracker, follows=RelativeDeliverable):
    """Due some months after an activity: the first matching activity of the department for
    each event of ``after`` (or, until there is one, the day the text expects it) sets the
    item's due day and the day it opens; a submission without a period counts for the latest
    event on or before its day."""

    how: ClassVar[str] = (
        "the same; the first matching activity of the department sets the item's due day "
        "(`_dates.add_months`) and the day it opens, and a submission without a period counts "
        "for the latest activity on or before its day"
    )

    rule: RelativeDeliverable
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "submissions", "activities"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.activity = parse_enum(ActivityKind, self.rule.after_activity).value
        self.first_activity: dict[tuple[str, str], date] = {}  # (department, period) -> day

    def periods_at(self, day: date) -> list[dict[str, Any]]:
        return periods_of(self.rule, self.pack, day, self.rule._periods)

    def department_items(self, department: str) -> list[Item]:
        start = LiveState.in_force(self.rule, self.pack).start
        items = []
        for period in self.periods:
            event = self.first_activity.get((department, period["period"]))
            counted_from = event or period["due"]
            items.append(
                Item(
                    department,
                    period["period"],
                    add_months(counted_from, self.rule.months),
                    max(event or period["opens"], start),
                    period["first"],
                    period["last"],
                    activity_on=event,
                )
            )
        return items

    def on_record(self, change: Change) -> Iterable[Observation]:
        if change.record_type != "activities":
            return super().on_record(change)
        row = change.row
        if row["kind"] != self.activity:
            return ()
        changed = False
        stage = stage_of_value(row["stage"])
        for event in self.rule.after:
            if event.stage is not None and stage != event.stage:
                continue
            key = (row["department"], event.period)
            if key not in self.first_activity or row["date"] < self.first_activity[key]:
                self.first_activity[key] = row["date"]
                changed = True
        return self.refresh(row["department"]) if changed else ()

    def period_of(self, department: str, submission: dict[str, Any]) -> str | None:
        if submission["period"] is not None:
            return str(submission["period"])
        latest: tuple[date, int, str] | None = None
        for number, event in enumerate(self.rule.after):
            day = self.first_activity.get((department, event.period))
            if day is not None and day <= submission["submitted_on"]:
                latest = max(latest or (day, number, event.period), (day, number, event.period))
        return latest[2] if latest else None

    def figures(self, item: Item, found: Delivery) -> dict[str, Any]:
        return {
            **super().figures(item, found),
            "activity_on": iso(item.activity_on),
            "months": self.rule.months,
        }


def stage_of_value(stage: str | None) -> str | None:
    """An activity's stage in its canonical word, as ``_kinds.deliverables.stage_of`` reads a
    column of them (mid_term, final; others as written)."""
    return None if stage is None else STAGE_WORDS.get(stage, stage)
