"""Two evaluations compared: which findings are new, which were resolved, which are still open.

A finding is the same finding in two runs when it has the same **rule**, the same **subject**
(record type, id and department: a task of a task table is owed by each of its departments)
and the same **period** (``None`` for rules without one): its status,
figures and wording may change between runs (a missing report becomes late), it stays the
same finding. Two findings of one rule, subject and period in one run are paired in order.

A finding a waiver covers (``waived``) is neither new nor resolved: a finding open before and
waived now is listed under ``waived``, with its earlier status; one waived before and open now
(its waiver expired) is still open, its earlier status ``waived``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ._errors import InputError, Problem
from ._order import sort_frame

IDENTITY = ["rule", "subject_type", "subject_id", "department", "period"]
"""What makes two findings of two runs the same finding."""

DIFF_COLUMNS: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "subject_type": pl.String(),
    "subject_id": pl.String(),
    "period": pl.String(),
    "department": pl.String(),
    "department_name": pl.String(),
    "severity": pl.String(),
    "status": pl.String(),
    "message": pl.String(),
}
_ORDER = ["department", "rule", "subject_id", "period"]
_PAIR = "__pair"
WAIVED = "waived"
"""The earlier status of a finding that was waived then."""


def _no_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=DIFF_COLUMNS)


@dataclass(frozen=True)
class ReportDiff:
    """The findings of a later evaluation against an earlier one.

    Attributes:
        old_as_of: The earlier evaluation day.
        new_as_of: The later evaluation day.
        new: Findings of the later run the earlier one did not have.
        resolved: Findings of the earlier run the later one no longer has.
        still_open: Findings in both runs, as the later run words them, with the earlier
            status in ``old_status`` (``waived`` where a waiver covered it then).
        waived: Findings of the later run a waiver covers, with the earlier status in
            ``old_status`` (``waived``, a status, or null where the earlier run had none).
    """

    old_as_of: str
    new_as_of: str
    new: pl.DataFrame
    resolved: pl.DataFrame
    still_open: pl.DataFrame
    waived: pl.DataFrame = dataclasses.field(default_factory=_no_findings)

    def counts(self) -> dict[str, int]:
        """How many findings are new, resolved, still open and waived."""
        return {
            "new": self.new.height,
            "resolved": self.resolved.height,
            "still_open": self.still_open.height,
            "waived": self.waived.height,
        }

    def by(self, column: str) -> pl.DataFrame:
        """Per ``department`` or ``rule``: how many findings are new, resolved, still open."""
        if column not in ("department", "rule"):
            raise ValueError(f"by department or rule; got {column!r}")
        parts = [
            frame.group_by(column).agg(pl.len().alias(name))
            for name, frame in (
                ("new", self.new),
                ("resolved", self.resolved),
                ("still_open", self.still_open),
            )
        ]
        keys = pl.concat([p.select(column) for p in parts]).unique()
        for part in parts:
            keys = keys.join(part, on=column, how="left", nulls_equal=True)
        counted = keys.with_columns(pl.col("new", "resolved", "still_open").fill_null(0))
        return sort_frame(counted, [column])

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data."""
        return {
            "old_as_of": self.old_as_of,
            "new_as_of": self.new_as_of,
            "identity": IDENTITY,
            "counts": self.counts(),
            "by_department": self.by("department").to_dicts(),
            "by_rule": self.by("rule").to_dicts(),
            "new": self.new.to_dicts(),
            "resolved": self.resolved.to_dicts(),
            "still_open": self.still_open.to_dicts(),
            "waived": self.waived.to_dicts(),
        }


def diff_frames(
    old: pl.DataFrame,
    new: pl.DataFrame,
    old_as_of: str,
    new_as_of: str,
    *,
    old_waived: pl.DataFrame | None = None,
    new_waived: pl.DataFrame | None = None,
) -> ReportDiff:
    """Compare two frames of findings with the columns of ``DIFF_COLUMNS`` (and the findings
    each run waived)."""
    old, new = _paired(old), _paired(new)
    old_w = _paired(old_waived if old_waived is not None else _no_findings())
    new_w = _paired(new_waived if new_waived is not None else _no_findings())
    keys = [*IDENTITY, _PAIR]
    # what each run had: open findings with their status, waived ones as "waived"
    before = pl.concat(
        [
            old.select(*keys, pl.col("status").alias("old_status")),
            old_w.select(*keys, pl.lit(WAIVED).alias("old_status")),
        ]
    ).unique(keys, keep="first", maintain_order=True)
    after = pl.concat([new.select(keys), new_w.select(keys)])
    opened = new.join(before, on=keys, how="anti", nulls_equal=True)
    resolved = old.join(after, on=keys, how="anti", nulls_equal=True)
    still = new.join(before, on=keys, how="inner", nulls_equal=True)
    waived = new_w.join(before, on=keys, how="left", nulls_equal=True)
    return ReportDiff(
        old_as_of=old_as_of,
        new_as_of=new_as_of,
        new=sort_frame(opened, _ORDER).drop(_PAIR),
        resolved=sort_frame(resolved, _ORDER).drop(_PAIR),
        still_open=sort_frame(still, _ORDER).drop(_PAIR),
        waived=sort_frame(waived, _ORDER).drop(_PAIR),
    )


def _paired(frame: pl.DataFrame) -> pl.DataFrame:
    """Number findings of one identity in a run, so that repeated ones pair up in order."""
    return frame.select(list(DIFF_COLUMNS)).with_columns(
        pl.int_range(pl.len()).over(IDENTITY).alias(_PAIR)
    )


def read_report(path: str | Path) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """The findings of a JSON report (``check --format json``), those it lists as waived (none
    in a report written before waivers existed), and its as-of day."""
    source = Path(path)
    name = str(path)

    def refuse(where: str, expected: str, got: str | None = None) -> InputError:
        return InputError([Problem(name, where, None, expected, got)])

    try:
        data = json.loads(source.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise refuse("file", "a readable JSON report", error.strerror) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refuse("file", "a JSON report written by `check --format json`", str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise refuse("top level", 'an object with a "findings" array (check --format json)')
    waived = data.get("waived", [])
    if not isinstance(waived, list):
        raise refuse("waived", "an array of waived findings", type(waived).__name__)
    as_of = data.get("as_of")
    return (
        _findings(data["findings"], "findings", refuse),
        _findings(waived, "waived", refuse),
        as_of if isinstance(as_of, str) else "?",
    )


def _findings(items: list[Any], key: str, refuse: Any) -> pl.DataFrame:
    rows = []
    for index, finding in enumerate(items):
        subject = finding.get("subject") if isinstance(finding, dict) else None
        if not isinstance(finding, dict) or not isinstance(subject, dict):
            raise refuse(f"{key}[{index}]", "a finding with a subject")
        row = {
            "rule": finding.get("rule"),
            "subject_type": subject.get("type"),
            "subject_id": subject.get("id"),
            "period": finding.get("period"),
            "department": subject.get("department"),
            "department_name": subject.get("department_name"),
            "severity": finding.get("severity"),
            "status": finding.get("status"),
            "message": finding.get("message"),
        }
        for field, value in row.items():
            required = field in ("rule", "subject_type", "subject_id", "status", "severity")
            if (value is None and required) or (value is not None and not isinstance(value, str)):
                raise refuse(
                    f"{key}[{index}]",
                    f"{field} as text" + ("" if required else " or null"),
                    json.dumps(value, ensure_ascii=False)[:80],
                )
        rows.append(row)
    return pl.DataFrame(rows, schema=DIFF_COLUMNS)
