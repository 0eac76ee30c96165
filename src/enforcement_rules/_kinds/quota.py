"""``quota``: at least N activities (or submissions) per quarter, per year, or once by a day.

An activity counts ``count`` times (default 1) in the period of its date. A quota per year can
be limited to a window of month-days in each year (the week of 12月4日). A quota "once by a
day" counts from ``counted_from`` (default: the start of the period in force); activities after
the due day make it ``late``.

An item's event: ``counted`` (in the period), ``total`` (with those after the due day) and
``uncovered_kinds`` (enforcement kinds a case-file review left out), beside the schedule's
days. Its status: ``missing`` (the period has ended with none); ``not_met`` (some, too few);
``late`` (enough only after the due day); ``incomplete`` (enough, but a case-file review did
not cover every enforcement kind the department practises); ``pending`` (not yet ended); else
``met``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._conditions import Decision, all_of, any_of, at_least, equals, greater, less
from .._dates import month_day
from .._fields import ActivityKindName
from .._figures import Figures, figure
from .._live._base import Change, Observation, iso
from .._rulebase import DepartmentView, Period, Selector, Spec, Status
from .._vocab import ALIASES, ActionKind, ActivityKind, parse_enum
from ._schedule import (
    OBLIGATION_ID,
    ByDepartment,
    Draws,
    Item,
    Judged,
    MonthDay,
    Obligation,
    Owed,
    ScheduleTracker,
    day_in,
    days_after,
    due_passed,
    horizon,
    not_yet_due,
    only,
    opened,
    opening_in_force,
    parse_month_day,
    quarter_periods,
    span,
    stage_of_value,
)
from ._words import kinds_zh, listed, period_zh

if TYPE_CHECKING:
    from .._rulebase import Context

ACTION_KIND_WORDS = {
    **{k.value: k.value for k in ActionKind},
    **{word: kind.value for word, kind in ALIASES[ActionKind].items()},
}

OUTCOMES = {"met": 0.88, "short": 0.05, "late": 0.03}
"""Shares of a synthetic item's outcome; what is left is missing."""
UNCOVERED_SHARE = 0.05  # a synthetic case-file review that leaves an enforcement kind out


def within(place: str | None, area: str | None) -> bool:
    """Whether a department's place (its region path, ``/``-joined) lies in ``area``."""
    return (
        place is not None and area is not None and (place == area or place.startswith(area + "/"))
    )


class Window(Spec):
    """Month-days of each year, both inclusive: ``{from: "12-01", to: "12-07"}``."""

    model_config = Spec.model_config | {"populate_by_name": True}

    first: MonthDay = Field(alias="from")
    last: MonthDay = Field(alias="to")


class QuotaFigures(Figures):
    period: str | None = figure("期间", "period")
    from_: str = figure("起始日", "from", key="from")
    to: str = figure("截止日", "to")
    due: str = figure("期限", "due")
    count: int = figure("次数", "count")
    required: int = figure("要求", "required")
    records: list[str] = figure("记录", "records")
    after_due: int | None = figure("期限后次数", "held after the due day", None)  # once
    action_kinds: list[str] | None = figure("执法行为类型", "kinds of action", None)
    uncovered: list[str] | None = figure("未覆盖的类型", "kinds not covered", None)


@dataclass(frozen=True, slots=True)
class Counted:
    """A record a quota counts: its id, its day, how many times it counts, the enforcement
    kinds it covered, and the period it names (a submission)."""

    record: str
    day: date
    count: int
    covers: tuple[str, ...]
    label: str | None


class Tallies:
    """What a quota's items count: the records by department, the first day of each kind
    of action by department (``covers_action_kinds_since``), and the organisers whose
    records count for a department too (``area_activities_by``: read from the departments)."""

    def __init__(self) -> None:
        self.records: ByDepartment[str, Counted] = ByDepartment()
        self.kinds_since: dict[str, dict[str, date]] = {}
        self.departments: Mapping[str, dict[str, Any]] = {}
        self.organisers: list[str] | None = None
        self.area: dict[str, list[str]] = {}  # department -> organisers counting for it


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
    figures: ClassVar[type[Figures]] = QuotaFigures
    book: ClassVar[type[Any]] = Tallies

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
    def item(self) -> str:
        """What is counted: the activity kind, or the deliverable's id."""
        if self.activity is not None:
            return str(parse_enum(ActivityKind, self.activity).value)
        return str(self.obligation)

    @property
    def by_label(self) -> bool:
        """A submission naming its period counts there (else by its day)."""
        return self.obligation is not None and self.per in ("quarter", "year")

    def decision(self, in_force: Period) -> Decision:
        minimum = self.minimum
        short = less("counted", minimum)
        statuses = {
            Status.PENDING.value: all_of(
                not_yet_due(), any_of(short, greater("uncovered_kinds", 0))
            ),
            Status.INCOMPLETE.value: all_of(
                due_passed(), at_least("counted", minimum), greater("uncovered_kinds", 0)
            ),
        }
        if self.per == "once":  # enough only after the due day is late
            statuses[Status.LATE.value] = all_of(due_passed(), short, at_least("total", minimum))
            short = all_of(short, less("total", minimum))
        statuses[Status.MISSING.value] = all_of(due_passed(), short, equals("counted", 0))
        statuses[Status.NOT_MET.value] = all_of(due_passed(), short, greater("counted", 0))
        return opened(statuses)

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        last = horizon(in_force, as_of)
        if self.per == "quarter":
            periods = quarter_periods(in_force.start, last)
        elif self.per == "year":  # each calendar year, or its window
            first_md = parse_month_day(self.within.first) if self.within else (1, 1)
            last_md = parse_month_day(self.within.last) if self.within else (12, 31)
            periods = []
            for year in range(in_force.start.year, last.year + 1):
                start, end = month_day(year, *first_md), month_day(year, *last_md)
                if in_force.start <= end and start <= last:
                    periods.append(span(str(year), start, end, end, date(year, 1, 1)))
        else:
            assert self.due is not None
            start = self.counted_from or in_force.start
            periods = [span(None, start, self.due, self.due, in_force.start)]
        return opening_in_force(periods, in_force)

    # -- what the items count, for both evaluators ----------------------------------------

    def book_records(self) -> list[tuple[str, str, str | None, Any]]:
        if self.obligation is not None:
            return [("submissions", "submitted_on", "obligation", self.obligation)]
        return [("activities", "date", "kind", self.item)]

    def counted(self, record_type: str, row: dict[str, Any]) -> Counted | None:
        """What the quota counts of a record; ``None`` when it does not count it."""
        if record_type == "submissions":
            if row["obligation"] != self.obligation:
                return None
            return Counted(row["id"], row["submitted_on"], 1, (), row["period"])
        if row["kind"] != self.item:
            return None
        if self.stage is not None and stage_of_value(row["stage"]) != self.stage:
            return None
        covers = tuple(ACTION_KIND_WORDS.get(c, c) for c in row["covers"])
        return Counted(row["id"], row["date"], row["count"], covers, None)

    def hold(
        self, book: Tallies, record_type: str, row: dict[str, Any], key: Hashable
    ) -> list[Any]:
        return book.records.put(key, row["department"], self.counted(record_type, row))

    def filled(self, ctx: Context) -> Tallies:
        book: Tallies = super().filled(ctx)
        since = self.covers_action_kinds_since
        if since is not None:
            firsts = (
                ctx.actions.lazy()
                .filter(pl.col("date") >= since)
                .group_by("department", "kind")
                .agg(pl.col("date").min())
                .collect(engine="in-memory")  # as the eager queries run
            )
            for department, kind, day in firsts.iter_rows():
                book.kinds_since.setdefault(department, {})[kind] = day
        if self.area_activities_by is not None:
            rows = ctx.department_table.iter_rows(named=True)
            book.departments = {row["id"]: row for row in rows}
            book.organisers = ctx.selected(self.area_activities_by)
        return book

    def judged(self, item: Item, book: Tallies, today: date) -> Judged:
        assert item.first is not None and item.last is not None
        inside: list[Counted] = []
        after_due = 0
        for source in (item.department, *self.organisers_of(book, item.department)):
            for counted in book.records.of(source).values():
                if self.by_label and counted.label is not None:  # naming its period
                    if counted.label == item.period:
                        inside.append(counted)
                elif item.first <= counted.day <= item.last:
                    inside.append(counted)
                if counted.day > item.last:
                    after_due += counted.count
        count = sum(c.count for c in inside)
        covered = sorted({kind for c in inside for kind in c.covers})
        action_kinds: list[str] = []
        if self.covers_action_kinds_since is not None:
            kinds = book.kinds_since.get(item.department, {})
            action_kinds = sorted(k for k, first in kinds.items() if first <= item.due)
        uncovered = [k for k in action_kinds if k not in covered]
        fields = {"counted": count, "total": count + after_due, "uncovered_kinds": len(uncovered)}
        return fields, lambda: self.shown(
            QuotaFigures.of(
                period=item.period,
                **{"from": iso(item.first), "to": iso(item.last)},
                due=iso(item.due),
                count=count,
                required=self.minimum,
                records=sorted(c.record for c in inside),
                after_due=after_due,
                action_kinds=action_kinds,
                uncovered=uncovered,
            )
        )

    def item_id(self, item: Item) -> str:
        return self.item

    def place(self, book: Tallies, department: str) -> str | None:
        row = book.departments.get(department)
        return None if row is None else "/".join(row["region"])

    def is_organiser(self, book: Tallies, department: str) -> bool:
        row = book.departments.get(department)
        selector = self.area_activities_by
        return selector is not None and row is not None and selector.matches(DepartmentView.of(row))

    def organisers_of(self, book: Tallies, department: str) -> list[str]:
        """The organisers whose activities count for ``department`` as well (kept until a
        department changes)."""
        if self.area_activities_by is None:
            return []
        if department not in book.area:
            if book.organisers is None:
                book.organisers = [d for d in book.departments if self.is_organiser(book, d)]
            place = self.place(book, department)
            book.area[department] = [
                o for o in book.organisers if o != department and within(place, self.place(book, o))
            ]
        return book.area[department]

    def shown(self, figures: dict[str, Any]) -> dict[str, Any]:
        """The figures the rule shows: ``after_due`` for a quota once by a day, the kinds of
        action for one that must cover them."""
        absent = [] if self.per == "once" else ["after_due"]
        if self.covers_action_kinds_since is None:
            absent += ["action_kinds", "uncovered"]
        return only(figures, absent)

    # -- in words ---------------------------------------------------------------------------

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
                item=self.item,
                title=self.name,
                when=when,
                owers=self.applies_to.describe(),
                details=";".join(details),
            )
        ]

    def draw(self, ctx: Context, draws: Draws) -> dict[str, pl.DataFrame]:
        """The activities (or submissions) of each open item: ``minimum`` in the period,
        fewer, late, or none."""
        items = self.open_items(ctx)
        windows = items.with_columns(
            pl.col("figures").str.json_path_match("$.from").str.to_date().alias("first"),
            pl.col("figures").str.json_path_match("$.to").str.to_date().alias("last"),
            draws.outcomes(items.height, OUTCOMES),
        ).with_columns(
            pl.when(pl.col("outcome").is_in(["met", "late"]))
            .then(pl.lit(self.minimum))
            .when(pl.col("outcome") == "short")
            .then(pl.lit(self.minimum - 1))
            .otherwise(pl.lit(0))
            .alias("n")
        )
        rows = (
            windows.filter(pl.col("n") > 0)
            .with_columns(pl.int_ranges(0, "n").alias("k"))
            .explode("k")
        )
        day = (
            pl.when(pl.col("outcome") == "late")
            .then(days_after(pl.col("last"), 40))
            .otherwise(day_in(pl.col("first"), pl.col("last"), pl.col("v")))
        )
        rows = rows.with_columns(
            draws.uniform(rows.height).alias("v"), draws.uniform(rows.height).alias("w")
        )
        if self.obligation is not None:
            return {
                "submissions": rows.select(
                    "department",
                    pl.lit(self.obligation).alias("obligation"),
                    "period",
                    day.alias("submitted_on"),
                )
            }
        every_kind = [k.value for k in ActionKind]
        covers = (
            pl.when(pl.col("w") < UNCOVERED_SHARE)
            .then(pl.lit(every_kind[1:], dtype=pl.List(pl.String)))
            .otherwise(pl.lit(every_kind, dtype=pl.List(pl.String)))
            if self.covers_action_kinds_since is not None
            else pl.lit([], dtype=pl.List(pl.String))
        )
        return {
            "activities": rows.select(
                "department",
                pl.lit(self.item).alias("kind"),
                day.alias("date"),
                pl.lit(1, dtype=pl.Int64).alias("count"),
                covers.alias("covers"),
                pl.lit(self.stage, dtype=pl.String).alias("stage"),
            )
        }


class QuotaTracker(ScheduleTracker, follows=Quota):
    how: ClassVar[str] = (
        "per (department, period): the activities (or submissions) counted in the period, "
        "those after its due day, and for a case-file review the enforcement kinds of the "
        "department's actions since the rule's day that it did not cover (the first day of "
        "each kind is kept); the decision holds the minimum and gives `pending`, `missing`, "
        "`not_met`, `late` (enough only after the due day) and `incomplete` (enough, not "
        "covering every kind)"
    )

    rule: Quota

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.since = self.rule.covers_action_kinds_since
        self.book.departments = self.state.departments

    def reading(self) -> frozenset[str]:
        counted = "activities" if self.rule.activity is not None else "submissions"
        return frozenset({"departments", counted, *(["actions"] if self.since else [])})

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "actions":  # the common case first: an action is cheap
            return self.on_action(change.row)
        if change.record_type == "departments":
            self.book.organisers = None
            self.book.area.clear()
        observations = list(super().on_change(change))
        if change.record_type == "departments" and self.rule.area_activities_by is not None:
            # a department moving in or out of an organiser's area, or becoming one
            department = change.row["id"]
            observations += [
                o for d in list(self.items) if d != department for o in self.judge_department(d)
            ]
        return observations

    def on_record(self, change: Change) -> Iterable[Observation]:
        departments = self.rule.hold(self.book, change.record_type, change.row, change.row["id"])
        reached = [d for o in departments for d in self.area_of(o)]
        return [
            o for d in dict.fromkeys([*departments, *reached]) for o in self.judge_department(d)
        ]

    def area_of(self, organiser: str) -> list[str]:
        """The departments owing items whose area ``organiser`` organises (none unless it is
        one of ``area_activities_by``)."""
        if not self.rule.is_organiser(self.book, organiser):
            return []
        return [d for d in self.items if organiser in self.rule.organisers_of(self.book, d)]

    def on_action(self, row: dict[str, Any]) -> Iterable[Observation]:
        assert self.since is not None
        day: date = row["date"]
        if day < self.since:
            return ()
        kinds = self.book.kinds_since.setdefault(row["department"], {})
        first = kinds.get(row["kind"])
        if first is not None and first <= day:
            return ()
        kinds[row["kind"]] = day
        return self.judge_department(row["department"])
