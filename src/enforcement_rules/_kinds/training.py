"""Training: participation each year, hours each year, the full rotation by a day, and any
training by a day (a study stage)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._dates import has_ended
from .._fields import EmploymentName
from .._findings import empty_findings, finding_frame
from .._rulebase import RuleBase, Status
from ._officers import enforcement_employment, enforcement_officers, trainings_per_year
from ._words import number

if TYPE_CHECKING:
    from .._rulebase import Context


class _OfficerRule(RuleBase):
    """Rules about each enforcement officer: which officers count."""

    employment: list[EmploymentName] = Field(
        default_factory=enforcement_employment,
        description="Employment kinds that count as enforcement officers (auxiliary never do)",
    )
    on_duty_only: bool = True

    subject_type: ClassVar[str] = "officer"

    def _officers(self, ctx: Context) -> pl.DataFrame:
        return enforcement_officers(ctx, self, self.employment, self.on_duty_only).select(
            pl.col("id").alias("officer"), "department", "entered_enforcement_on"
        )


def _officer_years(officers: pl.DataFrame, years: list[tuple[int, bool]]) -> pl.DataFrame:
    """Each officer paired with each year they were in enforcement for (entered by its end)."""
    frame = pl.DataFrame(
        {"year": [y for y, _ in years], "judged": [j for _, j in years]},
        schema={"year": pl.Int32, "judged": pl.Boolean},
    )
    return officers.join(frame, how="cross").filter(
        pl.col("entered_enforcement_on").is_null()
        | (pl.col("entered_enforcement_on").dt.year() <= pl.col("year"))
    )


def _status(judged: pl.Expr) -> pl.Expr:
    return (
        pl.when(judged).then(pl.lit(Status.NOT_MET.value)).otherwise(pl.lit(Status.PENDING.value))
    )


class TrainingHours(_OfficerRule):
    """Each officer has at least ``minimum_hours`` of training in each calendar year;
    ``first_year_minimum_hours`` in the year they entered enforcement, where the text says so.
    A year is judged once it has ended; before that an officer short of hours is ``pending``."""

    kind: Literal["training_hours"]
    minimum_hours: float = Field(gt=0)
    first_year_minimum_hours: float | None = Field(default=None, gt=0)

    def check(self, ctx: Context) -> pl.DataFrame:
        years = ctx.years(self)
        if not years:
            return empty_findings()
        first_year = self.first_year_minimum_hours
        hours = trainings_per_year(ctx).select("officer", "year", "hours")
        rows = (
            _officer_years(self._officers(ctx), years)
            .join(hours, on=["officer", "year"], how="left")
            .with_columns(
                pl.col("hours").fill_null(0.0),
                (
                    (pl.col("entered_enforcement_on").dt.year() == pl.col("year")).fill_null(False)
                    & pl.lit(first_year is not None)
                ).alias("first_year"),
            )
            .with_columns(
                pl.when(pl.col("first_year"))
                .then(pl.lit(first_year or 0.0))
                .otherwise(pl.lit(self.minimum_hours))
                .alias("required")
            )
            .filter(pl.col("hours") < pl.col("required"))
        )
        return finding_frame(
            rows,
            subject_type="officer",
            subject_id=pl.col("officer"),
            department=pl.col("department"),
            status=_status(pl.col("judged")),
            period=pl.col("year").cast(pl.String),
            due=pl.date(pl.col("year"), 12, 31),
            figures={
                "year": pl.col("year"),
                "hours": pl.col("hours"),
                "required": pl.col("required"),
                "first_year": pl.col("first_year"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        hours, required, year = (
            number(figures["hours"]),
            number(figures["required"]),
            figures["year"],
        )
        new_zh = "(新进执法人员当年)" if figures["first_year"] else ""
        new_en = " (first year in enforcement)" if figures["first_year"] else ""
        return (
            f"执法人员 {subject_id} {year} 年培训 {hours} 学时,"
            f"少于要求的 {required} 学时{new_zh}。",
            f"Officer {subject_id} had {hours} training hours in {year}, fewer than the "
            f"{required} required{new_en}.",
        )


class TrainingParticipation(_OfficerRule):
    """Each officer takes part in training in each calendar year (参训率100%)."""

    kind: Literal["training_participation"]

    def check(self, ctx: Context) -> pl.DataFrame:
        years = ctx.years(self)
        if not years:
            return empty_findings()
        sessions = trainings_per_year(ctx).select("officer", "year", "sessions")
        rows = (
            _officer_years(self._officers(ctx), years)
            .join(sessions, on=["officer", "year"], how="left")
            .with_columns(pl.col("sessions").fill_null(0))
            .with_columns(
                (pl.col("sessions") > 0).sum().over("department", "year").alias("trained"),
                pl.len().over("department", "year").alias("officers"),
            )
            .filter(pl.col("sessions") == 0)
        )
        return finding_frame(
            rows,
            subject_type="officer",
            subject_id=pl.col("officer"),
            department=pl.col("department"),
            status=_status(pl.col("judged")),
            period=pl.col("year").cast(pl.String),
            due=pl.date(pl.col("year"), 12, 31),
            figures={
                "year": pl.col("year"),
                "trainings": pl.col("sessions"),
                "department_trained": pl.col("trained"),
                "department_officers": pl.col("officers"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        year = figures["year"]
        rate = f"{figures['department_trained']}/{figures['department_officers']}"
        return (
            f"执法人员 {subject_id} {year} 年未参加培训;本部门当年参训 {rate} 人,未达 100%。",
            f"Officer {subject_id} took part in no training in {year}; their department "
            f"trained {rate} officers, short of 100%.",
        )


class DoneByDue(_OfficerRule):
    """Each officer has a dated record (a training, an exam …) on or before ``due``, counted
    from ``counted_from`` (default: the start of the rule's period in force). An officer who
    entered enforcement after ``due`` is not required; one whose first record came after it
    is ``late``; before ``due`` an officer without one is ``pending``."""

    due: date
    counted_from: date | None = None

    # The figure naming the first record after ``due``.
    _after_due_figure: ClassVar[str] = "after_due"

    def _events(self, ctx: Context) -> pl.DataFrame:
        """The records that count, as of the day: at least ``officer`` and ``date``."""
        raise NotImplementedError

    def check(self, ctx: Context) -> pl.DataFrame:
        start = self.counted_from or ctx.in_force(self).start
        officers = self._officers(ctx).filter(
            pl.col("entered_enforcement_on").is_null()
            | (pl.col("entered_enforcement_on") <= self.due)
        )
        events = self._events(ctx).filter(pl.col("date") >= start)
        first = events.group_by("officer").agg(
            pl.col("date").filter(pl.col("date") <= self.due).min().alias("in_time"),
            pl.col("date").filter(pl.col("date") > self.due).min().alias("after_due"),
        )
        due_passed = has_ended(self.due, ctx.as_of)
        rows = officers.join(first, on="officer", how="left").filter(pl.col("in_time").is_null())
        if due_passed:
            status = (
                pl.when(pl.col("after_due").is_not_null())
                .then(pl.lit(Status.LATE.value))
                .otherwise(pl.lit(Status.NOT_MET.value))
            )
        else:
            status = pl.lit(Status.PENDING.value)
        return finding_frame(
            rows,
            subject_type="officer",
            subject_id=pl.col("officer"),
            department=pl.col("department"),
            status=status,
            due=self.due,
            figures={
                "due": pl.lit(self.due),
                "counted_from": pl.lit(start),
                self._after_due_figure: pl.col("after_due"),
            },
        )


class RotationTraining(DoneByDue):
    """Each officer has rotation training (全员轮训) on or before ``due``, counted from
    ``counted_from`` (default: the start of the rule's period in force). An officer who entered
    enforcement after ``due`` is not required."""

    kind: Literal["rotation_training"]

    _after_due_figure: ClassVar[str] = "rotation_after_due"

    def _events(self, ctx: Context) -> pl.DataFrame:
        return ctx.trainings.filter(pl.col("rotation"))

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        due = figures["due"]
        if figures["rotation_after_due"]:
            after = figures["rotation_after_due"]
            return (
                f"执法人员 {subject_id} 的全员轮训在 {after} 完成,晚于 {due} 的期限。",
                f"Officer {subject_id} had the rotation training on {after}, after the {due} "
                f"deadline.",
            )
        return (
            f"执法人员 {subject_id} 在 {figures['counted_from']} 至 {due} 期间没有全员轮训记录。",
            f"Officer {subject_id} has no rotation training between {figures['counted_from']} "
            f"and {due}.",
        )


class TrainingTaken(DoneByDue):
    """Each officer has a training record of any kind (a study session, a course) from
    ``counted_from`` to ``due``: a stage of study every officer takes part in ("大学习"全覆盖).
    An officer who entered enforcement after ``due`` is not required; one whose first training
    came after it is ``late``."""

    kind: Literal["training_taken"]

    _after_due_figure: ClassVar[str] = "training_after_due"

    def _events(self, ctx: Context) -> pl.DataFrame:
        return ctx.trainings

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        due = figures["due"]
        if figures["training_after_due"]:
            after = figures["training_after_due"]
            return (
                f"执法人员 {subject_id} 在 {figures['counted_from']} 至 {due} 期间没有学习培训记录,"
                f"首次学习培训在 {after},晚于期限。",
                f"Officer {subject_id} has no training between {figures['counted_from']} and "
                f"{due}; the first came on {after}, after the deadline.",
            )
        return (
            f"执法人员 {subject_id} 在 {figures['counted_from']} 至 {due} 期间没有学习培训记录。",
            f"Officer {subject_id} has no training between {figures['counted_from']} and {due}.",
        )
