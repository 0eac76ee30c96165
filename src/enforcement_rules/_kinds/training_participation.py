"""``training_participation``: each officer takes part in training in each calendar year
(参训率100%)."""

from __future__ import annotations

from collections import Counter
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
            pl.col("sessions").alias("trainings"),
            (pl.col("sessions") > 0).sum().over("department", "year").alias("department_trained"),
            pl.len().over("department", "year").alias("department_officers"),
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
        self._placed: dict[tuple[str, int], tuple[str, bool]] = {}  # department, trained
        self._members: dict[tuple[str, int], dict[str, bool]] = {}  # officer -> trained
        self._trained: Counter[tuple[str, int]] = Counter()

    def observe(self, pairs: set[tuple[str, int]]) -> Iterator[Observation]:
        # Count every pair in first, then observe: the department's figures are final.
        officers = {pair: self.officer_in_year(*pair) for pair in pairs}
        changed: set[tuple[str, int]] = set()
        for (officer_id, year), officer in officers.items():
            changed |= self._count(officer_id, year, officer)
        subjects = set(pairs)
        for department, year in changed:
            members = self._members[(department, year)]
            subjects |= {(o, year) for o, trained in members.items() if not trained}
        for officer_id, year in sorted(subjects):
            pair = (officer_id, year)
            officer = officers[pair] if pair in officers else self.officer_in_year(*pair)
            yield self.observe_one(officer_id, year, officer)

    def _count(
        self, officer_id: str, year: int, officer: dict[str, Any] | None
    ) -> set[tuple[str, int]]:
        """Move the officer-year into (or out of) its department's counts; the department-years
        whose counts changed."""
        trained = self.state.sessions.get((officer_id, year), 0) > 0
        now = None if officer is None else (officer["department"], trained)
        before = self._placed.pop((officer_id, year), None)
        if before is not None:
            del self._members[(before[0], year)][officer_id]
            self._trained[(before[0], year)] -= before[1]
        if now is not None:
            self._placed[(officer_id, year)] = now
            self._members.setdefault((now[0], year), {})[officer_id] = trained
            self._trained[(now[0], year)] += trained
        return set() if before == now else {(p[0], year) for p in (before, now) if p is not None}

    def year_event(
        self, officer_id: str, year: int, officer: dict[str, Any]
    ) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        sessions = self.state.sessions.get((officer_id, year), 0)
        key = (officer["department"], year)
        return {"sessions": sessions}, lambda: TrainingParticipationFigures.of(
            year=year,
            trainings=sessions,
            department_trained=self._trained[key],
            department_officers=len(self._members[key]),
        )
