"""``activity_minutes``: each activity of a kind (a consultation meeting) keeps a record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, at_least, at_most, equals
from .._fields import ActivityKindName
from .._figures import Figures, figure
from .._findings import empty_findings
from .._live._base import Change, Observation, Tracker
from .._rulebase import Period, Status
from .._vocab import ActivityKind, label, parse_enum
from ._decisions import findings
from ._schedule import Draws, RecordsAsked, dated, ordinal_of

if TYPE_CHECKING:
    from .._rulebase import Context

MEETINGS_PER_YEAR = 2
MINUTES_SHARES = {True: 0.92, False: 0.05, None: 0.03}
"""Shares of synthetic activities with minutes kept, not kept, not stated."""


class ActivityMinutesFigures(Figures):
    date: str = figure("日期", "date")
    minutes: bool | None = figure("会商记录", "minutes")


class ActivityMinutes(RecordsAsked):
    """Each activity of a kind (a consultation meeting) keeps a record (``minutes: true``).

    An activity's event: its ``kind``, ``day`` (ordinal) and ``minutes`` (false when not
    stated); one of the rule's departments, dated in its period, without minutes is
    ``not_met``."""

    kind: Literal["activity_minutes"]
    activity: ActivityKindName

    subject_type: ClassVar[str] = "activity"
    figures: ClassVar[type[Figures]] = ActivityMinutesFigures

    def decision(self, in_force: Period) -> Decision:
        conditions = [
            equals("kind", parse_enum(ActivityKind, self.activity).value),
            at_least("day", in_force.start.toordinal()),
            equals("minutes", False),
        ]
        if in_force.end is not None:
            conditions.append(at_most("day", in_force.end.toordinal()))
        return {Status.NOT_MET.value: all_of(*conditions)}

    def check(self, ctx: Context) -> pl.DataFrame:
        activities = ctx.records.table("activities")
        departments = ctx.departments(self)
        if activities.height == 0 or not departments:
            return empty_findings()
        events = (
            dated(activities.lazy(), "date", ctx.as_of)
            .filter(pl.col("department").is_in(departments))
            .with_columns(
                pl.col("minutes").alias("minutes_stated"),
                ordinal_of("date").alias("day"),
                pl.col("minutes").fill_null(False),
            )
            .collect(engine="in-memory")
        )
        return findings(
            self,
            ctx,
            events,
            subject="id",
            figures=ActivityMinutesFigures.columns("date", minutes=pl.col("minutes_stated")),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        what = label(parse_enum(ActivityKind, self.activity))
        if figures["minutes"] is None:
            return (
                f"{what} {subject_id}({figures['date']})没有标明是否做好记录。",
                f"{self.activity} {subject_id} ({figures['date']}) does not say whether a "
                "record was kept.",
            )
        return (
            f"{what} {subject_id}({figures['date']})没有做好记录。",
            f"{self.activity} {subject_id} ({figures['date']}) kept no record.",
        )

    def draw(self, ctx: Context, draws: Draws) -> dict[str, pl.DataFrame]:
        """Activities of the kind, each with or without minutes."""
        departments = pl.DataFrame(
            {"department": ctx.departments(self)}, schema={"department": pl.String}
        )
        start = ctx.in_force(self).start
        per_department = MEETINGS_PER_YEAR * (ctx.as_of.year - start.year + 1)
        rows = departments.join(
            pl.DataFrame({"k": list(range(per_department))}, schema={"k": pl.Int64}), how="cross"
        ).sort("department", "k")
        n = rows.height
        choices = pl.Series(list(MINUTES_SHARES), dtype=pl.Boolean)
        minutes = draws.choose(choices, list(MINUTES_SHARES.values()), n)
        return {
            "activities": rows.select(
                "department",
                pl.lit(parse_enum(ActivityKind, self.activity).value).alias("kind"),
                draws.days(start, ctx.as_of, n).alias("date"),
                pl.lit(1, dtype=pl.Int64).alias("count"),
                pl.lit([], dtype=pl.List(pl.String)).alias("covers"),
                minutes.alias("minutes"),
            )
        }


class ActivityMinutesTracker(Tracker, follows=ActivityMinutes):
    how: ClassVar[str] = "per activity of the kind: minutes kept, or not (false or not stated)"

    rule: ActivityMinutes
    reads: ClassVar[frozenset[str]] = frozenset({"activities"})
    about_acts: ClassVar[bool] = True

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if row["department"] not in self.departments():
            return (self.outside(row["id"]),)
        event = {
            "kind": row["kind"],
            "day": row["date"].toordinal(),
            "minutes": bool(row["minutes"]),
        }
        figures = ActivityMinutesFigures.of(date=row["date"].isoformat(), minutes=row["minutes"])
        return (self.observation(row["id"], row["department"], event, lambda: figures),)
