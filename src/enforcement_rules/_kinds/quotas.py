"""Quotas: at least N activities (or submissions) per quarter, per year, or once by a day;
and the record an activity must keep.

An activity counts ``count`` times (default 1) in the period of its date. A quota per year can
be limited to a window of month-days in each year (the week of 12月4日). A quota "once by a
day" counts from ``counted_from`` (default: the start of the period in force); activities after
the due day make it ``late``.

Status of an item: ``met``; ``missing`` (the period has ended with none); ``not_met`` (some, too
few); ``late`` (enough only after the due day); ``incomplete`` (enough, but a case-file review
did not cover every enforcement kind the department practises); ``pending`` (not yet ended).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, field_validator, model_validator

from .._dates import month_day
from .._fields import ActivityKindName
from .._findings import finding_frame
from .._rulebase import RuleBase, Selector, Spec, Status
from .._vocab import ALIASES, ActionKind, ActivityKind, label, parse_enum
from ._words import kinds_zh, listed, period_zh
from .deliverables import OBLIGATION_ID, parse_month_day, stage_of, submissions_of
from .schedule import (
    Obligation,
    Owed,
    dated,
    due_passed,
    empty_schedule,
    for_departments,
    horizon,
    not_open,
    periods_frame,
    quarter_periods,
    schedule_frame,
    year_periods,
)

if TYPE_CHECKING:
    from .._rulebase import Context


_ACTION_KIND_WORDS = {
    **{k.value: k.value for k in ActionKind},
    **{word: kind.value for word, kind in ALIASES[ActionKind].items()},
}


class Window(Spec):
    """Month-days of each year, both inclusive: ``{from: "12-01", to: "12-07"}``."""

    model_config = Spec.model_config | {"populate_by_name": True}

    first: str = Field(alias="from")
    last: str = Field(alias="to")

    @field_validator("first", "last")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)
        return value


class Quota(Obligation):
    """At least ``minimum`` activities of a kind (or submissions of a deliverable) by each
    department in scope, ``per`` calendar quarter, calendar year, or ``once`` by ``due``."""

    kind: Literal["quota"]
    activity: ActivityKindName | None = None
    obligation: str | None = Field(default=None, pattern=OBLIGATION_ID)
    name: str = Field(description="What is counted, in Chinese (法治专题讲座)")
    name_en: str
    minimum: int = Field(ge=1)
    per: Literal["quarter", "year", "once"]
    due: date | None = Field(default=None, description="For per: once, the last day")
    counted_from: date | None = Field(
        default=None, description="For per: once, the first day counted (default: in force)"
    )
    within: Window | None = Field(
        default=None, description="For per: year, the month-days of each year that count"
    )
    stage: str | None = Field(default=None, description="Only activities of this stage")
    covers_action_kinds_since: date | None = Field(
        default=None,
        description="The activities must cover every enforcement kind of the department's "
        "actions from this day to the due day (案卷评查全覆盖)",
    )
    area_activities_by: Selector | None = Field(
        default=None,
        description="Departments whose activities count also for every department of their "
        "area (a region within or equal to theirs): the county 司法局 organising the review "
        "of its area",
    )

    record_type: ClassVar[str] = "activities"

    @model_validator(mode="after")
    def _consistent(self) -> Quota:
        if (self.activity is None) == (self.obligation is None):
            raise ValueError("exactly one of 'activity' or 'obligation'")
        if (self.per == "once") != (self.due is not None):
            raise ValueError("'due' with per: once, and only then")
        if self.counted_from is not None and self.per != "once":
            raise ValueError("'counted_from' only with per: once")
        if self.within is not None and self.per != "year":
            raise ValueError("'within' only with per: year")
        if self.obligation is not None and (
            self.stage is not None
            or self.covers_action_kinds_since is not None
            or self.area_activities_by is not None
        ):
            raise ValueError(
                "'stage', 'covers_action_kinds_since' and 'area_activities_by' only count "
                "activities"
            )
        return self

    @property
    def _item(self) -> str:
        if self.activity is not None:
            return str(parse_enum(ActivityKind, self.activity).value)
        return str(self.obligation)

    def _periods(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        last = horizon(period, ctx.as_of)
        if self.per == "quarter":
            frame = quarter_periods(period.start, last)
        elif self.per == "year" and self.within is None:
            frame = year_periods(period.start, last)
        elif self.per == "year":
            assert self.within is not None
            first_md = parse_month_day(self.within.first)
            last_md = parse_month_day(self.within.last)
            rows = []
            for year in range(period.start.year, last.year + 1):
                start, end = month_day(year, *first_md), month_day(year, *last_md)
                if period.start <= end and start <= last:
                    rows.append((str(year), start, end, end, date(year, 1, 1)))
            frame = periods_frame(rows)
        else:
            assert self.due is not None
            start = self.counted_from or period.start
            frame = periods_frame([(None, start, self.due, self.due, period.start)])
        return frame.with_columns(pl.max_horizontal("opens", pl.lit(period.start)).alias("opens"))

    def _records(self, ctx: Context) -> pl.DataFrame:
        """``department``, ``date``, ``count``, ``covers``, ``record`` of what is counted."""
        if self.obligation is not None:
            subs = submissions_of(ctx, self.obligation)
            return subs.select(
                "department",
                pl.col("submitted_on").alias("date"),
                pl.lit(1, dtype=pl.Int64).alias("count"),
                pl.lit([], dtype=pl.List(pl.String)).alias("covers"),
                pl.col("id").alias("record"),
                pl.col("period").alias("label"),
            )
        activities = dated(ctx.records.table("activities"), "date", ctx.as_of).filter(
            pl.col("kind") == self._item
        )
        if self.stage is not None:
            activities = activities.filter(stage_of(pl.col("stage")) == self.stage)
        return activities.select(
            "department",
            "date",
            "count",
            pl.col("covers").list.eval(pl.element().replace(_ACTION_KIND_WORDS)),
            pl.col("id").alias("record"),
            pl.lit(None, dtype=pl.String).alias("label"),
        )

    def schedule(self, ctx: Context) -> pl.DataFrame:
        items = for_departments(ctx.departments(self), self._periods(ctx))
        if items.height == 0:
            return empty_schedule()
        records = self._with_area(ctx, self._records(ctx))
        paired = items.join(records, on="department", how="inner")
        if self.obligation is not None and self.per in ("quarter", "year"):
            # A submission naming its period counts there; otherwise by its day.
            inside = (
                pl.when(pl.col("label").is_not_null())
                .then(pl.col("label") == pl.col("period"))
                .otherwise(pl.col("date").is_between(pl.col("first"), pl.col("last")))
            )
        else:
            inside = pl.col("date").is_between(pl.col("first"), pl.col("last"))
        counted = (
            paired.filter(inside)
            .group_by("department", "period")
            .agg(
                pl.col("count").sum().alias("counted"),
                pl.col("record").sort().alias("records"),
                pl.col("covers").explode().drop_nulls().unique().sort().alias("covered"),
            )
        )
        after = (
            paired.filter(pl.col("date") > pl.col("last"))
            .group_by("department", "period")
            .agg(pl.col("count").sum().alias("after_due"))
        )
        rows = (
            items.join(counted, on=["department", "period"], how="left", nulls_equal=True)
            .join(after, on=["department", "period"], how="left", nulls_equal=True)
            .with_columns(
                pl.col("counted").fill_null(0),
                pl.col("after_due").fill_null(0),
                pl.col("records").fill_null([]),
                pl.col("covered").fill_null([]),
            )
        )
        rows = self._with_coverage(ctx, rows)
        short = pl.col("counted") < self.minimum
        status = (
            pl.when(not_open(ctx.as_of))
            .then(pl.lit(Status.PENDING.value))
            .when(~short & (pl.col("uncovered").list.len() == 0))
            .then(pl.lit(Status.MET.value))
            .when(~due_passed(ctx.as_of))
            .then(pl.lit(Status.PENDING.value))
            .when(~short)
            .then(pl.lit(Status.INCOMPLETE.value))
            .when(
                pl.lit(self.per == "once")
                & (pl.col("counted") + pl.col("after_due") >= self.minimum)
            )
            .then(pl.lit(Status.LATE.value))
            .when(pl.col("counted") == 0)
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.NOT_MET.value))
        )
        figures: dict[str, pl.Expr] = {
            "period": pl.col("period"),
            "from": pl.col("first"),
            "to": pl.col("last"),
            "due": pl.col("due"),
            "count": pl.col("counted"),
            "required": pl.lit(self.minimum),
            "records": pl.col("records"),
        }
        if self.per == "once":
            figures["after_due"] = pl.col("after_due")
        if self.covers_action_kinds_since is not None:
            figures["action_kinds"] = pl.col("action_kinds")
            figures["uncovered"] = pl.col("uncovered")
        return schedule_frame(
            rows,
            rule=self,
            item=self._item,
            status=status,
            figures=figures,
        )

    def _with_area(self, ctx: Context, records: pl.DataFrame) -> pl.DataFrame:
        """The records, and those of each area's organiser again under every department of
        its area (``area_activities_by``)."""
        if self.area_activities_by is None:
            return records
        places = ctx.department_table.select(
            pl.col("id").alias("department"), pl.col("region").list.join("/").alias("place")
        )
        organisers = places.filter(
            pl.col("department").is_in(ctx.selected(self.area_activities_by))
        ).rename({"department": "organiser", "place": "area"})
        owers = places.filter(pl.col("department").is_in(ctx.departments(self)))
        reached = (
            owers.join(organisers, how="cross")
            .filter(
                (pl.col("organiser") != pl.col("department"))
                & (
                    (pl.col("place") == pl.col("area"))
                    | pl.col("place").str.starts_with(pl.col("area") + "/")
                )
            )
            .select("organiser", "department")
        )
        shared = (
            records.rename({"department": "organiser"})
            .join(reached, on="organiser", how="inner")
            .select(records.columns)
        )
        return pl.concat([records, shared])

    def _with_coverage(self, ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
        since = self.covers_action_kinds_since
        if since is None:
            return rows.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("uncovered"))
        actions = ctx.actions.select("department", "date", "kind").filter(pl.col("date") >= since)
        kinds = (
            rows.select("department", "period", "due")
            .join(actions, on="department", how="inner")
            .filter(pl.col("date") <= pl.col("due"))
            .group_by("department", "period")
            .agg(pl.col("kind").unique().sort().alias("action_kinds"))
        )
        return (
            rows.join(kinds, on=["department", "period"], how="left", nulls_equal=True)
            .with_columns(pl.col("action_kinds").fill_null([]))
            .with_columns(
                # set_difference keeps no order: sorted, as action_kinds are
                pl.col("action_kinds")
                .list.set_difference(pl.col("covered"))
                .list.sort()
                .alias("uncovered")
            )
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        period = figures["period"]
        when_zh = period_zh(period) if period else f"{figures['from']} 至 {figures['to']}"
        when_en = period if period else f"{figures['from']} to {figures['to']}"
        if period and self.within is not None:
            when_zh += f"({figures['from']} 至 {figures['to']})"
            when_en += f" ({figures['from']} to {figures['to']})"
        count, required = figures["count"], figures["required"]
        zh = f"{subject_id} {when_zh}{self.name} {count} 次,要求不少于 {required} 次"
        en = f"{subject_id}: {self.name_en} {count} time(s) in {when_en}, {required} required"
        if figures.get("after_due"):
            zh += f";期限 {figures['due']} 后又有 {figures['after_due']} 次"
            en += f"; {figures['after_due']} more after the {figures['due']} deadline"
        if figures.get("uncovered"):
            zh += ";未覆盖的执法类型:" + listed(kinds_zh(k) for k in figures["uncovered"])
            en += "; enforcement kinds not covered: " + ", ".join(figures["uncovered"])
        return zh + "。", en + "."

    def owed(self) -> list[Owed]:
        if self.per == "once":
            when = f"{self.due} 前至少 {self.minimum} 次"
        elif self.within is not None:
            when = f"每年 {self.within.first} 至 {self.within.last} 至少 {self.minimum} 次"
        else:
            when = f"每{'季度' if self.per == 'quarter' else '年'}至少 {self.minimum} 次"
        details = []
        if self.stage:
            details.append(f"阶段 stage={self.stage}")
        if self.covers_action_kinds_since:
            details.append(f"须覆盖自 {self.covers_action_kinds_since} 起的全部执法类型")
        if self.area_activities_by is not None:
            details.append(f"本地区组织单位({self.area_activities_by.describe()})的活动同样计入")
        return [
            Owed(
                record_type="activities" if self.activity is not None else "submissions",
                item=self._item,
                title=self.name,
                when=when,
                owers=self.applies_to.describe(),
                details=";".join(details),
            )
        ]


class ActivityMinutes(RuleBase):
    """Each activity of a kind (a consultation meeting) keeps a record (``minutes: true``)."""

    kind: Literal["activity_minutes"]
    activity: ActivityKindName

    subject_type: ClassVar[str] = "activity"

    def check(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        kind = parse_enum(ActivityKind, self.activity).value
        condition = (
            (pl.col("kind") == kind)
            & pl.col("department").is_in(ctx.departments(self))
            & (pl.col("date") >= period.start)
            & ~pl.col("minutes").fill_null(False)
        )
        if period.end is not None:
            condition &= pl.col("date") <= period.end
        rows = dated(ctx.records.table("activities"), "date", ctx.as_of).filter(condition)
        return finding_frame(
            rows,
            subject_type="activity",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures={"date": pl.col("date"), "minutes": pl.col("minutes")},
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
