"""The three systems (三项制度): whole-process records, legal review of major decisions before
they are taken, and publicity of decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._findings import finding_frame
from .._rulebase import RuleBase, Status
from ._words import kinds_zh
from .personnel import ActionKindName, _actions_in_scope

if TYPE_CHECKING:
    from .._context import Context


def _decided_on() -> pl.Expr:
    """The day of the decision: ``decided_on``, else the action's date."""
    return pl.coalesce("decided_on", "date").alias("decided")


def _as_of(column: str, ctx: Context) -> pl.Expr:
    """A date column, read as absent when it falls after the as-of day."""
    return pl.when(pl.col(column) <= ctx.as_of).then(pl.col(column))


class _ActionRule(RuleBase):
    action_kinds: list[ActionKindName] = Field(default_factory=list)  # type: ignore[valid-type]

    subject_type: ClassVar[str] = "action"

    def _actions(self, ctx: Context, *columns: str) -> pl.DataFrame:
        """The ``columns`` of the actions in the rule's scope."""
        return (
            ctx.actions.lazy()
            .filter(_actions_in_scope(self, ctx, self.action_kinds))
            .select("id", "department", "date", "kind", *columns)
            .collect()
        )


class WholeProcessRecord(_ActionRule):
    """Each action is recorded over its whole process (``recorded`` true). ``false`` is
    ``not_met``; an action whose record does not say is ``missing``."""

    kind: Literal["whole_process_record"]

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = self._actions(ctx, "recorded").filter(
            pl.col("recorded").is_null() | ~pl.col("recorded")
        )
        return finding_frame(
            rows,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(pl.col("recorded").is_null())
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.NOT_MET.value)),
            figures={
                "date": pl.col("date"),
                "kind": pl.col("kind"),
                "recorded": pl.col("recorded"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        head_zh = f"执法行为 {subject_id}({figures['date']},{kinds_zh(figures['kind'])})"
        head_en = f"Action {subject_id} ({figures['date']}, {figures['kind']})"
        if figures["recorded"] is None:
            return (
                head_zh + "没有记载是否进行了全过程记录。",
                head_en + " does not say whether it was recorded over its whole process.",
            )
        return (
            head_zh + "未进行全过程记录。",
            head_en + " was not recorded over its whole process.",
        )


class MajorDecisionReview(_ActionRule):
    """Each major decision (``major``) has a legal review (``legal_review_on``) on or before
    the day it was decided (``decided_on``, else the action's date). None as of the day is
    ``missing``; one dated after the decision is ``late``."""

    kind: Literal["major_decision_review"]

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = (
            self._actions(ctx, "major", "decided_on", "legal_review_on")
            .filter(pl.col("major"))
            .with_columns(_decided_on(), _as_of("legal_review_on", ctx).alias("review"))
            .filter(pl.col("review").is_null() | (pl.col("review") > pl.col("decided")))
        )
        return finding_frame(
            rows,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(pl.col("review").is_null())
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.LATE.value)),
            due=pl.col("decided"),
            figures={
                "kind": pl.col("kind"),
                "decided_on": pl.col("decided"),
                "legal_review_on": pl.col("review"),
                "days_after": (pl.col("review") - pl.col("decided")).dt.total_days(),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        decided = figures["decided_on"]
        head_zh = f"重大执法决定 {subject_id}({kinds_zh(figures['kind'])},{decided} 作出)"
        head_en = f"Major decision {subject_id} ({figures['kind']}, decided {decided})"
        if figures["legal_review_on"] is None:
            return head_zh + "没有法制审核记录。", head_en + " has no legal review."
        return (
            f"{head_zh}的法制审核在 {figures['legal_review_on']},"
            f"晚于决定 {figures['days_after']} 天。",
            f"{head_en} was reviewed on {figures['legal_review_on']}, "
            f"{figures['days_after']} day(s) after the decision.",
        )


class DecisionPublicity(_ActionRule):
    """Each decision is publicised (``publicized_on`` on or before the as-of day)."""

    kind: Literal["decision_publicity"]

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = (
            self._actions(ctx, "decided_on", "publicized_on")
            .with_columns(_decided_on(), _as_of("publicized_on", ctx).alias("publicized"))
            .filter(pl.col("publicized").is_null())
        )
        return finding_frame(
            rows,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=Status.MISSING.value,
            figures={"kind": pl.col("kind"), "decided_on": pl.col("decided")},
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        return (
            f"执法决定 {subject_id}({kinds_zh(figures['kind'])},{figures['decided_on']} 作出)"
            f"没有公示记录。",
            f"Decision {subject_id} ({figures['kind']}, {figures['decided_on']}) has not been "
            f"publicised.",
        )
