"""Data-quality findings: references to records that are not there, ids used twice.

They are not requirements of a document; they say where the records cannot be fully
checked. They are reported with the rest (severity ``warning``), never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ._errors import Problem
from ._figures import Figures, figure
from ._findings import finding_frame
from ._legal_basis import derived_level
from ._records import Records
from ._rulebase import Severity, SourceRef, Status


class UnknownReferenceFigures(Figures):
    record_type: str = figure("记录类型", "record type")
    field: str = figure("字段", "field")
    target_type: str = figure("引用的记录类型", "referred record type")
    missing: str = figure("缺失的编号", "missing id")


class DuplicateIdFigures(Figures):
    record_type: str = figure("记录类型", "record type")
    count: int = figure("次数", "count")


class UnknownBasisLevelFigures(Figures):
    record_type: str = figure("记录类型", "record type")
    field: str = figure("字段", "field")
    basis: str = figure("依据", "basis")


PACK = "data-quality"


@dataclass(frozen=True)
class QualityCheck:
    id: str
    title: str
    title_en: str
    fix: str
    fix_en: str
    sources: list[SourceRef] = field(default_factory=list)
    severity: Severity = Severity.WARNING

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        if self.id == BASIS_LEVEL_UNKNOWN.id:
            return (
                f"{figures['record_type']} 记录 {subject_id} 的 {figures['field']}"
                f"「{figures['basis']}」从名称看不出效力层级，记录也未载明（basis_level），"
                f"有关规则不据此判断其层级。",
                f"{figures['record_type']} record {subject_id}: the level of its "
                f"{figures['field']} {figures['basis']!r} shows neither in its title nor in "
                f"basis_level, so no rule judges its level.",
            )
        if self.id == UNKNOWN_REFERENCE.id:
            return (
                f"{figures['record_type']} 记录 {subject_id} 的 {figures['field']} 引用了不存在的"
                f"{figures['target_type']}:{figures['missing']}。",
                f"{figures['record_type']} record {subject_id}: {figures['field']} names "
                f"{figures['target_type']} {figures['missing']}, which is not in the records.",
            )
        return (
            f"{figures['record_type']} 记录编号 {subject_id} 出现 {figures['count']} 次。",
            f"{figures['record_type']} id {subject_id} is used by {figures['count']} records.",
        )


UNKNOWN_REFERENCE = QualityCheck(
    id="data-quality.unknown-reference",
    title="引用了不存在的记录",
    title_en="A reference to a record that is not there",
    fix="补充被引用的记录，或更正引用的编号。",
    fix_en="Add the record referred to, or correct the id that refers to it.",
)
DUPLICATE_ID = QualityCheck(
    id="data-quality.duplicate-id",
    title="记录编号重复",
    title_en="Two records with one id",
    fix="为每条记录使用唯一编号，删除或合并重复的记录。",
    fix_en="Give every record its own id; remove or merge the duplicates.",
)
BASIS_LEVEL_UNKNOWN = QualityCheck(
    id="data-quality.basis-level-unknown",
    title="法律依据的效力层级不明",
    title_en="A legal basis of unknown level",
    fix="在记录的 basis_level（依据层级）中载明法律、行政法规、地方性法规、规章或规范性文件，"
    "或以《名称》第…条的形式写明依据。",
    fix_en="State the basis's level in basis_level (law, administrative regulation, local "
    "regulation, rules, normative document), or cite it as 《title》第…条.",
)
CHECKS = {c.id: c for c in (UNKNOWN_REFERENCE, DUPLICATE_ID, BASIS_LEVEL_UNKNOWN)}
# (table, column naming a legal basis): the bases whose level the rules read
_BASES = [
    ("actions", "exception_basis"),
    ("monitoring_devices", "legal_basis"),
    ("entrustments", "legal_basis"),
]

# (table, column holding the reference, table referred to, whether the column is a list)
_REFERENCES = [
    ("officers", "department", "departments", False),
    ("certificates", "officer", "officers", False),
    ("trainings", "officer", "officers", False),
    ("actions", "department", "departments", False),
    ("actions", "participants", "officers", True),
    ("submissions", "department", "departments", False),
    ("activities", "department", "departments", False),
    ("task_reports", "department", "departments", False),
    ("campaign_enrollments", "department", "departments", False),
    ("exams", "officer", "officers", False),
    ("contest_teams", "department", "departments", False),
    ("contest_teams", "members", "officers", True),
    ("monitoring_devices", "department", "departments", False),
    ("entrustments", "department", "departments", False),
]
_WITH_IDS = [
    "departments",
    "officers",
    "certificates",
    "actions",
    "submissions",
    "activities",
    "contest_teams",
    "monitoring_devices",
    "entrustments",
    # ids are optional in these; a repeated id is still two records under one name
    "trainings",
    "task_reports",
    "exam_papers",
]


def quality_findings(records: Records) -> pl.DataFrame:
    """Data-quality findings of every kind, with ``rule``/``pack``/``severity`` columns."""
    frames = []
    for table, column, target, is_list in _REFERENCES:
        frame = records.table(table)
        if frame.height == 0:
            continue
        known = records.table(target).select(pl.col("id").alias("_ref"))
        # Only the references are joined; the records they are in are read for those missing.
        refs = frame.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), pl.col(column).alias("_ref")
        )
        if is_list:
            refs = refs.explode("_ref").filter(pl.col("_ref").is_not_null())
        missing = refs.join(known, on="_ref", how="anti", maintain_order="left")
        if missing.height == 0:
            continue
        rows = missing["_row"]
        located = frame.select(
            _subject_id(frame, table).gather(rows).alias("_subject"),
            (
                pl.col("department").gather(rows)
                if "department" in frame.columns
                else pl.repeat(None, rows.len(), dtype=pl.String)
            ).alias("_department"),
            missing["_ref"],
        )
        grouped = located.group_by("_subject", maintain_order=True).agg(
            pl.col("_department").first(), pl.col("_ref").unique(maintain_order=True)
        )
        frames.append(
            finding_frame(
                grouped,
                subject_type=table.removesuffix("s"),
                subject_id=pl.col("_subject"),
                department=pl.col("_department"),
                status=Status.NOT_MET.value,
                figures=UnknownReferenceFigures.columns(
                    record_type=pl.lit(table),
                    field=pl.lit(column),
                    target_type=pl.lit(target),
                    missing=pl.col("_ref").list.join("、"),
                ),
            ).with_columns(pl.lit(UNKNOWN_REFERENCE.id).alias("rule"))
        )
    for table in _WITH_IDS:
        if not records.repeats_ids(table):
            continue
        frame = records.table(table).filter(pl.col("id").is_not_null())
        counts = (
            frame.group_by("id")
            .agg(
                pl.len().alias("count"),
                (
                    pl.col("department").first()
                    if "department" in frame.columns
                    else pl.lit(None, dtype=pl.String)
                ).alias("_department"),
            )
            .filter(pl.col("count") > 1)
        )
        frames.append(
            finding_frame(
                counts,
                subject_type=table.removesuffix("s"),
                subject_id=pl.col("id"),
                department=pl.col("_department"),
                status=Status.NOT_MET.value,
                figures=DuplicateIdFigures.columns(
                    record_type=pl.lit(table), count=pl.col("count")
                ),
            ).with_columns(pl.lit(DUPLICATE_ID.id).alias("rule"))
        )
    for table, column in _BASES:
        frame = records.table(table)
        named = frame.filter(pl.col(column).is_not_null() & pl.col("basis_level").is_null())
        if named.height == 0:
            continue
        texts = named.get_column(column).unique()
        unknown = [t for t in texts if derived_level(t) is None]
        unclear = named.filter(pl.col(column).is_in(unknown))
        if unclear.height == 0:
            continue
        frames.append(
            finding_frame(
                unclear,
                subject_type=table.removesuffix("s"),
                subject_id=pl.col("id"),
                department=pl.col("department"),
                status=Status.NOT_MET.value,
                figures=UnknownBasisLevelFigures.columns(
                    record_type=pl.lit(table), field=pl.lit(column), basis=pl.col(column)
                ),
            ).with_columns(pl.lit(BASIS_LEVEL_UNKNOWN.id).alias("rule"))
        )
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).with_columns(
        pl.lit(PACK).alias("pack"), pl.lit(Severity.WARNING.value).alias("severity")
    )


def _subject_id(frame: pl.DataFrame, table: str) -> pl.Expr:
    if "id" in frame.columns:
        return pl.coalesce(pl.col("id"), pl.format(table + "[{}]", pl.int_range(pl.len()))).cast(
            pl.String
        )
    return pl.format(table + "[{}]", pl.int_range(pl.len()))


def quality_problems(quality: pl.DataFrame, origin: str) -> list[Problem]:
    """Data-quality findings as input problems (for strict evaluation)."""
    problems = []
    for row in quality.iter_rows(named=True):
        if row["rule"] == BASIS_LEVEL_UNKNOWN.id:
            continue  # a basis of unknown level is not judged; the records are still usable
        figures = json.loads(row["figures"])
        record = f"{figures['record_type']} record {row['subject_id']}"
        if row["rule"] == UNKNOWN_REFERENCE.id:
            problems.append(
                Problem(
                    origin,
                    record,
                    figures["field"],
                    f"ids of {figures['target_type']} in the records",
                    figures["missing"],
                )
            )
        else:
            problems.append(
                Problem(
                    origin,
                    f"{figures['record_type']} id {row['subject_id']}",
                    "id",
                    "each id once",
                    f"{figures['count']} records",
                )
            )
    return problems
