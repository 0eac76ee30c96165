"""Calendar semantics, in Asia/Shanghai, behind one small interface (pendulum inside).

Readings fixed for the whole project:

- A date without a time is a day in Asia/Shanghai.
- "X月X日前", "X月底前", "年底前": on or before that day; the day ends at 23:59:59.999999 there.
- "每年", "每季度": calendar years and quarters; a period is judged once it has ended.
- "一个月内" after an event: the same day number of the next month, or that month's last day
  when it has no such day (31 January + 1 month = 28 or 29 February).

- "N个工作日内" after an event: the Nth working day after the event's day (the event's day
  is not counted), working days as the State Council's holiday arrangements make them: no
  weekend or statutory holiday, and the weekend days made working days (调休) counted. The
  calendar comes from the ``chinesecalendar`` package, which knows the years in
  ``WORKING_DAY_YEARS``. A count that reaches another year is not guessed: ``count_working_days``
  gives the earliest day the Nth working day can be (each unknown day read as a working day, a
  day being at most one), so a due day past the calendar is known to fall after its last day;
  ``add_working_days`` raises ``CalendarError`` there.

Nothing here reads today's date: every evaluation passes its as-of day in.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import chinese_calendar
import pendulum

from ._errors import CalendarError
from ._limits import WHITESPACE

TIMEZONE = "Asia/Shanghai"
_TZ = pendulum.timezone(TIMEZONE)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def parse_day(text: str) -> date:
    """Parse ``YYYY-MM-DD`` exactly; anything else raises ``ValueError``."""
    if not _ISO_DAY.fullmatch(text):
        raise ValueError("a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("a real calendar date as YYYY-MM-DD") from None


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in Asia/Shanghai."""
    return _plain(pendulum.datetime(day.year, day.month, day.day, tz=_TZ))


def day_end(day: date) -> datetime:
    """The last moment of ``day`` in Asia/Shanghai (the due moment of "X月X日前")."""
    return _plain(pendulum.datetime(day.year, day.month, day.day, tz=_TZ).end_of("day"))


def local_day(moment: datetime) -> date:
    """The day in Asia/Shanghai on which an offset-aware moment falls."""
    if moment.tzinfo is None:
        raise ValueError("a date-time with a UTC offset")
    local = pendulum.instance(moment).in_timezone(_TZ)
    return date(local.year, local.month, local.day)


def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic: 31 January + 1 month is the last day of February."""
    result = pendulum.date(day.year, day.month, day.day).add(months=months)
    return date(result.year, result.month, result.day)


def month_end(year: int, month: int) -> date:
    """The last day of a month ("X月底前")."""
    result = pendulum.date(year, month, 1).end_of("month")
    return date(result.year, result.month, result.day)


def year_end(year: int) -> date:
    """31 December of ``year`` ("年底前")."""
    return date(year, 12, 31)


def quarter_of(day: date) -> int:
    """The calendar quarter (1-4) of ``day``."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter from 1 to 4")
    first = date(year, 3 * quarter - 2, 1)
    return first, month_end(year, 3 * quarter)


def quarter_label(year: int, quarter: int) -> str:
    """A quarter as written in records: ``2024-Q1``."""
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter from 1 to 4")
    return f"{year}-Q{quarter}"


_PERIOD = re.compile(r"(?!0000)(\d{4})(?:-Q([1-4]))?")  # years 1-9999, as every date
_CHINESE_PERIOD = re.compile(r"(?!0000)(\d{4})年(?:(?:第)?([1-4一二三四])季度)?")
_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def period_label(text: str) -> str:
    """The canonical label of a period: ``2024`` or ``2024-Q1``.

    Also accepts ``2024年``, ``2024年第1季度``, ``2024年第一季度`` and ``2024年一季度``; anything
    else raises ``ValueError``.
    """
    word = text.strip(WHITESPACE)
    if _PERIOD.fullmatch(word):
        return word
    match = _CHINESE_PERIOD.fullmatch(word)
    if match is None:
        raise ValueError("a period as 2024 or 2024-Q1 (or 2024年, 2024年第1季度)")
    year, quarter = match.group(1), match.group(2)
    if quarter is None:
        return year
    return f"{year}-Q{_CHINESE_DIGITS.get(quarter, quarter)}"


def month_day(year: int, month: int, day: int) -> date:
    """A month-day ("每年1月15日前") in a given year; 29 February is the month's last day in a
    year without one."""
    last = month_end(year, month)
    return date(year, month, min(day, last.day))


def years_overlapping(first: date, last: date) -> list[int]:
    """The calendar years that have at least one day from ``first`` to ``last``."""
    return list(range(first.year, last.year + 1))


def quarters_overlapping(first: date, last: date) -> list[tuple[int, int]]:
    """The calendar quarters (year, quarter) that have at least one day from ``first`` to
    ``last``."""
    quarters = []
    year, quarter = first.year, quarter_of(first)
    while (year, quarter) <= (last.year, quarter_of(last)):
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def has_ended(last_day: date, as_of: date) -> bool:
    """Whether a period ending on ``last_day`` has ended as of the end of ``as_of``.

    The as-of day is read as its last moment: a due day equal to the as-of day is judged.
    """
    return day_end(last_day) <= day_end(as_of)


def as_of_day(value: date | str) -> date:
    """Accept an as-of day as a ``date`` or an ISO string; refuse a datetime and anything else."""
    if isinstance(value, datetime):
        raise ValueError("an as-of day (a date, not a date-time)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_day(value)
    raise ValueError("an as-of day as a date or YYYY-MM-DD")


def moment_of(value: date | datetime | str) -> datetime:
    """A moment in Asia/Shanghai from a day (read as its last moment, as an as-of day is) or an
    offset-aware date-time (a ``datetime`` or ISO text with its offset)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a date-time with a UTC offset")
        return _plain(pendulum.instance(value).in_timezone(_TZ))
    if isinstance(value, date):
        return day_end(value)
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.fullmatch(text):
            return day_end(parse_day(text))
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("a day as YYYY-MM-DD or a date-time with a UTC offset") from None
        return moment_of(parsed)
    raise ValueError("a day as YYYY-MM-DD or a date-time with a UTC offset")


def microseconds(moment: datetime) -> int:
    """Microseconds since 1970-01-01T00:00Z: a moment as a whole number, exactly."""
    return (moment - _EPOCH) // _MICROSECOND


def _plain(moment: pendulum.DateTime) -> datetime:
    """A standard-library datetime in Asia/Shanghai (pendulum types stay inside this module)."""
    return datetime(
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
        tzinfo=_TZ,
    )


def _known_years() -> tuple[int, int]:
    years = sorted({day.year for day in chinese_calendar.holidays})
    return years[0], years[-1]


WORKING_DAY_YEARS = _known_years()
"""The first and last year whose working days the Chinese holiday calendar knows (read where
used, through ``working_day_years()``, so that a test can hold the calendar to a fixed year)."""


def working_day_years() -> tuple[int, int]:
    """The first and last year whose working days the calendar knows."""
    return WORKING_DAY_YEARS


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day (工作日) in China: not a weekend day or a statutory
    holiday, unless an adjusted working day (调休). Raises ``CalendarError`` outside
    ``WORKING_DAY_YEARS``."""
    first, last = working_day_years()
    if not first <= day.year <= last:
        raise CalendarError(
            f"{day.isoformat()}: the Chinese working-day calendar (chinesecalendar "
            f"{_package_version()}) knows {first}–{last} only; a later release of the package "
            f"may know {day.year}"
        )
    return workday(day)


@functools.cache
def workday(day: date) -> bool:
    """``chinese_calendar.is_workday``, once per day: the package scans its whole table of
    holidays on every call (≈ 0.1 ms), which a monitor counting due days for every held act
    as the clock moves cannot afford."""
    return bool(chinese_calendar.is_workday(day))


class WorkingDayCount(NamedTuple):
    """The Nth working day after a day (``exact``), or, when the count reaches a year the
    calendar does not know, the earliest day it can be (``exact`` false): each day of such a
    year is read as a working day, so the real Nth working day is this day or later."""

    day: date
    exact: bool


def count_working_days(day: date, count: int) -> WorkingDayCount:
    """Count ``count`` working days after ``day`` (``day`` not counted), as far as the
    calendar knows them."""
    if count < 1:
        raise ValueError("a count of one working day or more")
    return _count_working_days(day, count, *working_day_years())


@functools.lru_cache(maxsize=65536)
def _count_working_days(day: date, count: int, first: int, last: int) -> WorkingDayCount:
    current, counted, exact = day, 0, True
    while counted < count:
        current += timedelta(days=1)
        if first <= current.year <= last:
            counted += workday(current)
        else:
            counted, exact = counted + 1, False
    return WorkingDayCount(current, exact)


def last_known_day() -> date:
    """The last day whose working-day status the calendar knows (31 December of its last year)."""
    return year_end(working_day_years()[1])


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` ("…之日起N个工作日内": ``day`` not counted).
    Raises ``CalendarError`` when the count reaches a year the calendar does not know.

    >>> add_working_days(date(2024, 9, 29), 7)  # 1–7 October off, Saturday 12 October worked
    datetime.date(2024, 10, 14)
    """
    reached = count_working_days(day, count)
    if not reached.exact:
        first, last = working_day_years()
        raise CalendarError(
            f"{count} working day(s) after {day.isoformat()}: the Chinese working-day calendar "
            f"(chinesecalendar {_package_version()}) knows {first}–{last} only; the count reaches "
            f"a year it does not know (python -m pip install -U chinesecalendar)"
        )
    return reached.day


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed with the library
        return "?"
