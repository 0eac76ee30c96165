"""Hostile records and rule files, one defect each: every failure to read, decode or validate is
a located ``InputError`` (``RuleError`` for rules), exit 2 from the command, never a traceback
and never exit 1 (which means violations); the same record is refused from every format."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules import _limits
from enforcement_rules._cli import main
from enforcement_rules._rules import default_rules_dir
from enforcement_rules._yamlfile import read_yaml

DEPARTMENT = {
    "id": "D1",
    "name": "司法局",
    "region": ["宁夏回族自治区"],
    "level": "county",
    "domain": "司法行政",
}
OFFICER = {"id": "O1", "department": "D1", "employment": "在编"}
TRAINING = {"officer": "O1", "date": "2024-03-01", "hours": 8}
SUBMISSION = {"id": "S1", "department": "D1", "obligation": "x", "submitted_on": "2024-03-01"}


def refused(load: Any) -> er.InputError:
    with pytest.raises(er.InputError) as caught:
        load()
    for problem in caught.value.problems:
        assert problem.where and problem.expected, problem
    return caught.value


def json_file(tmp_path: Path, text: str, name: str = "records.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def records_json(tmp_path: Path, **arrays: list[dict[str, Any]]) -> Path:
    return json_file(tmp_path, json.dumps({"departments": [DEPARTMENT], **arrays}))


def csv_file(tmp_path: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / name
    pl.DataFrame(rows).write_csv(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    _, err = capsys.readouterr()
    return code, err


# -- item 1: every failure of reading a record is a located InputError, exit 2 ----------------


def test_json_nested_100k_deep_is_refused_with_the_depth_limit(tmp_path: Path) -> None:
    path = json_file(tmp_path, '{"officers": ' + "[" * 100_000 + "]" * 100_000 + "}")
    error = refused(lambda: er.load(path))
    assert error.problems[0].file == str(path)
    assert f"nested at most {_limits.MAX_JSON_DEPTH} deep" in error.problems[0].expected


def test_a_5000_digit_integer_is_refused_where_it_stands(tmp_path: Path) -> None:
    department = json.dumps({**DEPARTMENT, "enforcement_staff": 1})
    text = '{"departments": [\n' + department.replace(": 1}", ": " + "9" * 5000 + "}") + "]}"
    path = json_file(tmp_path, text)
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.where.startswith("line 2, column ") and "digits" in problem.expected


@pytest.mark.parametrize("value", [2**63, 2**64 + 5, _limits.MAX_COUNT + 1])
def test_a_count_beyond_its_range_is_refused_from_json_and_csv(tmp_path: Path, value: int) -> None:
    path = records_json(tmp_path, activities=[])
    path.write_text(json.dumps({"departments": [{**DEPARTMENT, "enforcement_staff": value}]}))
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.field == "enforcement_staff" and "departments[0]" in problem.where
    row = {**{k: str(v) for k, v in DEPARTMENT.items()}, "enforcement_staff": str(value)}
    row["region"] = "宁夏回族自治区"
    csv = csv_file(tmp_path, "departments.csv", [row])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "enforcement_staff" and problem.where.startswith("row 2")


def test_a_lone_surrogate_is_refused_and_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = json_file(
        tmp_path,
        '{"departments": [{"id": "D\\ud800", "name": "x", "region": ["y"],'
        ' "level": "county", "domain": "司法行政"}]}',
    )
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.field == "id" and "Unicode" in problem.expected
    code, err = run(capsys, "check", str(path), "--as-of", "2024-12-31")
    assert code == 2 and "Traceback" not in err and "\\ud800" in err
    err.encode("utf-8")


def test_a_date_time_past_year_9999_in_shanghai_is_refused_from_json_and_csv(
    tmp_path: Path,
) -> None:
    late = "9999-12-31T20:00:00+00:00"  # 10000-01-01 04:00 in Asia/Shanghai
    path = records_json(tmp_path, submissions=[{**SUBMISSION, "submitted_on": late}])
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.field == "submitted_on" and "9999-12-31" in problem.expected
    csv = csv_file(tmp_path, "submissions.csv", [{**SUBMISSION, "submitted_on": late}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "submitted_on" and "9999-12-31" in problem.expected


def test_a_file_that_cannot_be_read_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = records_json(tmp_path)
    folder = tmp_path / "csv"
    folder.mkdir()
    csv_file(folder, "officers.csv", [{k: str(v) for k, v in OFFICER.items()}])
    real_open = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name in ("records.json", "officers.csv"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    for target in (path, folder):
        [problem] = refused(lambda: er.load(target)).problems  # noqa: B023
        assert problem.file is not None and problem.file.endswith(("records.json", "officers.csv"))
        assert "readable" in problem.expected and "Permission denied" in (problem.got or "")
        code, err = run(capsys, "check", str(target), "--as-of", "2024-12-31")
        assert code == 2 and "Traceback" not in err


def test_a_folder_that_cannot_be_listed_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", denied)
    [problem] = refused(lambda: er.load(tmp_path)).problems
    assert problem.file == str(tmp_path) and "Permission denied" in (problem.got or "")


def test_a_parquet_uint64_column_beyond_int64_is_refused(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {**{k: [v] for k, v in DEPARTMENT.items() if k != "region"}, "region": [["宁夏"]]}
    ).with_columns(pl.Series("enforcement_staff", [2**64 - 1], dtype=pl.UInt64))
    frame.write_parquet(tmp_path / "departments.parquet")
    [problem] = refused(lambda: er.load(tmp_path / "departments.parquet")).problems
    assert problem.field == "enforcement_staff" and problem.where == "departments[0] (id=D1)"


def test_an_unexpected_failure_is_exit_2_with_one_line_not_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(path: object) -> er.Records:
        raise RuntimeError("a defect")

    monkeypatch.setattr("enforcement_rules._cli.load", broken)
    code, err = run(capsys, "check", str(records_json(tmp_path)), "--as-of", "2024-12-31")
    assert code == 2 and "Traceback" not in err
    assert "internal error" in err and "RuntimeError: a defect" in err


# -- item 9: the formats agree ----------------------------------------------------------------


@pytest.mark.parametrize("hours", ["Infinity", "1e400", "NaN", "-Infinity", "1e5"])
def test_hours_that_are_not_a_finite_number_in_range_are_refused_from_json(
    tmp_path: Path, hours: str
) -> None:
    text = json.dumps({"trainings": [{**TRAINING, "hours": 1}]}).replace(
        '"hours": 1', '"hours": ' + hours
    )
    [problem] = refused(lambda: er.load(json_file(tmp_path, text))).problems
    assert problem.field == "hours"


@pytest.mark.parametrize("hours", ["1e400", "inf", "nan", "1e5"])
def test_hours_that_are_not_a_finite_number_in_range_are_refused_from_csv(
    tmp_path: Path, hours: str
) -> None:
    csv = csv_file(tmp_path, "trainings.csv", [{**TRAINING, "hours": hours}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "hours"


def test_year_zero_is_refused_from_csv_as_from_json(tmp_path: Path) -> None:
    path = records_json(tmp_path, trainings=[{**TRAINING, "date": "0000-01-01"}])
    refused(lambda: er.load(path))
    csv = csv_file(tmp_path, "trainings.csv", [{**TRAINING, "date": "0000-01-01"}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "date"


def test_a_parquet_date_of_year_minus_6244_is_refused(tmp_path: Path) -> None:
    frame = pl.DataFrame({"officer": ["O1"], "hours": [8.0]}).with_columns(
        pl.lit(-2_999_999, dtype=pl.Int32).cast(pl.Date).alias("date")
    )
    frame.write_parquet(tmp_path / "trainings.parquet")
    [problem] = refused(lambda: er.load(tmp_path / "trainings.parquet")).problems
    assert problem.field == "date" and "0001-01-01" in problem.expected


def test_a_period_is_checked_in_a_csv_file_as_in_json(tmp_path: Path) -> None:
    for bad in ("2024-Q5", "someday", "0000"):
        path = records_json(tmp_path, submissions=[{**SUBMISSION, "period": bad}])
        refused(lambda: er.load(path))  # noqa: B023
        csv = csv_file(tmp_path, "submissions.csv", [{**SUBMISSION, "period": bad}])
        [problem] = refused(lambda: er.load(csv)).problems  # noqa: B023
        assert problem.field == "period"
    csv = csv_file(tmp_path, "submissions.csv", [{**SUBMISSION, "period": "2024年第一季度"}])
    assert er.load(csv).table("submissions")["period"].to_list() == ["2024-Q1"]


def test_a_text_too_long_is_refused_from_every_format(tmp_path: Path) -> None:
    long = "长" * (_limits.MAX_TEXT_CHARS + 1)
    path = records_json(tmp_path, officers=[{**OFFICER, "department": long}])
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.field == "department"
    csv = csv_file(tmp_path, "officers.csv", [{**OFFICER, "department": long}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "department"


def test_the_monitors_one_record_meets_the_same_limits() -> None:
    from enforcement_rules._one_record import parse_record

    for record in (
        {**TRAINING, "hours": float("inf")},
        {**TRAINING, "date": "2024-03-01", "officer": "O\ud800"},
    ):
        with pytest.raises(er.InputError):
            parse_record(record, "trainings")
    with pytest.raises(er.InputError):
        parse_record({**SUBMISSION, "submitted_on": "9999-12-31T23:00:00-05:00"}, "submissions")
    with pytest.raises(er.InputError):
        parse_record({**DEPARTMENT, "legal_reviewers": 2**63}, "departments")


# -- item 8: JSON Lines split only at line feeds ---------------------------------------------


def test_json_lines_split_only_at_line_feeds(tmp_path: Path) -> None:
    officer = json.dumps(
        {"type": "officer", **OFFICER, "name": "张\u2028三\x85四\x1c五"}, ensure_ascii=False
    )
    bad = json.dumps({"type": "officer", **OFFICER, "id": "O2", "employment": "x"})
    path = tmp_path / "records.jsonl"
    path.write_text(officer + "\r\n" + officer.replace("O1", "O3") + "\n" + bad + "\n", "utf-8")
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.where == "line 3 (id=O2)"
    path.write_text(officer + "\n", "utf-8")
    assert er.load(path).officers["name"].to_list() == ["张\u2028三\x85四\x1c五"]


# -- item 10: every structural CSV error, and no table file skipped --------------------------


def test_every_ragged_csv_row_of_every_file_is_listed_up_to_the_limit(tmp_path: Path) -> None:
    for name in ("officers", "trainings", "actions"):
        rows = ["a,b,c"] + ["1,2,3,4"] * 30 + ["1,2,3"]
        (tmp_path / f"{name}.csv").write_text("\n".join(rows) + "\n")
    error = refused(lambda: er.load(tmp_path))
    assert len(error.problems) == _limits.MAX_PROBLEMS
    assert {p.file for p in error.problems} == {
        str(tmp_path / "actions.csv"),
        str(tmp_path / "officers.csv"),
    }
    assert error.problems[0].where == "row 2" and error.more == 90 - _limits.MAX_PROBLEMS
    assert f"and {90 - _limits.MAX_PROBLEMS} more" in str(error)


@pytest.mark.parametrize("what", ["folder", "symlink loop", "dangling symlink", "fifo"])
def test_a_table_file_that_cannot_be_read_is_named_not_skipped(tmp_path: Path, what: str) -> None:
    csv_file(tmp_path, "departments.csv", [{**DEPARTMENT, "region": "宁夏"}])
    bad = tmp_path / "officers.csv"
    if what == "folder":
        bad.mkdir()
    elif what == "symlink loop":
        bad.symlink_to(bad)
    elif what == "dangling symlink":
        bad.symlink_to(tmp_path / "nowhere.csv")
    else:
        os.mkfifo(bad)
    [problem] = refused(lambda: er.load(tmp_path)).problems
    assert problem.file == str(bad) and "readable" in problem.expected


# -- item 11: size guards ---------------------------------------------------------------------


def test_a_workbook_expanding_beyond_the_limit_is_refused_before_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "records.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 3_000_000 + b">")
    monkeypatch.setattr(_limits, "MAX_UNCOMPRESSED_BYTES", 2_000_000)
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.file == str(path) and "expand" in problem.expected


def test_a_workbook_with_too_many_members_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "records.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(30):
            archive.writestr(f"m{number}", b"")
    monkeypatch.setattr(_limits, "MAX_ARCHIVE_MEMBERS", 20)
    [problem] = refused(lambda: er.load(path)).problems
    assert "members" in problem.expected


def test_a_json_file_beyond_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_limits, "MAX_JSON_BYTES", 1000)
    path = records_json(tmp_path, officers=[OFFICER] * 50)
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text("\n".join([json.dumps({"type": "officer", **OFFICER})] * 50))
    for target in (path, jsonl):
        [problem] = refused(lambda: er.load(target)).problems  # noqa: B023
        assert problem.where == "file" and "at most 1000 bytes" in problem.expected


def test_a_billion_laughs_rule_file_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(er.RuleError) as caught:
        read_yaml(path)
    assert time.perf_counter() - started < 5
    assert "values" in str(caught.value) and str(path) in str(caught.value)
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    shutil.copy(path, rules / "dawukou-2024" / "laughs.yaml")
    with pytest.raises(er.RuleError, match=r"laughs\.yaml"):
        er.load_rules(rules, shipped=False)


def test_a_rule_file_beyond_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_limits, "MAX_RULE_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "y" * 200 + "\n")
    with pytest.raises(er.RuleError, match="at most 100 bytes"):
        read_yaml(path)


def test_a_yaml_key_that_is_not_a_scalar_is_a_rule_error(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text("? [a, b]\n: c\n")
    with pytest.raises(er.RuleError, match=r"keys\.yaml:1: a key is a plain value"):
        read_yaml(path)


# -- item 12: nothing to check, and personal data kept out of messages ------------------------


@pytest.mark.parametrize("what", ["empty jsonl", "empty object", "empty arrays", "header only"])
def test_an_input_without_records_is_refused_as_nothing_checked(
    tmp_path: Path, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if what == "empty jsonl":
        path = tmp_path / "records.jsonl"
        path.write_text("\n\n")
    elif what == "empty object":
        path = json_file(tmp_path, "{}")
    elif what == "empty arrays":
        path = json_file(tmp_path, '{"officers": [], "actions": []}')
    else:
        path = tmp_path / "csv"
        path.mkdir()
        (path / "officers.csv").write_text("id,department,employment\n")
    [problem] = refused(lambda: er.load(path)).problems
    assert "at least one record" in problem.expected
    code, err = run(capsys, "check", str(path), "--as-of", "2024-12-31")
    assert code == 2 and "nothing was evaluated" in err


def test_a_bad_officer_name_is_named_by_field_and_row_not_by_value(tmp_path: Path) -> None:
    secret = "张秘密" * 4000
    path = records_json(tmp_path, officers=[{**OFFICER, "name": secret}])
    [problem] = refused(lambda: er.load(path)).problems
    assert problem.field == "name" and problem.where == "officers[0] (id=O1)"
    assert "张秘密" not in str(problem) and "personal" in (problem.got or "")
    csv = csv_file(tmp_path, "officers.csv", [{**OFFICER, "name": secret}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "name" and "张秘密" not in str(problem)
    frame = pl.DataFrame({**{k: [v] for k, v in OFFICER.items()}, "name": [12]})
    [problem] = refused(lambda: er.Records.from_frames({"officers": frame})).problems
    assert problem.field == "name" and "12" not in (problem.got or "")


def test_texts_are_stripped_of_the_same_characters_in_every_format(tmp_path: Path) -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    stripped = pl.Series(["x" + c for c in chars]).str.strip_chars().to_list()
    assert set(_limits.WHITESPACE) == {c for c, s in zip(chars, stripped, strict=True) if s == "x"}
    # U+001C is white space to Python's str.strip() but not to polars: kept by both
    department = "\x1c\u3000D1\x1f"
    path = records_json(tmp_path, officers=[{**OFFICER, "department": department}])
    assert er.load(path).officers["department"].to_list() == ["\x1c\u3000D1\x1f"]
    csv = csv_file(tmp_path, "officers.csv", [{**OFFICER, "department": department}])
    assert er.load(csv).officers["department"].to_list() == ["\x1c\u3000D1\x1f"]
    path = records_json(tmp_path, trainings=[{**TRAINING, "date": "\u3000 2024-03-01 "}])
    assert er.load(path).trainings["date"].to_list() == [date(2024, 3, 1)]


def test_typed_contest_scores_meet_the_bounds_of_scores_written_as_text() -> None:
    team = {"id": ["T1"], "department": ["D1"], "members": [["O1"]], "date": [date(2024, 3, 1)]}
    for bad in (-1.0, float("inf")):
        scores = pl.Series("scores", [[{"key": "O1", "value": bad}]])
        frame = pl.DataFrame(team).with_columns(scores)
        [problem] = refused(lambda: er.Records.from_frames({"contest_teams": frame})).problems  # noqa: B023
        assert problem.field == "scores"


def test_a_list_item_too_long_is_refused_from_csv_as_from_json(tmp_path: Path) -> None:
    long = "长" * (_limits.MAX_TEXT_CHARS + 1)
    action = {"id": "A1", "department": "D1", "date": "2024-03-01", "kind": "penalty"}
    path = records_json(tmp_path, actions=[{**action, "participants": [long]}])
    refused(lambda: er.load(path))
    csv = csv_file(tmp_path, "actions.csv", [{**action, "participants": long}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "participants"


def test_a_date_time_before_year_1_in_utc_is_refused_from_csv_as_from_json(tmp_path: Path) -> None:
    early = "0001-01-01T00:30:00+00:31"  # 0000-12-31 in UTC, though 0001-01-01 in Asia/Shanghai
    path = records_json(tmp_path, submissions=[{**SUBMISSION, "submitted_on": early}])
    refused(lambda: er.load(path))
    csv = csv_file(tmp_path, "submissions.csv", [{**SUBMISSION, "submitted_on": early}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "submitted_on" and "in UTC and in Asia/Shanghai" in problem.expected


@pytest.mark.parametrize(
    "moment",
    ["2024-01-01T10:00:00+08:75", "0000-12-31T07:30:00-16:30", "2024-01-01T23:59:60+08:00"],
)
def test_a_date_time_python_cannot_read_is_refused_from_csv_too(
    tmp_path: Path, moment: str
) -> None:
    path = records_json(tmp_path, submissions=[{**SUBMISSION, "submitted_on": moment}])
    refused(lambda: er.load(path))
    csv = csv_file(tmp_path, "submissions.csv", [{**SUBMISSION, "submitted_on": moment}])
    [problem] = refused(lambda: er.load(csv)).problems
    assert problem.field == "submitted_on"


def test_a_score_key_with_a_line_break_reads_from_csv_as_from_json(tmp_path: Path) -> None:
    team = {"id": "T1", "department": "D1", "members": ["O1"], "date": "2024-03-01"}
    path = records_json(tmp_path, contest_teams=[{**team, "scores": {"a\r\nb": 0.0}}])
    assert er.load(path).counts()["contest_teams"] == 1
    row = {**team, "members": "O1", "scores": "a\r\nb:0.0"}
    assert er.load(csv_file(tmp_path, "contest_teams.csv", [row])).counts()["contest_teams"] == 1
