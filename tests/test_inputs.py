"""Every way in loads the shipped example to the same records and the same report, and a bad
input is told which file, sheet, row or line, column and form."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._cli import main
from enforcement_rules._export import write_csv_folder, write_json, write_jsonl, write_workbook

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "dawukou-2024"
CONVERT_CSV = ["convert", "records.json", "--to", "csv", "csv", "--headers", "zh"]
"""The command (run in examples/dawukou-2024) that made the stored CSV folder."""


@pytest.fixture(scope="module")
def reference() -> er.Records:
    return er.load(EXAMPLE / "records.json")


def same_records(a: er.Records, b: er.Records) -> None:
    for kind in er.RECORD_TYPES:
        assert a.table(kind).equals(b.table(kind)), kind


def _csv_zh_gb18030(records: er.Records, tmp: Path) -> Path:
    write_csv_folder(records, tmp / "gb", headers="zh", encoding="gb18030")
    return tmp / "gb"


def _csv_bom(records: er.Records, tmp: Path) -> Path:
    write_csv_folder(records, tmp / "bom", encoding="utf-8-sig")
    return tmp / "bom"


def _tsv_utf16(records: er.Records, tmp: Path) -> Path:
    folder = tmp / "tsv"
    folder.mkdir()
    for path in write_csv_folder(records, tmp / "plain"):
        text = pl.read_csv(path, infer_schema=False).write_csv(separator="\t")
        (folder / f"{path.stem}.tsv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    return folder


def _workbook_zh(records: er.Records, tmp: Path) -> Path:
    return write_workbook(records, tmp / "records.xlsx", headers="zh")


def _workbook_en(records: er.Records, tmp: Path) -> Path:
    return write_workbook(records, tmp / "records.xlsx")


def _jsonl(records: er.Records, tmp: Path) -> Path:
    return write_jsonl(records, tmp / "records.jsonl")


def _json_again(records: er.Records, tmp: Path) -> Path:
    return write_json(records, tmp / "again.json")


def _parquet(records: er.Records, tmp: Path) -> Path:
    folder = tmp / "parquet"
    folder.mkdir()
    for kind, count in records.counts().items():
        if count:
            frame = records.table(kind)
            for moment in [c for c in frame.columns if c.endswith("_moment")]:
                # A day-or-moment column is written as text: the moment where there is one.
                day = moment.removesuffix("_moment")
                frame = frame.with_columns(
                    pl.coalesce(
                        pl.col(moment).dt.to_string("%Y-%m-%dT%H:%M:%S%z"),
                        pl.col(day).dt.to_string("%Y-%m-%d"),
                    ).alias(day)
                ).drop(moment)
            frame.write_parquet(folder / f"{kind}.parquet")
    return folder


WRITERS: dict[str, Callable[[er.Records, Path], Path]] = {
    "the stored CSV folder (Chinese headers, UTF-8)": lambda records, tmp: EXAMPLE / "csv",
    "CSV in GB18030 with Chinese headers": _csv_zh_gb18030,
    "CSV in UTF-8 with a byte-order mark": _csv_bom,
    "tab-separated UTF-16 (Excel's Unicode text)": _tsv_utf16,
    "an Excel workbook with Chinese sheet names": _workbook_zh,
    "an Excel workbook with English sheet names": _workbook_en,
    "JSON Lines": _jsonl,
    "JSON written back": _json_again,
    "Parquet files": _parquet,
}


@pytest.mark.parametrize("way", list(WRITERS))
def test_every_file_format_loads_the_example_to_the_same_records_and_report(
    way: str, reference: er.Records, tmp_path: Path
) -> None:
    loaded = er.load(WRITERS[way](reference, tmp_path))
    same_records(reference, loaded)
    expected = er.evaluate(reference, as_of="2024-12-31").to_dict()
    assert er.evaluate(loaded, as_of="2024-12-31").to_dict() == expected


def _frames(records: er.Records, typed: bool) -> dict[str, object]:
    from enforcement_rules._export import text_table

    return {
        kind: text_table(records, kind, typed_dates=typed)
        for kind, count in records.counts().items()
        if count
    }


@pytest.mark.parametrize("typed", [True, False], ids=["typed columns", "text columns"])
def test_polars_and_pandas_frames_and_dicts_load_to_the_same_records(
    typed: bool, reference: er.Records
) -> None:
    frames = _frames(reference, typed)
    from_polars = er.Records.from_frames(frames)
    same_records(reference, from_polars)
    expected = er.evaluate(reference, as_of="2024-12-31").to_dict()
    assert er.evaluate(from_polars, as_of="2024-12-31").to_dict() == expected
    pandas_frames = {k: f.to_pandas() for k, f in frames.items()}  # type: ignore[attr-defined]
    same_records(reference, er.Records.from_frames(pandas_frames))
    data = json.loads((EXAMPLE / "records.json").read_text(encoding="utf-8"))
    same_records(reference, er.Records.from_dicts(data))


def test_pandas_dates_held_as_midnight_timestamps_are_days_and_other_times_are_refused() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "officer": ["O1", "O1"],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
            "hours": [8, 4.5],
        }
    )
    loaded = er.Records.from_frames({"培训记录": frame})
    assert loaded.trainings["date"].cast(pl.String).to_list() == ["2024-03-01", "2024-03-02"]
    frame["date"] = pd.to_datetime(["2024-03-01 09:30", "2024-03-02 00:00"])
    with pytest.raises(er.InputError) as caught:
        er.Records.from_frames({"trainings": frame})
    [problem] = caught.value.problems
    assert (problem.where, problem.field) == ("trainings[0]", "date")
    assert "without a time of day" in problem.expected


def test_a_text_field_given_numbers_is_refused_not_coerced() -> None:
    frame = pl.DataFrame({"id": [1], "department": ["D1"], "employment": ["在编"]})
    with pytest.raises(er.InputError, match=r"field 'id': expected a column of texts"):
        er.Records.from_frames({"officers": frame})


def test_the_stored_csv_folder_is_what_the_convert_command_makes_of_records_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "records.json").write_bytes((EXAMPLE / "records.json").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(CONVERT_CSV) == 0
    made = {p.name: p.read_bytes() for p in (tmp_path / "csv").iterdir()}
    stored = {p.name: p.read_bytes() for p in (EXAMPLE / "csv").iterdir()}
    hint = "regenerate: cd examples/dawukou-2024 && enforcement-rules " + " ".join(CONVERT_CSV)
    assert made.keys() == stored.keys(), hint
    for name, data in made.items():
        assert data == stored[name], f"{name} differs; {hint}"


def test_the_stored_csv_uses_the_chinese_headers_of_the_issue() -> None:
    header = {
        p.stem: p.read_text(encoding="utf-8").splitlines()[0] for p in (EXAMPLE / "csv").iterdir()
    }
    for word in ("执法证号", "发证日期", "有效期至"):
        assert word in header["certificates"]
    assert "姓名" in header["officers"] and "所属部门" in header["officers"]
    assert "学时" in header["trainings"] and "培训日期" in header["trainings"]
    assert "执法日期" in header["actions"] and "参与人员" in header["actions"]


# -- bad input ----------------------------------------------------------------------------


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(path: Path) -> list[er.Problem]:
    with pytest.raises(er.InputError) as caught:
        er.load(path)
    return caught.value.problems


OFFICERS_HEADER = "编号,姓名,所属部门,用工,从事执法日期\n"


def test_a_csv_problem_names_file_row_column_and_expected_form(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    write(
        folder / "执法人员.csv",
        OFFICERS_HEADER + "O1,张三,D1,在编,2020-01-01\nO2,李四,D1,临时工,2020-13-01\n",
        "gb18030",
    )
    found = {(p.where, p.field): p for p in problems_of(folder)}
    employment = found[("row 3 (id=O2)", "用工")]
    assert employment.file == str(folder / "执法人员.csv")
    assert "在编" in employment.expected and employment.got == '"临时工"'
    assert "real calendar date" in found[("row 3 (id=O2)", "从事执法日期")].expected


def test_every_kind_of_cell_problem_is_listed_in_one_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "trainings.csv",
        "人员编号,培训日期,学时,轮训,备注\n,2024/03/01,八,也许,x\nO1,2024-03-01,-2,是,y\n",
    )
    text = [str(p) for p in problems_of(path)]
    assert any("'备注'" in t and "an unknown column" in t for t in text)
    assert any("row 2" in t and "'人员编号'" in t and "required" in t for t in text)
    assert any("row 2" in t and "'培训日期'" in t and "YYYY-MM-DD" in t for t in text)
    assert any("row 2" in t and "'学时'" in t and "a number" in t for t in text)
    assert any("row 3" in t and "'学时'" in t and "greater than 0" in t for t in text)
    assert any("row 2" in t and "'轮训'" in t and "是/否" in t for t in text)


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "officers.csv", "id,department\nO1,D1\n")
    [problem] = problems_of(path)
    assert problem.field == "employment" and "required" in problem.expected


def test_a_column_named_twice_is_refused_with_the_header_as_read(tmp_path: Path) -> None:
    path = write(tmp_path / "officers.csv", "编号,所属部门,编号\nO1,D1,O2\n")
    [problem] = problems_of(path)
    assert (problem.where, problem.expected, problem.got) == (
        "row 1",
        "each column once",
        "编号, 所属部门, 编号",
    )
    # a carriage return in the header once made the message itself fail (found by fuzzing)
    path = write(tmp_path / "officers.csv", "\r编号,所属部门,编号\nO1,D1,O2\n")
    assert {p.where for p in problems_of(path)} == {"header"}


def test_an_excel_problem_names_the_sheet_and_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    pl.DataFrame(
        {"编号": ["O1", "O2"], "所属部门": ["D1", "D1"], "用工": ["在编", "外聘"]}
    ).write_excel(path, worksheet="执法人员")
    [problem] = problems_of(path)
    assert problem.file == str(path)
    assert (problem.where, problem.field) == ("sheet '执法人员' row 3 (id=O2)", "用工")


def test_an_unknown_sheet_or_file_is_refused_by_name(tmp_path: Path) -> None:
    pl.DataFrame({"a": ["1"]}).write_excel(tmp_path / "book.xlsx", worksheet="说明")
    [problem] = problems_of(tmp_path / "book.xlsx")
    assert problem.where == "sheet '说明'" and "a record type" in problem.expected
    write(tmp_path / "folder" / "officer.csv", "id\nO1\n")
    [problem] = problems_of(tmp_path / "folder")
    assert problem.file.endswith("officer.csv") and "officers" in problem.expected


def test_bytes_in_no_known_encoding_are_located(tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_bytes(b"id,department,employment\nO1,D1,staff\n" + b"O2,\xff\xff,staff\n")
    [problem] = problems_of(path)
    assert problem.where.startswith("line 3") and "GB18030" in problem.expected


def test_a_damaged_utf8_file_is_refused_not_read_as_gb18030(tmp_path: Path) -> None:
    text = "编号,所属部门,用工\nO1,D1,在编\nO2,D1,在编\nO3,D1,在编\n".encode()
    path = tmp_path / "officers.csv"
    path.write_bytes(text + b"O2,D1,\xe5\x9c\n")  # a character cut short
    [problem] = problems_of(path)
    assert problem.where.startswith("line 5")


def test_a_ragged_csv_row_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path / "officers.csv", "id,department,employment\nO1,D1,staff\nO2,D1,staff,extra\n"
    )
    [problem] = problems_of(path)
    assert problem.where == "row 3" and "3 cells" in problem.expected


def test_a_json_lines_problem_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "records.jsonl",
        '{"type": "officer", "id": "O1", "department": "D1", "employment": "在编"}\n'
        "\n"
        '{"type": "执法人员", "id": "O2", "department": "D1", "employment": "x"}\n'
        '{"type": "nothing", "id": "O3"}\n'
        "{not json\n",
    )
    text = [str(p) for p in problems_of(path)]
    assert any(t.startswith(f"{path}: line 4") and "'type'" in t for t in text)
    assert any("line 5, column" in t and "a JSON object" in t for t in text)
    path = write(
        tmp_path / "ok.jsonl",
        '{"type": "执法人员", "id": "O2", "department": "D1", "employment": "x"}\n',
    )
    [problem] = problems_of(path)
    assert problem.where == "line 1 (id=O2)" and problem.field == "employment"


def test_the_cli_exits_2_on_a_bad_csv_folder_naming_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "officers.csv", "id,department,employment\nO1,D1,临时\n")
    code = main(["check", str(tmp_path), "--as-of", "2024-12-31"])
    err = capsys.readouterr().err
    assert code == 2 and "officers.csv: row 2 (id=O1): field 'employment'" in err
    assert "Traceback" not in err


def test_a_missing_optional_dependency_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fastexcel", None)  # importing it now fails
    (tmp_path / "records.xlsx").write_bytes(b"")
    with pytest.raises(er.MissingDependency, match=r"enforcement-rules\[excel\]"):
        er.load(tmp_path / "records.xlsx")


def test_a_csv_read_by_pandas_with_its_defaults_loads_when_its_columns_mean_what_the_contract_says(
    tmp_path: Path,
) -> None:
    import pandas as pd

    folder = Path(__file__).parents[1] / "examples" / "dawukou-2024" / "csv"
    officers = pd.read_csv(folder / "officers.csv")  # 录用日期 is empty: a column of NaN
    assert officers["录用日期"].dtype == "float64" and officers["录用日期"].isna().all()
    loaded = er.Records.from_frames({"officers": officers})
    assert loaded.officers["hired_on"].null_count() == loaded.officers.height
    assert loaded.officers["id"].to_list() == er.load(folder).officers["id"].to_list()
    numbered = pd.DataFrame({"编号": [1, 2], "所属部门": ["D", "D"], "用工": ["在编", "在编"]})
    with pytest.raises(er.InputError, match="expected a column of texts; got a column of Int64"):
        er.Records.from_frames({"officers": numbered})  # ids read as numbers stay refused
    partly = officers.assign(录用日期=[1.5] + [float("nan")] * (len(officers) - 1))
    with pytest.raises(er.InputError, match="录用日期"):
        er.Records.from_frames({"officers": partly})  # a column with a value keeps its type
