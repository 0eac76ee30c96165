"""Derived tables of the officer rules (training, staffing, education), each computed once
per evaluation; the tracker of a rule about each department's officers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import polars as pl

from .._live._base import Change, DepartmentTracker, Members, Observation
from .._rulebase import Context, RuleBase
from .._vocab import Employment
from ._per_evaluation import per_evaluation

IN_MEMORY = 10_000
"""Up to this many rows a lazy query runs in memory: the streaming engine costs more to set up
than such a query."""


@per_evaluation
def trainings_per_year(ctx: Context) -> pl.DataFrame:
    """Per officer and calendar year, as of the day: the hours of training (``hours``) and
    the number of trainings (``sessions``)."""
    return (
        ctx.trainings.lazy()  # polars groups by a derived key faster lazily
        .group_by("officer", pl.col("date").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("hours").sum(), pl.len().alias("sessions"))
        .collect(engine="in-memory" if ctx.trainings.height <= IN_MEMORY else "auto")
    )


def enforcement_officers(
    ctx: Context, rule: RuleBase, employment: list[Employment], on_duty_only: bool
) -> pl.DataFrame:
    """Officers of the rule's departments with one of ``employment`` (and on duty), once per
    evaluation for every rule counting the same officers."""
    departments = ctx.departments(rule)
    kinds = [e.value for e in employment]
    counted = pl.col("department").is_in(departments) & pl.col("employment").is_in(kinds)
    if on_duty_only:
        counted &= pl.col("on_duty")
    return ctx.shared(
        ("enforcement officers", str(on_duty_only), *kinds, "in", *departments),
        lambda: ctx.officers.filter(counted),
    )


def enforcement_employment() -> list[Employment]:
    """The employment counted as enforcement staff where a rule does not say (auxiliary staff
    never are)."""
    return [Employment.STAFF, Employment.CONTRACT]


class MembersTracker(DepartmentTracker):
    """A rule about each department, from the officers it counts (``counts``), kept by
    department as officers arrive (``members``)."""

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.members = Members(self.counts)

    def counts(self, officer: dict[str, Any]) -> bool:
        """Whether the rule counts the officer (whatever its department)."""
        raise NotImplementedError

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return (self.observe(change.row["id"]),)
        return [self.observe(d) for d in self.members.update(change.row)]
