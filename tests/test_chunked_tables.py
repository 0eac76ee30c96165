"""Tables held in several chunks (a host's concatenated frames, the synthetic province's) are
evaluated like whole ones, whatever the as-of day: filtering one by the as-of day can leave
an empty first chunk, on which some polars expressions panic."""

from __future__ import annotations

import functools
from datetime import date

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._synthetic import province_records


def _in_two_chunks(rows: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """``rows`` concatenated from two frames, the first row alone, with ids added after: the
    id column is one chunk, the others two, and filtering out the first row leaves them an
    empty first chunk."""
    return pl.concat([rows.head(1), rows.tail(-1)], rechunk=False).with_columns(id=pl.Series(ids))


def _findings(records: er.Records, as_of: str) -> list[tuple[str, str, str, str]]:
    report = er.evaluate(records, as_of=as_of)
    return sorted((f.rule, f.subject_id, f.status.value, f.period or "") for f in report.findings)


def test_task_reports_in_chunks_are_evaluated_like_one_table() -> None:
    department = pl.DataFrame(
        [
            {
                "id": "DWK-SFJ",
                "name": "大武口区司法局",
                "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
                "level": "county",
                "domain": "司法行政",
            }
        ]
    )
    rows = pl.DataFrame(
        {
            "task": ["DWK-26"] * 3,
            "department": ["DWK-SFJ"] * 3,
            "completed_on": [date(2024, 12, 20), date(2024, 5, 1), date(2024, 5, 2)],
        }
    )
    reports = _in_two_chunks(rows, ["R1", "R2", "R3"])
    chunked = er.Records.from_frames({"departments": department, "task_reports": reports})
    whole = er.Records.from_frames({"departments": department, "task_reports": reports.rechunk()})
    found = _findings(chunked, "2024-06-20")
    assert found == _findings(whole, "2024-06-20")
    assert any(rule == "D.tasks" for rule, *_ in found)  # the task table was evaluated


def test_quarterly_submissions_in_chunks_are_evaluated_like_one_table() -> None:
    department = pl.DataFrame(
        [
            {
                "id": "ZZ",
                "name": "郑州市交通运输局",
                "region": ["河南省", "郑州市"],
                "level": "city",
                "domain": "交通运输",
            }
        ]
    )
    rows = pl.DataFrame(
        {
            "department": ["ZZ"] * 3,
            "obligation": ["henan-quarterly-progress-report"] * 3,
            "submitted_on": [date(2023, 12, 20), date(2023, 3, 20), date(2023, 5, 2)],
        }
    )
    submissions = _in_two_chunks(rows, ["S1", "S2", "S3"])
    chunked = er.Records.from_frames({"departments": department, "submissions": submissions})
    whole = er.Records.from_frames(
        {"departments": department, "submissions": submissions.rechunk()}
    )
    found = _findings(chunked, "2023-06-20")
    assert found == _findings(whole, "2023-06-20")
    assert ("H7", "ZZ", "missing", "2022-Q4") in found  # the quarterly rule was evaluated


@functools.cache
def _province(seed: int) -> er.Records:
    return province_records(0.001, seed=seed)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=1, max_value=4),
    as_of=st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
)
@example(seed=3, as_of=date(2024, 6, 20))
@example(seed=3, as_of=date(2022, 5, 10))
def test_a_small_province_is_evaluated_on_any_day(seed: int, as_of: date) -> None:
    """Before, during and after the packs' periods, valid records give a report."""
    er.evaluate(_province(seed), as_of=as_of)
