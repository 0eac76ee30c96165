"""What the live monitor keeps and gives: its findings read, compare, print and pickle as
``evaluate``'s do, and an act is held only while a day it waits for can change its judgement."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import enforcement_rules as er
from enforcement_rules._report import finding_of
from monitoring import GUANGHAN, action, certificate, needs_engine, standing

pytestmark = needs_engine


def test_a_finding_told_reads_compares_prints_and_pickles_as_a_worded_finding() -> None:
    heard: list[er.Finding] = []
    with er.Monitor(packs=["dawukou-2024"], on_finding=heard.append) as monitor:
        standing(monitor, "O1")
        monitor.post(action("A1", "2024-05-10", "O1"), "actions")
        rules = {rule.id: rule for rule in er.load_rules().select(["dawukou-2024"])[0].rules}
    (told,) = [f for f in heard if f.rule == "D3"]
    row = {
        "rule": "D3",
        "pack": "dawukou-2024",
        "severity": told.severity.value,
        "status": told.status.value,
        "subject_type": "action",
        "subject_id": "A1",
        "department": "ZHZF",
        "period": None,
        "due": None,
    }
    worded = finding_of(rules["D3"], row, dict(told.figures))
    assert told == worded and worded == told
    assert [told] == [worded] and {"D3": worded} == {"D3": told}
    assert repr(told) == repr(worded) and told.to_dict() == worded.to_dict()
    assert (told.message, told.message_en, told.sources) == (
        worded.message,
        worded.message_en,
        worded.sources,
    )
    for again in (pickle.loads(pickle.dumps(told)), copy.copy(told), copy.deepcopy(told)):
        assert type(again) is er.Finding and again == worded
    assert dataclasses.replace(told, status=er.Status.LATE).status == er.Status.LATE
    assert dataclasses.asdict(told) == dataclasses.asdict(worded)


def test_an_act_published_by_its_due_day_is_not_held_for_the_due_day() -> None:
    with er.Monitor(packs=["guanghan-2023"]) as monitor:
        monitor.post(GUANGHAN, "departments")
        published = {**action("A1", "2024-03-01", "O1"), "department": "GH"}
        monitor.post({**published, "publicized_on": "2024-03-01"}, "actions")
        assert "A1" not in monitor._state.held_acts
        monitor.post({**published, "id": "A2", "publicized_on": "2024-03-04"}, "actions")
        monitor.post({**published, "id": "A3"}, "actions")
        assert {"A2", "A3"} <= set(monitor._state.held_acts)
        monitor.advance_to("2024-03-04")  # A2 is published: nothing more can change
        assert "A2" not in monitor._state.held_acts and "A3" in monitor._state.held_acts
        monitor.advance_to("2024-03-30")  # A3 is past its due day, 2024-03-29: missing
        assert not monitor._state.held_acts
        missing = [f for f in monitor.findings() if f.rule == "G13.publicity"]
        assert [(f.subject_id, f.status) for f in missing] == [("A3", er.Status.MISSING)]


def test_a_participant_is_read_again_on_the_day_a_certificate_ends_or_stops() -> None:
    with er.Monitor(packs=["dawukou-2024"]) as monitor:
        standing(monitor, "O1", "O2")
        monitor.post(certificate("O2", valid_to="2024-05-10"), "certificates")
        monitor.post(
            certificate("O1", status="suspended", status_since="2024-05-12"), "certificates"
        )
        certified = {}
        for number, day in enumerate(["2024-05-09", "2024-05-10", "2024-05-11", "2024-05-12"]):
            found = monitor.post(action(f"A{number}", day, "O1", "O2"), "actions")
            d3 = [f.figures["certified"] for f in found if f.rule == "D3"]
            certified[day] = d3[0] if d3 else 2
    assert certified == {"2024-05-09": 2, "2024-05-10": 2, "2024-05-11": 1, "2024-05-12": 0}


def test_a_finding_read_later_shows_the_figures_of_the_moment_it_arose() -> None:
    heard: list[er.Finding] = []
    with er.Monitor(packs=["dawukou-2024"], on_finding=heard.append, keep_findings=False) as m:
        standing(m, "O1")
        m.post(action("A1", "2024-05-10", "O1", "O2"), "actions")
        m.post(certificate("O1", valid_to="2024-05-01"), "certificates")
        m.post({"id": "O2", "department": "ZHZF", "employment": "auxiliary"}, "officers")
        m.post(action("A2", "2024-05-11", "O1", "O2"), "actions")
    first, second = [f for f in heard if f.rule == "D3"]
    assert (first.subject_id, first.figures["certified"], first.figures["uncertified"]) == (
        "A1",
        1,
        ["O2"],
    )
    assert (second.figures["certified"], second.figures["uncertified"]) == (0, ["O1", "O2"])
    assert "其中持当日有效执法证件且授权范围含综合行政执法的 1 人" in first.message
