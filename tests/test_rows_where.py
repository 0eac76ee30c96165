"""``rows_where`` keeps exactly the rows ``filter`` keeps, picked by position in a small frame
and filtered in a large one."""

from __future__ import annotations

import polars as pl
import pytest

from enforcement_rules import _conditions
from enforcement_rules._conditions import rows_where


@pytest.mark.parametrize("picked_up_to", [-1, 10_000])  # filtered, picked by position
def test_rows_where_keeps_the_rows_filter_keeps(
    picked_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_conditions, "PICKED_UP_TO", picked_up_to)
    frame = pl.DataFrame(
        {
            "n": [3, None, 1, 7, 2, None],
            "who": [["a"], [], None, ["b", "c"], ["d"], ["e"]],
            "day": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 1, 6), eager=True),
        }
    )
    for predicate in (
        pl.col("n") > 1,  # null compares null: not kept
        pl.col("n").is_null(),
        pl.lit(False),
        pl.lit(True),
        pl.col("who").list.len() > 0,
    ):
        assert rows_where(frame, predicate).equals(frame.filter(predicate))
    empty = frame.clear()
    assert rows_where(empty, pl.col("n") > 1).equals(empty)
