"""The registry of rule kinds drives the listings: a kind made at run time (as a new module of
``_kinds`` would make it) is followed or says why not, and what it asks for is listed, without
touching any other module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

import pytest

import enforcement_rules as er
from enforcement_rules import _kinds
from enforcement_rules._kinds._schedule import Owed, RecordsAsked
from enforcement_rules._obligations import department_obligations, known_items, obligations
from enforcement_rules._rulebase import KINDS
from enforcement_rules._rules import Pack

RULES = er.load_rules()


@pytest.fixture
def probe_kind() -> Iterator[type[RecordsAsked]]:
    class ProbeReport(RecordsAsked):
        """A kind asking each department for one probe report."""

        kind: Literal["probe_report"]

        not_followed: ClassVar[str] = "a probe: no live piece"

        def owed(self) -> list[Owed]:
            return [Owed("submissions", "probe-report", "探针报告", "随时", "全部")]

    try:
        yield ProbeReport
    finally:
        del KINDS["probe_report"]


def probe_pack(kind: type[RecordsAsked]) -> Pack:
    pack = RULES.packs["dawukou-2024"]
    template = pack.rules[0]
    rule = kind.model_validate(
        {
            **template.model_dump(by_alias=True, exclude={"kind"}, include=set(_COMMON)),
            "kind": "probe_report",
            "id": "probe.report",
        }
    )
    return Pack(pack.spec, (rule,))


_COMMON = (
    "id",
    "title",
    "title_en",
    "severity",
    "applies_to",
    "in_force",
    "sources",
    "note",
    "note_en",
    "fix",
    "fix_en",
)


def test_a_kind_made_at_run_time_is_registered_and_listed(probe_kind: type[RecordsAsked]) -> None:
    assert _kinds.followed()["probe_report"] == "a probe: no live piece"
    pack = probe_pack(probe_kind)
    listed = obligations([pack])
    assert [(o.rule, o.item, o.title) for o in listed] == [
        ("probe.report", "probe-report", "探针报告")
    ]
    assert "probe-report" in known_items(er.RuleSet(RULES.documents, [pack]))["submissions"]
    records = er.load("examples/dawukou-2024/records.json")
    owing = department_obligations(records, [pack])
    assert owing and {row.item for row in owing if row.pack == pack.id} == {"probe-report"}


def test_the_registry_is_clean_after_the_probe() -> None:
    assert "probe_report" not in KINDS
    assert "probe_report" not in _kinds.followed()


def test_every_obligation_kind_lists_what_it_asks_for() -> None:
    """Each kind asking for records answers the listing itself (no kind is special-cased)."""
    asking = {type(r).kind_name() for r in RULES if isinstance(r, RecordsAsked) and r.owed()}
    assert {
        "deliverable",
        "yearly_deliverable",
        "quarterly_deliverable",
        "relative_deliverable",
        "quota",
        "task_table",
    } <= asking
