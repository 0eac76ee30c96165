"""Calendar readings fixed for the whole project (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from enforcement_rules import _dates


def test_a_due_day_ends_at_its_last_microsecond_in_shanghai() -> None:
    end = _dates.day_end(date(2025, 1, 15))
    assert end.isoformat() == "2025-01-15T23:59:59.999999+08:00"


def test_a_moment_is_read_as_its_day_in_shanghai() -> None:
    assert _dates.local_day(datetime(2025, 1, 15, 15, 59, tzinfo=UTC)) == date(2025, 1, 15)
    assert _dates.local_day(datetime(2025, 1, 15, 16, 30, tzinfo=UTC)) == date(2025, 1, 16)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_a_month_after_is_the_same_day_number_or_the_months_last_day(
    start: date, months: int, expected: date
) -> None:
    assert _dates.add_months(start, months) == expected


def test_month_ends_and_quarters() -> None:
    assert _dates.month_end(2024, 6) == date(2024, 6, 30)
    assert _dates.month_end(2024, 2) == date(2024, 2, 29)
    assert _dates.quarter_of(date(2024, 4, 1)) == 2
    assert _dates.quarter_bounds(2024, 4) == (date(2024, 10, 1), date(2024, 12, 31))


def test_a_period_ending_on_the_as_of_day_has_ended_and_one_ending_after_has_not() -> None:
    assert _dates.has_ended(date(2024, 6, 30), date(2024, 6, 30))
    assert not _dates.has_ended(date(2024, 7, 1), date(2024, 6, 30))


@pytest.mark.parametrize("text", ["2024-1-5", "20240105", "2024-02-30", "2024-06-30T00:00:00"])
def test_only_real_iso_days_are_days(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _dates.parse_day(text)
