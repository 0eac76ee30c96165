"""The quick ways records are read agree with the careful ones: a JSON file validated straight
from its text and by parsing it first, tables written and read as JSON and built from rows,
domains resolved from the records and by queries on the tables."""

from __future__ import annotations

import json
import os
import typing
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from annotated_types import Ge, Gt, Le, Lt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules import _records
from enforcement_rules._limits import MAX_INT_DIGITS
from enforcement_rules._models import RECORD_TYPES, RecordsFile
from enforcement_rules._records import SCHEMAS, frame_of, record_row

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples/dawukou-2024/records.json"
DATA: dict[str, list[dict[str, Any]]] = json.loads(EXAMPLE.read_text(encoding="utf-8"))

SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEAM = {"id": "T1", "department": "D1", "members": ["O1"], "date": "2024-06-01"}

# Values at the edges of what is valid, and a few beyond.
EDGES = st.sampled_from(
    [
        *["0001-01-01", "9999-12-31", "2024-02-29", "2024-02-30", " 2024-01-01 "],
        *["2025-01-15T16:30:00+08:00", "2025-01-15T23:59:59.999999-05:00", "0001-01-01T00:00Z"],
        *["在编", "staff", "辅助", "county", "区", "司法", "低空经济", "住建", " 市场监管 "],
        *["a\x00b", "\u2028", "😀", "\ud83d", '引号"与\\', "", "  ", "x" * 10_001],
        *[0, 1, -1, 1.5, 0.1, 1e-7, 8784, 8784.0000001, 100, 100.5, 10**9, 10**9 + 1],
        *[10**29, 10**30, 10**31, -(10**31), 1e30, 1e300, float("inf"), float("nan")],
        *[True, False, None, [], ["O1"], ["O1", "O1"], {"O1": 1}, {"O1": -1}],
    ]
)


@st.composite
def changed_records(draw: st.DrawFn) -> str:
    """The example with a few fields set to edge values (valid or not), and perhaps a team,
    as JSON text (non-ASCII characters as they are or escaped)."""
    data: dict[str, Any] = json.loads(json.dumps(DATA))
    if draw(st.booleans()):
        data["contest_teams"] = [dict(TEAM)]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        array = draw(st.sampled_from(sorted(data)))
        rows = data[array]
        record = rows[draw(st.integers(min_value=0, max_value=len(rows) - 1))]
        record[draw(st.sampled_from(sorted(RECORD_TYPES[array].model_fields)))] = draw(EDGES)
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate is written escaped, as in a real file
        text = json.dumps(data)
    return text


def _read(path: Path) -> er.Records | tuple[list[er.Problem], bool]:
    """The records of a JSON file, or the problems it has and whether they were cut short."""
    try:
        return er.Records.from_json(path)
    except er.InputError as error:
        return error.problems, error.truncated


def _same(a: er.Records, b: er.Records) -> None:
    assert a.counts() == b.counts()
    assert a.unknown_domains == b.unknown_domains
    for name in RECORD_TYPES:
        assert a.table(name).schema == b.table(name).schema, name
        assert a.table(name).equals(b.table(name)), name


@SETTINGS
@given(text=changed_records())
def test_a_json_file_read_straight_from_its_text_gives_the_careful_records_or_problems(
    text: str, tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("json") / "records.json"
    path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_records, "QUICK_JSON_CHARS", -1)  # the careful reading alone
        careful = _read(path)
    quick = _read(path)
    if isinstance(careful, er.Records):
        assert isinstance(quick, er.Records), quick
        _same(quick, careful)
    else:
        assert quick == careful


def test_the_example_read_straight_and_carefully_gives_the_same_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quick = er.Records.from_json(EXAMPLE)
    assert _records._valid_json(EXAMPLE.read_text(encoding="utf-8")) is not None
    monkeypatch.setattr(_records, "QUICK_JSON_CHARS", 0)  # longer than that: carefully only
    assert _records._valid_json(EXAMPLE.read_text(encoding="utf-8")) is None
    _same(quick, er.Records.from_json(EXAMPLE))


@pytest.mark.parametrize("field", ["final_score", "scores"])
def test_a_score_written_with_too_many_digits_is_refused_where_it_is(
    field: str, tmp_path: Path
) -> None:
    long = int("1" * (MAX_INT_DIGITS + 1))
    team = {**TEAM, field: {"O1": long} if field == "scores" else long}
    path = tmp_path / "records.json"
    path.write_text(json.dumps({**DATA, "contest_teams": [team]}), encoding="utf-8")
    with pytest.raises(er.InputError) as caught:
        er.Records.from_json(path)
    [problem] = caught.value.problems
    assert problem.expected == f"a number of at most {MAX_INT_DIGITS} digits"
    assert problem.where.startswith("line 1, column ")
    # as large a score written as a decimal number is no long number: read as it always was
    team = {**TEAM, field: {"O1": 1e31} if field == "scores" else 1e31}
    path.write_text(json.dumps({**DATA, "contest_teams": [team]}), encoding="utf-8")
    assert er.Records.from_json(path).table("contest_teams").height == 1


def _bounds(annotation: Any, metadata: list[Any]) -> list[tuple[Any, Any]]:
    """The numbers an annotation allows, each with its lower and upper bound (``None``: none)."""
    found = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        extra = [m for info in more for m in getattr(info, "metadata", [info])]
        return _bounds(inner, [*metadata, *extra])
    if annotation in (int, float):
        lower = [m.ge for m in metadata if isinstance(m, Ge)]
        lower += [m.gt for m in metadata if isinstance(m, Gt)]
        upper = [m.le for m in metadata if isinstance(m, Le)]
        upper += [m.lt for m in metadata if isinstance(m, Lt)]
        return [(max(lower) if lower else None, min(upper) if upper else None)]
    for arg in typing.get_args(annotation):
        found += _bounds(arg, [])
    return found


def test_every_number_but_a_score_is_bounded_far_below_the_longest_number() -> None:
    """What lets a JSON file be read straight from its text: a number of more digits than
    ``MAX_INT_DIGITS`` is caught by its field's bounds, but for a large score, which
    ``_valid_json`` looks at itself (only the largest: a score is never negative). A new
    number field unbounded either way must be looked at there too."""
    unbounded, below = [], []
    for name, model in RECORD_TYPES.items():
        for field, info in model.model_fields.items():
            for lower, upper in _bounds(info.annotation, list(info.metadata)):
                if upper is None or upper >= 10**MAX_INT_DIGITS:
                    unbounded.append(f"{name}.{field}")
                if lower is None or lower <= -(10**MAX_INT_DIGITS):
                    below.append(f"{name}.{field}")
    assert unbounded == ["contest_teams.scores", "contest_teams.final_score"]
    assert below == []


def _valid_records(data: dict[str, Any]) -> RecordsFile:
    return RecordsFile.model_validate(data)


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_tables_written_and_read_as_json_equal_tables_built_from_rows(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_records, "JSON_CHUNK", chunk)
    data: dict[str, Any] = json.loads(json.dumps(DATA))
    data["trainings"][0].update(date="0001-01-01", hours=1e-7, topic='a\x00"\\\u2028😀')
    data["trainings"][1].update(date="9999-12-31", hours=0.1 + 0.2, id=" T-边界 ")
    data["certificates"][0]["reviewed_years"] = [1949, 2200]
    data["exams"] = [{"officer": "O1", "exam": "E", "date": "2024-01-01", "score": 99.99}]
    data["exam_papers"] = [
        {
            "id": "P1",
            "exam": "E",
            "theory_percent": 1 / 3,
            "document_percent": 0,
            "procedure_percent": 100,
        }
    ]
    data["campaign_enrollments"] = [{"department": "D1", "campaign": "c"}]
    data["monitoring_devices"] = [{"id": "M1", "department": "D1", "location": "路口"}]
    data["entrustments"] = [{"id": "E1", "department": "D1", "entrusted": "中队"}]
    data["contest_teams"] = [{**TEAM, "scores": {"O1": 0.5}, "final_score": 1e300}]
    parsed = _valid_records(data)
    for name in RECORD_TYPES:
        rows = getattr(parsed, name)
        assert rows, name
        from_rows = pl.DataFrame([record_row(r) for r in rows], schema=SCHEMAS[name], orient="row")
        table = frame_of(name, rows)
        assert table.schema == from_rows.schema, name
        assert table.equals(from_rows), name
        assert table.n_chunks() == 1, name


def test_an_empty_table_is_a_frame_of_its_own() -> None:
    first, second = frame_of("exams", []), frame_of("exams", [])
    assert first is not second
    assert first.height == 0
    assert dict(first.schema) == SCHEMAS["exams"]


def _department(id: str, domain: str) -> dict[str, Any]:
    return {"id": id, "name": "局", "region": ["宁夏回族自治区"], "level": "区", "domain": domain}


def _action(id: str, department: str, **more: Any) -> dict[str, Any]:
    return {
        "id": id,
        "department": department,
        "date": "2024-03-01",
        "kind": "inspection",
        "participants": ["O1", "O2"],
        **more,
    }


@pytest.mark.parametrize(
    ("departments", "actions", "certificate_domains"),
    [
        ([("D1", "综合行政执法")], [("A1", "D1", None)], []),
        ([("D1", "住建"), ("D1", "司法"), ("D2", "低空经济")], [("A1", "D1", None)], []),
        ([("D1", "住建")], [("A1", "D1", "司法"), ("A2", "D9", None), ("A3", "D1", "x")], []),
        ([("D1", "市场监管")], [("A1", "D1", "市场监管")], ["住建", "低空经济"]),
        ([("D1", "police")], [("A1", "D1", "police"), ("A2", "D1", None)], ["public_security"]),
    ],
)
def test_domains_resolved_from_the_records_equal_those_resolved_by_queries(
    departments: list[tuple[str, str]],
    actions: list[tuple[str, str, str | None]],
    certificate_domains: list[str],
) -> None:
    data = {
        "departments": [_department(id, domain) for id, domain in departments],
        "actions": [
            _action(id, department, **({} if domain is None else {"domain": domain}))
            for id, department, domain in actions
        ],
        "certificates": [
            {
                "id": "C1",
                "officer": "O1",
                "valid_from": "2024-01-01",
                "valid_to": "2026-12-31",
                "domains": certificate_domains,
            }
        ],
    }
    resolved = er.Records.from_dicts(data)
    parsed = _valid_records(data)
    queried = er.Records({name: frame_of(name, getattr(parsed, name)) for name in RECORD_TYPES})
    _same(resolved, queried)
