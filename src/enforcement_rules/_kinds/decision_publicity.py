"""``decision_publicity``: each enforcement decision is made public (公示), within a period
after it is taken where the rule gives one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._chinese import ChineseText
from .._conditions import (
    Decision,
    all_of,
    any_of,
    at_least,
    decide,
    decided,
    equals,
    field,
    greater,
    less,
)
from .._dates import WorkingDayCount, count_working_days, last_known_day, working_day_years
from .._fields import ActionKindName
from .._figures import Figures, figure
from .._live._base import NO_DAY, Observation, ordinal
from .._rulebase import Context, Period, Severity, SourceRef, Spec, Status
from .._vocab import ActionKind
from ._acts import (
    ONE_DAY,
    ActionKindsRule,
    ActTracker,
    act_findings,
    act_frame,
    counted,
    day_number,
    not_counted,
)
from ._words import kinds_zh


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


class PublicityFigures(Figures):
    """The figures of a rule without a due period."""

    kind: str = figure("类型", "kind")
    decided_on: str = figure("决定日期", "decided on")


class DuePublicityFigures(PublicityFigures):
    """With ``due_within``: the due day and the publication."""

    due: str | None = figure("期限", "due", None)
    publicized_on: str | None = figure("公示日期", "publicised on", None)


class DecisionPublicityFigures(DuePublicityFigures):
    """A warning that the act cannot be judged says why."""

    reason: str | None = figure("理由", "reason", None)


class DecisionPublicity(ActionKindsRule):
    """Each decision is publicised (``publicized_on`` on or before the as-of day).

    ``due_within``: the period after the decision in which it is published (the first entry
    whose ``action_kinds`` include the act's kind), with ``due_reason`` saying where the period
    comes from and ``due_sources`` quoting it where the project holds the instrument. Until the
    period has passed an unpublished decision is ``pending``; after it, ``missing``; one
    published after it is ``late``. Without a period for the act's kind, an unpublished
    decision is ``missing`` as soon as it is taken.

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

    figures: ClassVar[type[Figures]] = DecisionPublicityFigures

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

    def decision(self, in_force: Period) -> Decision:
        """On an action's ``published`` day and its ``due`` day (``NO_DAY``: no period; with
        ``exact`` false, the earliest it can be), against ``today``. ``not_met`` is the
        warning that the outcome depends on days the working-day calendar does not know."""
        scope = self.scope(in_force)
        late = all_of(*counted("published"), greater("published", field("due")))
        overdue = all_of(not_counted("published"), less("due", field("today")))
        return {
            Status.PENDING.value: all_of(
                *scope,
                not_counted("published"),
                greater("due", NO_DAY),
                at_least("due", field("today")),
            ),
            Status.MISSING.value: all_of(
                *scope,
                not_counted("published"),
                any_of(equals("due", NO_DAY), all_of(equals("exact", True), overdue)),
            ),
            Status.LATE.value: all_of(*scope, greater("due", NO_DAY), equals("exact", True), late),
            Status.NOT_MET.value: all_of(*scope, equals("exact", False), any_of(overdue, late)),
        }

    def due_read(self, kind: str, decided: date) -> tuple[date | None, bool, str | None]:
        """``due_of`` as both evaluators gather it: the due day (``None``: no period for the
        kind), whether it is exact, and the ``due`` figure (``due_words``)."""
        due = self.due_of(kind, decided)
        return (None, True, None) if due is None else (due.day, due.exact, due_words(due))

    def figure_model(self) -> type[Figures]:
        return DuePublicityFigures if self.due_within else PublicityFigures

    def shown(self) -> dict[str, str]:
        """The due figure, and the publication only once the as-of day (the clock's) reaches it."""
        dated = {"due": "due_words", "publicized_on": "published_by_then"}
        return super().shown() | (dated if self.due_within else {})

    def check(self, ctx: Context) -> pl.DataFrame:
        rows = act_frame(ctx, self).with_columns(decided_on=pl.coalesce("decided_on", "date"))
        distinct = rows.select("kind", "decided_on").unique()
        dues = pl.DataFrame(
            [self.due_read(kind, day) for kind, day in distinct.iter_rows()],
            schema={"due_day": pl.Date, "exact": pl.Boolean, "due_words": pl.String},
            orient="row",
        )
        rows = rows.join(
            distinct.hstack(dues), on=["kind", "decided_on"], how="left", maintain_order="left"
        )
        found = decided(
            rows.with_columns(due=day_number("due_day")), self.decision(ctx.in_force(self))
        ).with_columns(
            published_by_then=pl.when(pl.col("publicized_on") <= ctx.as_of).then(
                pl.col("publicized_on")
            )
        )
        unknown = pl.col("status") == Status.NOT_MET.value
        judged = act_findings(
            found.filter(~unknown),
            self.figure_columns(),
            due=pl.when(pl.col("exact")).then(pl.col("due_day")),
        )
        warned = found.filter(unknown)
        if warned.height == 0:
            return judged
        figures = DecisionPublicityFigures.columns(
            **self.figure_columns(), reason=pl.lit(calendar_reason())
        )
        return pl.concat(
            [
                judged.with_columns(pl.lit(None, dtype=pl.String).alias("severity")),
                act_findings(warned, figures).with_columns(
                    pl.lit(Severity.WARNING.value).alias("severity")
                ),
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
        if due.startswith((AFTER, NOT_BEFORE)):  # a day past the working-day calendar
            first, last = working_day_years()
            year_zh = (
                f"期限日{due}，落在已安装的工作日历（收录 {first}–{last} 年）尚未收录其节假日安排"
                f"（国务院办公厅节假日安排）的年份"
            )
            year_en = (
                f"its due day is {due_en(due)}, in a year whose holiday arrangement "
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


AFTER, NOT_BEFORE = "晚于", "不早于"
"""How a due figure past the working-day calendar begins (``due_words``)."""


def due_words(due: WorkingDayCount) -> str:
    """The due day as a figure: ``2024-10-14``; past the calendar, ``晚于 2026-12-31`` (or, for
    a count that starts before the calendar's first year, ``不早于`` the earliest day)."""
    if due.exact:
        return due.day.isoformat()
    last = last_known_day()
    return (
        f"{AFTER} {last.isoformat()}" if due.day > last else f"{NOT_BEFORE} {due.day.isoformat()}"
    )


def calendar_reason() -> str:
    """Why an act cannot be judged (its ``reason`` figure)."""
    first, last = working_day_years()
    return f"工作日历只收录 {first}–{last} 年的节假日安排"


def due_en(words: str) -> str:
    """A due figure past the calendar, in English."""
    when, _, day = words.partition(" ")
    return f"after {day}" if when == AFTER else f"{day} or later"


class DecisionPublicityTracker(ActTracker, follows=DecisionPublicity):
    how: ClassVar[str] = (
        "per action: its publication day against the clock's day (held likewise); with a due "
        "period, its due day (working days on the Chinese calendar): unless published by "
        "then, held until the clock passes it, then `missing`; published after it, `late`; a "
        "due day past the "
        "working-day calendar's years is held until the earliest day it can be, then a "
        "warning that it cannot be judged, as in `evaluate`"
    )
    rule: DecisionPublicity

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.decision = self.ruleset()
        self.dues: dict[tuple[str, date], tuple[date | None, bool, str | None]] = {}

    def judge(self, row: dict[str, Any], event: dict[str, Any]) -> Observation:
        decided_on: date = row["decided_on"] or row["date"]
        key = (row["kind"], decided_on)
        if key not in self.dues:  # read once for each kind and day
            if len(self.dues) >= 4096:
                self.dues.clear()
            self.dues[key] = self.rule.due_read(*key)
        due, exact, words = self.dues[key]
        published: date | None = row["publicized_on"]
        # published by an exact due day: the due day passing changes nothing
        in_time = exact and published is not None and (due is None or published <= due)
        self.wait(row, published, None if in_time or due is None else due + ONE_DAY)
        event = dict(event, due=ordinal(due), exact=exact)
        # the warning: the outcome depends on days the working-day calendar does not know
        unknown = not exact and decide(self.decision, event) == Status.NOT_MET.value
        by_then = published if event["published"] <= event["today"] else None

        def figures() -> dict[str, Any]:
            gathered = {"decided_on": decided_on, "due_words": words, "published_by_then": by_then}
            shown = self.figure_values(row | gathered)
            return (
                DecisionPublicityFigures.of(**shown, reason=calendar_reason()) if unknown else shown
            )

        return self.labelled(
            row["id"],
            row["department"],
            event,
            figures,
            due=due if exact else None,
            severity=Severity.WARNING if unknown else None,
        )
