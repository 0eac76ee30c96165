"""What the deliverable kinds share: reports, lists, catalogues and plans a department hands
in by a day (``deliverable``, ``yearly_deliverable``, ``quarterly_deliverable``,
``relative_deliverable``). A submission names the deliverable (``submissions.obligation``)
and, for recurring ones, the period it covers.

An item's event: ``submitted`` (one arrived), ``done`` (every required section, and the
publication where one is required, arrived), ``done_on`` and ``due_day`` (ordinals), beside the
schedule's days. Its status: ``late`` (done after the due day), ``incomplete`` (the due day has
passed and a required section or the publication is still missing), ``missing`` (due, nothing
submitted), ``pending`` (not yet due), else ``met``. A date-time is judged by its day in
Asia/Shanghai.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl
from pydantic import Field, field_validator

from .._conditions import Decision, all_of, equals, field, greater
from .._figures import Figures, figure
from .._live._base import Change, Observation, iso, moment_text, ordinal
from .._rulebase import Period, Status
from ._schedule import (
    OBLIGATION_ID,
    ByDepartment,
    Draws,
    Item,
    Judged,
    Obligation,
    Owed,
    ScheduleTracker,
    due_passed,
    not_yet_due,
    only,
    opened,
)
from ._words import listed

if TYPE_CHECKING:
    from .._rulebase import Context

TITLE_PUNCTUATION = r"[\s、,，;；:：。.·“”\"'()()《》]"
"""Characters a section title is compared without."""

OUTCOMES = {"met": 0.86, "late": 0.06, "incomplete": 0.03}
"""Shares of a synthetic item's outcome; what is left is missing."""


@functools.lru_cache(maxsize=4096)
def plain_title(title: str) -> str:
    """A section title without punctuation and spaces, as it is compared."""
    return re.sub(TITLE_PUNCTUATION, "", title)


class Submissions:
    """What a deliverable's items count: its submissions by department, and for one due after
    an activity, the first day of each event's activity by department."""

    def __init__(self) -> None:
        self.submissions: ByDepartment[str, dict[str, Any]] = ByDepartment()
        self.first_activity: dict[tuple[str, str], date] = {}  # (department, period) -> day


class DeliverableFigures(Figures):
    obligation: str = figure("应交成果", "deliverable")
    period: str | None = figure("期间", "period")
    due: str = figure("期限", "due")
    submitted: str | None = figure("报送日期", "submitted on")
    submitted_moment: str | None = figure("报送时刻", "submitted at")
    submissions: int = figure("报送次数", "submissions")
    completed: str | None = figure("完成日期", "completed on")
    missing_sections: list[str] = figure("缺少的部分", "missing sections")
    published: str | None = figure("公开日期", "published on", None)  # where it must be


class DeliverableKind(Obligation):
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
    figures: ClassVar[type[Figures]] = DeliverableFigures
    book: ClassVar[type[Any]] = Submissions
    matches_period: ClassVar[bool] = True
    """A submission counts for the period it names (or is read as being for); a one-off's
    submissions count whatever period they name."""

    @field_validator("required_sections")
    @classmethod
    def _distinct_titles(cls, value: list[str]) -> list[str]:
        plain = [plain_title(t) for t in value]
        if len(set(plain)) != len(plain) or not all(plain):
            raise ValueError("section titles distinct, and not only punctuation")
        return value

    def decision(self, in_force: Period) -> Decision:
        return opened(
            {
                Status.PENDING.value: all_of(equals("done", False), not_yet_due()),
                Status.MISSING.value: all_of(equals("submitted", False), due_passed()),
                Status.INCOMPLETE.value: all_of(
                    equals("submitted", True), equals("done", False), due_passed()
                ),
                Status.LATE.value: all_of(
                    equals("done", True), greater("done_on", field("due_day"))
                ),
            }
        )

    def book_records(self) -> list[tuple[str, str, str | None, Any]]:
        return [("submissions", "submitted_on", "obligation", self.obligation)]

    def hold(
        self, book: Submissions, record_type: str, row: dict[str, Any], key: Hashable
    ) -> list[Any]:
        ours = row["obligation"] == self.obligation
        return book.submissions.put(key, row["department"], row if ours else None)

    def period_for(self, day: date) -> str | None:
        """The period a submission without one counts for, read from its day."""
        return None

    def period_of(
        self, book: Submissions, department: str, submission: dict[str, Any]
    ) -> str | None:
        """The period a submission counts for: the one it names, else read from its day."""
        period: str | None = submission["period"]
        return period if period is not None else self.period_for(submission["submitted_on"])

    def judged(self, item: Item, book: Submissions, today: date) -> Judged:
        """The first day submitted (with its date-time, when every first-day submission gives
        one), the day every required section had arrived, the first publication day up to
        ``today``, hence the day it was done."""
        subs = [
            s
            for s in book.submissions.of(item.department).values()
            if not self.matches_period or self.period_of(book, item.department, s) == item.period
        ]
        submitted = min((s["submitted_on"] for s in subs), default=None)
        moments = [s["submitted_on_moment"] for s in subs if s["submitted_on"] == submitted]
        # the first-day submissions sorted by moment, nulls first: a plain day among them wins
        moment = None if not subs or None in moments else moment_text(min(moments))
        published = min(
            (p for s in subs if (p := s["published_on"]) is not None and p <= today), default=None
        )
        titles = self.titles
        arrived: dict[str, date] = {}
        for s in subs:
            for plain in map(plain_title, s["sections"]):
                if plain in titles and (plain not in arrived or s["submitted_on"] < arrived[plain]):
                    arrived[plain] = s["submitted_on"]
        done = max(arrived.values(), default=submitted) if len(arrived) == len(titles) else None
        if self.must_publish:
            done = max(done, published) if done and published else None
        fields = {
            "submitted": submitted is not None,
            "done": done is not None,
            "done_on": ordinal(done),
            "due_day": item.due.toordinal(),
        }
        return fields, lambda: self.shown(
            self.figures.of(
                obligation=self.obligation,
                period=item.period,
                due=iso(item.due),
                submitted=iso(submitted),
                submitted_moment=moment,
                submissions=len(subs),
                completed=iso(done),
                missing_sections=[t for plain, t in titles.items() if plain not in arrived],
                published=iso(published),
                **self.more_figures(item),
            )
        )

    def more_figures(self, item: Item) -> dict[str, Any]:
        """The figures a kind shows beside the deliverable's."""
        return {}

    @functools.cached_property
    def titles(self) -> dict[str, str]:
        """The required sections by their titles as compared."""
        return {plain_title(t): t for t in self.required_sections}

    def item_id(self, item: Item) -> str:
        return self.obligation

    def shown(self, figures: dict[str, Any]) -> dict[str, Any]:
        """The figures, without ``published`` unless the deliverable must be made public."""
        return only(figures, () if self.must_publish else ("published",))

    # -- in words ---------------------------------------------------------------------------

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        period = figures.get("period")
        what_zh = f"「{self.name}」" + (f"({period})" if period else "")
        what_en = self.name_en + (f" ({period})" if period else "")
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

    def when(self) -> str:
        """The deadline in words, for listings."""
        raise NotImplementedError

    def owed(self) -> list[Owed]:
        parts = []
        if self.required_sections:
            parts.append("须含:" + listed(self.required_sections))
        if self.must_publish:
            parts.append("须公开")
        return [
            Owed(
                record_type=self.record_type,
                item=self.obligation,
                title=self.name,
                when=self.when(),
                owers=self.applies_to.describe(),
                details=";".join(parts),
            )
        ]

    def draw(self, ctx: Context, draws: Draws) -> dict[str, pl.DataFrame]:
        """Each open item met, late, without a required part, or missing."""
        frame, submitted = draws.delivered(self.open_items(ctx), OUTCOMES, early=25, late=40)
        incomplete = pl.col("outcome") == "incomplete"
        # Titles as a table cell holds them (a title's own 、 would split the cell's list).
        sections = [plain_title(title) for title in self.required_sections]
        kept = sections[:-1] if sections else []
        return {
            "submissions": frame.select(
                "department",
                pl.lit(self.obligation).alias("obligation"),
                (pl.col("period") if self.matches_period else pl.lit(None)).alias("period"),
                submitted.alias("submitted_on"),
                pl.when(incomplete & pl.lit(bool(sections)))
                .then(pl.lit(kept, dtype=pl.List(pl.String)))
                .otherwise(pl.lit(list(sections), dtype=pl.List(pl.String)))
                .alias("sections"),
                pl.when(pl.lit(self.must_publish) & ~(incomplete & pl.lit(not sections)))
                .then(submitted)
                .alias("published_on"),
            )
        }


# -- the monitor: an item's submissions as they arrive ------------------------------------------


class DeliverableTracking(ScheduleTracker):
    """A deliverable: each department in scope owes a submission of ``obligation`` in each
    period, due on the period's due day."""

    rule: DeliverableKind
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "submissions"})

    def on_record(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if row["obligation"] == self.rule.obligation and row["published_on"] is not None:
            self.wake_at(row["department"], row["published_on"])
        return super().on_record(change)


HOW = (
    "per (department, period) of the schedule: the periods, due days and the days items open "
    "are the kind's `periods`, the owers the rule's selectors; the tracker keeps the "
    "deliverable's submissions by department and derives the first day submitted, the day "
    "every required section had arrived and the first publication day up to the clock's, "
    "hence the day it was done; the decision gives `pending`, `missing` (the clock passed the "
    "due moment with none), `incomplete` (the due moment passed with a section or the "
    "publication still missing) and `late` (done after the due day)"
)
"""How the deliverable trackers follow their kinds (each adds how it reads a period)."""
