"""Deliverables a department hands in: reports, lists, catalogues and plans, by a day.

Four kinds share one judgement: a one-off deliverable by a day, a yearly one by a month-day,
a quarterly one, and one due within some months after an activity. A submission names the
deliverable (``submissions.obligation``) and, for recurring ones, the period it covers.

Status of an item as of the evaluation day: ``met`` (everything required arrived by the due
day), ``late`` (it arrived, after the due day), ``incomplete`` (the due day has passed and a
required section or the publication is still missing), ``missing`` (due, nothing submitted),
``pending`` (not yet due). A date-time is judged by its day in Asia/Shanghai.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, field_validator

from .._dates import month_day, month_end
from .._fields import ActivityKindName
from .._rulebase import Spec, Status
from .._vocab import ActivityKind, label, parse_enum
from ._words import listed
from .schedule import (
    Obligation,
    Owed,
    dated,
    due_passed,
    empty_schedule,
    for_departments,
    horizon,
    months_after,
    not_open,
    periods_frame,
    quarter_of,
    quarter_periods,
    schedule_frame,
)

if TYPE_CHECKING:
    from .._rulebase import Context

OBLIGATION_ID = r"^[a-z0-9][a-z0-9\-]*$"
MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def parse_month_day(text: str) -> tuple[int, int]:
    """``"01-15"`` as (1, 15); ``ValueError`` unless a real month-day."""
    match = MONTH_DAY.fullmatch(text)
    if match is None:
        raise ValueError("a month-day as MM-DD, e.g. 01-15")
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= month_end(2024, month).day:
        raise ValueError("a real month-day as MM-DD, e.g. 01-15")
    return month, day


TITLE_PUNCTUATION = r"[\s、,，;；:：。.·“”\"'()()《》]"
"""Characters a section title is compared without."""


def plain_title(title: str) -> str:
    """A section title without punctuation and spaces, as it is compared."""
    return re.sub(TITLE_PUNCTUATION, "", title)


def submissions_of(ctx: Context, obligation: str) -> pl.DataFrame:
    """Submissions of one deliverable as of the day: ``department``, ``period``,
    ``submitted_on`` (its day in Asia/Shanghai), ``submitted_on_moment``, ``sections``,
    ``published_on`` (null when published after the as-of day)."""
    table = ctx.records.table("submissions").filter(pl.col("obligation") == obligation)
    return dated(table, "submitted_on", ctx.as_of).with_columns(
        pl.when(pl.col("published_on") <= ctx.as_of).then(pl.col("published_on"))
    )


class _Deliverable(Obligation):
    """What every deliverable rule has: the id submissions name, its name, its parts."""

    obligation: str = Field(
        pattern=OBLIGATION_ID,
        description="The id a submission names in ``obligation`` (stable, lower-case)",
    )
    name: str = Field(description="What is delivered, in Chinese (全员轮训情况报告)")
    name_en: str
    required_sections: list[str] = Field(
        default_factory=list, description="Section titles the deliverable must contain"
    )
    must_publish: bool = Field(
        default=False, description="It must also be made public by the due day (并予以公开)"
    )

    record_type: ClassVar[str] = "submissions"

    @field_validator("required_sections")
    @classmethod
    def _distinct_titles(cls, value: list[str]) -> list[str]:
        plain = [plain_title(t) for t in value]
        if len(set(plain)) != len(plain) or not all(plain):
            raise ValueError("section titles distinct, and not only punctuation")
        return value

    def _periods(self, ctx: Context) -> pl.DataFrame:
        """(period, first, last, due, opens) of every item, before pairing with owers."""
        raise NotImplementedError

    def _with_periods(self, subs: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
        """Submissions with the period each counts for (its own, else read from its day)."""
        return subs

    def _match_period(self) -> bool:
        return True

    def periods_in_force(self, ctx: Context) -> pl.DataFrame:
        """The periods, none opening before the rule is in force (what each department owes;
        the live monitor reads them too)."""
        periods = self._periods(ctx)
        start = ctx.in_force(self).start
        return periods.with_columns(pl.max_horizontal("opens", pl.lit(start)).alias("opens"))

    def _items(self, ctx: Context) -> pl.DataFrame:
        return for_departments(ctx.departments(self), self.periods_in_force(ctx))

    def schedule(self, ctx: Context) -> pl.DataFrame:
        items = self._items(ctx)
        if items.height == 0:
            return empty_schedule()
        subs = self._with_periods(submissions_of(ctx, self.obligation), items)
        return self._judge(items, subs, ctx.as_of)

    def _judge(self, items: pl.DataFrame, subs: pl.DataFrame, as_of: date) -> pl.DataFrame:
        key = ["department", "period"] if self._match_period() else ["department"]
        first = subs.group_by(key).agg(
            pl.col("submitted_on").min().alias("submitted"),
            pl.col("submitted_on_moment")
            .sort_by("submitted_on", "submitted_on_moment")
            .first()
            .alias("submitted_moment"),
            pl.len().alias("submissions"),
            pl.col("published_on").min().alias("published"),
        )
        required = self.required_sections
        if required:
            # Titles match whatever their punctuation and spacing (存在的问题、原因分析及对策 is
            # 存在的问题原因分析及对策): a spreadsheet cell splits lists at 、.
            titles = {plain_title(t): t for t in required}
            per_section = (
                subs.select(*key, "submitted_on", "sections")
                .explode("sections")
                .with_columns(pl.col("sections").str.replace_all(TITLE_PUNCTUATION, ""))
                .filter(pl.col("sections").is_in(list(titles)))
                .group_by([*key, "sections"])
                .agg(pl.col("submitted_on").min().alias("on"))
            )
            complete = per_section.group_by(key).agg(
                pl.len().alias("present"),
                pl.col("on").max().alias("all_sections_on"),
                pl.col("sections").alias("present_sections"),
            )
            # The required list goes into a column first: a list literal on the left of
            # set_difference does not broadcast over an empty frame. set_difference keeps no
            # order: the missing titles are put back in the rule's order.
            place = {plain: number for number, plain in enumerate(titles)}
            title_at = dict(enumerate(titles.values()))
            first = (
                first.join(complete, on=key, how="left")
                .with_columns(pl.lit(list(titles), dtype=pl.List(pl.String)).alias("_required"))
                .with_columns(
                    pl.when(pl.col("present") == len(required))
                    .then(pl.col("all_sections_on"))
                    .alias("completed"),
                    pl.col("_required")
                    .list.set_difference(pl.col("present_sections").fill_null([]))
                    .list.eval(pl.element().replace_strict(place, return_dtype=pl.Int64))
                    .list.sort()
                    .list.eval(pl.element().replace_strict(title_at, return_dtype=pl.String))
                    .alias("missing_sections"),
                )
            )
        else:
            first = first.with_columns(
                pl.col("submitted").alias("completed"),
                pl.lit([], dtype=pl.List(pl.String)).alias("missing_sections"),
            )
        done = (
            pl.when(pl.col("completed").is_not_null() & pl.col("published").is_not_null()).then(
                pl.max_horizontal("completed", "published")
            )
            if self.must_publish
            else pl.col("completed")
        )
        rows = (
            items.join(first, on=key, how="left")
            .with_columns(done.alias("done"))
            .with_columns(pl.col("submissions").fill_null(0))
        )
        status = (
            pl.when(not_open(as_of))
            .then(pl.lit(Status.PENDING.value))
            .when(pl.col("submitted").is_null())
            .then(
                pl.when(due_passed(as_of))
                .then(pl.lit(Status.MISSING.value))
                .otherwise(pl.lit(Status.PENDING.value))
            )
            .when(pl.col("done").is_not_null())
            .then(
                pl.when(pl.col("done") <= pl.col("due"))
                .then(pl.lit(Status.MET.value))
                .otherwise(pl.lit(Status.LATE.value))
            )
            .when(due_passed(as_of))
            .then(pl.lit(Status.INCOMPLETE.value))
            .otherwise(pl.lit(Status.PENDING.value))
        )
        figures: dict[str, pl.Expr] = {
            "obligation": pl.lit(self.obligation),
            "period": pl.col("period"),
            "due": pl.col("due"),
            "submitted": pl.col("submitted"),
            "submitted_moment": pl.col("submitted_moment"),
            "submissions": pl.col("submissions"),
            "completed": pl.col("done"),
            "missing_sections": pl.col("missing_sections").fill_null(
                pl.lit(required, dtype=pl.List(pl.String))
            ),
        }
        if self.must_publish:
            figures["published"] = pl.col("published")
        figures.update(self._extra_figures())
        return schedule_frame(
            rows,
            rule=self,
            item=self.obligation,
            status=status,
            figures=figures,
        )

    def _extra_figures(self) -> dict[str, pl.Expr]:
        return {}

    def _what(self, figures: dict[str, Any]) -> tuple[str, str]:
        period = figures.get("period")
        zh = f"「{self.name}」" + (f"({period})" if period else "")
        en = self.name_en + (f" ({period})" if period else "")
        return zh, en

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        what_zh, what_en = self._what(figures)
        due = figures["due"]
        head_zh, head_en = f"{subject_id} 的{what_zh}", f"{subject_id}: {what_en}"
        if not figures["submitted"]:
            return (
                f"{head_zh}截至评估日未报送;期限 {due}。",
                f"{head_en} not submitted by the evaluation day; due {due}.",
            )
        moment = figures.get("submitted_moment")
        at_zh = f"{figures['submitted']}" + (f"({moment})" if moment else "")
        at_en = f"{figures['submitted']}" + (f" ({moment})" if moment else "")
        zh = f"{head_zh}于 {at_zh} 报送"
        en = f"{head_en} submitted on {at_en}"
        gaps_zh: list[str] = []
        gaps_en: list[str] = []
        if figures["missing_sections"]:
            gaps_zh.append("缺少:" + listed(figures["missing_sections"]))
            gaps_en.append("missing: " + ", ".join(figures["missing_sections"]))
        if self.must_publish and not figures.get("published"):
            gaps_zh.append("尚未公开")
            gaps_en.append("not yet published")
        if gaps_zh:
            return (
                f"{zh},{';'.join(gaps_zh)};期限 {due}。",
                f"{en}, {'; '.join(gaps_en)}; due {due}.",
            )
        done = figures["completed"]
        parts_zh = ""
        parts_en = ""
        if done != figures["submitted"]:
            parts_zh = f",{done} 方才齐备" + ("(含公开)" if self.must_publish else "")
            parts_en = f", complete only on {done}" + (
                " (publication included)" if self.must_publish else ""
            )
        elif self.must_publish:
            parts_zh = f",{figures['published']} 公开"
            parts_en = f", published {figures['published']}"
        if done <= due:
            return f"{zh}{parts_zh},按期(期限 {due})。", f"{en}{parts_en}, in time (due {due})."
        return (
            f"{zh}{parts_zh},晚于期限 {due}。",
            f"{en}{parts_en}, after the {due} deadline.",
        )

    def _details(self) -> str:
        parts = []
        if self.required_sections:
            parts.append("须含:" + listed(self.required_sections))
        if self.must_publish:
            parts.append("须公开")
        return ";".join(parts)

    def _when(self) -> str:
        raise NotImplementedError

    def owed(self) -> list[Owed]:
        return [
            Owed(
                record_type=self.record_type,
                item=self.obligation,
                title=self.name,
                when=self._when(),
                owers=self.applies_to.describe(),
                details=self._details(),
            )
        ]


class Deliverable(_Deliverable):
    """A one-off deliverable due on or before ``due`` ("X月X日前"). Submissions of any period
    count."""

    kind: Literal["deliverable"]
    due: date

    def _periods(self, ctx: Context) -> pl.DataFrame:
        start = ctx.in_force(self).start
        return periods_frame([(None, start, self.due, self.due, start)])

    def _match_period(self) -> bool:
        return False

    def _when(self) -> str:
        return f"{self.due.isoformat()} 前"


class YearlyDeliverable(_Deliverable):
    """A deliverable due each year on or before a month-day ("每年1月15日前"), for each year
    whose due day falls in the period in force. ``covers``: the year before the due day's
    (``previous_year``) or its own (``current_year``); that is the period a submission names.
    A submission without a period covers the year of its day (or the one before)."""

    kind: Literal["yearly_deliverable"]
    due_each_year: str = Field(description="MM-DD, e.g. 01-15")
    covers: Literal["previous_year", "current_year"]
    catch_up: bool = Field(
        default=False,
        description="A due day that passed in the year the period in force began, before it "
        "began, is owed by 31 December of that year instead of not at all",
    )

    @field_validator("due_each_year")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)
        return value

    def _periods(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        last = horizon(period, ctx.as_of)
        month, day = parse_month_day(self.due_each_year)
        rows = []
        for year in range(period.start.year, last.year + 1):
            due = month_day(year, month, day)
            if self.catch_up and due < period.start and year == period.start.year:
                due = date(year, 12, 31)  # passed before the text: owed by its year's end
            if not (period.start <= due <= last):
                continue
            covered = year - 1 if self.covers == "previous_year" else year
            rows.append(
                (str(covered), date(covered, 1, 1), date(covered, 12, 31), due, date(year, 1, 1))
            )
        return periods_frame(rows)

    def _with_periods(self, subs: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
        shift = 1 if self.covers == "previous_year" else 0
        inferred = (pl.col("submitted_on").dt.year() - shift).cast(pl.String)
        return subs.with_columns(pl.coalesce("period", inferred).alias("period"))

    def _when(self) -> str:
        month, day = parse_month_day(self.due_each_year)
        covered = "上一年度" if self.covers == "previous_year" else "当年"
        late_start = ";起始当年该日已过的,当年12月31日前" if self.catch_up else ""
        return f"每年{month}月{day}日前({covered}{late_start})"


class QuarterlyDeliverable(_Deliverable):
    """A deliverable in each calendar quarter of the period in force, due on its last day
    ("每季度报"). A submission without a period counts for the quarter of its day."""

    kind: Literal["quarterly_deliverable"]

    def _periods(self, ctx: Context) -> pl.DataFrame:
        period = ctx.in_force(self)
        return quarter_periods(period.start, horizon(period, ctx.as_of))

    def _with_periods(self, subs: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
        return subs.with_columns(pl.coalesce("period", quarter_of("submitted_on")).alias("period"))

    def _when(self) -> str:
        return "每季度末前"


class AfterActivity(Spec):
    """One event a relative deadline counts from: the first activity of ``stage`` by the
    department; ``expected_by`` is when the text expects it."""

    period: str = Field(pattern=r"^\d{4}(-Q[1-4])?$")
    stage: str | None = None
    expected_by: date


STAGE_WORDS = {"中期": "mid_term", "中期评估": "mid_term", "终期": "final", "终期评估": "final"}
"""Chinese words of plan-evaluation stages (``activities.stage``)."""


def stage_of(column: pl.Expr) -> pl.Expr:
    """An activity's stage in its canonical word (mid_term, final); others as written."""
    return column.replace(STAGE_WORDS)


class RelativeDeliverable(_Deliverable):
    """A deliverable due within ``months`` calendar months after an activity ("评估完成后一个月
    内"): 31 January + 1 month is the last day of February. One item per event in ``after``;
    its due day counts from the first matching activity of the department, or, while there is
    none, from the day the text expects the activity (so a deliverable whose activity never
    happened is missing once that day plus the months has passed). A submission without a
    period counts for the latest event on or before its day."""

    kind: Literal["relative_deliverable"]
    after_activity: ActivityKindName
    months: int = Field(ge=1)
    after: list[AfterActivity] = Field(min_length=1)

    def _events(self, ctx: Context) -> pl.DataFrame:
        """(department, period, event) of the first matching activity of each event."""
        activities = dated(ctx.records.table("activities"), "date", ctx.as_of).filter(
            pl.col("kind") == parse_enum(ActivityKind, self.after_activity).value
        )
        frames = []
        for event in self.after:
            matching = activities
            if event.stage is not None:
                matching = matching.filter(stage_of(pl.col("stage")) == event.stage)
            frames.append(
                matching.group_by("department").agg(
                    pl.lit(event.period).alias("period"), pl.col("date").min().alias("event")
                )
            )
        return pl.concat(frames) if frames else pl.DataFrame()

    def _periods(self, ctx: Context) -> pl.DataFrame:
        rows = [
            (e.period, e.expected_by, e.expected_by, e.expected_by, e.expected_by)
            for e in self.after
        ]
        return periods_frame(rows)

    def _items(self, ctx: Context) -> pl.DataFrame:
        items = for_departments(ctx.departments(self), self._periods(ctx))
        events = self._events(ctx)
        items = items.join(events, on=["department", "period"], how="left")
        items = months_after(pl.coalesce("event", "due"), items, "due", self.months)
        start = ctx.in_force(self).start
        return items.with_columns(
            pl.max_horizontal(pl.coalesce("event", "opens"), pl.lit(start)).alias("opens")
        )

    def _with_periods(self, subs: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
        events = (
            items.filter(pl.col("event").is_not_null())
            .select("department", pl.col("period").alias("_event_period"), "event")
            .sort("event")
        )
        located = subs.sort("submitted_on").join_asof(
            events,
            left_on="submitted_on",
            right_on="event",
            by="department",
            strategy="backward",
            check_sortedness=False,
        )
        return located.with_columns(pl.coalesce("period", "_event_period").alias("period")).drop(
            "_event_period", "event"
        )

    def _extra_figures(self) -> dict[str, pl.Expr]:
        return {"activity_on": pl.col("event"), "months": pl.lit(self.months)}

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        zh, en = super().describe(subject_id, figures)
        activity = label(parse_enum(ActivityKind, self.after_activity))
        if figures.get("activity_on"):
            return (
                zh + f"({activity}于 {figures['activity_on']} 完成,{self.months} 个月内应报送)",
                en + f" ({self.after_activity} done {figures['activity_on']}; due within "
                f"{self.months} month(s))",
            )
        return (
            zh + f"({activity}尚无记录,按其应完成日推算期限)",
            en + f" (no {self.after_activity} recorded yet: the due day counts from the day "
            "it was expected)",
        )

    def _when(self) -> str:
        activity = label(parse_enum(ActivityKind, self.after_activity))
        return f"{activity}完成后 {self.months} 个月内"
