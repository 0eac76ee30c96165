"""``major_decision_review``: a major decision has its legal review (法制审核) on or before the
day it is taken."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

import polars as pl

from .._conditions import Decision, all_of, decided, equals, field, greater
from .._figures import Figures, figure
from .._live._base import Observation
from .._rulebase import Context, Period, Status
from ._acts import ActionKindsRule, ActTracker, act_findings, act_frame, counted, not_counted
from ._words import kinds_zh


class MajorDecisionReviewFigures(Figures):
    kind: str = figure("类型", "kind")
    decided_on: str = figure("决定日期", "decided on")
    legal_review_on: str | None = figure("法制审核日期", "legal review on")
    days_after: int | None = figure("迟延天数", "days after")


class MajorDecisionReview(ActionKindsRule):
    """Each major decision (``major``) has a legal review (``legal_review_on``) on or before
    the day it was decided (``decided_on``, else the action's date). None as of the day is
    ``missing``; one dated after the decision is ``late``."""

    kind: Literal["major_decision_review"]

    figures: ClassVar[type[Figures]] = MajorDecisionReviewFigures

    def decision(self, in_force: Period) -> Decision:
        """On an action's ``major``, the day it was ``decided`` and the day it was
        ``reviewed``, against ``today``."""
        major = all_of(*self.scope(in_force), equals("major", True))
        return {
            Status.MISSING.value: all_of(major, not_counted("reviewed")),
            Status.LATE.value: all_of(
                major, *counted("reviewed"), greater("reviewed", field("decided"))
            ),
        }

    def check(self, ctx: Context) -> pl.DataFrame:
        found = decided(act_frame(ctx, self), self.decision(ctx.in_force(self))).with_columns(
            decided_on=pl.coalesce("decided_on", "date"),
            review=pl.when(pl.col("legal_review_on") <= ctx.as_of).then(pl.col("legal_review_on")),
        )
        return act_findings(
            found,
            MajorDecisionReviewFigures.columns(
                "kind decided_on",
                legal_review_on=pl.col("review"),
                days_after=(pl.col("review") - pl.col("decided_on")).dt.total_days(),
            ),
            due=pl.col("decided_on"),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        decided_on = figures["decided_on"]
        head_zh = f"重大执法决定 {subject_id}({kinds_zh(figures['kind'])},{decided_on} 作出)"
        head_en = f"Major decision {subject_id} ({figures['kind']}, decided {decided_on})"
        if figures["legal_review_on"] is None:
            return head_zh + "没有法制审核记录。", head_en + " has no legal review."
        return (
            f"{head_zh}的法制审核在 {figures['legal_review_on']},"
            f"晚于决定 {figures['days_after']} 天。",
            f"{head_en} was reviewed on {figures['legal_review_on']}, "
            f"{figures['days_after']} day(s) after the decision.",
        )


class MajorDecisionReviewTracker(ActTracker, follows=MajorDecisionReview):
    how: ClassVar[str] = (
        "per major decision: its decision day and legal review day against the clock's day (a "
        "review dated later does not count yet: the action is held until that day and judged "
        "again)"
    )
    rule: MajorDecisionReview

    def judge(self, row: dict[str, Any], event: dict[str, Any]) -> Observation:
        review: date | None = row["legal_review_on"]
        self.wait(row, review)
        decided_on: date = row["decided_on"] or row["date"]
        shown = review if review is not None and event["reviewed"] <= event["today"] else None
        return self.observation(
            row["id"],
            row["department"],
            event,
            lambda: MajorDecisionReviewFigures.of(
                kind=row["kind"],
                decided_on=decided_on.isoformat(),
                legal_review_on=shown.isoformat() if shown else None,
                days_after=(shown - decided_on).days if shown else None,
            ),
            due=decided_on,
        )
