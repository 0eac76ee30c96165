"""A small check shared by two of the service's workers (``check_part``, ``finish_parts``)
answers exactly what one worker's ``run_check`` does: the same bytes, the same exit status,
the same errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enforcement_rules import load_waivers
from enforcement_rules._errors import InputError, UsageError
from enforcement_rules._rulebase import Status
from enforcement_rules._rules import load_rules
from enforcement_rules._service_pool import CheckJob, check_part, finish_parts, run_check

EXAMPLES = Path(__file__).parents[1] / "examples"
RULES = load_rules()


def shared(job: CheckJob) -> tuple[bytes, int]:
    return finish_parts(job, RULES, [check_part(job, RULES, 0), check_part(job, RULES, 1)])


@pytest.mark.parametrize("example", ["dawukou-2024", "zunyi-2022", "custom-pack"])
@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-12-31", "2025-12-31"])
def test_both_parts_give_the_report_of_one_worker(example: str, as_of: str) -> None:
    data = (EXAMPLES / example / "records.json").read_bytes()
    for output in ("json", "csv"):
        job = CheckJob(name="records.json", data=data, as_of=as_of, output=output)
        assert shared(job) == run_check(job, RULES)


def test_filters_names_and_waivers_are_applied_to_the_shared_report_alike() -> None:
    job = CheckJob(
        name="records.json",
        data=(EXAMPLES / "dawukou-2024" / "records.json").read_bytes(),
        as_of="2024-12-31",
        output="json",
        departments=["DWK-ZHZF", "DWK-SCJG", "DWK-SFJ"],
        statuses=[Status.NOT_MET],
        skip_rules=["D1"],
        with_names=True,
        waivers=load_waivers(EXAMPLES / "dawukou-2024" / "waivers.yaml"),
    )
    body, status = shared(job)
    assert (body, status) == run_check(job, RULES)
    report = json.loads(body)
    assert report["findings"] and report["waived"]  # the case is not empty


def test_each_part_judges_its_own_rules_and_only_part_zero_the_records_as_a_whole() -> None:
    job = CheckJob(
        name="records.json",
        data=(EXAMPLES / "dawukou-2024" / "records.json").read_bytes(),
        as_of="2025-12-31",
        output="json",
    )
    actions, others = check_part(job, RULES, 0), check_part(job, RULES, 1)
    assert actions.found and others.found
    assert not actions.found.keys() & others.found.keys()
    assert all(RULES.rules[rule].subject_type == "action" for rule in actions.found)
    assert all(RULES.rules[rule].subject_type != "action" for rule in others.found)
    assert actions.names is not None and others.names is None and not others.quality


def test_bad_records_and_unknown_names_raise_what_one_worker_raises() -> None:
    bad = CheckJob(
        name="records.json", data=b'{"actions": [{"id": 1}]}', as_of="2024-12-31", output="json"
    )
    with pytest.raises(InputError) as one:
        run_check(bad, RULES)
    for part in (0, 1):
        with pytest.raises(InputError) as each:
            check_part(bad, RULES, part)
        assert each.value.problems == one.value.problems
    data = (EXAMPLES / "dawukou-2024" / "records.json").read_bytes()
    for wrong in (
        CheckJob(name="records.json", data=data, as_of="2024-13-01", output="json"),
        CheckJob(name="records.json", data=data, as_of="2024-12-31", output="json", packs=["x"]),
    ):
        with pytest.raises(UsageError) as one_usage:
            run_check(wrong, RULES)
        with pytest.raises(UsageError) as part_usage:
            check_part(wrong, RULES, 1)
        assert str(part_usage.value) == str(one_usage.value)
    unknown = CheckJob(
        name="records.json", data=data, as_of="2024-12-31", output="json", rules=["NO-SUCH-RULE"]
    )
    parts = [check_part(unknown, RULES, 0), check_part(unknown, RULES, 1)]
    with pytest.raises(UsageError, match="unknown rule NO-SUCH-RULE"):
        finish_parts(unknown, RULES, parts)
