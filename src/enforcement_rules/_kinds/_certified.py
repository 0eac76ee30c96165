"""Whether an officer held a valid certificate on a given day, for any table of
(officer, day) pairs."""

from __future__ import annotations

import polars as pl

from .._semantics import valid_expr


def with_certified(frame: pl.DataFrame, certificates: pl.DataFrame, day: str) -> pl.DataFrame:
    """``frame`` (with ``officer`` and the day column ``day``) plus a boolean ``certified``:
    the officer held a certificate valid on that day."""
    keyed = frame.with_row_index("_row")
    valid = (
        keyed.select("_row", "officer", day)
        .join(certificates.drop(day, strict=False), on="officer", how="inner")
        .filter(valid_expr(day))
        .select("_row")
        .unique()
        .with_columns(pl.lit(True).alias("certified"))
    )
    return (
        keyed.join(valid, on="_row", how="left")
        .with_columns(pl.col("certified").fill_null(False))
        .sort("_row")
        .drop("_row")
    )
