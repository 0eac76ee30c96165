"""``relative_deliverable``: a deliverable due within some months after an activity
("评估完成后一个月内")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._dates import add_months
from .._fields import ActivityKindName
from .._figures import Figures, figure
from .._live._base import Change, Observation, iso
from .._rulebase import Period, Spec
from .._vocab import ActivityKind, label, parse_enum
from ._deliverables import HOW, DeliverableFigures, DeliverableKind, DeliverableTracking, Delivery
from ._schedule import (
    Item,
    dated,
    for_departments,
    months_after,
    periods_frame,
    stage_of,
    stage_of_value,
)

if TYPE_CHECKING:
    from .._rulebase import Context


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

    def periods(self, in_force: Period, as_of: date) -> pl.DataFrame:
        """One per event, due and opening on the day the text expects it (until an activity
        sets them)."""
        return periods_frame(
            (e.period, e.expected_by, e.expected_by, e.expected_by, e.expected_by)
            for e in self.after
        )

    def events(self, ctx: Context) -> pl.DataFrame:
        """(department, period, event) of the first matching activity of each event."""
        activities = dated(ctx.records.table("activities"), "date", ctx.as_of).filter(
            pl.col("kind") == parse_enum(ActivityKind, self.after_activity).value
        )
        frames = []
        for event in self.after:
            matching = activities
            if event.stage is not None:
                matching = matching.filter(stage_of(pl.col("stage")) == event.stage)
            frames.append(
                matching.group_by("department").agg(
                    pl.lit(event.period).alias("period"), pl.col("date").min().alias("event")
                )
            )
        return pl.concat(frames)

    def items(self, ctx: Context) -> pl.DataFrame:
        start = ctx.in_force(self).start
        items = for_departments(ctx.departments(self), self.periods(ctx.in_force(self), ctx.as_of))
        items = items.join(self.events(ctx), on=["department", "period"], how="left")
        items = months_after(pl.coalesce("event", "due"), items, "due", self.months)
        return items.with_columns(
            pl.max_horizontal(pl.coalesce("event", "opens"), pl.lit(start)).alias("opens")
        )

    def with_periods(self, subs: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
        events = (
            items.filter(pl.col("event").is_not_null())
            .select("department", pl.col("period").alias("_event_period"), "event")
            .sort("event")
        )
        located = subs.sort("submitted_on").join_asof(
            events,
            left_on="submitted_on",
            right_on="event",
            by="department",
            strategy="backward",
            check_sortedness=False,
        )
        return located.with_columns(pl.coalesce("period", "_event_period").alias("period")).drop(
            "_event_period", "event"
        )

    def figure_columns(self) -> dict[str, pl.Expr]:
        return {
            **super().figure_columns(),
            "activity_on": pl.col("event"),
            "months": pl.lit(self.months),
        }

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

    rule: RelativeDeliverable
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "submissions", "activities"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.activity = parse_enum(ActivityKind, self.rule.after_activity).value
        self.first_activity: dict[tuple[str, str], date] = {}  # (department, period) -> day

    def department_items(self, department: str) -> list[Item]:
        start = self.in_force.start
        items = []
        for period in self.periods:
            event = self.first_activity.get((department, period["period"]))
            items.append(
                Item(
                    department,
                    period["period"],
                    add_months(event or period["due"], self.rule.months),
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

    def figure_values(self, item: Item, found: Delivery) -> dict[str, Any]:
        return {
            **super().figure_values(item, found),
            "activity_on": iso(item.activity_on),
            "months": self.rule.months,
        }
