"""The frame every check returns, and a helper that builds it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

FINDING_COLUMNS: dict[str, pl.DataType] = {
    "subject_type": pl.String(),
    "subject_id": pl.String(),
    "department": pl.String(),
    "status": pl.String(),
    "period": pl.String(),
    "due": pl.Date(),
    "figures": pl.String(),  # JSON object of the figures that decided the finding
}


def columns_of(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """The columns ``names`` of ``frame``, in that order (without a query: on a small frame,
    a query costs more than the rule's own)."""
    if frame.columns == names:
        return frame
    return pl.DataFrame([frame.get_column(name) for name in names])


def stacked(frames: list[pl.DataFrame], columns: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The frames in ``columns`` (a report's), one below the other."""
    if not frames:
        return pl.DataFrame(schema=columns)
    return pl.concat([columns_of(f, list(columns)) for f in frames])


_EMPTY_FINDINGS = pl.DataFrame(schema=FINDING_COLUMNS)


def empty_findings() -> pl.DataFrame:
    return _EMPTY_FINDINGS.clear()  # a new frame, without building the schema again


def finding_frame(
    frame: pl.DataFrame,
    *,
    subject_type: str,
    subject_id: pl.Expr,
    department: pl.Expr,
    status: pl.Expr | str,
    figures: dict[str, pl.Expr],
    period: pl.Expr | str | None = None,
    due: pl.Expr | date | None = None,
) -> pl.DataFrame:
    """Select the finding columns from ``frame``, one finding per row."""
    if frame.height == 0:
        return empty_findings()

    def literal(value: pl.Expr | str | date | None, dtype: pl.DataType) -> pl.Expr:
        if isinstance(value, pl.Expr):
            return value.cast(dtype)
        return pl.lit(value, dtype=dtype)

    return frame.select(
        pl.lit(subject_type, dtype=pl.String).alias("subject_type"),
        subject_id.cast(pl.String).alias("subject_id"),
        department.cast(pl.String).alias("department"),
        literal(status, pl.String()).alias("status"),
        literal(period, pl.String()).alias("period"),
        literal(due, pl.Date()).alias("due"),
        pl.struct([expr.alias(name) for name, expr in figures.items()])
        .struct.json_encode()
        .alias("figures"),
    )


EXEMPTION_COLUMNS: dict[str, pl.DataType] = {
    "subject_type": pl.String(),
    "subject_id": pl.String(),
    "department": pl.String(),
    "basis": pl.String(),  # the provision the record names as allowing it (e.g. a law)
    "figures": pl.String(),  # JSON object of the figures the rule would have reported
}


_EMPTY_EXEMPTIONS = pl.DataFrame(schema=EXEMPTION_COLUMNS)


def exemption_frame(
    frame: pl.DataFrame,
    *,
    subject_type: str,
    subject_id: pl.Expr,
    department: pl.Expr,
    basis: pl.Expr,
    figures: dict[str, pl.Expr],
) -> pl.DataFrame:
    """Select the exemption columns from ``frame``, one exempt record per row."""
    if frame.height == 0:
        return _EMPTY_EXEMPTIONS.clear()
    return frame.select(
        pl.lit(subject_type, dtype=pl.String).alias("subject_type"),
        subject_id.cast(pl.String).alias("subject_id"),
        department.cast(pl.String).alias("department"),
        basis.cast(pl.String).alias("basis"),
        pl.struct([expr.alias(name) for name, expr in figures.items()])
        .struct.json_encode()
        .alias("figures"),
    )
