"""A Parquet file is read whole when small and a column at a time when large: both give the
same table, and a broken file is the same located error either way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._loaders import folder

WAYS = {"whole": 1 << 40, "by column": -1}


@pytest.fixture(params=list(WAYS))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(folder, "WHOLE_PARQUET_BYTES", WAYS[request.param])
    return str(request.param)


def _trainings(path: Path) -> pl.DataFrame:
    rows = 1000
    frame = pl.DataFrame(
        {
            "id": [f"T{n}" for n in range(rows)],
            "officer": [f"O{n % 7}" for n in range(rows)],
            "date": [dt.date(2024, 1, 1) + dt.timedelta(days=n % 366) for n in range(rows)],
            "hours": [None if n % 13 == 0 else n / 8 for n in range(rows)],
            "topic": ["法律知识" if n % 2 else None for n in range(rows)],
        }
    )
    frame.write_parquet(path, row_group_size=100)  # read in pieces: ten row groups
    return frame


def test_a_parquet_file_read_whole_equals_it_read_by_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "trainings.parquet"
    written = _trainings(path)
    tables = {}
    for way, limit in WAYS.items():
        monkeypatch.setattr(folder, "WHOLE_PARQUET_BYTES", limit)
        tables[way] = folder.read_table_file(path).frame
        assert [column.n_chunks() for column in tables[way].get_columns()] == [1] * 5, way
    assert tables["whole"].schema == tables["by column"].schema == written.schema
    assert tables["whole"].equals(tables["by column"])
    assert tables["whole"].equals(written)


def test_a_small_file_is_read_whole_and_a_large_one_by_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "trainings.parquet"
    _trainings(path)
    read: list[list[str] | None] = []
    real = pl.read_parquet

    def counted(source: Path, *, columns: list[str] | None = None) -> pl.DataFrame:
        read.append(columns)
        return real(source, columns=columns)

    monkeypatch.setattr(pl, "read_parquet", counted)
    monkeypatch.setattr(folder, "WHOLE_PARQUET_BYTES", path.stat().st_size)
    folder.read_parquet(path)
    assert read == [None]
    monkeypatch.setattr(folder, "WHOLE_PARQUET_BYTES", path.stat().st_size - 1)
    read.clear()
    folder.read_parquet(path)
    assert read == [["id"], ["officer"], ["date"], ["hours"], ["topic"]]


def _broken(data: bytes, damage: str) -> bytes:
    footer = int.from_bytes(data[-8:-4], "little")
    pages = len(data) - 8 - footer  # where the footer begins
    return {
        "cut short": data[: len(data) // 2],
        "no footer": b"PAR1" + b"x" * 40 + b"PAR1",
        "a broken footer": data[:pages] + b"\xff" * footer + data[-8:],
        "broken pages": data[:4] + b"\xff" * (pages - 4) + data[pages:],
    }[damage]


@pytest.mark.parametrize("damage", ["cut short", "no footer", "a broken footer", "broken pages"])
def test_a_broken_parquet_file_is_a_located_error_either_way(
    damage: str, way: str, tmp_path: Path
) -> None:
    path = tmp_path / "trainings.parquet"
    _trainings(path)
    path.write_bytes(_broken(path.read_bytes(), damage))
    with pytest.raises(er.InputError) as caught:
        er.load(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.where, problem.expected) == (
        str(path),
        "file",
        "a Parquet file",
    ), way
    assert problem.got, way
