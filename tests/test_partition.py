"""Partitioned evaluation gives the whole-data report, finding by finding: in memory, from a
scanned folder, and whatever the records hold across the regions (an officer acting in
another city, ids used twice, references to nothing, records of no department)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._partition import partition_depth
from enforcement_rules._records import SCHEMAS
from enforcement_rules._synthetic import AS_OF, province_records

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    ("examples/dawukou-2024/records.json", "2024-12-31"),
    ("examples/dawukou-2024/csv", "2024-12-31"),
    ("examples/zunyi-2022/records.json", "2025-01-31"),
]


@cache
def province(scale: float) -> er.Records:
    return province_records(scale)


def same(whole: er.Report, parted: er.Report) -> None:
    """The two reports hold the same findings, exemptions, warnings and names."""
    assert sorted(parted.frame.iter_rows()) == sorted(whole.frame.iter_rows())
    assert parted.frame.equals(whole.frame)  # and in the same order
    assert sorted(parted.exemptions.iter_rows()) == sorted(whole.exemptions.iter_rows())
    assert parted.warnings == whole.warnings
    assert parted.names == whole.names
    assert parted.packs == whole.packs
    assert [f.to_dict() for f in parted.findings[:50]] == [f.to_dict() for f in whole.findings[:50]]


@pytest.mark.parametrize(("path", "as_of"), EXAMPLES)
@pytest.mark.parametrize("depth", [1, 2, "county"])
def test_every_example_partitioned_as_whole(path: str, as_of: str, depth: int | str) -> None:
    records = er.load(ROOT / path)
    whole = er.evaluate(records, as_of)
    assert len(whole) > 50
    same(whole, er.evaluate(records, as_of, partition_by=depth))
    if (ROOT / path).is_dir():
        same(whole, er.evaluate(er.scan(ROOT / path), as_of, partition_by=depth))


def test_the_synthetic_province_partitioned_by_city_as_whole() -> None:
    records = province(0.1)
    whole = er.evaluate(records, AS_OF)
    assert whole.counts("rule")  # many rules found something
    assert len(whole.counts("rule")) > 30
    same(whole, er.evaluate(records, AS_OF, partition_by="city"))


def _records(**tables: list[dict[str, Any]]) -> er.Records:
    return er.Records.from_dicts(tables)


def _department(id: str, city: str, county: str, domain: str = "市场监管") -> dict[str, Any]:
    return {
        "id": id,
        "name": f"{county}{domain}局",
        "region": ["宁夏回族自治区", city, county],
        "level": "县",
        "domain": domain,
    }


CROSSING = {
    "departments": [
        _department("D1", "石嘴山市", "大武口区"),
        _department("D2", "银川市", "兴庆区"),
        _department("D3", "银川市", "金凤区", "交通运输"),
        # an id used twice, in two cities: the first record is the department
        _department("D3", "石嘴山市", "惠农区"),
    ],
    "officers": [
        {"id": "O1", "department": "D1", "employment": "在编"},
        {"id": "O2", "department": "D2", "employment": "在编"},
        {"id": "O3", "department": "D2", "employment": "辅助"},
        {"id": "O4", "department": "D3", "employment": "在编"},
        # an officer id used twice, in two cities
        {"id": "O4", "department": "D1", "employment": "辅助"},
        {"id": "O9", "department": "D404", "employment": "在编"},  # of no department
    ],
    "certificates": [
        {"id": "C2", "officer": "O2", "valid_from": "2020-01-01", "valid_to": "2030-12-31"},
        {"id": "C4", "officer": "O4", "valid_from": "2020-01-01", "valid_to": "2030-12-31"},
        {"id": "C9", "officer": "O404", "valid_from": "2020-01-01", "valid_to": "2030-12-31"},
    ],
    "trainings": [
        {"officer": "O2", "date": "2024-03-01", "hours": 70},
        {"officer": "O404", "date": "2024-03-01", "hours": 8},  # no id, no officer
    ],
    "actions": [
        # officers of 银川 taking part in an act of 石嘴山
        {"id": "A1", "department": "D1", "date": "2024-05-01", "kind": "行政检查",
         "participants": ["O2", "O3"]},
        {"id": "A2", "department": "D2", "date": "2024-05-02", "kind": "行政处罚",
         "participants": ["O2", "O4"]},
        {"id": "A2", "department": "D1", "date": "2024-05-03", "kind": "行政处罚",
         "participants": ["O1"]},  # an act id used twice, in two cities
        {"id": "A3", "department": "D3", "date": "2024-05-04", "kind": "行政强制",
         "participants": ["O4", "O404"]},
        {"id": "A4", "department": "D404", "date": "2024-05-05", "kind": "行政检查",
         "participants": ["O1"]},
    ],
}  # fmt: skip


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_records_that_cross_regions_partitioned_as_whole(depth: int) -> None:
    records = _records(**CROSSING)
    whole = er.evaluate(records, "2024-12-31")
    rules = set(whole.counts("rule"))
    assert {"data-quality.duplicate-id", "data-quality.unknown-reference"} <= rules
    assert len(rules) > 3
    same(whole, er.evaluate(records, "2024-12-31", partition_by=depth))


def _written(records: er.Records, folder: Path, *, in_files: bool = True) -> Path:
    """The records as a folder of Parquet files: each table a folder of files of two rows
    (as the generator writes a large table, in files), or one file."""
    folder.mkdir()
    for name, frame in records._tables.items():
        if frame.height:
            columns = [c for c in frame.columns if not c.endswith("_moment")]
            if not in_files:
                frame.select(columns).write_parquet(folder / f"{name}.parquet")
                continue
            target = folder / name
            target.mkdir()
            for number, piece in enumerate(frame.select(columns).iter_slices(2)):
                piece.write_parquet(target / f"{number:04d}.parquet")
    return folder


def test_a_scanned_folder_partitioned_as_whole(tmp_path: Path) -> None:
    records = _records(**CROSSING)
    folder = _written(records, tmp_path / "records")
    whole = er.evaluate(records, "2024-12-31")
    same(whole, er.evaluate(er.scan(folder), "2024-12-31", partition_by="city"))
    assert er.load(folder).counts() == records.counts() == er.scan(folder).counts()


@pytest.mark.parametrize("in_files", [True, False])
def test_a_scanned_folder_read_piece_by_piece_and_split_by_city_as_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_files: bool
) -> None:
    from enforcement_rules import _scan
    from enforcement_rules._quality import quality_findings

    # pieces of three rows (two files of two rows), ids counted two at a time: every table in
    # several pieces and buckets
    monkeypatch.setattr(_scan, "_PIECE", 3)
    monkeypatch.setattr(_scan, "_BUCKET", 2)
    monkeypatch.setattr(_scan, "_SPLIT_ROWS", 2)  # a table in one file split by city
    unclear = {"exception_basis": "内部文件", "id": "A5", "department": "D2",
               "date": "2024-05-06", "kind": "行政检查", "participants": ["O2"]}  # fmt: skip
    earlier = [{"id": f"T{n}", "officer": "O1", "date": "2024-03-01", "hours": 8} for n in range(4)]
    tables = {
        **CROSSING,
        "actions": [*CROSSING["actions"], unclear],
        # the training of no id and no officer in a later piece: named by its row in the table
        "trainings": [*earlier, *CROSSING["trainings"]],
    }
    records = _records(**tables)
    scanned = er.scan(_written(records, tmp_path / "records", in_files=in_files))
    whole = quality_findings(records)
    assert set(whole["rule"]) == {
        "data-quality.duplicate-id",
        "data-quality.unknown-reference",
        "data-quality.basis-level-unknown",
    }
    assert quality_findings(scanned).equals(whole)  # the same rows, in the same order
    same(er.evaluate(records, "2024-12-31"), er.evaluate(scanned, "2024-12-31", partition_by=2))


def test_sixty_thousand_departments_are_selected() -> None:
    # the scale-30 province: a pack applying to every department filtered 60,000 rows by a
    # literal, which polars 2.1 refuses ("filter predicate length of 2")
    departments = [_department(f"D{n}", "石嘴山市", "大武口区") for n in range(60_000)]
    records = er.Records({"departments": pl.DataFrame(departments, schema=SCHEMAS["departments"])})
    report = er.evaluate(records, "2024-12-31", ["national"])
    assert not report.frame.height and not report.warnings


def test_strict_refuses_the_same_problems_partitioned() -> None:
    records = _records(**CROSSING)
    with pytest.raises(er.InputError) as whole:
        er.evaluate(records, "2024-12-31", strict=True)
    with pytest.raises(er.InputError) as parted:
        er.evaluate(records, "2024-12-31", strict=True, partition_by=2)
    assert parted.value.problems == whole.value.problems


def _csv_folder(tmp_path: Path, actions: str) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "departments.csv").write_text(
        "id,name,region,level,domain\n"
        "D1,司法局,宁夏回族自治区、石嘴山市,市,司法\n"
        "D2,司法局,宁夏回族自治区、银川市,市,司法\n",
        encoding="utf-8",
    )
    (folder / "officers.csv").write_text(
        "id,department,employment\nO1,D1,在编\nO2,D2,在编\n", encoding="utf-8"
    )
    (folder / "actions.csv").write_text(actions, encoding="utf-8")
    return folder


def test_a_bad_cell_of_a_scanned_part_is_located_at_its_row(tmp_path: Path) -> None:
    folder = _csv_folder(
        tmp_path,
        "id,department,date,kind,participants\n"
        "A1,D1,2024-01-02,行政检查,O1\n"
        "A2,D2,2024-01-02,行政检查,O2\n"
        "A3,D2,2024-13-02,行政检查,O2\n",
    )
    with pytest.raises(er.InputError) as loaded:
        er.load(folder)
    with pytest.raises(er.InputError) as scanned:
        er.evaluate(er.scan(folder), "2024-12-31", partition_by="city")
    assert scanned.value.problems == loaded.value.problems
    assert scanned.value.problems[0].where.startswith("row 4")


def test_a_bad_cell_of_no_part_is_still_found(tmp_path: Path) -> None:
    folder = _csv_folder(
        tmp_path,
        "id,department,date,kind,participants\n"
        "A1,D1,2024-01-02,行政检查,O1\n"
        "A9,D404,2024-01-02,行政检查x,O1\n",  # a department no part holds, a bad kind
    )
    with pytest.raises(er.InputError) as loaded:
        er.load(folder)
    with pytest.raises(er.InputError) as scanned:
        er.evaluate(er.scan(folder), "2024-12-31", partition_by=2)
    assert scanned.value.problems == loaded.value.problems


@pytest.mark.parametrize("wrong", [0, -1, "town", "", True, 1.5])
def test_a_partition_depth_is_a_number_or_a_region_level(wrong: object) -> None:
    with pytest.raises(er.UsageError, match="partition_by"):
        partition_depth(wrong)  # type: ignore[arg-type]


def test_scanned_records_need_a_partition(tmp_path: Path) -> None:
    with pytest.raises(er.UsageError, match="partition_by"):
        er.evaluate(er.scan(ROOT / "examples/dawukou-2024/csv"), "2024-12-31")
    with pytest.raises(er.InputError, match="folder"):
        er.scan(tmp_path / "absent")


def test_check_partitioned_writes_the_whole_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(ROOT / "examples/dawukou-2024/csv")
    whole, parted = tmp_path / "whole.json", tmp_path / "parted.json"
    assert main(["check", folder, "--as-of", "2024-12-31", "--output", str(whole)]) == 1
    by_city = ["--partition-by", "city", "--output", str(parted)]
    assert main(["check", folder, "--as-of", "2024-12-31", *by_city]) == 1
    assert json.loads(parted.read_text()) == json.loads(whole.read_text())
    assert main(["check", folder, "--as-of", "2024-12-31", "--partition-by", "town"]) == 2
    assert "partition_by" in capsys.readouterr().err


def test_partitioned_findings_keep_their_frame_types() -> None:
    whole = er.evaluate(_records(**CROSSING), "2024-12-31")
    parted = er.evaluate(_records(**CROSSING), "2024-12-31", partition_by=2)
    assert dict(parted.frame.schema) == dict(whole.frame.schema)
    assert parted.frame.schema["due"] == pl.Date()


def test_on_a_local_dask_cluster_of_two_workers_as_in_process() -> None:
    pytest.importorskip("distributed")
    records = province(0.01)
    in_process = er.evaluate(records, AS_OF, partition_by="city")
    on_dask = er.evaluate(records, AS_OF, partition_by="city", engine="dask", workers=2)
    same(in_process, on_dask)


def test_a_province_in_shards_is_written_one_shard_at_a_time(tmp_path: Path) -> None:
    from enforcement_rules._synthetic import generate_province

    counts = generate_province(tmp_path, scale=0.006, shards=2, formats=["parquet"])
    folder = tmp_path / "parquet"
    files = sorted(p.name for p in (folder / "actions").iterdir())
    assert {name[:4] for name in files} == {"0000", "0001"}  # a shard's files, city by city
    assert len(files) > 4 and {p.name for p in (folder / "departments").iterdir()} == {
        "0000.parquet",
        "0001.parquet",
    }
    records = er.load(folder)
    assert {k: v for k, v in records.counts().items() if v} == counts
    assert records.officers["id"].str.starts_with("s01.").any()
    whole = er.evaluate(records, AS_OF)
    assert "data-quality.duplicate-id" not in whole.counts("rule")  # the shards' ids differ
    same(whole, er.evaluate(er.scan(folder), AS_OF, partition_by="county"))
    with pytest.raises(er.UsageError, match="Parquet only"):
        generate_province(tmp_path / "csv", scale=0.006, shards=2)


def test_a_report_written_slice_by_slice_is_the_report_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from enforcement_rules import _writers

    report = er.evaluate(er.load(ROOT / EXAMPLES[0][0]), EXAMPLES[0][1])
    whole = report.to_csv(tmp_path / "whole.csv").read_bytes()
    monkeypatch.setattr(_writers, "CSV_SLICE", 7)
    sliced = report.to_csv(tmp_path / "sliced.csv").read_bytes()
    assert sliced == whole == ("\ufeff" + _writers.findings_csv(report)).encode("utf-8")
    assert len(report) > 7 * 3


@pytest.mark.parametrize("more", [None, 7])
def test_an_input_error_raised_on_a_worker_reaches_the_caller_whole(more: int | None) -> None:
    import pickle

    error = er.InputError([er.Problem("a.csv", "row 4", "date", "a date", "x")], more=more)
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, er.InputError)
    assert (again.problems, again.truncated, again.more) == (error.problems, error.truncated, more)
    assert str(again) == str(error)
