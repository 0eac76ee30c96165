"""The columnar checks (CSV, spreadsheets, DataFrames) and the pydantic models (JSON, dicts)
accept the same records and refuse the same ones, naming the same record and field."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules._columnar import SPECS, Place, validate_table

DEPARTMENT = {
    "id": "D1",
    "name": "大武口区综合执法局",
    "region": ["宁夏回族自治区", "石嘴山市", "大武口区"],
    "level": "区",
    "domain": "综合执法",
}
OFFICER = {"id": "O1", "department": "D1", "employment": "在编"}
CERTIFICATE = {
    "id": "C1",
    "officer": "O1",
    "valid_from": "2022-01-01",
    "valid_to": "2027-12-31",
    "reviewed_years": [2022, 2023],
}
TRAINING = {"officer": "O1", "date": "2024-03-01", "hours": 8, "rotation": True}
ACTION = {
    "id": "A1",
    "department": "D1",
    "date": "2024-05-01",
    "kind": "行政检查",
    "participants": ["O1"],
}
SUBMISSION = {"id": "S1", "department": "D1", "obligation": "x", "submitted_on": "2024-03-01"}
CONTEST = {"id": "T1", "department": "D1", "members": ["O1"], "date": "2024-05-01"}


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_text_frames(data: dict[str, list[dict[str, Any]]]) -> dict[str, pl.DataFrame]:
    frames = {}
    for kind, rows in data.items():
        headers = list(dict.fromkeys(h for row in rows for h in row))
        frames[kind] = pl.DataFrame(
            {h: [text_of(row.get(h)) for row in rows] for h in headers},
            schema=dict.fromkeys(headers, pl.String),
        )
    return frames


def problems(build: Any) -> set[tuple[str, str | None]]:
    with pytest.raises(er.InputError) as caught:
        build()
    # an item of a list or map is named by its column (reviewed_years, not reviewed_years.0)
    return {(p.where, p.field and p.field.split(".")[0]) for p in caught.value.problems}


def base(**changes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    data = {
        "departments": [DEPARTMENT],
        "officers": [OFFICER],
        "certificates": [CERTIFICATE],
        "trainings": [TRAINING],
        "actions": [ACTION],
        "submissions": [SUBMISSION],
        "contest_teams": [CONTEST],
    }
    data.update(changes)
    return data


def test_both_ways_give_the_same_tables() -> None:
    data = base(
        contest_teams=[{**CONTEST, "scores": {"O1": 85.5}, "final_score": 90}],
        submissions=[{**SUBMISSION, "submitted_on": "2024-03-01T23:30:00+00:00"}],
    )
    by_models = er.Records.from_dicts(data)
    by_columns = er.Records.from_frames(as_text_frames(data))
    for kind in er.RECORD_TYPES:
        assert by_models.table(kind).equals(by_columns.table(kind)), kind
    assert by_columns.table("submissions")["submitted_on"].cast(pl.String).to_list() == [
        "2024-03-02"
    ]


BAD = {
    "an enumeration word outside the vocabulary": base(
        officers=[OFFICER, {**OFFICER, "id": "O2", "employment": "临时工"}]
    ),
    "a date in another form": base(trainings=[{**TRAINING, "date": "2024/03/01"}]),
    "a day that is not in the calendar": base(trainings=[{**TRAINING, "date": "2024-02-30"}]),
    "hours not above zero": base(trainings=[{**TRAINING, "hours": 0}]),
    "a boolean word that is neither": base(officers=[{**OFFICER, "on_duty": "maybe"}]),
    "a participant listed twice": base(actions=[{**ACTION, "participants": ["O1", "O1"]}]),
    "an empty region": base(departments=[{**DEPARTMENT, "region": []}]),
    "a missing required field": base(
        officers=[OFFICER, {"id": "O2", "employment": "在编", "department": None}]
    ),
    "a valid_to before valid_from": base(certificates=[{**CERTIFICATE, "valid_to": "2021-12-31"}]),
    "a suspended certificate without the day": base(
        certificates=[{**CERTIFICATE, "status": "暂扣"}]
    ),
    "a review year out of range": base(certificates=[{**CERTIFICATE, "reviewed_years": [1800]}]),
    "a date-time without its offset": base(
        submissions=[{**SUBMISSION, "submitted_on": "2025-01-15T16:30:00"}]
    ),
    "a negative preliminary score": base(contest_teams=[{**CONTEST, "scores": {"O1": -1}}]),
    "several problems at once": base(
        officers=[{**OFFICER, "employment": "x", "hired_on": "2024-1-1"}],
        actions=[{**ACTION, "kind": "巡查", "date": "2024-13-01"}],
    ),
}


def _without_nulls(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The JSON form leaves a missing field out; a table has an empty cell."""
    return {
        k: [{f: v for f, v in r.items() if v is not None} for r in rows] for k, rows in data.items()
    }


@pytest.mark.parametrize("case", list(BAD))
def test_both_ways_refuse_the_same_record_and_field(case: str) -> None:
    data = BAD[case]
    by_models = problems(lambda: er.Records.from_dicts(_without_nulls(data)))
    by_columns = problems(lambda: er.Records.from_frames(as_text_frames(data)))
    assert by_models == by_columns
    assert by_models


def test_an_unknown_field_is_refused_both_ways() -> None:
    data = base(officers=[{**OFFICER, "age": 30}])
    assert ("officers[0] (id=O1)", "age") in problems(lambda: er.Records.from_dicts(data))
    assert ("officers", "age") in problems(lambda: er.Records.from_frames(as_text_frames(data)))


def test_the_columnar_checks_cover_every_field_of_every_model() -> None:
    for kind, model in er.RECORD_TYPES.items():
        assert list(SPECS[kind]) == list(model.model_fields), kind
        for name, spec in SPECS[kind].items():
            assert spec.required == model.model_fields[name].is_required(), (kind, name)


def test_a_refused_list_cell_of_a_dataframe_is_shown_as_its_items() -> None:
    frame = pl.DataFrame(
        {**{k: [v] for k, v in CERTIFICATE.items()}, "domains": [["交通", "交通"]]}
    )
    with pytest.raises(er.InputError) as caught:
        er.Records.from_frames({"certificates": frame})
    (problem,) = caught.value.problems
    assert problem.field == "domains"
    assert problem.got == '["交通", "交通"]'


def test_a_table_read_for_validation_alone_is_let_go_column_by_column() -> None:
    # A file's table (consume): each good column goes once typed; one with a bad cell stays,
    # so that its problem shows the cell. A caller's DataFrame is never changed.
    def officers() -> pl.DataFrame:
        return pl.DataFrame(
            {
                "id": ["O1", "O2"],
                "department": ["D1", "D1"],
                "employment": ["在编", "在编"],
                "hired_on": ["2024-01-01", "someday"],
            }
        )

    place = Place("officers.csv", "officers", lambda row: f"row {row + 2}")
    read = officers()
    typed, found = validate_table("officers", read, place, consume=True)
    assert read.columns == ["hired_on"]
    assert [(p.field, p.got) for p in found] == [("hired_on", '"someday"')]
    given = officers()
    assert validate_table("officers", given, place)[0].equals(typed)
    assert given.equals(officers())
    er.Records.from_frames({"officers": given.head(1)})
    assert given.equals(officers())
