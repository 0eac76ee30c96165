"""Data-quality findings: references to records that are not there, ids used twice.

They are not requirements of a document; they say where the records cannot be fully
checked. They are reported with the rest (severity ``warning``), never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from ._errors import Problem
from ._figures import Figures, figure
from ._findings import columns_of, finding_frame
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
_TARGETS = tuple(dict.fromkeys(target for _, _, target, _ in _REFERENCES))
# The tables read for references and bases, each once
_READ = tuple(dict.fromkeys([*(r[0] for r in _REFERENCES), *(b[0] for b in _BASES)]))
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


class QualitySource(Protocol):
    """Records as the data-quality checks read them: a table's rows piece by piece, so that a
    folder too large for memory is checked file by file (``_scan``), and its ids alone."""

    def pieces(self, name: str, columns: Sequence[str]) -> Iterator[tuple[int, pl.DataFrame]]:
        """The rows of a table in their order, in pieces: the number of a piece's first row in
        the table, and the piece's ``columns`` (those the table has; it may hold others),
        validated."""
        ...

    def ids(self, name: str) -> pl.Series:
        """The ids of a table's records (each once; only the ids are read)."""
        ...

    def repeated_ids(self, name: str) -> pl.Series:
        """The ids two records of a table share (only the ids are read)."""
        ...


class _Held:
    """Records in memory as one piece per table."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def pieces(self, name: str, columns: Sequence[str]) -> Iterator[tuple[int, pl.DataFrame]]:
        frame = self.records.table(name)
        if frame.height <= FEW_RECORDS:  # as held: a frame of the columns asked for costs more
            if frame.height:  # than a small table's checks; an empty table has no piece
                yield 0, frame
        else:
            yield 0, columns_of(frame, [c for c in columns if c in frame.columns])

    def ids(self, name: str) -> pl.Series:
        return self.records.table(name)["id"]

    def repeated_ids(self, name: str) -> pl.Series:
        if self.records.table(name).height < 2 or not self.records.repeats_ids(name):
            return _NO_IDS
        ids = self.records.table(name)["id"].drop_nulls()
        return ids.filter(ids.is_duplicated()).unique()


_NO_IDS = pl.Series("id", [], dtype=pl.String)


def quality_findings(records: Records | QualitySource) -> pl.DataFrame:
    """Data-quality findings of every kind, with ``rule``/``pack``/``severity`` columns.

    Each table is read once, piece by piece (``QualitySource``): what is held at once is one
    piece, the ids referred to, and the records found wanting."""
    source = _Held(records) if isinstance(records, Records) else records
    known = {target: _Known(source.ids(target)) for target in _TARGETS}
    references: dict[tuple[str, str], list[pl.DataFrame]] = {}
    bases: dict[tuple[str, str], list[pl.DataFrame]] = {}
    levels: dict[str, bool] = {}  # a basis's text: whether its level shows in it
    for table in _READ:
        refs = [r for r in _REFERENCES if r[0] == table]
        named = [column for t, column in _BASES if t == table]
        columns = ["id", "department", *(r[1] for r in refs), *named]
        columns += ["basis_level"] if named else []
        for offset, piece in source.pieces(table, tuple(dict.fromkeys(columns))):
            if piece.height == 0:
                continue
            for _, column, target, is_list in refs:
                missing = _missing(piece, table, offset, column, known[target], is_list)
                if missing is not None:
                    references.setdefault((table, column), []).append(missing)
            for column in named:
                unclear = _unclear(piece, column, levels)
                if unclear is not None:
                    bases.setdefault((table, column), []).append(unclear)
    frames = [
        _unknown_reference_findings(pl.concat(references[(table, column)]), table, column, target)
        for table, column, target, _ in _REFERENCES
        if (table, column) in references
    ]
    frames += _duplicate_ids(source)
    frames += [
        _unknown_basis_findings(pl.concat(bases[(table, column)]), table, column)
        for table, column in _BASES
        if (table, column) in bases
    ]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).with_columns(
        pl.lit(PACK).alias("pack"), pl.lit(Severity.WARNING.value).alias("severity")
    )


class _Known:
    """The ids of one table that references name: as a column, and for a few, in Python."""

    def __init__(self, ids: pl.Series) -> None:
        self.frame = ids.to_frame("_ref")
        self.few = set(ids.to_list()) if ids.len() <= FEW_RECORDS else None


FEW_RECORDS = 4096
"""A table of up to this many records is looked at in Python first (its ids, the references
it makes): a query costs more than a small check's lookups."""


def _missing(
    piece: pl.DataFrame,
    table: str,
    offset: int,
    column: str,
    known: _Known,
    is_list: bool,
) -> pl.DataFrame | None:
    """The references of ``column`` in ``piece`` to no ``known`` id, with their records'
    subject and department; ``None`` when there are none."""
    if known.few is not None and piece.height <= FEW_RECORDS:
        values = piece.get_column(column).to_list()
        named = {v for cell in values if cell for v in cell} if is_list else set(values)
        if named - {None} <= known.few:
            return None
    # Only the references are joined; the records they are in are read for those missing.
    refs = piece.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), pl.col(column).alias("_ref")
    )
    if is_list:
        refs = refs.explode("_ref").filter(pl.col("_ref").is_not_null())
    missing = refs.join(known.frame, on="_ref", how="anti", maintain_order="left")
    if missing.height == 0:
        return None
    rows = missing["_row"]
    return piece.select(
        _subject_id(piece, table, offset).gather(rows).alias("_subject"),
        (
            pl.col("department").gather(rows)
            if "department" in piece.columns
            else pl.repeat(None, rows.len(), dtype=pl.String)
        ).alias("_department"),
        missing["_ref"],
    )


def _unknown_reference_findings(
    located: pl.DataFrame, table: str, column: str, target: str
) -> pl.DataFrame:
    grouped = located.group_by("_subject", maintain_order=True).agg(
        pl.col("_department").first(), pl.col("_ref").unique(maintain_order=True)
    )
    figures = UnknownReferenceFigures.columns(
        record_type=pl.lit(table),
        field=pl.lit(column),
        target_type=pl.lit(target),
        missing=pl.col("_ref").list.join("、"),
    )
    return _findings(UNKNOWN_REFERENCE.id, grouped, table, "_subject", "_department", figures)


def _duplicate_ids(source: QualitySource) -> Iterator[pl.DataFrame]:
    """Findings of the ids two records share: the ids counted first (only ids read), then
    the records of those ids read for their count and first department."""
    for table in _WITH_IDS:
        repeated = source.repeated_ids(table)
        if repeated.len() == 0:
            continue
        wanted = repeated.implode()
        frame = pl.concat(
            [
                piece.filter(pl.col("id").is_in(wanted))
                for _, piece in source.pieces(table, ("id", "department"))
            ]
        )
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
        figures = DuplicateIdFigures.columns(record_type=pl.lit(table), count=pl.col("count"))
        yield _findings(DUPLICATE_ID.id, counts, table, "id", "_department", figures)


def _unclear(piece: pl.DataFrame, column: str, levels: dict[str, bool]) -> pl.DataFrame | None:
    """The records of ``piece`` naming in ``column`` a basis whose level shows nowhere."""
    if piece.get_column(column).null_count() == piece.height:
        return None  # none names a basis (most records): no query
    named = piece.filter(pl.col(column).is_not_null() & pl.col("basis_level").is_null())
    if named.height == 0:
        return None
    for text in named.get_column(column).unique():
        if text not in levels:
            levels[text] = derived_level(text) is not None
    unclear = named.filter(pl.col(column).is_in([t for t, shown in levels.items() if not shown]))
    return unclear if unclear.height else None


def _unknown_basis_findings(unclear: pl.DataFrame, table: str, column: str) -> pl.DataFrame:
    figures = UnknownBasisLevelFigures.columns(
        record_type=pl.lit(table), field=pl.lit(column), basis=pl.col(column)
    )
    return _findings(BASIS_LEVEL_UNKNOWN.id, unclear, table, "id", "department", figures)


def _findings(
    rule: str,
    frame: pl.DataFrame,
    table: str,
    subject: str,
    department: str,
    figures: dict[str, pl.Expr],
) -> pl.DataFrame:
    """Findings of a data-quality check, one per row of ``frame``: about a record of ``table``
    (its id in column ``subject``, its department in ``department``), not met."""
    return finding_frame(
        frame,
        subject_type=table.removesuffix("s"),
        subject_id=pl.col(subject),
        department=pl.col(department),
        status=Status.NOT_MET.value,
        figures=figures,
    ).with_columns(pl.lit(rule).alias("rule"))


def _subject_id(frame: pl.DataFrame, table: str, offset: int) -> pl.Expr:
    row = pl.format(table + "[{}]", pl.int_range(offset, offset + pl.len()))
    if "id" in frame.columns:
        return pl.coalesce(pl.col("id"), row).cast(pl.String)
    return row


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
