"""``yearly_deliverable``: a deliverable due each year by a month-day ("每年1月15日前")."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from .._dates import month_day
from .._rulebase import Period
from ._deliverables import HOW, DeliverableKind, DeliverableTracking
from ._schedule import MonthDay, horizon, opening_in_force, parse_month_day, span


class YearlyDeliverable(DeliverableKind):
    """A deliverable due each year on or before a month-day ("每年1月15日前"), for each year
    whose due day falls in the period in force. ``covers``: the year before the due day's
    (``previous_year``) or its own (``current_year``); that is the period a submission names.
    A submission without a period covers the year of its day (or the one before)."""

    kind: Literal["yearly_deliverable"]
    due_each_year: MonthDay = Field(description="MM-DD, e.g. 01-15")
    covers: Literal["previous_year", "current_year"]
    catch_up: bool = Field(
        default=False,
        description="A due day that passed in the year the period in force began, before it "
        "began, is owed by 31 December of that year instead of not at all",
    )

    @property
    def shift(self) -> int:
        """Years between the year a due day falls in and the year it covers."""
        return 1 if self.covers == "previous_year" else 0

    def periods(self, in_force: Period, as_of: date) -> list[dict[str, Any]]:
        last = horizon(in_force, as_of)
        month, day = parse_month_day(self.due_each_year)
        rows = []
        for year in range(in_force.start.year, last.year + 1):
            due = month_day(year, month, day)
            if self.catch_up and due < in_force.start and year == in_force.start.year:
                due = date(year, 12, 31)  # passed before the text: owed by its year's end
            if not (in_force.start <= due <= last):
                continue
            covered = year - self.shift
            rows.append(
                span(
                    str(covered), date(covered, 1, 1), date(covered, 12, 31), due, date(year, 1, 1)
                )
            )
        return opening_in_force(rows, in_force)

    def period_for(self, day: date) -> str:
        return str(day.year - self.shift)

    def when(self) -> str:
        month, day = parse_month_day(self.due_each_year)
        covered = "上一年度" if self.covers == "previous_year" else "当年"
        late_start = ";起始当年该日已过的,当年12月31日前" if self.catch_up else ""
        return f"每年{month}月{day}日前({covered}{late_start})"


class YearlyDeliverableTracker(DeliverableTracking, follows=YearlyDeliverable):
    how: ClassVar[str] = (
        HOW + "; one item per year; a submission without a period covers the year of its day "
        "(or the year before)"
    )
