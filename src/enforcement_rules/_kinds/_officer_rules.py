"""What the rules about each enforcement officer share: which officers count, the officer-years
the yearly rules judge, the rules met by a dated record on or before a due day (a rotation
training, any training, an exam), and the education levels; with the trackers that follow them
record by record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, ClassVar

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, at_most, equals, field, greater
from .._fields import EmploymentName
from .._figures import Figures, figure
from .._findings import empty_findings
from .._live._base import Change, Observation, Tracker, due_moment, last_moment, passed
from .._rulebase import Context, Period, RuleBase, Status
from .._vocab import Education
from ._decisions import clock, findings, live_clock
from ._officers import enforcement_employment, enforcement_officers, trainings_per_year


class OfficerRule(RuleBase):
    """A rule about each enforcement officer: which officers count."""

    employment: list[EmploymentName] = Field(
        default_factory=enforcement_employment,
        description="Employment kinds that count as enforcement officers (auxiliary never do)",
    )
    on_duty_only: bool = True

    subject_type: ClassVar[str] = "officer"

    def counts_officer(self, officer: Mapping[str, Any], by: date | None = None) -> bool:
        """Whether the rule counts an officer (a record's row) of its departments; with ``by``,
        one in enforcement by that day (``in_enforcement_by``)."""
        entered = officer["entered_enforcement_on"]
        return (
            officer["employment"] in self.employment
            and (officer["on_duty"] or not self.on_duty_only)
            and (by is None or entered is None or entered <= by)
        )

    def officers(self, ctx: Context) -> pl.DataFrame:
        """The officers the rule counts: ``officer``, ``department``, ``entered_enforcement_on``
        (``enforcement_officers``: found once per evaluation for every rule counting them)."""
        return enforcement_officers(ctx, self, self.employment, self.on_duty_only).select(
            pl.col("id").alias("officer"), "department", "entered_enforcement_on"
        )


def in_enforcement_by(day: date | pl.Expr) -> pl.Expr:
    """The officers in enforcement by ``day`` (those whose entry is not recorded too), as a
    filter: ``counts_officer`` with ``by``."""
    entered = pl.col("entered_enforcement_on")
    return entered.is_null() | (entered <= day)


class YearRule(OfficerRule):
    """A rule about each officer in each calendar year of its period up to the as-of day, from
    the year they entered enforcement; a year is judged once it has ended. A kind gives the
    columns its decision and figures read (``gathered``; each figure a column of its name)."""

    def gathered(self, rows: pl.LazyFrame) -> pl.LazyFrame:
        """``rows`` (officer-years) with the kind's own columns."""
        return rows

    def check(self, ctx: Context) -> pl.DataFrame:
        frame = year_table(ctx, self)
        officers = self.officers(ctx)
        if frame.height == 0 or officers.height == 0:
            return empty_findings()
        # Only the counted officers' years are joined: a join on two keys hashes all of its
        # right side, every officer's years, at once.
        per_year = (
            trainings_per_year(ctx)
            .lazy()
            .join(officers.lazy().select("officer"), on="officer", how="semi")
            .select("officer", "year", "hours", "sessions")
        )
        rows = (
            officers.lazy()
            .join(frame.lazy(), how="cross")
            .filter(in_enforcement_by(pl.col("last_day")))
            .join(per_year, on=["officer", "year"], how="left")
            .with_columns(
                pl.col("hours").fill_null(0.0),
                pl.col("sessions").fill_null(0),
                clock(ctx.as_of)["now"].alias("now"),
            )
        )
        return findings(
            self,
            ctx,
            self.gathered(rows).collect(engine="in-memory"),  # one query for the officer-years
            subject="officer",
            period=pl.col("year").cast(pl.String),
            due=pl.col("last_day"),
            figures=self.figures.columns(*self.figures.figure_keys()),
        )


def year_table(ctx: Context, rule: RuleBase) -> pl.DataFrame:
    """The calendar years of the rule's period up to the as-of day, each with its last day
    (``last_day``) and that day's end as a due moment (``due``)."""
    ends = [date(year, 12, 31) for year, _ in ctx.years(rule)]
    return pl.DataFrame(
        {"year": [d.year for d in ends], "last_day": ends, "due": [due_moment(d) for d in ends]},
        schema={"year": pl.Int32, "last_day": pl.Date, "due": pl.Int64},
    )


def years_passed(tracker: Tracker, before: datetime | None, after: datetime) -> list[int]:
    """The years of the rule's period the clock moving from ``before`` to ``after`` reached or
    ended."""
    state, rule, pack = tracker.state, tracker.rule, tracker.pack
    earlier = set(state.years_at(rule, pack, before))
    return [
        y
        for y in state.years_at(rule, pack, after)
        if y not in earlier or passed(before, after, last_moment(date(y, 12, 31)))
    ]


class DoneByDueFigures(Figures):
    """The figures of a rule met by a record by a due day; each kind adds the day of the first
    record after it (its ``after_due_figure``)."""

    due: str = figure("期限", "due")
    counted_from: str = figure("起算日期", "counted from")


class CountedToDue(OfficerRule):
    """A rule about records from ``counted_from`` (default: the start of the rule's period in
    force) to ``due``."""

    due: date
    counted_from: date | None = None

    def start(self, in_force: Period) -> date:
        """The first day a record counts from."""
        return self.counted_from or in_force.start


class DoneByDue(CountedToDue):
    """Each officer has a dated record (a training, an exam …) from the first counted day to
    ``due``. An officer who entered enforcement after ``due`` is not required; one whose first
    record came after it is ``late``; before ``due`` an officer without one is ``pending``.

    A kind's ``figures`` extend ``DoneByDueFigures`` with ``after_due_figure``; it names its
    record (``record_words``, Chinese and English) and words a record after the due day
    (``late_words``: templates of ``subject``, ``start``, ``due`` and ``after``).
    """

    after_due_figure: ClassVar[str]
    record_words: ClassVar[tuple[str, str]]
    late_words: ClassVar[tuple[str, str]]

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        after = figures[self.after_due_figure]
        zh, en = self.late_words if after else self.record_words
        if not after:
            zh = f"执法人员 {{subject}} 在 {{start}} 至 {{due}} 期间没有{zh}记录。"
            en = f"Officer {{subject}} has no {en} between {{start}} and {{due}}."
        words = {"subject": subject_id, "start": figures["counted_from"], "due": figures["due"]}
        return zh.format(after=after, **words), en.format(after=after, **words)

    def decision(self, in_force: Period) -> Decision:
        """On an officer's ``in_time`` (a record from the start to the due day), ``after_due``
        (one after it), ``due`` and ``now``."""
        missing, passed_due = equals("in_time", False), at_most("due", field("now"))
        return {
            Status.PENDING.value: all_of(missing, greater("due", field("now"))),
            Status.LATE.value: all_of(missing, passed_due, equals("after_due", True)),
            Status.NOT_MET.value: all_of(missing, passed_due, equals("after_due", False)),
        }

    def records(self, ctx: Context) -> pl.LazyFrame:
        """The records that count, as of the day: at least ``officer`` and ``date``."""
        raise NotImplementedError

    def check(self, ctx: Context) -> pl.DataFrame:
        officers = self.officers(ctx)
        if officers.height == 0:
            return empty_findings()
        start = self.start(ctx.in_force(self))
        firsts = (
            self.records(ctx)
            .select("officer", "date")
            .filter(pl.col("date") >= start)
            .group_by("officer")
            .agg(
                pl.col("date").filter(pl.col("date") <= self.due).min().alias("first_in_time"),
                pl.col("date").filter(pl.col("date") > self.due).min().alias("first_after"),
            )
        )
        rows = (
            officers.lazy()
            .filter(in_enforcement_by(self.due))
            .join(firsts, on="officer", how="left")
            .with_columns(
                pl.col("first_in_time").is_not_null().alias("in_time"),
                pl.col("first_after").is_not_null().alias("after_due"),
                **clock(ctx.as_of, self.due),
            )
            .collect(engine="in-memory")  # one query for the officers
        )
        return findings(
            self,
            ctx,
            rows,
            subject="officer",
            due=self.due,
            figures=self.figures.columns(
                due=pl.lit(self.due),
                counted_from=pl.lit(start),
                **{self.after_due_figure: pl.col("first_after")},
            ),
        )


class TrainingByDue(DoneByDue):
    """``DoneByDue`` with a training (only a rotation training, 全员轮训, where
    ``rotation_only``)."""

    rotation_only: ClassVar[bool] = False

    def records(self, ctx: Context) -> pl.LazyFrame:
        trainings = ctx.trainings.lazy()
        return trainings.filter(pl.col("rotation")) if self.rotation_only else trainings


# -- education levels ---------------------------------------------------------------------------


def education_at_least(minimum: str) -> list[str]:
    """The education levels at ``minimum`` or above (``Education`` lists them highest first;
    ``other`` is below every named level)."""
    levels = [level.value for level in Education]
    return levels[: levels.index(minimum) + 1]


# -- the monitor's side -----------------------------------------------------------------------


class OfficerTracker(Tracker):
    """A rule about each officer the rule counts (department in scope, employment, on duty)."""

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "trainings"})
    rule: OfficerRule

    def officer_in_scope(self, officer_id: str, by: date | None = None) -> dict[str, Any] | None:
        """The officer, where the rule counts them (in enforcement by ``by``, where given)."""
        officer = self.state.officers.get(officer_id)
        if officer is None or not self.rule.counts_officer(officer, by):
            return None
        return officer if officer["department"] in self.counted_departments() else None

    def counted_departments(self) -> frozenset[str]:
        """The departments whose officers the rule counts (its scope, unless narrowed)."""
        return self.departments()

    def changed_officers(self, change: Change) -> Iterable[str]:
        if change.record_type == "departments":
            return list(self.state.officers_of(change.row["id"]))
        if change.record_type == "officers":
            return (change.row["id"],)
        return ()


class YearTracker(OfficerTracker):
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
        years = years_passed(self, before, after)
        return self.observe({(o, y) for y in years for o in self.state.officers})

    def observe(self, pairs: set[tuple[str, int]]) -> Iterator[Observation]:
        for officer_id, year in sorted(pairs):
            yield self.observe_one(officer_id, year, self.officer_in_year(officer_id, year))

    def officer_in_year(self, officer_id: str, year: int) -> dict[str, Any] | None:
        return self.officer_in_scope(officer_id, date(year, 12, 31))

    def observe_one(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> Observation:
        if officer is None:
            return self.outside(officer_id, str(year))
        due = date(year, 12, 31)
        event, figures = self.year_event(officer_id, year, officer)
        return self.observation(
            officer_id,
            officer["department"],
            event | live_clock(self.state, due),
            figures,
            period=str(year),
            due=due,
        )

    def year_event(
        self, officer_id: str, year: int, officer: dict[str, Any]
    ) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        """An officer-year's event (without the clock's fields) and its figures."""
        raise NotImplementedError


class DoneByDueTracker(OfficerTracker):
    """Each officer in enforcement by the due day, until a dated record from the first counted
    day to the due day; ``late`` for one after it. A kind's tracker gives the days of an
    officer's records and the officers a record touches."""

    rule: DoneByDue

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.start = self.rule.start(self.in_force)

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
        officer = self.officer_in_scope(officer_id, due)
        if officer is None:
            return self.outside(officer_id)
        days = [d for d in self.days(officer_id) if d >= self.start]
        after = min((d for d in days if d > due), default=None)
        event = {
            "in_time": any(d <= due for d in days),
            "after_due": after is not None,
            **live_clock(self.state, due),
        }
        return self.observation(
            officer_id,
            officer["department"],
            event,
            lambda: self.rule.figures.of(
                due=due.isoformat(),
                counted_from=self.start.isoformat(),
                **{self.rule.after_due_figure: after.isoformat() if after else None},
            ),
            due=due,
        )


class TrainingByDueTracker(DoneByDueTracker):
    """Trainings, from the monitor's running tallies of each officer's."""

    rule: TrainingByDue

    def days(self, officer_id: str) -> Iterable[date]:
        tally = self.state.rotations if self.rule.rotation_only else self.state.training_days
        return tally.get(officer_id, ())

    def touched(self, change: Change) -> Iterable[str]:
        return change.rotation_officers if self.rule.rotation_only else change.trained_officers
