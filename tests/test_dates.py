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


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2024", "2024"),
        ("2024-Q1", "2024-Q1"),
        ("2024年", "2024"),
        ("2024年第1季度", "2024-Q1"),
        ("2024年第四季度", "2024-Q4"),
        ("2024年二季度", "2024-Q2"),
    ],
)
def test_periods_are_written_as_a_year_or_a_quarter(text: str, label: str) -> None:
    assert _dates.period_label(text) == label


@pytest.mark.parametrize("text", ["2024Q1", "2024-Q5", "24", "2024年第五季度", "2024-03"])
def test_other_period_texts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="2024-Q1"):
        _dates.period_label(text)


def test_quarters_and_years_overlapping_a_period_in_force() -> None:
    assert _dates.quarters_overlapping(date(2021, 8, 14), date(2022, 1, 1)) == [
        (2021, 3),
        (2021, 4),
        (2022, 1),
    ]
    assert _dates.years_overlapping(date(2022, 7, 20), date(2024, 12, 31)) == [2022, 2023, 2024]


def test_a_month_day_in_a_year_without_29_february_is_its_last_day() -> None:
    assert _dates.month_day(2025, 1, 15) == date(2025, 1, 15)
    assert _dates.month_day(2025, 2, 29) == date(2025, 2, 28)
    assert _dates.month_day(2024, 2, 29) == date(2024, 2, 29)
