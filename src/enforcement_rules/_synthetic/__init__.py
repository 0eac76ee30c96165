"""A synthetic province: deterministic records at any scale, for benchmarks and trials.

At scale 1: 2,000 departments of the five jurisdictions the packs name and of others, 100,000
officers with their certificates, 1,000,000 enforcement acts of one to four officers,
1,000,000 trainings, and the submissions, activities and task reports every obligation of the
rules asks for, with the shares of violations an audit finds (see the constants of each
module). The records span 2021 to 2025; evaluate them as of ``AS_OF``.

The same scale and seed give the same tables, and the same files byte for byte. Needs numpy
(the ``generate`` extra).

A large province is written in shards (``shards``, by default one per unit of scale above
1): each an independent province of its share of the scale, its ids marked with the shard
(``s03.O000123``), written as one Parquet file in each table's folder
(``parquet/actions/0003.parquet``) before the next is generated, so that no more than one
shard is ever in memory. Its shards share the regions, so a region holds the departments of
every shard.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from .._errors import UsageError
from .._optional import require
from .._output import write_file, write_text
from .._records import MOMENT_SUFFIX, Records
from .._rules import RuleSet, load_rules

if TYPE_CHECKING:
    import numpy as np

AS_OF = date(2025, 12, 31)
"""The day the synthetic records are meant to be evaluated as of (every pack judged)."""

AT_SCALE_ONE = {"departments": 2_000, "officers": 100_000, "actions": 1_000_000}
"""Departments, officers and acts at scale 1 (trainings: ten per officer)."""

FORMATS = ("parquet", "csv")

# One random stream per table, so that changing one table leaves the others as they were.
_STREAMS = {
    "departments": 1,
    "officers": 2,
    "certificates": 3,
    "trainings": 4,
    "exams": 5,
    "actions": 6,
    "obligations": 7,
    "campaign": 8,
    "staffing": 9,
}


SHARD_SCALE = 1.0
"""The largest scale written at once; a larger one is written in shards of at most this."""

# The columns holding a record's id or another record's, marked with a shard's tag.
_ID_COLUMNS = {
    "departments": ["id"],
    "officers": ["id", "department"],
    "certificates": ["id", "officer"],
    "trainings": ["id", "officer"],
    "actions": ["id", "department", "participants"],
    "submissions": ["id", "department"],
    "activities": ["id", "department"],
    "task_reports": ["id", "department"],
    "campaign_enrollments": ["department"],
    "exams": ["officer"],
    "exam_papers": ["id"],
    "contest_teams": ["id", "department", "members", "scores"],
    "monitoring_devices": ["id", "department"],
    "entrustments": ["id", "department"],
}


def _stream(seed: int, table: str, shard: int | None = None) -> np.random.Generator:
    numpy = require("numpy", "generating a synthetic province")
    key = [seed, _STREAMS[table]] if shard is None else [seed, _STREAMS[table], shard]
    generator: np.random.Generator = numpy.random.default_rng(key)
    return generator


def _tagged(records: Records, tag: str) -> Records:
    """The records with every id (and every reference to one) prefixed by ``tag``."""

    def marked(column: str, dtype: pl.DataType) -> pl.Expr:
        if column == "scores":  # member id -> score
            key = pl.element().struct.field("key")
            return pl.col(column).list.eval(
                pl.struct((tag + key).alias("key"), pl.element().struct.field("value"))
            )
        if isinstance(dtype, pl.List):
            return pl.col(column).list.eval(tag + pl.element())
        return tag + pl.col(column)

    tables = {}
    for name in records.counts():
        frame = records.table(name)
        tables[name] = frame.with_columns(
            marked(c, frame.schema[c]).alias(c) for c in _ID_COLUMNS[name]
        )
    return Records(tables, origin=records.origin)


def province_records(
    scale: float = 1.0, seed: int = 1, *, rules: RuleSet | None = None, shard: int | None = None
) -> Records:
    """The synthetic province at ``scale`` (1: 100,000 officers and 1,000,000 acts) from
    ``seed``, as ``Records`` (``shard``: one shard of a larger province, its ids tagged)."""
    require("numpy", "generating a synthetic province")
    from .actions import actions
    from .campaign import campaign_records
    from .departments import department_units
    from .owed import obligation_records, typed
    from .people import certificates, exams, officers, roster, trainings

    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise UsageError(f"scale: expected a number greater than 0; got {scale!r}")
    counts = {k: max(1, round(v * scale)) for k, v in AT_SCALE_ONE.items()}
    packs = (rules or load_rules()).select(None)

    def stream(table: str) -> np.random.Generator:
        return _stream(seed, table, shard)

    units = department_units(counts["departments"], stream("departments"))
    people = officers(units, counts["officers"], stream("officers"))
    staff = roster(people, units.height)
    units = _staffing(units, people, stream("staffing"))
    tables = {
        "departments": typed("departments", units),
        "officers": typed("officers", people),
        "certificates": typed("certificates", certificates(people, units, stream("certificates"))),
        "trainings": typed("trainings", trainings(people, units, stream("trainings"))),
        "exams": typed("exams", exams(people, units, stream("exams"))),
        "actions": typed("actions", actions(counts["actions"], units, staff, stream("actions"))),
    }
    base = {k: tables[k] for k in ("departments", "officers", "certificates")}
    tables |= obligation_records(base, packs, AS_OF, stream("obligations"))
    tables |= campaign_records(base, packs, AS_OF, stream("campaign"))
    records = Records(tables, origin=f"<synthetic province scale={scale} seed={seed}>")
    return records if shard is None else _tagged(records, f"s{shard:02d}.")


def _staffing(units: pl.DataFrame, people: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Departments with the staff figures a unit reports: most give their legal reviewers
    (mostly enough for 5% of their staff), some their enforcement staff as well."""
    from .._vocab import Employment

    staff = (
        people.filter(pl.col("on_duty") & (pl.col("employment") != Employment.AUXILIARY.value))
        .group_by("_dept")
        .agg(pl.len().alias("_staff"))
    )
    n = units.height
    frame = (
        units.with_row_index("_dept")
        .with_columns(pl.col("_dept").cast(pl.Int64))
        .join(staff, on="_dept", how="left", maintain_order="left")
        .with_columns(pl.col("_staff").fill_null(0))
    )
    u = pl.Series(rng.random(n))
    v = pl.Series(rng.random(n))
    enough = (pl.col("_staff") * 5 + 99) // 100
    return frame.with_columns(
        pl.when(v < 0.3).then(pl.col("_staff")).alias("enforcement_staff"),
        pl.when(u < 0.85)
        .then(enough)
        .when(u < 0.95)
        .then((enough - 1).clip(lower_bound=0))
        .alias("legal_reviewers"),
    ).drop("_dept", "_staff")


def contract_tables(records: Records) -> dict[str, pl.DataFrame]:
    """Each non-empty table in the columns of the record contract, typed as Parquet keeps
    them (a day-or-date-time field as its day)."""
    return {
        kind: frame.select([c for c in frame.columns if not c.endswith(MOMENT_SUFFIX)])
        for kind, frame in ((k, records.table(k)) for k in records.counts())
        if frame.height
    }


def _parquet(frame: pl.DataFrame, path: Path) -> None:
    frame.write_parquet(path, compression="zstd", statistics=False)


def generate_province(
    out: str | Path,
    *,
    scale: float = 1.0,
    seed: int = 1,
    formats: Iterable[str] = FORMATS,
    rules: RuleSet | None = None,
    shards: int | None = None,
) -> dict[str, int]:
    """Write the synthetic province to ``out``: ``parquet/`` (one Parquet file per record
    type) and ``csv/`` (one CSV file per record type), each a folder ``load`` reads, and
    ``province.json`` (scale, seed, the as-of day, the counts). The number of records of
    each type.

    Above scale 1 (or with ``shards``), the province is written shard by shard: Parquet
    only, one file per shard in a folder per record type (see the module)."""
    from .._export import write_csv_folder

    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f"formats: expected some of {', '.join(FORMATS)}; got {wanted}")
    if shards is not None and (isinstance(shards, bool) or shards < 1):
        raise UsageError(f"shards: expected a number of 1 or more; got {shards!r}")
    if shards is None and isinstance(scale, int | float) and scale > SHARD_SCALE:
        shards = math.ceil(scale / SHARD_SCALE)
    target = Path(out)
    if shards is not None and shards > 1:
        if "csv" in wanted:
            raise UsageError(
                f"a province of {shards} shards is written as Parquet only: --format parquet"
            )
        counts = _generate_shards(target / "parquet", scale, seed, shards, rules)
        _manifest(target, scale, seed, wanted, counts, shards)
        return counts
    records = province_records(scale, seed, rules=rules)
    target.mkdir(parents=True, exist_ok=True)
    counts = {k: v for k, v in records.counts().items() if v}
    if "parquet" in wanted:
        folder = target / "parquet"
        folder.mkdir(exist_ok=True)
        for kind, frame in contract_tables(records).items():
            write_file(folder / f"{kind}.parquet", functools.partial(_parquet, frame))
    if "csv" in wanted:
        write_csv_folder(records, target / "csv")
    _manifest(target, scale, seed, wanted, counts, None)
    return counts


def _generate_shards(
    folder: Path, scale: float, seed: int, shards: int, rules: RuleSet | None
) -> dict[str, int]:
    counts: dict[str, int] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for shard in range(shards):
        records = province_records(scale / shards, seed, rules=rules, shard=shard)
        cities = _cities(records)
        for kind, frame in contract_tables(records).items():
            (folder / kind).mkdir(exist_ok=True)
            counts[kind] = counts.get(kind, 0) + frame.height
            if kind not in _BY_CITY:
                write_file(
                    folder / kind / f"{shard:04d}.parquet", functools.partial(_parquet, frame)
                )
                continue
            # One file per city: a partitioned evaluation reads the files of its cities.
            column = "officer" if kind in ("certificates", "trainings", "exams") else "department"
            keyed = frame.with_columns(
                pl.col(column).replace_strict(cities[column], default=0).alias("_city")
            )
            for (city,), piece in keyed.group_by("_city", maintain_order=True):
                path = folder / kind / f"{shard:04d}-{city:03d}.parquet"
                write_file(path, functools.partial(_parquet, piece.drop("_city")))
        del records
    return counts


_BY_CITY = ("officers", "certificates", "trainings", "exams", "actions")


def _cities(records: Records) -> dict[str, dict[str, int]]:
    """The number of the city (1, 2...) of each department id and each officer id."""
    departments = records.departments.select(
        "id", pl.col("region").list.head(2).list.join("/").rank("dense").cast(pl.Int64).alias("c")
    )
    by_department = dict(zip(departments["id"], departments["c"], strict=True))
    officers = records.officers.select(
        "id", pl.col("department").replace_strict(by_department, default=0).alias("c")
    )
    return {
        "department": by_department,
        "officer": dict(zip(officers["id"], officers["c"], strict=True)),
    }


def _manifest(
    target: Path,
    scale: float,
    seed: int,
    formats: list[str],
    counts: dict[str, int],
    shards: int | None,
) -> None:
    manifest: dict[str, object] = {
        "generator": "enforcement-rules synthetic province",
        "scale": scale,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "formats": ["parquet"] if shards else formats,
        "counts": counts,
    }
    if shards:
        manifest["shards"] = shards
    write_text(target / "province.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
