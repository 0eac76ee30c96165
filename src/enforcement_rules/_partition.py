"""Partitioned evaluation: the records split by jurisdiction, evaluated one part at a time,
the reports merged into the one a whole-data evaluation gives.

A part holds the departments of one region (the region path cut at a depth: 1 the
province, 2 the city, 3 the county), their records of every type, and what those records
refer to elsewhere: an officer of another department who took part in one of its acts, with
that officer's department, certificates, trainings and exams. A part keeps only the
findings about its own departments.

Three things are judged once over the whole records instead:

- the rules that compare departments with each other (``WHOLE_POPULATION_KINDS``: the
  contest's ranking and ties, its teams, its exam papers), on the small tables they read —
  every department, contest team, exam paper, campaign enrolment, deliverable — with the
  officers named in a team;
- the data-quality findings (a reference to a record that is not there, an id used twice),
  on the id and reference columns alone;
- the warnings about departments no pack applies to.

A ``Mapper`` evaluates the parts: one after another in this process (``in_process``), or on
an engine's workers (``_engines``), which schedules them; the merge is the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import polars as pl

from ._conditions import within
from ._errors import InputError, UsageError
from ._findings import stacked
from ._obligations import UNKNOWN_ITEM, unknown_items, unknown_problems
from ._quality import CHECKS as QUALITY_CHECKS
from ._quality import PACK as QUALITY_PACK
from ._quality import QualitySource, quality_findings, quality_problems
from ._records import Records
from ._report import EXEMPTION_REPORT_COLUMNS, REPORT_COLUMNS, Describes, Names, Report
from ._rules import RuleSet

DEPTHS = {"province": 1, "city": 2, "county": 3}
"""Names of the region depths a partition can be cut at (a number works as well)."""

WHOLE_POPULATION_KINDS = frozenset(
    {"contest_ranking", "contest_ties", "contest_teams", "exam_paper_weights"}
)
"""Kinds whose findings depend on records of every department at once: a contest ranks every
team of the records, and an exam paper belongs to no department."""

SMALL_TABLES = (
    "departments",
    "submissions",
    "activities",
    "task_reports",
    "campaign_enrollments",
    "exam_papers",
    "contest_teams",
    "monitoring_devices",
    "entrustments",
)
"""Tables of a few rows per department (or none): held whole while the parts are judged."""

LARGE_TABLES = ("officers", "certificates", "trainings", "actions", "exams")
"""Tables that grow with the officers and their acts: read part by part."""

BY_OFFICER = ("certificates", "trainings", "exams")
"""Large tables whose records belong to an officer (column ``officer``)."""

_UNKNOWN_DOMAIN = "unknown domain "

LOG = logging.getLogger("enforcement_rules.partition")
"""Each step of a partitioned evaluation and each part evaluated, with its time (INFO)."""


def partition_depth(by: int | str) -> int:
    """The region depth ``by`` names: 1, 2, 3... or ``province``, ``city``, ``county``."""
    if isinstance(by, bool):
        raise UsageError(f"partition_by: expected a depth 1, 2, 3... or one of {', '.join(DEPTHS)}")
    if isinstance(by, int):
        depth = by
    elif isinstance(by, str) and by.strip().isdigit():
        depth = int(by.strip())
    elif isinstance(by, str) and by.strip().lower() in DEPTHS:
        depth = DEPTHS[by.strip().lower()]
    else:
        raise UsageError(
            f"partition_by: expected a depth 1, 2, 3... or one of {', '.join(DEPTHS)}; got {by!r}"
        )
    if depth < 1:
        raise UsageError(f"partition_by: expected a depth of 1 or more; got {depth}")
    return depth


def part_keys(departments: pl.DataFrame, depth: int) -> dict[str, list[str]]:
    """Department ids by the region they fall in at ``depth`` (``宁夏回族自治区/石嘴山市``), the
    regions in sorted order. A repeated id goes where its first record is."""
    first = departments.filter(pl.col("id").is_not_null()).unique(
        subset="id", keep="first", maintain_order=True
    )
    keyed = first.select(
        "id", pl.col("region").list.head(depth).list.join("/").fill_null("").alias("key")
    )
    grouped = keyed.group_by("key").agg(pl.col("id")).sort("key")
    return dict(zip(grouped["key"].to_list(), grouped["id"].to_list(), strict=True))


# -- what a part is made of -------------------------------------------------------------------


class Source(Protocol):
    """Records to split: held in memory (``Records``) or scanned from files (``_scan``)."""

    origin: str

    def small(self) -> dict[str, pl.DataFrame]:
        """Every small table, whole and validated."""
        ...

    def part(self, own: Sequence[str] | None, small: Mapping[str, pl.DataFrame]) -> Records:
        """The records of the departments ``own`` and what they refer to (see ``cut``)."""
        ...

    def quality_tables(self) -> Records | QualitySource:
        """The records as the data-quality checks read them (piece by piece when scanned)."""
        ...

    def check_rest(self, departments: pl.Series) -> None:
        """Validate the records no part holds: of no department in ``departments``."""
        ...

    def job_records(
        self, own: tuple[str, ...], small: Mapping[str, pl.DataFrame]
    ) -> Callable[[], Records]:
        """What gives a part's records where the part is evaluated (maybe another process)."""
        ...


Rows = Callable[[str, list[tuple[str, pl.Series]]], pl.DataFrame]
"""``rows(name, [(column, ids), ...])``: the rows of a large table whose ``column`` holds one
of ``ids`` for any of the pairs, validated, in their order."""


def cut(
    rows: Rows,
    repeats: Callable[[str], bool],
    small: Mapping[str, pl.DataFrame],
    own: Sequence[str] | None,
    origin: str,
) -> Records:
    """The records of the departments ``own`` (``None``: the small tables whole, with the
    officers a contest team names). ``repeats(name)`` says whether a large table repeats an
    id anywhere: records repeating an id are one record, so a part then takes them all."""
    if own is None:
        parts = dict(small)
        named = small["contest_teams"]["members"].explode().drop_nulls().unique()
        officers = rows("officers", [("id", named)])
    else:
        own_ids = pl.Series(list(own), dtype=pl.String)
        parts = {
            name: frame.filter(within("department", own_ids))
            for name, frame in small.items()
            if name not in ("departments", "exam_papers")
        }
        parts["exam_papers"] = small["exam_papers"]
        actions = rows("actions", [("department", own_ids)])
        if repeats("actions"):
            actions = rows("actions", [("id", actions["id"].drop_nulls().unique())])
        parts["actions"] = actions
        named = (
            pl.concat(
                [
                    actions["participants"].explode(),
                    parts["contest_teams"]["members"].explode(),
                ]
            )
            .drop_nulls()
            .unique()
        )
        officers = rows("officers", [("department", own_ids), ("id", named)])
    if repeats("officers"):
        officers = rows("officers", [("id", officers["id"].drop_nulls().unique())])
    parts["officers"] = officers
    officer_ids = pl.concat([officers["id"].drop_nulls(), named]).unique()
    for name in BY_OFFICER:
        parts[name] = rows(name, [("officer", officer_ids)])
    if own is not None:
        wanted = pl.concat([own_ids, officers["department"].drop_nulls()]).unique()
        parts["departments"] = small["departments"].filter(within("id", wanted))
    return Records(parts, origin=origin)


# -- in memory --------------------------------------------------------------------------------


class InMemory:
    """Records already in memory, cut part by part."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.origin = records.origin

    def small(self) -> dict[str, pl.DataFrame]:
        return {name: self.records.table(name) for name in SMALL_TABLES}

    def rows(self, name: str, conditions: list[tuple[str, pl.Series]]) -> pl.DataFrame:
        wanted = pl.any_horizontal(within(column, ids) for column, ids in conditions)
        return self.records.table(name).filter(wanted)

    def part(self, own: Sequence[str] | None, small: Mapping[str, pl.DataFrame]) -> Records:
        return cut(self.rows, self.records.repeats_ids, small, own, self.origin)

    def quality_tables(self) -> Records:
        return self.records

    def check_rest(self, departments: pl.Series) -> None:
        return None  # validated when the records were built

    def job_records(
        self, own: tuple[str, ...], small: Mapping[str, pl.DataFrame]
    ) -> Callable[[], Records]:
        return _Held(self.part(own, small))


@dataclass(frozen=True)
class _Held:
    """A part's records, cut where they are held and sent as they are."""

    records: Records

    def __call__(self) -> Records:
        return self.records


# -- evaluating the parts ---------------------------------------------------------------------


@dataclass
class PartResult:
    """What a part contributes to the report: its findings about its own departments."""

    frame: pl.DataFrame
    exemptions: pl.DataFrame
    warnings: list[str]
    officers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """One part to evaluate: how to get its records, and which findings are its own."""

    records: Callable[[], Records]
    own: tuple[str, ...]
    as_of: date
    packs: tuple[str, ...] | None
    kept_rules: frozenset[str]


def run_job(job: Job, rules: RuleSet) -> PartResult:
    """Evaluate one part's rules and keep what is its own to report (the data-quality
    findings and department warnings are the whole records' own, computed once)."""
    from ._context import Context
    from ._evaluate import domain_warnings, judge

    start = time.perf_counter()
    records = job.records()
    read = time.perf_counter() - start
    selected = rules.select(job.packs)
    frames, exemptions, _ = judge(Context(records, job.as_of, selected), selected)
    LOG.info(
        "part of %s: %d departments, %d acts, read in %.1f s, judged in %.1f s",
        job.own[0] if job.own else "no department",
        len(job.own),
        records.actions.height,
        read,
        time.perf_counter() - start - read,
    )
    kept = pl.col("rule").is_in(sorted(job.kept_rules)) & pl.col("department").is_in(list(job.own))
    names = records.officers.filter(pl.col("name").is_not_null()).unique(subset="id", keep="first")
    return PartResult(
        frame=stacked(frames, REPORT_COLUMNS).filter(kept),
        exemptions=stacked(exemptions, EXEMPTION_REPORT_COLUMNS).filter(kept),
        warnings=domain_warnings(records),
        officers=dict(zip(names["id"], names["name"], strict=True)),
    )


Mapper = Callable[[Iterator[Job], RuleSet], Iterable[PartResult]]
"""Evaluates each job with ``run_job`` (anywhere), giving the results in the jobs' order."""


def in_process(jobs: Iterator[Job], rules: RuleSet) -> Iterator[PartResult]:
    """Each part in turn, in this process: one part's records in memory at a time."""
    for job in jobs:
        yield run_job(job, rules)


def evaluate_partitioned(
    source: Source,
    day: date,
    packs: Iterable[str] | None,
    *,
    rules: RuleSet,
    strict: bool,
    depth: int,
    mapper: Mapper = in_process,
) -> Report:
    """The report of a whole-data evaluation, computed part by part (see the module)."""
    from ._evaluate import evaluate

    pack_ids = None if packs is None else tuple(dict.fromkeys(packs))
    selected = rules.select(pack_ids)
    start = time.perf_counter()
    small = source.small()
    LOG.info("small tables read (at %.1f s)", time.perf_counter() - start)
    quality = quality_findings(source.quality_tables())
    LOG.info(
        "data-quality checks: %d findings (at %.1f s)", quality.height, time.perf_counter() - start
    )
    if strict and quality.height:
        raise InputError(quality_problems(quality, source.origin))
    whole = source.part(None, small)
    unknown = unknown_items(whole, rules)
    if strict and unknown.height:
        raise InputError(unknown_problems(unknown, source.origin))

    rule_ids = {rule.id for pack in selected for rule in pack.rules}
    population = {
        rule.id for pack in selected for rule in pack.rules if rule.kind in WHOLE_POPULATION_KINDS
    }
    overall = evaluate(whole, day, pack_ids, rules=rules)
    everyone = overall.frame.filter(pl.col("rule").is_in(sorted(population)))
    exempt_everyone = overall.exemptions.filter(pl.col("rule").is_in(sorted(population)))

    keys = part_keys(small["departments"], depth)
    LOG.info("rules over the whole population judged (at %.1f s)", time.perf_counter() - start)
    source.check_rest(small["departments"]["id"].drop_nulls())
    LOG.info(
        "rows of no part validated; %d parts (at %.1f s)", len(keys), time.perf_counter() - start
    )
    local = frozenset(rule_ids - population)

    def jobs() -> Iterator[Job]:
        for ids in keys.values():
            yield Job(
                records=source.job_records(tuple(ids), small),
                own=tuple(ids),
                as_of=day,
                packs=pack_ids,
                kept_rules=local,
            )

    frames = [everyone]
    exemptions = [exempt_everyone]
    warnings: list[str] = [w for w in overall.warnings if w.startswith(_UNKNOWN_DOMAIN)]
    officers = dict(overall.names.officers)
    for result in mapper(jobs(), rules):
        frames.append(result.frame)
        exemptions.append(result.exemptions)
        warnings += result.warnings
        officers.update(result.officers)
    for extra in (quality, unknown):
        if extra.height:
            frames.append(extra.select(list(REPORT_COLUMNS)))

    describers: dict[str, tuple[str, Describes]] = {
        rule.id: (pack.id, rule) for pack in selected for rule in pack.rules
    }
    describers[UNKNOWN_ITEM.id] = (QUALITY_PACK, UNKNOWN_ITEM)
    for check in QUALITY_CHECKS.values():
        describers[check.id] = (QUALITY_PACK, check)
    domain_warnings = sorted(dict.fromkeys(warnings))
    department_warnings = [w for w in overall.warnings if not w.startswith(_UNKNOWN_DOMAIN)]
    return Report(
        as_of=day,
        packs=[p.id for p in selected],
        frame=pl.concat([f.select(list(REPORT_COLUMNS)) for f in frames]),
        describers=describers,
        warnings=domain_warnings + department_warnings,
        names=Names(departments=overall.names.departments, officers=officers),
        exemptions=pl.concat([f.select(list(EXEMPTION_REPORT_COLUMNS)) for f in exemptions]),
    )


@dataclass(frozen=True)
class PartOf:
    """The records of one part, read when the part is evaluated, where it is evaluated."""

    source: Source
    own: tuple[str, ...]
    small: Mapping[str, pl.DataFrame]

    def __call__(self) -> Records:
        return self.source.part(self.own, self.small)
