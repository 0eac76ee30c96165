"""What the exam rules share: the exams that count, of the officers of the departments their
``campaign_scope`` rule places in its municipal campaign."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
from pydantic import Field

from ._campaign import municipal_departments, scope_link
from ._officer_rules import OfficerRule

if TYPE_CHECKING:
    from .._rulebase import Context


class ExamRule(OfficerRule):
    """Exams that count: those of ``exams`` (any exam when empty), of the departments the
    ``campaign_scope`` rule places in its municipal campaign (all of the rule's when none)."""

    exams: list[str] = Field(default_factory=list)
    campaign_scope: str | None = None

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    def counted_departments(self, ctx: Context) -> list[str]:
        return municipal_departments(self, self.campaign_scope, ctx)

    def officers(self, ctx: Context) -> pl.DataFrame:
        departments = self.counted_departments(ctx)
        return super().officers(ctx).filter(pl.col("department").is_in(departments))

    def exam_records(self, ctx: Context) -> pl.DataFrame:
        """The exams that count, as of the day."""
        exams = ctx.records.table("exams").filter(pl.col("date") <= ctx.as_of)
        if self.exams:
            exams = exams.filter(pl.col("exam").is_in(self.exams))
        return exams

    def counts_exam(self, exam: dict[str, Any]) -> bool:
        """Whether an exam record is of the exams the rule counts."""
        return not self.exams or exam["exam"] in self.exams
