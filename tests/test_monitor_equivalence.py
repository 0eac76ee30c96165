"""The monitor and the batch evaluator agree: records replayed through the monitor in time
order give, on each day, exactly the findings ``evaluate`` reports on that day for the kinds
the monitor follows."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enforcement_rules as er
from enforcement_rules._dates import WORKING_DAY_YEARS, month_end
from enforcement_rules._monitor import DATED
from enforcement_rules._rulebase import Period
from enforcement_rules._rules import Pack
from enforcement_rules._vocab import ActivityKind, Education, InspectionMethod
from monitoring import differences, needs_engine, replay, supported_findings, untyped

pytestmark = needs_engine
ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*/records.json"))
AS_OF = {
    "dawukou-2024": date(2024, 12, 31),
    "zunyi-2022": date(2022, 11, 30),
    "custom-pack": date(2024, 12, 31),
}
RULES = er.load_rules()
# An example with a rules folder of its own (a pack extending a shipped one) is replayed with it.
RULES_OF = {"custom-pack": er.load_rules(ROOT / "examples" / "custom-pack")}


def month_ends(first: date, last: date) -> list[date]:
    days = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        days.append(month_end(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def compare(
    data: dict[str, list[dict[str, Any]]], days: list[date], rules: er.RuleSet = RULES
) -> None:
    records = er.Records.from_dicts(data)
    with er.Monitor(rules=rules) as monitor:
        for day, found in replay(monitor, data, days):
            expected = supported_findings(er.evaluate(records, day, rules=rules), rules)
            assert found == expected, f"as of {day}:\n" + "\n".join(differences(expected, found))
            assert not untyped(found, rules), "\n".join(untyped(found, rules))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_replaying_a_shipped_example_gives_evaluates_findings_at_every_month_end(
    example: Path,
) -> None:
    data = json.loads(example.read_text(encoding="utf-8"))
    dated = [str(r[field])[:10] for kind, field in DATED.items() for r in data.get(kind, [])]
    first, last = date.fromisoformat(min(dated)), date.fromisoformat(max(dated))
    # every month end from the first act to half a year after the last (the example's as-of
    # day, 2024-12-31 or 2022-11-30, among them)
    days = month_ends(first, last + timedelta(days=183))
    assert AS_OF[example.parent.name] in days
    compare(data, days, RULES_OF.get(example.parent.name, RULES))


def test_a_schedule_without_an_end_gains_its_periods_as_the_clock_moves() -> None:
    # 新乡's pack, as if in force without an end: its quarters and years reach a year past
    # the clock, as the batch schedule reaches a year past the as-of day
    xinxiang = RULES.packs["xinxiang-civil-2022"]
    spec = xinxiang.spec.model_copy(update={"in_force": Period(start=xinxiang.in_force.start)})
    pack = Pack(spec, tuple(r.model_copy(update={"in_force": None}) for r in xinxiang.rules))
    rules = er.RuleSet(RULES.documents, [pack])
    department = {
        "id": "XX-HQ",
        "name": "新乡市红旗区民政局",
        "region": ["河南省", "新乡市", "红旗区"],
        "level": "county",
        "domain": "民政",
    }
    lectures = [
        {"id": f"L{n}", "department": "XX-HQ", "kind": "legal_lecture", "date": day}
        for n, day in enumerate(["2022-09-01", "2024-02-10", "2026-05-06", "2027-01-02"])
    ]
    plans = [
        {"id": f"S{n}", "department": "XX-HQ", "obligation": "xinxiang-legal-training-plan"}
        | {"submitted_on": day}
        for n, day in enumerate(["2023-03-01", "2026-12-31"])
    ]
    data = {"departments": [department], "activities": lectures, "submissions": plans}
    quarter_ends = [d for d in month_ends(date(2022, 7, 1), date(2027, 6, 30)) if d.month % 3 == 0]
    compare(data, quarter_ends, rules)


def test_a_summary_due_a_month_after_each_evaluation_agrees_with_evaluate() -> None:
    # 广汉's plan evaluations: the summary is due a month after each (or after the day the
    # text expects it, while there is none); a submission without a period counts for the
    # latest evaluation on or before its day
    department = {
        "id": "GH-SFJ",
        "name": "广汉市司法局",
        "region": ["四川省", "德阳市", "广汉市"],
        "level": "county",
        "domain": "司法行政",
    }
    sections = ["贯彻落实工作总体情况", "主要做法和经验", "取得的成效", "社会评价情况"]
    evaluations = [
        {"id": "E1", "department": "GH-SFJ", "kind": "实施情况评估", "date": "2024-06-10"}
        | {"stage": "中期"},
        {"id": "E2", "department": "GH-SFJ", "kind": "plan_evaluation", "date": "2024-07-01"}
        | {"stage": "mid_term"},
        {"id": "E3", "department": "GH-SFJ", "kind": "plan_evaluation", "date": "2025-10-20"}
        | {"stage": "final"},
    ]
    summaries = [
        {"id": "S1", "submitted_on": "2024-07-05", "sections": sections},
        {"id": "S2", "submitted_on": "2024-07-25", "sections": ["存在的问题,原因分析及对策"]},
        {"id": "S3", "submitted_on": "2025-11-25T17:00:00+00:00", "sections": sections[:2]},
        {"id": "S4", "submitted_on": "2025-12-01", "period": "2024"}
        | {"sections": ["对进一步推进落实本方案的意见建议"]},
    ]
    data = {
        "departments": [department],
        "activities": evaluations,
        "submissions": [
            {"department": "GH-SFJ", "obligation": "guanghan-evaluation-summary"} | s
            for s in summaries
        ],
    }
    compare(data, month_ends(date(2023, 1, 1), date(2026, 3, 31)))


def test_publication_due_in_working_days_and_exception_bases_agree_with_evaluate() -> None:
    # 广汉: a decision is pending until its period (7 or 20 working days, holidays skipped)
    # has passed, missing after it, late when published after it; 大武口 公安: an exception
    # basis exempts only when the register holds it and it allows the act
    departments = [
        {"id": "GH-ZHZF", "name": "广汉市综合行政执法局", "region": ["四川省", "德阳市", "广汉市"]}
        | {"level": "county", "domain": "综合行政执法"},
        {"id": "DWK-GAJ", "name": "石嘴山市公安局大武口区分局"}
        | {"region": ["宁夏回族自治区", "石嘴山市", "大武口区"], "level": "county"}
        | {"domain": "公安"},
    ]
    officers = [
        {"id": o, "department": d, "employment": "staff"}
        for o, d in (("P1", "GH-ZHZF"), ("P2", "GH-ZHZF"), ("Q1", "DWK-GAJ"))
    ]
    certificates = [
        {"id": f"K{o}", "officer": o, "valid_from": "2022-01-01", "valid_to": "2027-12-31"}
        for o in ("P1", "P2", "Q1")
    ]
    acts = [
        ("A1", "2024-09-29", "permit", "2024-10-14"),
        ("A2", "2024-09-29", "permit", "2024-10-15"),
        ("A3", "2024-09-29", "inspection", None),
        ("A4", "2024-10-30", "penalty", None),
        ("A5", "2024-10-31", "penalty", "2024-11-20"),
    ]
    actions: list[dict[str, Any]] = [
        {"id": a, "department": "GH-ZHZF", "date": day, "kind": kind, "participants": ["P1", "P2"]}
        | {"recorded": True, "publicized_on": published}
        for a, day, kind, published in acts
    ]
    bases = [
        ("B1", "《中华人民共和国道路交通安全法》第一百零七条", "summary"),
        ("B2", "《中华人民共和国道路交通安全法》第一百零七条", "ordinary"),
        ("B3", "《中华人民共和国行政处罚法》第五十一条、第五十二条", "summary"),
        ("B4", "《大武口区公安分局现场执法工作规程》", "summary"),
        ("B5", "市局会议决定", "summary"),
    ]
    actions += [
        {"id": a, "department": "DWK-GAJ", "date": "2024-10-10", "kind": "penalty"}
        | {"participants": ["Q1"], "procedure": procedure, "exception_basis": basis}
        | {"recorded": True, "publicized_on": "2024-10-11"}
        for a, basis, procedure in bases
    ]
    data = {
        "departments": departments,
        "officers": officers,
        "certificates": certificates,
        "actions": actions,
    }
    days = [date(2024, 10, 1) + timedelta(days=n) for n in range(0, 60, 3)]
    compare(data, sorted({*days, date(2024, 10, 14), date(2024, 10, 15), date(2024, 12, 31)}))


def test_publication_due_past_the_working_day_calendar_agrees_with_evaluate() -> None:
    # 河南交通运输 H6.publicity: a due day past the calendar's last year is pending while the
    # clock is before the earliest day it can be; after it, an act whose outcome depends on
    # the unknown year is a warning; acts due within the known years are judged as usual
    last = date(WORKING_DAY_YEARS[1], 12, 31)
    department = {"id": "XX-JT", "name": "新乡市交通运输局", "region": ["河南省", "新乡市"]}
    officers = [{"id": o, "department": "XX-JT", "employment": "staff"} for o in ("T1", "T2")]
    certificates = [
        {"id": f"K{o}", "officer": o, "valid_from": "2022-01-01", "valid_to": "2030-12-31"}
        for o in ("T1", "T2")
    ]
    acts = [
        ("A1", last - timedelta(days=3), "penalty", None),
        ("A2", last - timedelta(days=3), "penalty", last + timedelta(days=4)),
        ("A3", last - timedelta(days=3), "penalty", last + timedelta(days=20)),
        ("A4", last - timedelta(days=3), "inspection", None),
        ("A5", last - timedelta(days=21), "penalty", None),
        ("A6", last - timedelta(days=21), "penalty", last - timedelta(days=9)),
        ("A7", last + timedelta(days=10), "penalty", None),
    ]
    data = {
        "departments": [department | {"level": "city", "domain": "交通运输"}],
        "officers": officers,
        "certificates": certificates,
        "actions": [
            {"id": a, "department": "XX-JT", "date": day.isoformat(), "kind": kind}
            | {"participants": ["T1", "T2"], "recorded": True}
            | ({"publicized_on": published.isoformat()} if published else {})
            for a, day, kind, published in acts
        ],
    }
    # the plan behind H6 ended in 2023: here its publication rule runs on, as a host's would
    henan = RULES.packs["henan-transport-2021"]
    rules = tuple(
        r.model_copy(
            update={
                "in_force": Period(start=henan.in_force.start, end=last.replace(year=last.year + 1))
            }
        )
        if r.id == "H6.publicity"
        else r
        for r in henan.rules
    )
    days = [last + timedelta(days=n) for n in range(-25, 60)]
    compare(data, days, er.RuleSet(RULES.documents, [Pack(henan.spec, rules)]))


# -- generated record sets --------------------------------------------------------------
#
# Departments of every pack, officers, certificates and trainings, and the records the other
# kinds count: actions, submissions (of the obligations of the department's pack, with or
# without a period, sections and publication), activities of every kind (stages, counts, the
# enforcement kinds a review covered), task reports, and for 遵义 the enrolments, exams, exam
# papers, contest teams and registers. Each record is dated within a stretch around its
# department's pack's period, so the deadlines fall between the checkpoints.

DWK = ["宁夏回族自治区", "石嘴山市", "大武口区"]
GH = ["四川省", "德阳市", "广汉市"]
ZY = ["贵州省", "遵义市"]
DEPARTMENTS = [
    # id, name, region, level, domain, pack
    ("DWK", "大武口区综合执法局", DWK, "county", "综合行政执法", "dawukou-2024"),
    ("DWK-T", "大武口区交通运输局", DWK, "county", "交通", "dawukou-2024"),
    ("DWK-SFJ", "大武口区司法局", DWK, "county", "司法行政", "dawukou-2024"),
    ("GH", "广汉市市场监督管理局", GH, "county", "市场监管", "guanghan-2023"),
    ("GH-SFJ", "广汉市司法局", GH, "county", "司法行政", "guanghan-2023"),
    ("XX", "新乡市民政局", ["河南省", "新乡市"], "city", "民政", "xinxiang-civil-2022"),
    (
        "XX-HQ",
        "新乡市红旗区民政局",
        ["河南省", "新乡市", "红旗区"],
        "county",
        "民政",
        "xinxiang-civil-2022",
    ),
    ("HN-ZZ", "郑州市交通运输局", ["河南省", "郑州市"], "city", "交通运输", "henan-transport-2021"),
    (
        "HN-ZFJ",
        "河南省交通运输厅执法局",
        ["河南省"],
        "province",
        "交通运输",
        "henan-transport-2021",
    ),
    ("ZY-SFJ", "遵义市司法局", ZY, "city", "司法行政", "zunyi-2022"),
    # organises the case-file review of its area, the street below among it (Z6)
    ("ZY-HHQ", "红花岗区司法局", [*ZY, "红花岗区"], "county", "司法行政", "zunyi-2022"),
    # a detachment under a bureau: not a responsible unit of the Henan task table
    (
        "HN-ZZ-ZD",
        "郑州市交通运输局综合行政执法支队",
        ["河南省", "郑州市"],
        "city",
        "交通运输",
        "henan-transport-2021",
    ),
    ("ZY-HB", "遵义市生态环境局", ZY, "city", "生态环境", "zunyi-2022"),
    (
        "ZY-LC",
        "红花岗区老城街道市场监管所",
        [*ZY, "红花岗区"],
        "township",
        "市场监管",
        "zunyi-2022",
    ),
]
DOMAINS = ["综合行政执法", "交通运输", "市场监管", "民政", "生态环境", "司法行政"]
ACTION_KINDS = ["penalty", "coercion", "inspection", "permit"]
COVERS = [*ACTION_KINDS, "行政处罚", "行政检查", "其他"]
METHODS = [*(m.value for m in InspectionMethod), "双随机抽查", "日常巡查"]
ACTIVITY_KINDS = [*(kind.value for kind in ActivityKind), "会商", "案卷评查"]
STAGES = [None, "mid_term", "中期", "final", "终期评估"]
CAMPAIGNS = [
    "zunyi-2022",
    "guizhou-2022-system",
    "遵义市行政执法人员大学习大练兵大比拼活动",
    "other",
]


def _pack_parts() -> tuple[
    dict[str, tuple[date, date]], dict[str, list[Any]], dict[str, list[str]]
]:
    """Per pack: a stretch of days around its period, its deliverables (with their sections),
    and its task ids."""
    stretch, obligations, tasks = {}, {}, {}
    for pack in RULES.select(None):
        end = pack.in_force.end or date(2026, 3, 31)
        stretch[pack.id] = (pack.in_force.start - timedelta(days=120), end + timedelta(days=120))
        obligations[pack.id] = sorted(
            {
                (rule.obligation, tuple(getattr(rule, "required_sections", [])))
                for rule in pack.rules
                if getattr(rule, "obligation", None)
            }
        )
        tasks[pack.id] = [t.id for r in pack.rules if r.kind == "task_table" for t in r.tasks]
    return stretch, obligations, tasks


STRETCH, OBLIGATIONS, TASKS = _pack_parts()


def days(first: str | date, last: str | date) -> st.SearchStrategy[date]:
    return st.dates(
        first if isinstance(first, date) else date.fromisoformat(first),
        last if isinstance(last, date) else date.fromisoformat(last),
    )


@st.composite
def systems_fields(draw: st.DrawFn) -> dict[str, Any]:
    """What the three systems read of an action: each field present or not."""
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["major"] = draw(st.booleans())
    if draw(st.booleans()):
        fields["recorded"] = draw(st.booleans())
    for name in ("decided_on", "legal_review_on", "publicized_on"):
        if draw(st.booleans()):
            fields[name] = draw(days("2021-06-01", "2026-03-31")).isoformat()
    return fields


@st.composite
def record_sets(draw: st.DrawFn) -> tuple[dict[str, list[dict[str, Any]]], list[date]]:
    departments = draw(
        st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3, unique_by=lambda d: d[0])
    )
    pack_of = {d[0]: d[5] for d in departments}
    department_ids = list(pack_of)
    turn = iter(range(10_000))

    def department() -> str:
        # in turn, now and then skipping one: every department gets its share of records
        return department_ids[(next(turn) + draw(st.integers(0, 1))) % len(department_ids)]

    def day_of(department_id: str) -> date:
        return draw(days(*STRETCH[pack_of.get(department_id, "dawukou-2024")]))

    def optional(name: str, strategy: st.SearchStrategy[Any]) -> dict[str, Any]:
        return {name: draw(strategy)} if draw(st.booleans()) else {}

    officer_ids = [f"O{n}" for n in range(draw(st.integers(1, 6)))]
    officers = []
    for o in officer_ids:
        # now and then an officer of a department not in the records
        home = "NOWHERE" if draw(st.integers(0, 9)) == 0 else department()
        officers.append(
            {
                "id": o,
                "department": home,
                "employment": draw(st.sampled_from(["staff", "contract", "staff", "auxiliary"])),
                **optional("on_duty", st.booleans()),  # on duty unless it says not
                **optional("entered_enforcement_on", st.just(day_of(home).isoformat())),
                **optional("hired_on", st.just(day_of(home).isoformat())),
                **optional("education", st.sampled_from([*(e.value for e in Education), "本科"])),
            }
        )
    certificates = []
    for o in officer_ids:
        for n in range(draw(st.integers(0, 2))):
            valid_from = draw(days("2020-06-01", "2025-06-30"))
            status = draw(
                st.sampled_from(["valid", "valid", "suspended", "withdrawn", "cancelled"])
            )
            certificate = {
                "id": f"C-{o}-{n}",
                "officer": o,
                "valid_from": valid_from.isoformat(),
                "valid_to": (valid_from + timedelta(days=draw(st.integers(0, 1500)))).isoformat(),
                "status": status,
                "domains": draw(st.lists(st.sampled_from(DOMAINS), max_size=2, unique=True)),
                "reviewed_years": draw(st.lists(st.integers(2021, 2025), max_size=3, unique=True)),
            }
            if status != "valid":
                certificate["status_since"] = draw(days("2021-01-01", "2025-12-31")).isoformat()
            certificates.append(certificate)
    people = [*officer_ids, "STRANGER"]
    trainings = [
        {
            "officer": draw(st.sampled_from(people)),
            "date": draw(days("2021-06-01", "2025-12-31")).isoformat(),
            "hours": draw(st.integers(1, 160)) / 2,  # half hours add up exactly
            "rotation": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 10)))
    ]
    actions = []
    for n in range(draw(st.integers(0, 8))):
        home = department()
        actions.append(
            {
                "id": f"A{n}",
                "department": home,
                "date": day_of(home).isoformat(),
                "kind": draw(st.sampled_from(ACTION_KINDS)),
                "participants": draw(st.lists(st.sampled_from(people), max_size=4, unique=True)),
                **optional("domain", st.sampled_from(DOMAINS)),
                **optional("exception_basis", st.just("行政处罚法第四十二条")),
                **optional(
                    "method", st.sampled_from([*(m.value for m in InspectionMethod), "双随机抽查"])
                ),
                **optional("enterprise", st.booleans()),
                **draw(systems_fields()),
            }
        )
    submissions = []
    for n in range(draw(st.integers(0, 8))):
        home = department()
        obligation, sections = draw(st.sampled_from(OBLIGATIONS[pack_of[home]]))
        submitted = day_of(home)
        when: str = submitted.isoformat()
        if draw(st.integers(0, 4)) == 0:  # a date-time: its day in Shanghai may be the next
            when += draw(st.sampled_from(["T16:30:00+00:00", "T09:15:00.5+08:00"]))
        period = draw(
            st.sampled_from(
                [None, str(submitted.year), str(submitted.year - 1), f"{submitted.year}-Q2"]
            )
        )
        submissions.append(
            {
                "id": f"S{n}",
                "department": home,
                "obligation": obligation,
                "submitted_on": when,
                "sections": draw(
                    st.lists(st.sampled_from([*sections, "其他"]), max_size=6, unique=True)
                ),
                **({"period": period} if period else {}),
                **optional("published_on", st.just(day_of(home).isoformat())),
            }
        )
    activities = []
    for n in range(draw(st.integers(0, 8))):
        home = department()
        activities.append(
            {
                "id": f"M{n}",
                "department": home,
                "kind": draw(st.sampled_from(ACTIVITY_KINDS)),
                "date": day_of(home).isoformat(),
                "count": draw(st.integers(1, 3)),
                "covers": draw(st.lists(st.sampled_from(COVERS), max_size=3, unique=True)),
                **optional("minutes", st.booleans()),
                **({"stage": stage} if (stage := draw(st.sampled_from(STAGES))) else {}),
            }
        )
    task_reports = []
    for n in range(draw(st.integers(0, 5))):
        home = department()
        completed = day_of(home)
        task_reports.append(
            {
                "task": draw(st.sampled_from([*TASKS[pack_of[home]], "DWK-26", "HN-2.2"])),
                "department": home,
                "completed_on": completed.isoformat(),
                **optional("id", st.just(f"R{n}")),
                **optional("period", st.just(f"{completed.year}-Q{(completed.month + 2) // 3}")),
            }
        )
    data: dict[str, list[dict[str, Any]]] = {
        "departments": [
            {
                "id": i,
                "name": name,
                "region": region,
                "level": level,
                "domain": domain,
                **optional("enforcement_staff", st.integers(0, 40)),
                **optional("legal_reviewers", st.integers(0, 3)),
            }
            for i, name, region, level, domain, _ in departments
        ],
        "officers": officers,
        "certificates": certificates,
        "trainings": trainings,
        "actions": actions,
        "submissions": submissions,
        "activities": activities,
        "task_reports": task_reports,
    }
    zunyi = [d for d in department_ids if pack_of[d] == "zunyi-2022"]
    if zunyi:
        data |= campaign_records(draw, zunyi, officer_ids, day_of)
    checkpoints = sorted(
        {day_of(draw(st.sampled_from(department_ids))) for _ in range(draw(st.integers(1, 3)))}
    )
    return data, checkpoints


def campaign_records(
    draw: st.DrawFn, departments: list[str], officers: list[str], day_of: Any
) -> dict[str, list[dict[str, Any]]]:
    """遵义's campaign: enrolments, exams, exam papers, contest teams, registers."""
    people = [*officers, "STRANGER"]
    place = st.sampled_from(departments)

    def dated(department: str) -> str:
        return str(day_of(department).isoformat())

    return {
        "campaign_enrollments": [
            {"department": draw(place), "campaign": draw(st.sampled_from(CAMPAIGNS))}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "exams": [
            {
                "officer": draw(st.sampled_from(people)),
                "exam": draw(st.sampled_from(["online-1", "online-2"])),
                "date": dated(departments[0]),
                "score": draw(st.integers(0, 100)),
            }
            for _ in range(draw(st.integers(0, 5)))
        ],
        "exam_papers": [
            {
                "id": f"P{n}",
                "exam": "online-1",
                "theory_percent": draw(st.sampled_from([50, 50.1, 49.9, 60])),
                "document_percent": draw(st.sampled_from([25, 25.0, 20])),
                "procedure_percent": draw(st.sampled_from([25, 30])),
            }
            for n in range(draw(st.integers(0, 2)))
        ],
        "contest_teams": [
            {
                "id": f"T{n}",
                "department": (home := draw(place)),
                "members": draw(st.lists(st.sampled_from(people), max_size=4, unique=True)),
                "date": dated(home),
            }
            for n in range(draw(st.integers(0, 3)))
        ],
        "monitoring_devices": [
            {
                "id": f"MD{n}",
                "department": (home := draw(place)),
                "location": "路口",
                **({"legal_basis": "道路交通安全法"} if draw(st.booleans()) else {}),
                **{
                    part: dated(home)
                    for part in ("legal_review_on", "technical_review_on", "location_published_on")
                    if draw(st.booleans())
                },
            }
            for n in range(draw(st.integers(0, 2)))
        ],
        "entrustments": [
            {
                "id": f"E{n}",
                "department": (home := draw(place)),
                "entrusted": "街道办事处",
                **({"legal_basis": "行政处罚法第二十条"} if draw(st.booleans()) else {}),
                **{
                    part: dated(home)
                    for part in ("agreement_signed_on", "published_on")
                    if draw(st.booleans())
                },
            }
            for n in range(draw(st.integers(0, 2)))
        ],
    }


@settings(
    max_examples=int(os.environ.get("MONITOR_EXAMPLES", "60")),  # more for a longer hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(record_sets())
def test_generated_record_sets_replayed_give_evaluates_findings(
    case: tuple[dict[str, list[dict[str, Any]]], list[date]],
) -> None:
    data, checkpoints = case
    compare(data, checkpoints)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_a_monitor_that_keeps_no_act_findings_hands_the_callback_the_same_findings(
    example: Path,
) -> None:
    # without kept findings, an act goes only to the rules of its department (a shortcut)
    data = json.loads(example.read_text(encoding="utf-8"))
    days = month_ends(AS_OF[example.parent.name] - timedelta(days=730), AS_OF[example.parent.name])
    delivered: dict[bool, list[er.Finding]] = {True: [], False: []}
    for keep in (True, False):
        with er.Monitor(
            on_finding=delivered[keep].append,
            keep_findings=keep,
            rules=RULES_OF.get(example.parent.name, RULES),
        ) as monitor:
            for _ in replay(monitor, data, days):
                pass
    assert delivered[True] and delivered[False] == delivered[True]
