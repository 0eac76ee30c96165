"""The three systems (三项制度): whole-process records, legal review of major decisions before
they are taken, and publicity of decisions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._chinese import ChineseText
from .._dates import add_working_days
from .._errors import CalendarError
from .._findings import finding_frame
from .._rulebase import RuleBase, SourceRef, Spec, Status
from .._vocab import ActionKind
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


class DuePeriod(Spec):
    """How long after a decision its publication is due, for acts of ``action_kinds`` (empty:
    any kind): ``working_days`` (工作日, on the Chinese holiday calendar) or calendar ``days``,
    counted from the day after the decision."""

    action_kinds: list[ActionKindName] = Field(default_factory=list)  # type: ignore[valid-type]
    working_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_count(self) -> DuePeriod:
        if (self.working_days is None) == (self.days is None):
            raise ValueError("either working_days or days")
        return self

    def covers(self, kind: str) -> bool:
        return not self.action_kinds or kind in {ActionKind(k).value for k in self.action_kinds}

    def due(self, decided: date) -> date:
        """The last day to publish a decision taken on ``decided``."""
        if self.working_days is not None:
            return add_working_days(decided, self.working_days)
        return decided + timedelta(days=self.days or 0)

    def words(self) -> tuple[str, str]:
        """The period in words: (Chinese, English)."""
        if self.working_days is not None:
            return f"{self.working_days} 个工作日", f"{self.working_days} working day(s)"
        return f"{self.days} 日", f"{self.days} day(s)"


class DecisionPublicity(_ActionRule):
    """Each decision is publicised (``publicized_on`` on or before the as-of day).

    ``due_within``: the period after the decision in which it is published (the first entry
    whose ``action_kinds`` include the act's kind), with ``due_reason`` saying where the period
    comes from and ``due_sources`` quoting it where the project holds the instrument. Until the
    period has passed an unpublished decision is ``pending``; after it, ``missing``; one
    published after it is ``late``. Without ``due_within``, an unpublished decision is
    ``missing`` as soon as it is taken.
    """

    kind: Literal["decision_publicity"]
    due_within: list[DuePeriod] = Field(default_factory=list)
    due_reason: ChineseText | None = Field(default=None, description="Why this period (Chinese)")
    due_reason_en: str | None = None
    due_sources: list[SourceRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reasoned(self) -> DecisionPublicity:
        if self.due_within and not self.due_reason:
            raise ValueError("due_reason: why the publication is due within this period")
        return self

    def quoted(self) -> list[tuple[tuple[str | int, ...], SourceRef]]:
        return super().quoted() + [
            (("due_sources", number), source) for number, source in enumerate(self.due_sources)
        ]

    def period_for(self, kind: str) -> DuePeriod | None:
        """The due period of an act of ``kind`` (``None``: none given)."""
        return next((p for p in self.due_within if p.covers(kind)), None)

    def due_of(self, action: str, kind: str, decided: date) -> date | None:
        """The last day to publish ``action``'s decision; a located ``CalendarError`` when the
        working-day calendar does not reach it."""
        period = self.period_for(kind)
        if period is None:
            return None
        try:
            return period.due(decided)
        except CalendarError as error:
            raise CalendarError(
                f"rule {self.id}: the publication of action {action} (decided {decided}) is due "
                f"within {period.words()[1]}: {error}"
            ) from None

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = self._actions(ctx, "decided_on", "publicized_on").with_columns(
            _decided_on(), _as_of("publicized_on", ctx).alias("publicized")
        )
        if not self.due_within:
            return finding_frame(
                rows.filter(pl.col("publicized").is_null()),
                subject_type="action",
                subject_id=pl.col("id"),
                department=pl.col("department"),
                status=Status.MISSING.value,
                figures={"kind": pl.col("kind"), "decided_on": pl.col("decided")},
            )
        distinct = rows.group_by("kind", "decided").agg(pl.col("id").first())
        dues = [self.due_of(a, k, d) for k, d, a in distinct.iter_rows()]
        lookup = distinct.select("kind", "decided").with_columns(
            pl.Series("due", dues, dtype=pl.Date)
        )
        rows = rows.join(lookup, on=["kind", "decided"], how="left", maintain_order="left")
        unpublished = pl.col("publicized").is_null()
        rows = rows.filter(
            (unpublished | (pl.col("publicized") > pl.col("due"))).fill_null(unpublished)
        )
        return finding_frame(
            rows,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(~unpublished)
            .then(pl.lit(Status.LATE.value))
            .when(pl.col("due").is_not_null() & (pl.col("due") >= ctx.as_of))
            .then(pl.lit(Status.PENDING.value))
            .otherwise(pl.lit(Status.MISSING.value)),
            due=pl.col("due"),
            figures={
                "kind": pl.col("kind"),
                "decided_on": pl.col("decided"),
                "due": pl.col("due"),
                "publicized_on": pl.col("publicized"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        head_zh = f"执法决定 {subject_id}({kinds_zh(figures['kind'])},{figures['decided_on']} 作出)"
        head_en = f"Decision {subject_id} ({figures['kind']}, {figures['decided_on']})"
        due = figures.get("due")
        period = self.period_for(figures["kind"])
        if due is None or period is None:
            return head_zh + "没有公示记录。", head_en + " has not been publicised."
        within_zh, within_en = period.words()
        if figures.get("publicized_on"):
            return (
                f"{head_zh}于 {figures['publicized_on']} 公示，晚于作出之日起 {within_zh}的期限"
                f"（{due}）。",
                f"{head_en} was publicised on {figures['publicized_on']}, after the {within_en} "
                f"from the decision ({due}).",
            )
        return (
            f"{head_zh}尚无公示记录；公示期限为作出之日起 {within_zh}（{due} 前）。",
            f"{head_en} has no publicity record; it is due within {within_en} of the decision "
            f"(by {due}).",
        )
