"""The columnar checks report what a plain reading of each rule reports, record by record.

The batch evaluator judges participations, certificates and trainings with joins and shared
tables built once per evaluation (``Context``). Here the same rules are read the plain way, a
Python loop per record, on a small synthetic province made awkward on purpose (two records
under one id, officers and certificates repeated, references to officers who are not there),
and both must find the same records with the same figures.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from functools import cache
from typing import Any

import polars as pl
import pytest

import enforcement_rules as er
from enforcement_rules import _context
from enforcement_rules._context import Context
from enforcement_rules._kinds.certificate_exit import CertificateExit
from enforcement_rules._kinds.certified_participants import CertifiedParticipants
from enforcement_rules._kinds.no_auxiliary_participants import NoAuxiliaryParticipants
from enforcement_rules._kinds.training_hours import TrainingHours
from enforcement_rules._synthetic import province_records

AS_OF = date(2025, 12, 31)
RULES = er.load_rules()


@cache
def awkward(repeated_ids: bool) -> er.Records:
    """A small province with officers and certificates repeated, references to officers who
    are not there, and (``repeated_ids``) acts recorded twice under one id."""
    records = province_records(0.004, seed=3)
    tables = {name: records.table(name) for name in er.RECORD_TYPES}
    actions = tables["actions"]
    same = pl.col("id") if repeated_ids else pl.col("id") + "-A"
    again = actions.gather(list(range(0, actions.height, 37))).with_columns(
        same, pl.col("date") + pl.duration(days=90), pl.col("participants").list.reverse()
    )
    ghost = actions.gather(list(range(5, actions.height, 53))).with_columns(
        same + "-G" if not repeated_ids else same,
        pl.col("participants").list.concat(pl.lit(["O-GONE"])),
    )
    alone = actions.gather(list(range(7, actions.height, 41))).with_columns(
        pl.col("id") + "-B", pl.lit(["O-GONE"]).alias("participants")
    )
    tables["actions"] = pl.concat([actions, again, ghost, alone])
    officers = tables["officers"]
    tables["officers"] = pl.concat(
        [
            officers,
            officers.gather(list(range(0, officers.height, 11))).with_columns(
                pl.lit("auxiliary").alias("employment")
            ),
        ]
    )
    certificates = tables["certificates"]
    tables["certificates"] = pl.concat(
        [
            certificates,
            certificates.gather(list(range(3, certificates.height, 13))).with_columns(
                pl.lit("suspended").alias("status"),
                (pl.col("valid_from") + pl.duration(days=400)).alias("status_since"),
            ),
        ]
    )
    return er.Records(tables)


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return list(frame.iter_rows(named=True))


def first_by_id(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for row in rows(frame):
        found.setdefault(row["id"], row)
    return found


def valid_on(certificate: dict[str, Any], day: date) -> bool:
    within = certificate["valid_from"] <= day <= certificate["valid_to"]
    standing = certificate["status"] == "valid" or day < certificate["status_since"]
    return within and standing


def exited_on(certificate: dict[str, Any], day: date) -> bool:
    within = certificate["valid_from"] <= day <= certificate["valid_to"]
    return within and not (certificate["status"] == "valid" or day < certificate["status_since"])


class Plain:
    """The records as Python rows, and each participation judged one by one."""

    def __init__(self, records: er.Records, rule: er.RuleBase) -> None:
        self.ctx = Context(records, AS_OF, RULES.select(None))
        self.rule = rule
        self.departments = first_by_id(records.departments)
        self.officers = first_by_id(records.officers)
        self.certificates: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows(records.certificates):
            self.certificates[row["officer"]].append(row)
        self.actions = [a for a in rows(records.actions) if a["date"] <= AS_OF]
        self.by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for action in self.actions:
            self.by_id[action["id"]].append(action)

    def in_scope(self, action: dict[str, Any], kinds: list[str]) -> bool:
        period = self.ctx.in_force(self.rule)
        return (
            action["department"] in set(self.ctx.departments(self.rule))
            and period.start <= action["date"]
            and (period.end is None or action["date"] <= period.end)
            and (not kinds or action["kind"] in kinds)
        )

    def covers(self, certificate: dict[str, Any], action: dict[str, Any]) -> bool:
        if certificate["domains"]:
            return action["domain"] in certificate["domains"]
        holder = self.officers.get(certificate["officer"])
        department = self.departments.get(holder["department"]) if holder else None
        return department is not None and department["domain"] == action["domain"]

    def participations(self, action_id: str) -> dict[str, list[dict[str, Any]]]:
        """Each officer of the id's records, with the records they took part in."""
        taking_part: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for action in self.by_id[action_id]:
            for officer in action["participants"]:
                taking_part[officer].append(action)
        return taking_part

    def certified(self, officer: str, actions: list[dict[str, Any]], in_domain: bool) -> bool:
        return any(
            valid_on(c, a["date"]) and (not in_domain or self.covers(c, a))
            for c in self.certificates[officer]
            for a in actions
        )


@cache
def report(repeated_ids: bool) -> er.Report:
    return er.evaluate(awkward(repeated_ids), AS_OF)


def in_order(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return sorted(items, key=lambda item: (item[0], json.dumps(item[1], sort_keys=True)))


def library(rule_id: str, repeated_ids: bool) -> list[tuple[str, dict[str, Any]]]:
    found = report(repeated_ids).frame.filter(pl.col("rule") == rule_id)
    return in_order([(r["subject_id"], json.loads(r["figures"])) for r in rows(found)])


CERTIFIED = [r.id for r in RULES if isinstance(r, CertifiedParticipants)]
# Both ways the participations are judged: one row each, or rows merged under a repeated id.
REPEATED_IDS = pytest.mark.parametrize("repeated_ids", [False, True], ids=["ids", "repeated-ids"])


@REPEATED_IDS
@pytest.mark.parametrize("rule_id", CERTIFIED)
def test_certified_participants_are_counted_as_a_plain_reading_counts_them(
    rule_id: str, repeated_ids: bool
) -> None:
    rule = RULES.rules[rule_id]
    assert isinstance(rule, CertifiedParticipants)
    plain = Plain(awkward(repeated_ids), rule)
    kinds = [str(k) for k in rule.action_kinds]
    expected = []
    for action in plain.actions:
        if not plain.in_scope(action, kinds):
            continue
        taking_part = plain.participations(action["id"])
        judged = {
            officer: plain.certified(officer, acts, rule.certificate_covers_domain)
            for officer, acts in taking_part.items()
        }
        certified = sum(judged.values())
        basis = action["exception_basis"]
        exempt = basis is not None and (
            RULES.exceptions.judge(
                basis, action["basis_level"], action["kind"], action["domain"], action["procedure"]
            ).exempt_level
            in rule.accepted
        )
        required = 1 if exempt else rule.minimum_certified
        participants = len(action["participants"])
        if certified < required or (rule.every_participant and certified < participants):
            figures = {"certified": certified, "required": required}
            figures["uncertified"] = sorted(o for o, ok in judged.items() if not ok)
            expected.append((action["id"], figures))
    found = [
        (subject, {k: f[k] for k in ("certified", "required", "uncertified")})
        for subject, f in library(rule_id, repeated_ids)
    ]
    assert found == in_order(expected)
    assert expected, "the province gives the rule something to find"


@REPEATED_IDS
@pytest.mark.parametrize("rule_id", [r.id for r in RULES if isinstance(r, NoAuxiliaryParticipants)])
def test_auxiliary_staff_are_found_as_a_plain_reading_finds_them(
    rule_id: str, repeated_ids: bool
) -> None:
    rule = RULES.rules[rule_id]
    plain = Plain(awkward(repeated_ids), rule)
    expected = {}
    for action in plain.actions:
        if not plain.in_scope(action, [str(k) for k in rule.action_kinds]):  # type: ignore[attr-defined]
            continue
        auxiliary = sorted(
            o
            for o in plain.participations(action["id"])
            if o in plain.officers and plain.officers[o]["employment"] == "auxiliary"
        )
        if auxiliary:
            expected[action["id"]] = auxiliary
    found = {subject: figures["auxiliary"] for subject, figures in library(rule_id, repeated_ids)}
    assert found == expected
    assert expected


@REPEATED_IDS
@pytest.mark.parametrize("rule_id", [r.id for r in RULES if isinstance(r, CertificateExit)])
def test_exited_certificates_are_found_as_a_plain_reading_finds_them(
    rule_id: str, repeated_ids: bool
) -> None:
    rule = RULES.rules[rule_id]
    plain = Plain(awkward(repeated_ids), rule)
    expected = {}
    for action in plain.actions:
        if not plain.in_scope(action, []):
            continue
        exits = []
        for officer, acts in sorted(plain.participations(action["id"]).items()):
            if plain.certified(officer, acts, in_domain=False):
                continue
            exited = [
                c for c in plain.certificates[officer] if any(exited_on(c, a["date"]) for a in acts)
            ]
            if exited:
                exits.append(
                    {
                        "officer": officer,
                        "certificate": exited[0]["id"],
                        "status": exited[0]["status"],
                        "since": exited[0]["status_since"].isoformat(),
                    }
                )
        if exits:
            expected[action["id"]] = exits
    found = {subject: figures["officers"] for subject, figures in library(rule_id, repeated_ids)}
    assert found == expected
    assert expected


@REPEATED_IDS
@pytest.mark.parametrize("rule_id", [r.id for r in RULES if isinstance(r, TrainingHours)])
def test_training_hours_are_summed_as_a_plain_reading_sums_them(
    rule_id: str, repeated_ids: bool
) -> None:
    rule = RULES.rules[rule_id]
    assert isinstance(rule, TrainingHours)
    records = awkward(repeated_ids)
    plain = Plain(records, rule)
    scope = set(plain.ctx.departments(rule))
    hours: dict[tuple[str, int], float] = defaultdict(float)
    for training in rows(records.trainings):
        if training["date"] <= AS_OF:
            hours[training["officer"], training["date"].year] += training["hours"]
    expected = []
    for officer in plain.officers.values():
        if officer["department"] not in scope or officer["employment"] not in rule.employment:
            continue
        if rule.on_duty_only and not officer["on_duty"]:
            continue
        entered = officer["entered_enforcement_on"]
        for year, _ in plain.ctx.years(rule):
            if entered is not None and entered.year > year:
                continue
            first = entered is not None and entered.year == year
            required = (
                rule.first_year_minimum_hours
                if first and rule.first_year_minimum_hours
                else rule.minimum_hours
            )
            if hours[officer["id"], year] < required:
                expected.append((officer["id"], year, hours[officer["id"], year], required))
    found = [
        (subject, f["year"], f["hours"], f["required"])
        for subject, f in library(rule_id, repeated_ids)
    ]
    assert sorted(found) == sorted(expected)
    assert expected


def test_each_selector_picks_the_departments_its_plain_reading_picks() -> None:
    records = province_records(0.1, seed=4)
    ctx = Context(records, AS_OF, RULES.select(None))
    selectors = [p.applies_to for p in RULES.packs.values()]
    for rule in RULES:
        selectors.append(rule.applies_to)
        selectors.extend(getattr(rule, "units", {}).values())
    assert len(selectors) > 50
    for selector in selectors:
        plain = [v.id for v in ctx.department_views if selector.matches(v)]
        assert ctx.selected(selector) == plain, selector.describe()
    for rule in RULES:
        pack = RULES.pack_of(rule.id)
        plain = [
            v.id
            for v in ctx.department_views
            if pack.applies_to.matches(v) and rule.applies_to.matches(v)
        ]
        assert ctx.departments(rule) == plain, rule.id
    assert len(ctx.department_views) > _context.PLAIN_READING_DEPARTMENTS  # the query read them


def test_a_few_departments_are_selected_in_python_as_the_query_selects_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = province_records(0.01, seed=4)
    assert len(records.departments) <= _context.PLAIN_READING_DEPARTMENTS
    read = Context(records, AS_OF, RULES.select(None))
    monkeypatch.setattr(_context, "PLAIN_READING_DEPARTMENTS", 0)
    queried = Context(records, AS_OF, RULES.select(None))
    for rule in RULES:
        assert read.departments(rule) == queried.departments(rule), rule.id
        for selector in getattr(rule, "units", {}).values():
            assert read.selected(selector) == queried.selected(selector), selector.describe()


def test_an_evaluation_lets_go_of_the_tables_no_rule_still_to_be_checked_reads() -> None:
    ctx = Context(awkward(False), AS_OF, RULES.select(None))
    rule = RULES.rules["XZCF.42"]
    ctx.checking(rule)
    first = rule.check(ctx)
    held = set(ctx._shared)
    assert ("XZCF.42", "actions") in held and len(held) > 1
    ctx.release(rule, {CertifiedParticipants, CertificateExit})
    assert set(ctx._shared) == held - {("XZCF.42", "actions")}
    ctx.release(rule, {TrainingHours})
    assert not ctx._shared
    assert rule.check(ctx).equals(first)  # computed again when read again
