"""``relative_deliverable``: a deliverable due within some months after an activity
("评估完成后一个月内")."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from .._dates import add_months
from .._fields import ActivityKindName
from .._figures import Figures, figure
from .._live._base import Change, Observation, iso
from .._rulebase import Period, Spec
from .._vocab import ActivityKind, label, parse_enum
from ._deliverables import (
    HOW,
    DeliverableFigures,
    DeliverableKind,
    DeliverableTracking,
    Submissions,
)
from ._schedule import Item, span, stage_of_value


class AfterActivity(Spec):
    """One event a relative deadline counts from: the first activity of ``stage`` by the
    department; ``expected_by`` is when the text expects it."""

    period: str = Field(pattern=r"^\d{4}(-Q[1-4])?$")
    stage: str | None = None
    expected_by: date


class RelativeDeliverableFigures(DeliverableFigures):
    activity_on: str | None = figure("活动日期", "activity day")
    months: int = figure("月数", "months")


class RelativeDeliverable(DeliverableKind):
    """A deliverable due within ``months`` calendar months after an activity ("评估完成后一个月
    内"): 31 January + 1 month is the last day of February. One item per event in ``after``;
    its due day counts from the first matching activity of the department, or, while there is
    none, from the day the text expects the activity (so a deliverable whose activity never
    happened is missing once that day plus the months has passed). A submission without a
    period counts for the latest event on or before its day."""

    kind: Literal["relative_deliverable"]
    after_activity: ActivityKindName
    months: int = Field(ge=1)
    after: list[AfterActivity] = Field(min_length=1)

    figures: ClassVar[type[Figures]] = RelativeDeliverableFigures
    drawn_after_activities: ClassVar[bool] = True

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        """One per event, due and opening on the day the text expects it (until an activity
        sets them)."""
        return [
            span(e.period, e.expected_by, e.expected_by, e.expected_by, e.expected_by)
            | {"starts": in_force.start}
            for e in self.after
        ]

    def book_records(self) -> list[tuple[str, str, str | None, Any]]:
        activity = parse_enum(ActivityKind, self.after_activity).value
        return [*super().book_records(), ("activities", "date", "kind", activity)]

    def hold(
        self, book: Submissions, record_type: str, row: dict[str, Any], key: Hashable
    ) -> list[Any]:
        """A submission; or an activity, the first of an event's stage setting its items."""
        if record_type == "submissions":
            return super().hold(book, record_type, row, key)
        if row["kind"] != parse_enum(ActivityKind, self.after_activity).value:
            return []
        changed = False
        stage = stage_of_value(row["stage"])
        for event in self.after:
            if event.stage is not None and stage != event.stage:
                continue
            held = (row["department"], event.period)
            if held not in book.first_activity or row["date"] < book.first_activity[held]:
                book.first_activity[held] = row["date"]
                changed = True
        return [row["department"]] if changed else []

    def items_of(
        self, department: str, periods: list[dict[str, Any]], book: Submissions
    ) -> list[Item]:
        items = []
        for p in periods:
            event = book.first_activity.get((department, p["period"]))
            due = add_months(event or p["due"], self.months)
            opens = max(event or p["opens"], p["starts"])
            items.append(
                Item(department, p["period"], due, opens, p["first"], p["last"], activity_on=event)
            )
        return items

    def period_of(
        self, book: Submissions, department: str, submission: dict[str, Any]
    ) -> str | None:
        if submission["period"] is not None:
            return str(submission["period"])
        latest: tuple[date, int, str] | None = None
        for number, event in enumerate(self.after):
            day = book.first_activity.get((department, event.period))
            if day is not None and day <= submission["submitted_on"]:
                latest = max(latest or (day, number, event.period), (day, number, event.period))
        return latest[2] if latest else None

    def more_figures(self, item: Item) -> dict[str, Any]:
        return {"activity_on": iso(item.activity_on), "months": self.months}

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        zh, en = super().describe(subject_id, figures)
        activity = label(parse_enum(ActivityKind, self.after_activity))
        if figures.get("activity_on"):
            return (
                zh + f"({activity}于 {figures['activity_on']} 完成,{self.months} 个月内应报送)",
                en + f" ({self.after_activity} done {figures['activity_on']}; due within "
                f"{self.months} month(s))",
            )
        return (
            zh + f"({activity}尚无记录,按其应完成日推算期限)",
            en + f" (no {self.after_activity} recorded yet: the due day counts from the day "
            "it was expected)",
        )

    def when(self) -> str:
        activity = label(parse_enum(ActivityKind, self.after_activity))
        return f"{activity}完成后 {self.months} 个月内"


class RelativeDeliverableTracker(DeliverableTracking, follows=RelativeDeliverable):
    how: ClassVar[str] = (
        HOW + "; the first matching activity of the department sets the item's due day "
        "(`_dates.add_months`) and the day it opens, and a submission without a period counts "
        "for the latest activity on or before its day"
    )

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "submissions", "activities"})

    def on_record(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "activities":  # an activity setting the department's items
            row = change.row
            touched = self.rule.hold(self.book, "activities", row, row["id"])
            return [o for d in touched for o in self.refresh(d)]
        return super().on_record(change)
