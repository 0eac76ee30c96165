"""The three systems (三项制度): whole-process records, legal review of major decisions before
they are taken, and publicity of decisions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._chinese import ChineseText
from .._dates import WorkingDayCount, count_working_days, last_known_day, working_day_years
from .._fields import ActionKindName
from .._findings import finding_frame
from .._rulebase import RuleBase, Severity, SourceRef, Spec, Status
from .._vocab import ActionKind
from ._words import kinds_zh
from .personnel import _actions_in_scope

if TYPE_CHECKING:
    from .._rulebase import Context


def _decided_on() -> pl.Expr:
    """The day of the decision: ``decided_on``, else the action's date."""
    return pl.coalesce("decided_on", "date").alias("decided")


def _as_of(column: str, ctx: Context) -> pl.Expr:
    """A date column, read as absent when it falls after the as-of day."""
    return pl.when(pl.col(column) <= ctx.as_of).then(pl.col(column))


class _ActionRule(RuleBase):
    action_kinds: list[ActionKindName] = Field(default_factory=list)

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

    action_kinds: list[ActionKindName] = Field(default_factory=list)
    working_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_count(self) -> DuePeriod:
        if (self.working_days is None) == (self.days is None):
            raise ValueError("either working_days or days")
        return self

    def covers(self, kind: str) -> bool:
        return not self.action_kinds or kind in {ActionKind(k).value for k in self.action_kinds}

    def due(self, decided: date) -> WorkingDayCount:
        """The last day to publish a decision taken on ``decided``, or, in working days past the
        calendar's years, the earliest day it can be (``exact`` false)."""
        if self.working_days is not None:
            return count_working_days(decided, self.working_days)
        return WorkingDayCount(decided + timedelta(days=self.days or 0), exact=True)

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

    A count of working days reaching a year the working-day calendar does not hold gives a due
    day known only to fall after the calendar's last day (the ``due`` figure ``晚于 2026-12-31``,
    no due column), no earlier than the day reached when every unknown day counts: up to that
    day the decision is ``pending`` unpublished and not late published. Beyond it the outcome
    depends on the unknown year: the act gets one warning (``not_met``, severity ``warning``,
    a ``reason`` figure) that it cannot be judged until a newer calendar is installed.
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

    def due_of(self, kind: str, decided: date) -> WorkingDayCount | None:
        """The last day to publish a decision of ``kind`` taken on ``decided`` (``None``: no
        period for the kind), or the earliest it can be when the working-day calendar does not
        reach it (``exact`` false)."""
        period = self.period_for(kind)
        return None if period is None else period.due(decided)

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
        distinct = rows.select("kind", "decided").unique(maintain_order=True)
        dues = [self.due_of(k, d) for k, d in distinct.iter_rows()]
        lookup = distinct.with_columns(
            # the due day, or the earliest it can be (see ``exact``)
            pl.Series("due", [d.day if d else None for d in dues], dtype=pl.Date),
            pl.Series("exact", [d.exact if d else True for d in dues], dtype=pl.Boolean),
            pl.Series("due_words", [due_words(d) for d in dues], dtype=pl.String),
        )
        rows = rows.join(lookup, on=["kind", "decided"], how="left", maintain_order="left")
        unpublished = pl.col("publicized").is_null()
        rows = rows.filter(
            (unpublished | (pl.col("publicized") > pl.col("due"))).fill_null(unpublished)
        )
        # past the calendar's years: pending while the as-of day is not after the earliest day
        # the due day can be; otherwise the outcome depends on days the calendar does not know
        undecided = ~pl.col("exact") & ~(unpublished & (pl.col("due") >= ctx.as_of))
        judged, unknown = rows.filter(~undecided), rows.filter(undecided)
        figures = {
            "kind": pl.col("kind"),
            "decided_on": pl.col("decided"),
            "due": pl.col("due_words"),
            "publicized_on": pl.col("publicized"),
        }
        found = finding_frame(
            judged,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(~unpublished)
            .then(pl.lit(Status.LATE.value))
            .when(pl.col("due").is_not_null() & (pl.col("due") >= ctx.as_of))
            .then(pl.lit(Status.PENDING.value))
            .otherwise(pl.lit(Status.MISSING.value)),
            due=pl.when(pl.col("exact")).then(pl.col("due")),
            figures=figures,
        )
        if unknown.height == 0:
            return found
        cannot_judge = finding_frame(
            unknown,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures=figures | {"reason": pl.lit(calendar_reason())},
        )
        return pl.concat(
            [
                found.with_columns(pl.lit(None, dtype=pl.String).alias("severity")),
                cannot_judge.with_columns(pl.lit(Severity.WARNING.value).alias("severity")),
            ]
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        head_zh = f"执法决定 {subject_id}({kinds_zh(figures['kind'])},{figures['decided_on']} 作出)"
        head_en = f"Decision {subject_id} ({figures['kind']}, {figures['decided_on']})"
        due = figures.get("due")
        period = self.period_for(figures["kind"])
        if due is None or period is None:
            return head_zh + "没有公示记录。", head_en + " has not been publicised."
        within_zh, within_en = period.words()
        published = figures.get("publicized_on")
        if _exact_day(due) is None:
            first, last = working_day_years()
            year_zh = (
                f"期限日{due}，落在已安装的工作日历（收录 {first}–{last} 年）尚未收录其节假日安排"
                f"（国务院办公厅节假日安排）的年份"
            )
            year_en = (
                f"its due day is {_due_en(due)}, in a year whose holiday arrangement "
                f"(国务院办公厅节假日安排) the installed calendar ({first}–{last}) does not "
                f"yet hold"
            )
            if figures.get("reason") is None:  # the as-of day comes before any day it can be
                return (
                    f"{head_zh}尚无公示记录；公示期限为作出之日起 {within_zh}，{year_zh}，"
                    f"期限尚未届满。",
                    f"{head_en} has no publicity record; it is due within {within_en} of the "
                    f"decision: {year_en}, so it is not yet due.",
                )
            state_zh = f"于 {published} 公示" if published else "尚无公示记录"
            state_en = f"was publicised on {published}" if published else "has no publicity record"
            return (
                f"{head_zh}{state_zh}；公示期限为作出之日起 {within_zh}，{year_zh}，无法判断"
                f"{'该公示' if published else ''}是否逾期。请运行「{CALENDAR_UPDATE}」更新工作日历"
                f"后重新评估。",
                f"{head_en} {state_en}; it is due within {within_en} of the decision: {year_en}, "
                f"so whether it is late cannot be judged. Run `{CALENDAR_UPDATE}` for a newer "
                f"calendar and evaluate again.",
            )
        if published:
            return (
                f"{head_zh}于 {published} 公示，晚于作出之日起 {within_zh}的期限（{due}）。",
                f"{head_en} was publicised on {published}, after the {within_en} "
                f"from the decision ({due}).",
            )
        return (
            f"{head_zh}尚无公示记录；公示期限为作出之日起 {within_zh}（{due} 前）。",
            f"{head_en} has no publicity record; it is due within {within_en} of the decision "
            f"(by {due}).",
        )


CALENDAR_UPDATE = "python -m pip install -U chinesecalendar"
"""The command that brings a newer working-day calendar (one release a year, after the State
Council publishes the next year's holiday arrangement)."""


def due_words(due: WorkingDayCount | None) -> str | None:
    """The due day as a figure: ``2024-10-14``; past the calendar, ``晚于 2026-12-31`` (or, for
    a count that starts before the calendar's first year, ``不早于`` the earliest day)."""
    if due is None:
        return None
    if due.exact:
        return due.day.isoformat()
    last = last_known_day()
    return f"晚于 {last.isoformat()}" if due.day > last else f"不早于 {due.day.isoformat()}"


def calendar_reason() -> str:
    """Why an act cannot be judged (its ``reason`` figure)."""
    first, last = working_day_years()
    return f"工作日历只收录 {first}–{last} 年的节假日安排"


def _exact_day(words: str) -> date | None:
    try:
        return date.fromisoformat(words)
    except ValueError:
        return None


def _due_en(words: str) -> str:
    when, _, day = words.partition(" ")
    return f"after {day}" if when == "晚于" else f"{day} or later"
