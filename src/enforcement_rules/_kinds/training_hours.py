"""``training_hours``: each officer has at least a number of training hours in each calendar
year, or another number in the year they entered enforcement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, field, less
from .._figures import Figures, figure
from .._rulebase import Period
from ._decisions import by_due
from ._officer_rules import YearRule, YearTracker
from ._words import number


class TrainingHoursFigures(Figures):
    year: int = figure("年度", "year")
    hours: float = figure("学时", "hours")
    required: float = figure("要求", "required")
    first_year: bool = figure("新进当年", "first year")


class TrainingHours(YearRule):
    """Each officer has at least ``minimum_hours`` of training in each calendar year;
    ``first_year_minimum_hours`` in the year they entered enforcement, where the text says so.
    A year is judged once it has ended; before that an officer short of hours is ``pending``."""

    kind: Literal["training_hours"]
    minimum_hours: float = Field(gt=0)
    first_year_minimum_hours: float | None = Field(default=None, gt=0)

    figures: ClassVar[type[Figures]] = TrainingHoursFigures

    def required(self, first_year: bool) -> float:
        """The hours an officer-year needs (``first_year``: the year they entered enforcement,
        where the rule names a first-year minimum)."""
        if first_year and self.first_year_minimum_hours is not None:
            return self.first_year_minimum_hours
        return self.minimum_hours

    def decision(self, in_force: Period) -> Decision:
        """On an officer-year's ``hours``, ``required``, ``due`` (the year's end) and ``now``."""
        return by_due(less("hours", field("required")))

    def gathered(self, rows: pl.LazyFrame) -> pl.LazyFrame:
        return rows.with_columns(
            (
                (pl.col("entered_enforcement_on").dt.year() == pl.col("year")).fill_null(False)
                & pl.lit(self.first_year_minimum_hours is not None)
            ).alias("first_year")
        ).with_columns(
            pl.when(pl.col("first_year"))
            .then(pl.lit(self.required(True)))
            .otherwise(pl.lit(self.required(False)))
            .alias("required")
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


class TrainingHoursTracker(YearTracker, follows=TrainingHours):
    how: ClassVar[str] = (
        "per officer-year: running hours, and the hours required (`TrainingHours.required`: "
        "the first-year minimum in the year the officer entered enforcement); `pending` or "
        "`not_met` decided from the year's due moment and the clock"
    )
    rule: TrainingHours

    def year_event(
        self, officer_id: str, year: int, officer: dict[str, Any]
    ) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        hours = self.state.hours.get((officer_id, year), 0.0)
        entered = officer["entered_enforcement_on"]
        first_year = (
            self.rule.first_year_minimum_hours is not None
            and entered is not None
            and entered.year == year
        )
        required = self.rule.required(first_year)
        return {"hours": hours, "required": required}, lambda: TrainingHoursFigures.of(
            year=year, hours=hours, required=float(required), first_year=first_year
        )
