"""Findings and the report of one evaluation."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol

import polars as pl

from ._dates import day_end
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS, Severity, SourceRef, Status

REPORT_COLUMNS: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "pack": pl.String(),
    "severity": pl.String(),
    "status": pl.String(),
    "subject_type": pl.String(),
    "subject_id": pl.String(),
    "department": pl.String(),
    "period": pl.String(),
    "due": pl.Date(),
    "figures": pl.String(),
}
ORDER = ["department", "rule", "subject_id", "period", "status"]


class Describes(Protocol):
    """What a report needs of a rule (or a data-quality check) to word its findings."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def fix_en(self) -> str: ...
    @property
    def sources(self) -> list[SourceRef]: ...

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: which rule, about what, decided by which figures, and the source."""

    rule: str
    title: str
    pack: str
    severity: Severity
    status: Status
    subject_type: str
    subject_id: str
    department: str | None
    period: str | None
    due: date | None
    figures: Mapping[str, Any]
    message: str
    message_en: str
    fix: str
    fix_en: str
    sources: tuple[SourceRef, ...] = field(default=())

    @property
    def quote(self) -> str:
        """The (first) verbatim sentence of the source the rule stands on."""
        return self.sources[0].quote if self.sources else ""

    @property
    def due_moment(self) -> datetime | None:
        """The last moment of the due day, in Asia/Shanghai."""
        return day_end(self.due) if self.due else None

    @property
    def is_violation(self) -> bool:
        """A breach of a requirement the text makes unconditionally (not pending, not a
        warning)."""
        return self.severity == Severity.VIOLATION and self.status != Status.PENDING

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "pack": self.pack,
            "severity": self.severity.value,
            "status": self.status.value,
            "subject": {
                "type": self.subject_type,
                "id": self.subject_id,
                "department": self.department,
            },
            "period": self.period,
            "due": self.due.isoformat() if self.due else None,
            "due_moment": self.due_moment.isoformat() if self.due_moment else None,
            "figures": dict(self.figures),
            "message": self.message,
            "message_en": self.message_en,
            "fix": self.fix,
            "fix_en": self.fix_en,
            "sources": [s.model_dump() for s in self.sources],
        }

    def explain(self) -> str:
        """A few lines a person reads: the rule, the figures, the quote, the fix."""
        lines = [
            f"[{self.rule}] {self.title}({SEVERITY_LABELS[self.severity]}·"
            f"{STATUS_LABELS[self.status]})",
            f"  {self.message}",
            f"  {self.message_en}",
        ]
        if self.figures:
            figures = ", ".join(f"{k}={_plain(v)}" for k, v in self.figures.items())
            lines.append(f"  依据数据 figures: {figures}")
        if self.due:
            lines.append(f"  期限 due: {self.due.isoformat()} 23:59:59 (Asia/Shanghai)")
        for source in self.sources:
            lines.append(f"  原文 source: {source.document} {source.section}")
            lines.append(f"    「{source.quote}」")
        lines.append(f"  整改 fix: {self.fix}")
        lines.append(f"    {self.fix_en}")
        return "\n".join(lines)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


class Report:
    """The findings of one evaluation, in a deterministic order.

    ``findings`` are built on first use from the columnar ``frame``; ``to_frame()`` returns a
    polars DataFrame view; ``to_dict()``/``to_json()`` serialise everything.
    """

    def __init__(
        self,
        *,
        as_of: date,
        packs: list[str],
        frame: pl.DataFrame,
        describers: Mapping[str, tuple[str, Describes]],
        warnings: list[str],
        exemptions: pl.DataFrame | None = None,
    ) -> None:
        self.as_of = as_of
        self.packs = packs
        self.frame = frame.select(list(REPORT_COLUMNS)).sort(ORDER, nulls_last=True)
        self._describers = describers
        self.warnings = warnings
        self.exemptions = exemptions if exemptions is not None else pl.DataFrame()

    @cached_property
    def findings(self) -> list[Finding]:
        return [self._finding(row) for row in self.frame.iter_rows(named=True)]

    def _finding(self, row: dict[str, Any]) -> Finding:
        _, rule = self._describers[row["rule"]]
        figures = json.loads(row["figures"]) if row["figures"] else {}
        message, message_en = rule.describe(row["subject_id"], figures)
        return Finding(
            rule=row["rule"],
            title=rule.title,
            pack=row["pack"],
            severity=Severity(row["severity"]),
            status=Status(row["status"]),
            subject_type=row["subject_type"],
            subject_id=row["subject_id"],
            department=row["department"],
            period=row["period"],
            due=row["due"],
            figures=figures,
            message=message,
            message_en=message_en,
            fix=rule.fix,
            fix_en=rule.fix_en,
            sources=tuple(_sources_for(rule, row["subject_id"], figures)),
        )

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return self.frame.height

    def __repr__(self) -> str:
        return (
            f"Report(as_of={self.as_of.isoformat()}, packs={self.packs}, "
            f"findings={len(self)}, violations={self.violation_count})"
        )

    # -- counts -------------------------------------------------------------------

    @property
    def violation_count(self) -> int:
        return self.frame.filter(_violation()).height

    @property
    def has_violations(self) -> bool:
        return self.violation_count > 0

    def counts(self, by: str) -> dict[str | None, int]:
        """Number of findings per value of a column: ``rule``, ``department``, ``status``..."""
        grouped = self.frame.group_by(by).len().sort(by, nulls_last=True)
        return dict(zip(grouped[by].to_list(), grouped["len"].to_list(), strict=True))

    def summary(self) -> pl.DataFrame:
        """Per department and rule: findings, violations, pending, warnings."""
        return (
            self.frame.group_by("department", "rule")
            .agg(
                pl.len().alias("findings"),
                _violation().sum().alias("violations"),
                (pl.col("status") == Status.PENDING.value).sum().alias("pending"),
                (
                    (pl.col("severity") == Severity.WARNING.value)
                    & (pl.col("status") != Status.PENDING.value)
                )
                .sum()
                .alias("warnings"),
            )
            .sort("department", "rule", nulls_last=True)
        )

    # -- views --------------------------------------------------------------------

    def filter(
        self,
        *,
        rule: str | None = None,
        department: str | None = None,
        status: str | None = None,
        severity: str | None = None,
        subject_id: str | None = None,
    ) -> Report:
        """A report holding only the findings that match every criterion given."""
        condition = pl.lit(True)
        for column, value in (
            ("rule", rule),
            ("department", department),
            ("status", status),
            ("severity", severity),
            ("subject_id", subject_id),
        ):
            if value is not None:
                condition &= pl.col(column) == value
        return Report(
            as_of=self.as_of,
            packs=self.packs,
            frame=self.frame.filter(condition),
            describers=self._describers,
            warnings=self.warnings,
            exemptions=self.exemptions,
        )

    def explain(self, finding: Finding) -> str:
        """A few lines a person reads about one finding."""
        return finding.explain()

    def to_frame(self) -> pl.DataFrame:
        """Findings as a polars DataFrame, with the message and quote of each."""
        findings = self.findings
        return self.frame.with_columns(
            pl.Series("title", [f.title for f in findings], dtype=pl.String),
            pl.Series("message", [f.message for f in findings], dtype=pl.String),
            pl.Series("message_en", [f.message_en for f in findings], dtype=pl.String),
            pl.Series("quote", [f.quote for f in findings], dtype=pl.String),
            pl.Series("fix", [f.fix for f in findings], dtype=pl.String),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "packs": self.packs,
            "counts": {
                "findings": len(self),
                "violations": self.violation_count,
                "by_status": self.counts("status"),
                "by_rule": self.counts("rule"),
                "by_department": self.counts("department"),
            },
            "warnings": self.warnings,
            "exemptions": self.exemptions.to_dicts() if self.exemptions.height else [],
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=str)


def _sources_for(rule: Describes, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
    """A rule's sources for one finding (a task table quotes the task's row first)."""
    sources_for = getattr(rule, "sources_for", None)
    return list(sources_for(subject_id, figures)) if sources_for else list(rule.sources)


def _violation() -> pl.Expr:
    return (pl.col("severity") == Severity.VIOLATION.value) & (
        pl.col("status") != Status.PENDING.value
    )
