"""The shipped example, corrupted in many ways: loading and evaluating it either raises an
``InputError`` whose problems say where and what was expected, or gives a report; never any
other exception."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._models import RECORD_TYPES

ROOT = Path(__file__).parents[1]
DATA: dict[str, list[dict[str, Any]]] = json.loads(
    (ROOT / "examples/dawukou-2024/records.json").read_text(encoding="utf-8")
)
CSV = {
    p.name: p.read_text(encoding="utf-8") for p in (ROOT / "examples/dawukou-2024/csv").iterdir()
}
FIELDS = sorted({f for model in RECORD_TYPES.values() for f in model.model_fields})
IDS = sorted({r["id"] for rows in DATA.values() for r in rows if "id" in r})

SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),  # more for a longer hunt
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            *["2024-02-30", "2024-13-01", "2024/01/02", "2025-01-15T16:30:00", "在编", "是"],
            *["county", "O999", "", " ", "2024-01-01T00:00:00+08:00", "1e400", "、、", "否"],
            *IDS[:10],
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=5,
)


def _problems_say_where_and_what(error: er.InputError) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.where and problem.expected, problem
        str(problem)


def _check(load: Any) -> None:
    try:
        records = load()
    except er.InputError as error:
        _problems_say_where_and_what(error)
        return
    report = er.evaluate(records, as_of="2024-12-31")
    report.to_dict()
    report.to_html()


@st.composite
def corrupted_records(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(DATA))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        array = draw(st.sampled_from(sorted(data)))
        rows = data[array]
        what = draw(st.sampled_from(["set", "delete", "unknown", "duplicate", "dangling", "array"]))
        if what == "array":
            data[array] = draw(values)
            continue
        if not isinstance(rows, list) or not rows:
            continue
        index = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        record = rows[index]
        if not isinstance(record, dict):
            continue
        if what == "set":
            record[draw(st.sampled_from(sorted(record) or FIELDS))] = draw(values)
        elif what == "delete" and record:
            del record[draw(st.sampled_from(sorted(record)))]
        elif what == "unknown":
            record[draw(st.sampled_from([*FIELDS, "备注", "type"]))] = draw(values)
        elif what == "duplicate":
            rows.append(dict(record))
        elif what == "dangling":
            for field in ("officer", "department", "participants", "members"):
                if field in record:
                    record[field] = ["O999"] if isinstance(record[field], list) else "D999"
    return data


@SETTINGS
@given(corrupted_records())
def test_corrupted_records_give_a_located_error_or_a_report(data: dict[str, Any]) -> None:
    _check(lambda: er.Records.from_dicts(data))


@SETTINGS
@given(data=corrupted_records())
def test_corrupted_json_lines_give_a_located_error_or_a_report(
    data: dict[str, Any], tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "records.jsonl"
    lines = []
    for kind, rows in data.items():
        for row in rows if isinstance(rows, list) else [rows]:
            lines.append(
                json.dumps({"type": kind, **row} if isinstance(row, dict) else row, default=str)
            )
    path.write_text("\n".join(lines), encoding="utf-8")
    _check(lambda: er.load(path))


@st.composite
def corrupted_csv(draw: st.DrawFn) -> dict[str, bytes]:
    files = {name: [line.split(",") for line in text.splitlines()] for name, text in CSV.items()}
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        name = draw(st.sampled_from(sorted(files)))
        rows = files[name]
        what = draw(st.sampled_from(["cell", "header", "drop column", "add column", "row"]))
        row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
        column = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
        cell = draw(st.text(max_size=10) | st.sampled_from(["2024-02-30", "x", "", "O999", '"']))
        if what == "cell":
            rows[row][column] = cell
        elif what == "header":
            rows[0][column] = cell
        elif what == "drop column":
            for r in rows:
                del r[column : column + 1]
        elif what == "add column":
            for r in rows:
                r.append(cell)
        else:
            rows.insert(row, list(rows[row]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    out = {}
    for name, rows in files.items():
        text = "\n".join(",".join(r) for r in rows)
        out[name] = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(out)))
        out[name] = draw(st.binary(max_size=8)) + out[name]
    return out


@SETTINGS
@given(files=corrupted_csv())
def test_corrupted_csv_folders_give_a_located_error_or_a_report(
    files: dict[str, bytes], tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    _check(lambda: er.load(folder))


def test_the_uncorrupted_csv_in_every_supported_encoding_loads(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        folder = tmp_path / encoding
        folder.mkdir()
        for name, text in CSV.items():
            (folder / name).write_bytes(text.encode(encoding))
        assert er.load(folder).counts()["actions"] == len(DATA["actions"])
    assert codecs.lookup("gbk")
