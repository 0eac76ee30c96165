"""The batch evaluator: every rule of the chosen packs over the records, as of a day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl

from ._context import Context
from ._dates import as_of_day
from ._errors import InputError, UsageError
from ._findings import stacked
from ._obligations import UNKNOWN_ITEM, unknown_items, unknown_problems
from ._quality import CHECKS as QUALITY_CHECKS
from ._quality import PACK as QUALITY_PACK
from ._quality import quality_findings, quality_problems
from ._records import Records
from ._report import EXEMPTION_REPORT_COLUMNS, REPORT_COLUMNS, Describes, Names, Report
from ._rules import Pack, RuleSet, load_rules
from ._scan import ScannedRecords
from ._waivers import Waivers, apply_waivers, as_waivers


def evaluate(
    records: Records | ScannedRecords,
    as_of: date | str,
    packs: Iterable[str] | None = None,
    *,
    rules: RuleSet | None = None,
    strict: bool = False,
    waivers: Waivers | str | Path | Iterable[str | Path | Waivers] | None = None,
    partition_by: int | str | None = None,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> Report:
    """Check ``records`` against the rules of ``packs`` (default: every pack) as of a day.

    ``as_of`` is a day in Asia/Shanghai (a ``date`` or ``"YYYY-MM-DD"``), read as its last
    moment: records dated after it are left out, deadlines up to it are judged, periods not
    yet ended are ``pending``. Each pack applies to the departments inside its jurisdiction and
    sector.

    Referential problems (a reference to a record that is not there, two records with one
    id, a submission or task report naming an obligation no rule defines) are reported as
    data-quality findings; with ``strict=True`` they raise ``InputError`` instead, and nothing
    is evaluated.

    ``waivers`` (a waivers file, several, or ``load_waivers(...)``) waive findings: those a
    waiver in force on the as-of day covers are not counted and are listed in
    ``report.waived``; those of an expired waiver come back with a note saying when it
    expired; a waiver naming a rule that does not exist raises ``InputError``.

    ``partition_by`` (a region depth: ``1``/``"province"``, ``2``/``"city"``,
    ``3``/``"county"``) evaluates the departments of one region at a time, each with the
    records it refers to, and merges the reports: the same findings, with one region's
    records judged at a time (see ``docs/scaling.md``). ``engine="dask"`` evaluates the parts
    on a Dask cluster: the one at ``address`` (``"tcp://host:8786"``), or a local cluster of
    ``workers`` processes (the ``dask`` extra).

    Examples:
        >>> import enforcement_rules as er
        >>> records = er.load("examples/dawukou-2024/records.json")  # doctest: +SKIP
        >>> report = er.evaluate(records, as_of="2024-12-31")  # doctest: +SKIP
    """
    if not isinstance(records, Records | ScannedRecords):
        raise UsageError(
            "evaluate() takes Records; build them with enforcement_rules.load() "
            "or Records.from_dicts() (or scanned records: enforcement_rules.scan())"
        )
    try:
        day = as_of_day(as_of)
    except ValueError as error:
        raise UsageError(f"as_of: expected {error}; got {as_of!r}") from None
    given = as_waivers(waivers) if waivers is not None else None
    ruleset = rules if rules is not None else load_rules()
    if isinstance(records, ScannedRecords) or partition_by is not None:
        if partition_by is None:
            raise UsageError(
                "scanned records are evaluated part by part: give partition_by "
                '(e.g. partition_by="city")'
            )
        from ._engines import mapper_for
        from ._partition import InMemory, evaluate_partitioned, partition_depth

        merged = evaluate_partitioned(
            records if isinstance(records, ScannedRecords) else InMemory(records),
            day,
            packs,
            rules=ruleset,
            strict=strict,
            depth=partition_depth(partition_by),
            mapper=mapper_for(engine, workers=workers, address=address),
        )
        if given is None:
            return merged
        return apply_waivers(merged, given, [*ruleset.rules, *merged.rules])
    if engine != "local" or workers is not None or address is not None:
        raise UsageError("engine, workers and address evaluate parts: give partition_by too")
    quality = quality_findings(records)
    if strict and quality.height:
        raise InputError(quality_problems(quality, records.origin))
    unknown = unknown_items(records, ruleset)
    if strict and unknown.height:
        raise InputError(unknown_problems(unknown, records.origin))
    selected = ruleset.select(packs)
    ctx = Context(records, day, selected)
    frames, exemptions, describers = judge(ctx, selected)
    if quality.height:
        frames.append(quality)
    if unknown.height:
        frames.append(unknown)
    describers[UNKNOWN_ITEM.id] = (QUALITY_PACK, UNKNOWN_ITEM)
    for check in QUALITY_CHECKS.values():
        describers[check.id] = (QUALITY_PACK, check)

    frame = stacked(frames, REPORT_COLUMNS)
    report = Report(
        as_of=day,
        packs=[p.id for p in selected],
        frame=frame,
        describers=describers,
        warnings=_warnings(records, ctx, selected),
        names=_names(records),
        exemptions=stacked(exemptions, EXEMPTION_REPORT_COLUMNS),
    )
    if given is None:
        return report
    return apply_waivers(report, given, [*ruleset.rules, *describers])


def judge(
    ctx: Context, selected: list[Pack]
) -> tuple[list[pl.DataFrame], list[pl.DataFrame], dict[str, tuple[str, Describes]]]:
    """Every rule of the ``selected`` packs over the context: the frames of findings and of
    exemptions (with ``rule``/``pack`` columns), and each rule by id with its pack."""
    frames: list[pl.DataFrame] = []
    exemptions: list[pl.DataFrame] = []
    describers: dict[str, tuple[str, Describes]] = {}
    to_check = Counter(type(rule) for pack in selected for rule in pack.rules)
    for pack in selected:
        for rule in pack.rules:
            describers[rule.id] = (pack.id, rule)
            to_check[type(rule)] -= 1
            if not ctx.departments(rule):
                continue
            ctx.checking(rule)
            found = rule.check(ctx)
            if found.height:
                frames.append(
                    _labelled(found, REPORT_COLUMNS, rule.id, pack.id, rule.severity.value)
                )
            exempt = rule.exemptions(ctx)
            if exempt is not None and exempt.height:
                exemptions.append(_labelled(exempt, EXEMPTION_REPORT_COLUMNS, rule.id, pack.id))
            # The tables no rule still to be checked reads go, so that they are not all held.
            ctx.release(rule, {kind for kind, left in to_check.items() if left})
    ctx.checking(None)
    return frames, exemptions, describers


def _labelled(
    found: pl.DataFrame,
    columns: dict[str, pl.DataType],
    rule: str,
    pack: str,
    severity: str | None = None,
) -> pl.DataFrame:
    """A rule's findings (or exemptions) with its ``rule``, ``pack`` and, for findings,
    ``severity`` in the report's columns. Built from the columns themselves: a query for each
    of a month's few dozen rules costs more than the rules' own queries on small inputs."""
    given = {"rule": rule, "pack": pack}
    if severity is not None:
        given["severity"] = severity
    series = []
    for name in columns:
        if name not in given:
            series.append(found.get_column(name))
        elif name == "severity" and name in found.columns:
            # A task table may word some rows as warnings ("基本"): its own column wins.
            column = found.get_column(name)
            series.append(column.fill_null(severity) if column.null_count() else column)
        else:
            series.append(pl.Series(name, [given[name]], pl.String).new_from_index(0, found.height))
    return pl.DataFrame(series)


def _names(records: Records) -> Names:
    departments = records.departments.unique(subset="id", keep="first", maintain_order=True)
    officers = records.officers.filter(pl.col("name").is_not_null()).unique(
        subset="id", keep="first", maintain_order=True
    )
    return Names(
        departments=dict(zip(departments["id"], departments["name"], strict=True)),
        officers=dict(zip(officers["id"], officers["name"], strict=True)),
    )


def domain_warnings(records: Records) -> list[str]:
    """A warning for each domain of the records outside the vocabulary."""
    return [
        f"unknown domain {name!r}: kept as written; rules that name a domain will not match it "
        f"(use a name of the vocabulary, e.g. 市场监管)"
        for name in records.unknown_domains
    ]


def _warnings(records: Records, ctx: Context, packs: list[Pack]) -> list[str]:
    warnings = domain_warnings(records)
    covered = set().union(*(ctx.selected(pack.applies_to) for pack in packs))
    for row in ctx.department_table.iter_rows(named=True):
        if row["id"] not in covered:
            warnings.append(
                f"department {row['id']} ({row['name']}, {'/'.join(row['region'])}): no pack "
                f"applies to it, so no rule checked it"
            )
    return warnings
