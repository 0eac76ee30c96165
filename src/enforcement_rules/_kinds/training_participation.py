"""``training_participation``: each officer takes part in training in each calendar year
(参训率100%)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, less
from .._figures import Figures, figure
from .._live._base import Observation
from .._rulebase import Period
from ._decisions import by_due
from ._officer_rules import YearRule, YearTracker


class TrainingParticipationFigures(Figures):
    year: int = figure("年度", "year")
    trainings: int = figure("培训次数", "trainings")
    department_trained: int = figure("部门参训人数", "officers trained")
    department_officers: int = figure("部门执法人员数", "officers of the department")


class TrainingParticipation(YearRule):
    """Each officer takes part in training in each calendar year (参训率100%)."""

    kind: Literal["training_participation"]

    figures: ClassVar[type[Figures]] = TrainingParticipationFigures

    def decision(self, in_force: Period) -> Decision:
        """On an officer-year's ``sessions``, ``due`` (the year's end) and ``now``."""
        return by_due(less("sessions", 1))

    def gathered(self, rows: pl.LazyFrame) -> pl.LazyFrame:
        return rows.with_columns(
            (pl.col("sessions") > 0).sum().over("department", "year").alias("trained"),
            pl.len().over("department", "year").alias("officers"),
        )

    def year_figures(self) -> dict[str, pl.Expr]:
        return TrainingParticipationFigures.columns(
            "year",
            trainings=pl.col("sessions"),
            department_trained=pl.col("trained"),
            department_officers=pl.col("officers"),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        year = figures["year"]
        rate = f"{figures['department_trained']}/{figures['department_officers']}"
        return (
            f"执法人员 {subject_id} {year} 年未参加培训;本部门当年参训 {rate} 人,未达 100%。",
            f"Officer {subject_id} took part in no training in {year}; their department "
            f"trained {rate} officers, short of 100%.",
        )


class TrainingParticipationTracker(YearTracker, follows=TrainingParticipation):
    how: ClassVar[str] = (
        "per officer-year: sessions; the department's trained/officer counts kept for the figures"
    )

    rule: TrainingParticipation

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._department_of: dict[tuple[str, int], str] = {}
        self._members: dict[tuple[str, int], set[str]] = {}
        self._trained: dict[tuple[str, int], set[str]] = {}

    def observe(self, pairs: set[tuple[str, int]]) -> Iterator[Observation]:
        # Count every pair in first, then observe: the department's figures are final.
        officers = {pair: self.officer_in_year(*pair) for pair in pairs}
        changed: set[tuple[str, int]] = set()
        for (officer_id, year), officer in officers.items():
            changed |= self._count(officer_id, year, officer)
        subjects = set(pairs)
        for department, year in changed:
            untrained = self._members[(department, year)] - self._trained[(department, year)]
            subjects |= {(o, year) for o in untrained}
        for officer_id, year in sorted(subjects):
            pair = (officer_id, year)
            officer = officers[pair] if pair in officers else self.officer_in_year(*pair)
            yield self.observe_one(officer_id, year, officer)

    def _count(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> set[tuple[str, int]]:
        """Move the officer-year into (or out of) its department's counts; the department-years
        whose counts changed."""
        changed = set()
        before = self._department_of.pop((officer_id, year), None)
        trained = self.state.sessions.get((officer_id, year), 0) > 0
        if before is not None:
            was_trained = officer_id in self._trained[(before, year)]
            self._members[(before, year)].discard(officer_id)
            self._trained[(before, year)].discard(officer_id)
            if officer is None or officer["department"] != before or was_trained != trained:
                changed.add((before, year))
        if officer is not None:
            key = (officer["department"], year)
            self._department_of[(officer_id, year)] = key[0]
            self._members.setdefault(key, set()).add(officer_id)
            self._trained.setdefault(key, set())
            if trained:
                self._trained[key].add(officer_id)
            if before != key[0]:
                changed.add(key)
        return changed

    def year_event(
        self, officer_id: str, year: int, officer: dict[str, Any]
    ) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        sessions = self.state.sessions.get((officer_id, year), 0)
        key = (officer["department"], year)
        return {"sessions": sessions}, lambda: TrainingParticipationFigures.of(
            year=year,
            trainings=sessions,
            department_trained=len(self._trained[key]),
            department_officers=len(self._members[key]),
        )
