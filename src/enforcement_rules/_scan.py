"""Records scanned from a folder of tables, read part by part rather than whole.

The folder is the one ``load`` reads (``officers.parquet``, ``执法人员.csv``...), and a table
may also be a folder of Parquet files (``actions/0001.parquet``, ``actions/0002.parquet``...),
as ``enforcement-rules generate`` writes large provinces. Nothing is read when the folder is
scanned: the small tables (departments, deliverables, contest teams...) are read whole when
a partitioned evaluation starts; the large ones (officers, certificates, trainings, acts,
exams) one part at a time, only the rows of that part, validated as they are read with the
same checks and located problems as ``load``.

Only UTF-8 CSV files are scanned; a CSV file in another encoding is decoded whole.
"""

from __future__ import annotations

import codecs
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ._columnar import Place, validate_table
from ._columns import field_name, record_type
from ._errors import InputError, Problem
from ._limits import MAX_PROBLEMS
from ._loaders import check_readable, indexed, listing, unknown_type, unreadable
from ._loaders.delimited import place_of, read_delimited
from ._loaders.folder import parquet_parts
from ._partition import BY_OFFICER, SMALL_TABLES, PartOf, cut
from ._records import SCHEMAS, Records

_CHUNK = 1 << 20

_PIECE = 1 << 21
"""Rows of a piece of one Parquet file the data-quality checks read at once."""

_BUCKET = 1 << 23
"""Ids counted at once when looking for repeated ids: more are counted in buckets by hash."""

_SPLIT_ROWS = 200_000
"""A large table kept in one file of more rows is split by city once, for the parts to read
only their cities' rows instead of the whole file each."""


def scan(folder: str | Path) -> ScannedRecords:
    """A folder of tables (CSV, Parquet, or folders of Parquet files), to evaluate part by
    part without holding it in memory: ``evaluate(scan(folder), as_of, partition_by="city")``.

    Nothing but the tables' columns is read here; every row is validated when its part is
    read, with the problems ``load`` gives.

    Examples:
        >>> import enforcement_rules as er
        >>> records = er.scan("examples/dawukou-2024/csv")
        >>> report = er.evaluate(records, "2024-12-31", partition_by="city")
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError([Problem(str(path), "path", None, "an existing folder of tables")])
    return ScannedRecords(path)


@dataclass(frozen=True)
class _Scanned:
    """One table of the folder: its rows, not yet read, its headers by field, and its place
    (and its files, when it is a folder of Parquet files)."""

    kind: str
    frame: pl.LazyFrame
    headers: Mapping[str, str]
    place: Place
    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class _File:
    """One Parquet file of a table: the number of its first row in the table (``None``: a
    file of the table split by city, its rows numbered in ``__row``, their department in
    ``__key``), and the departments its records belong to (an officer's record: the
    officer's department)."""

    path: Path
    offset: int | None
    departments: pl.Series

    def rows(self) -> pl.LazyFrame:
        scanned = pl.scan_parquet(self.path)
        if self.offset is None:
            return scanned.drop("__key")
        return scanned.with_row_index("__row", self.offset)


_NO_DEPARTMENT = "\x00"  # the department of a record of none, or of an unknown officer


class ScannedRecords:
    """A folder of tables to evaluate part by part: ``evaluate(scan(folder), as_of,
    partition_by="city")``. Build one with ``enforcement_rules.scan``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.origin = str(self.folder)
        self._tables = _scan_folder(self.folder)
        self._small: dict[str, pl.DataFrame] | None = None
        self._files: dict[str, list[_File]] = {}
        self._officer_departments: pl.DataFrame | None = None
        self._repeated: dict[str, pl.Series] = {}
        self._ids: dict[str, pl.Series] = {}
        self._offsets: dict[str, list[int]] = {}
        self._split: dict[str, list[_File] | None] = {}
        self._spill: Path | None = None  # removed with these records

    def __repr__(self) -> str:
        return f"ScannedRecords({self.origin!r}: {', '.join(self._tables) or 'no tables'})"

    # -- the Source of a partitioned evaluation ---------------------------------------------

    def small(self) -> dict[str, pl.DataFrame]:
        if self._small is None:
            self._small = {name: self._read(name, None) for name in SMALL_TABLES}
        return self._small

    def rows(self, name: str, conditions: list[tuple[str, pl.Series]]) -> pl.DataFrame:
        """The validated rows of a large table whose ``column`` holds one of ``ids``, for
        any of the ``(column, ids)`` pairs."""
        return self._read(name, conditions)

    def repeats_ids(self, name: str) -> bool:
        """Whether two records of a table share an id (only the ids read, once)."""
        return self.repeated_ids(name).len() > 0

    def part(self, own: Sequence[str] | None, small: Mapping[str, pl.DataFrame]) -> Records:
        return cut(self.rows, self.repeats_ids, small, own, self.origin)

    def job_records(
        self, own: tuple[str, ...], small: Mapping[str, pl.DataFrame]
    ) -> Callable[[], Records]:
        return PartOf(self, own, small)

    def __reduce__(self) -> tuple[type[ScannedRecords], tuple[Path]]:
        # Sent to a worker as its folder: the worker scans it again.
        return (ScannedRecords, (self.folder,))

    def quality_tables(self) -> ScannedRecords:
        return self

    # -- the QualitySource of the data-quality checks ------------------------------------

    def pieces(self, name: str, columns: Sequence[str]) -> Iterator[tuple[int, pl.DataFrame]]:
        """A table's rows in order, a file (or a slice of a Parquet file) at a time, only
        ``columns``, validated: ``(number of the piece's first row, piece)``."""
        wanted = [c for c in SCHEMAS[name] if c in columns]
        table = self._tables.get(name)
        if name in SMALL_TABLES or table is None:
            frame = self.small()[name] if name in SMALL_TABLES else self._read(name, None)
            yield 0, frame.select(wanted)
            return
        for offset, lazy in self._slices(table):
            yield offset, self._typed(table, lazy, slim=wanted).select(wanted)

    def ids(self, name: str) -> pl.Series:
        """The ids of a table's records, each once (only the id column read)."""
        if name not in self._ids:
            if name in SMALL_TABLES:
                ids = self.small()[name]["id"]
            else:
                ids = self._read(name, None, slim=("id",))["id"]
            self._ids[name] = ids.unique()
        return self._ids[name]

    def repeated_ids(self, name: str) -> pl.Series:
        """The ids two records of a table share (only the id column read, streaming, in
        buckets of ids by hash when the table is large)."""
        if name not in self._repeated:
            table = self._tables.get(name)
            header = None if table is None else table.headers.get("id")
            if name in SMALL_TABLES:
                held = self.small()[name]["id"].drop_nulls()
                repeated = held.filter(held.is_duplicated()).unique()
            elif table is None or header is None:
                repeated = pl.Series("id", [], dtype=pl.String)
            else:
                ids = table.frame.select(_text(pl.col(header)).alias("id")).drop_nulls()
                rows = int(_collect(table, table.frame.select(pl.len())).item())
                buckets = max(1, -(-rows // _BUCKET))
                found = []
                for bucket in range(buckets):
                    some = ids.filter(pl.col("id").hash(0) % buckets == bucket)
                    counted = some.group_by("id").agg(pl.len().alias("n"))
                    twice = counted.filter(pl.col("n") > 1).select("id")
                    found.append(_collect(table, twice, streaming=True)["id"])
                repeated = pl.concat(found)
            self._repeated[name] = repeated
        return self._repeated[name]

    def _slices(self, table: _Scanned) -> Iterator[tuple[int, pl.LazyFrame]]:
        """A large table in pieces of about ``_PIECE`` rows numbered as in the whole table:
        its files one after another, or slices of one Parquet file; a CSV file whole. (A
        piece's references are joined with every id referred to, so pieces are not small.)"""
        if table.files:
            if table.kind not in self._offsets:
                offsets = [0]
                for path in table.files:
                    rows = _collect(table, pl.scan_parquet(path).select(pl.len())).item()
                    offsets.append(offsets[-1] + int(rows))
                self._offsets[table.kind] = offsets
            offsets = self._offsets[table.kind]
            first = 0
            for last in range(len(table.files)):
                if offsets[last + 1] - offsets[first] < _PIECE and last + 1 < len(table.files):
                    continue
                scans = [
                    pl.scan_parquet(table.files[n]).with_row_index("__row", offset=offsets[n])
                    for n in range(first, last + 1)
                ]
                yield offsets[first], pl.concat(scans)
                first = last + 1
            return
        numbered = table.frame.with_row_index("__row")
        if Path(table.place.file or "").suffix.lower() != ".parquet":
            yield 0, numbered
            return
        rows = int(_collect(table, table.frame.select(pl.len())).item())
        for start in range(0, max(rows, 1), _PIECE):
            yield start, numbered.slice(start, _PIECE)

    def counts(self) -> dict[str, int]:
        """Number of records of each type (counted, not read)."""
        counted = {name: 0 for name in SCHEMAS}
        for name, table in self._tables.items():
            counted[name] = int(_collect(table, table.frame.select(pl.len())).item())
        return counted

    def check_rest(self, departments: pl.Series) -> None:
        """Validate the rows no part reads: officers and acts of no department in
        ``departments``, certificates, trainings and exams of no officer of those."""
        for name in ("officers", "actions"):
            self._read(name, [("department", departments)], outside=True)
        officers = self.ids("officers").drop_nulls()
        for name in BY_OFFICER:
            self._read(name, [("officer", officers)], outside=True)

    # -- reading --------------------------------------------------------------------------

    def _read(
        self,
        name: str,
        where: list[tuple[str, pl.Series]] | None,
        *,
        slim: Sequence[str] | None = None,
        outside: bool = False,
    ) -> pl.DataFrame:
        table = self._tables.get(name)
        if table is None:
            return pl.DataFrame(schema=SCHEMAS[name])
        frame = table.frame.with_row_index("__row")
        if where is not None and not outside and self._prunable(table):
            frame = self._pruned(table, where)
        if where is not None:
            inside = pl.lit(False)
            for column, ids in where:
                header = table.headers.get(column)
                if header is not None:  # a required column missing: validation names it
                    inside |= _text(pl.col(header)).is_in(ids.implode()).fill_null(False)
            frame = frame.filter(~inside if outside else inside)
        return self._typed(table, frame, slim=slim)

    def _typed(
        self, table: _Scanned, frame: pl.LazyFrame, *, slim: Sequence[str] | None = None
    ) -> pl.DataFrame:
        """The rows of ``frame`` (numbered ``__row`` in the table) validated, only the
        columns ``slim`` when given."""
        name = table.kind
        if slim is not None:
            kept = [table.headers[c] for c in slim if c in table.headers]
            frame = frame.select("__row", *kept)
        raw = _collect(table, frame)
        rows = raw["__row"]
        raw = raw.drop("__row")
        place = Place(table.place.file, table.place.table, lambda i: table.place.row(rows[i]))
        typed, problems = validate_table(name, raw, place, consume=True)
        if slim is not None:  # columns left out on purpose are not missing
            problems = [p for p in problems if not p.expected.endswith("(required)")]
        if problems:
            raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
        return typed

    # -- which files hold a part's records ---------------------------------------------------

    def _prunable(self, table: _Scanned) -> bool:
        """Whether a part may read some files of the table only: a folder of files, or a
        large file (``_SPLIT_ROWS``), split by city the first time."""
        if len(table.files) > 1:
            return True
        if table.kind not in self._split:
            column = "officer" if table.kind in BY_OFFICER else "department"
            large = (
                not table.files
                and column in table.headers
                and _collect(table, table.frame.select(pl.len())).item() >= _SPLIT_ROWS
            )
            self._split[table.kind] = self._split_by_city(table, column) if large else None
        return self._split[table.kind] is not None

    def _pruned(self, table: _Scanned, where: list[tuple[str, pl.Series]]) -> pl.LazyFrame:
        """The rows of the files of ``table`` that may hold a record whose ``column`` is one
        of ``ids`` for some pair of ``where``, numbered as in the whole table."""
        sought = []
        for column, ids in where:
            if column == "department":
                sought.append(ids)
            elif (table.kind, column) == ("officers", "id") or column == "officer":
                sought.append(self._departments_of(ids))
            else:
                return table.frame.with_row_index("__row")
        wanted = pl.concat(sought).cast(pl.String).fill_null(_NO_DEPARTMENT).implode()
        split = self._split.get(table.kind)
        files = split or self._index(table)
        chosen = [f.rows() for f in files if f.departments.is_in(wanted).any()]
        if not chosen:
            return table.frame.with_row_index("__row").head(0)
        rows = pl.concat(chosen)
        return rows.sort("__row") if split else rows

    def _split_by_city(self, table: _Scanned, column: str) -> list[_File]:
        """The table written again as a Parquet file per city (streaming, in a temporary
        folder), each row with its number in the table: the files with their departments."""
        if self._spill is None:
            self._spill = Path(tempfile.mkdtemp(prefix="enforcement-rules-parts-"))
            weakref.finalize(self, shutil.rmtree, self._spill, True)
        folder = self._spill / table.kind
        departments = self.small()["departments"].select(
            pl.col("id").alias("department"),
            pl.col("region").list.head(2).list.join("/").fill_null("").alias("city"),
        )
        keyed = table.frame.with_row_index("__row").with_columns(
            _text(pl.col(table.headers[column])).alias("__key")
        )
        if column == "officer":
            # an officer id of two departments: the rows go with one of them, and a part
            # asking for the officer asks for both (``_departments_of``)
            officers = self._officers().unique(subset="officer", keep="any")
            keyed = keyed.join(
                officers.lazy().rename({"officer": "__key", "department": "__department"}),
                on="__key",
                how="left",
            ).with_columns(pl.col("__department").alias("__key"))
        cities = departments.unique(subset="department", keep="first").rename(
            {"department": "__key", "city": "__city"}
        )
        keyed = keyed.join(cities.lazy(), on="__key", how="left").with_columns(
            pl.col("__city").fill_null(""),
            pl.col("__key").fill_null(_NO_DEPARTMENT),
        )
        kept = [*table.frame.collect_schema().names(), "__row"]
        try:
            keyed.select(*kept, "__key", "__city").sink_parquet(
                pl.PartitionBy(folder, key="__city", include_key=False)
            )
        except OSError as error:
            raise unreadable(Path(table.place.file or ""), error) from None
        except pl.exceptions.PolarsError:
            _collect(table, table.frame)  # raises the problem of the file, located
            raise
        return [
            _File(path, None, pl.read_parquet(path, columns=["__key"])["__key"].unique())
            for path in sorted(folder.rglob("*.parquet"))
        ]

    def _departments_of(self, officers: pl.Series) -> pl.Series:
        """The departments of these officer ids (``_NO_DEPARTMENT`` for an unknown one)."""
        known = self._officers().filter(pl.col("officer").is_in(officers.implode()))
        unknown = officers.is_in(known["officer"].implode()).not_().any()
        departments = known["department"].unique()
        return departments.append(pl.Series([_NO_DEPARTMENT])) if unknown else departments

    def _officers(self) -> pl.DataFrame:
        """Each officer id with its department (text as validation reads it)."""
        if self._officer_departments is None:
            table = self._tables.get("officers")
            if table is None or not {"id", "department"} <= set(table.headers):
                self._officer_departments = pl.DataFrame(
                    schema={"officer": pl.String, "department": pl.String}
                )
            else:
                frame = table.frame.select(
                    _text(pl.col(table.headers["id"])).alias("officer"),
                    _text(pl.col(table.headers["department"]))
                    .fill_null(_NO_DEPARTMENT)
                    .alias("department"),
                ).unique()
                self._officer_departments = _collect(table, frame)
        return self._officer_departments

    def _index(self, table: _Scanned) -> list[_File]:
        """The files of a table with the departments of their records (read once)."""
        if table.kind not in self._files:
            column = "officer" if table.kind in BY_OFFICER else "department"
            header = table.headers.get(column)
            files, offset = [], 0
            for path in table.files:
                scanned = pl.scan_parquet(path)
                rows = int(_collect(table, scanned.select(pl.len())).item())
                if header is None:
                    departments = pl.Series([_NO_DEPARTMENT])
                else:
                    values = scanned.select(_text(pl.col(header)).alias(column)).unique()
                    if column == "officer":
                        values = values.join(self._officers().lazy(), on="officer", how="left")
                    departments = _collect(table, values.select("department"))["department"]
                    departments = departments.fill_null(_NO_DEPARTMENT).unique()
                files.append(_File(path, offset, departments))
                offset += rows
            self._files[table.kind] = files
        return self._files[table.kind]


def _text(raw: pl.Expr) -> pl.Expr:
    stripped = raw.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _collect(table: _Scanned, frame: pl.LazyFrame, *, streaming: bool = False) -> pl.DataFrame:
    try:
        return frame.collect(engine="streaming") if streaming else frame.collect()
    except OSError as error:
        raise unreadable(Path(table.place.file or ""), error) from None
    except pl.exceptions.PolarsError as error:
        file = Path(table.place.file or "")
        if file.suffix.lower() in (".csv", ".tsv"):
            read_delimited(file)  # raises the problems of the file, located
        reason = str(error).splitlines()[0]
        raise InputError(
            [Problem(table.place.file, table.place.table, None, "a readable table", reason)]
        ) from None


def _scan_folder(folder: Path) -> dict[str, _Scanned]:
    entries = listing(folder)
    tables: dict[str, _Scanned] = {}
    problems: list[Problem] = []
    for entry in entries:
        scanned = _scan_entry(entry, problems)
        if scanned is None:
            continue
        if scanned.kind in tables:
            other = tables[scanned.kind].place
            problems.append(
                Problem(
                    scanned.place.file,
                    scanned.place.table,
                    None,
                    f"one table of {scanned.kind}",
                    f"also {other.table} in {other.file}",
                )
            )
            continue
        tables[scanned.kind] = scanned
    if not tables and not problems:
        problems.append(
            Problem(
                str(folder),
                "folder",
                None,
                "one .csv (or .tsv, .parquet) file or folder of .parquet files per record type",
                ", ".join(p.name for p in entries[:10]) or "nothing",
            )
        )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    return tables


def _scan_entry(entry: Path, problems: list[Problem]) -> _Scanned | None:
    suffix = entry.suffix.lower()
    if suffix == ".parquet":
        check_readable(entry)
        place = Place(str(entry), "columns", indexed(entry.stem))
        return _table(entry.stem, pl.scan_parquet(entry), place, problems)
    if suffix in (".csv", ".tsv"):
        return _table(entry.stem, _scan_csv(entry), place_of(entry), problems)
    if entry.is_dir():
        files = parquet_parts(entry)
        if not files:
            return None
        for file in files:
            check_readable(file)
        place = Place(str(entry), entry.name, indexed(entry.name))
        return _table(entry.name, pl.scan_parquet(files), place, problems, tuple(files))
    return None


def _table(
    name: str,
    frame: pl.LazyFrame,
    place: Place,
    problems: list[Problem],
    files: tuple[Path, ...] = (),
) -> _Scanned | None:
    try:
        kind = record_type(name)
    except KeyError:
        problems.append(unknown_type(place, name))
        return None
    try:
        columns = frame.collect_schema().names()
    except (OSError, pl.exceptions.PolarsError) as error:
        reason = str(error).splitlines()[0]
        problems.append(Problem(place.file, place.table, None, "a readable table", reason))
        return None
    headers: dict[str, str] = {}
    for header in columns:
        try:
            headers.setdefault(field_name(kind, header), header)
        except KeyError:
            continue  # validation names it
    return _Scanned(kind, frame, headers, place, files)


def _scan_csv(path: Path) -> pl.LazyFrame:
    """A UTF-8 CSV file scanned as text; any other encoding decoded whole (as ``load`` does)."""
    check_readable(path)
    if not _utf8(path):
        return read_delimited(path).lazy()
    with path.open("rb") as stream:
        first = stream.readline()
    if first.startswith(codecs.BOM_UTF8):
        return read_delimited(path).lazy()
    head = first.decode("utf-8")
    separator = "\t" if path.suffix.lower() == ".tsv" or ("\t" in head and "," not in head) else ","
    scanned = pl.scan_csv(
        path, separator=separator, infer_schema=False, raise_if_empty=False, encoding="utf8"
    )
    try:
        scanned.collect_schema()
        return scanned
    except pl.exceptions.PolarsError:
        return read_delimited(path).lazy()  # its problems, located


def _utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as error:
        raise unreadable(path, error) from None
    return True
