"""The compliance calendar: per department, what it owes, by when, and where it stands.

It reads the same schedules the obligation rules judge their findings from, so an entry that
is not met and open is exactly a finding of ``evaluate`` on the same day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from ._chinese import full_width
from ._context import Context
from ._dates import as_of_day, day_end
from ._errors import UsageError
from ._kinds._schedule import Obligation
from ._obligations import UNKNOWN_ITEM
from ._order import natural_key
from ._quality import CHECKS as QUALITY_CHECKS
from ._records import Records
from ._report import source_data
from ._rulebase import Severity, SourceRef, Status
from ._rules import RuleSet, load_rules
from ._waivers import Waiver, Waivers, as_waivers, match, waiver_warnings

OPEN_STATUSES = (Status.MISSING, Status.INCOMPLETE, Status.NOT_MET)
"""Past due and still not delivered: what ``within`` keeps besides what falls due."""


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One thing a department owes: a deliverable, a quota or a task, for one period."""

    department: str
    department_name: str
    rule: str
    pack: str
    subject_id: str  # the department, or for a task table the task
    item: str
    title: str
    period: str | None
    due: date
    status: Status
    severity: Severity
    opens: date
    days_left: int
    message: str
    message_en: str
    fix: str
    sources: tuple[SourceRef, ...] = field(default=())
    waiver: Waiver | None = None
    """The waiver in force on the as-of day that covers this entry: it is shown as waived."""
    expired_waiver: Waiver | None = None
    """A waiver that covered this entry and expired (its message then says so)."""

    @property
    def due_moment(self) -> datetime:
        """The last moment of the due day, in Asia/Shanghai."""
        return day_end(self.due)

    @property
    def quote(self) -> str:
        """The (first) verbatim sentence of the source the obligation stands on."""
        return self.sources[0].quote if self.sources else ""

    @property
    def is_finding(self) -> bool:
        """Whether ``evaluate`` reports this entry on the same day: open, not met and not
        waived."""
        return self.status != Status.MET and self.is_open and self.waiver is None

    @property
    def is_open(self) -> bool:
        """Whether the entry binds on the as-of day (its period has begun)."""
        return self.days_left + (self.opens - self.due).days <= 0

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data."""
        return {
            "department": self.department,
            "department_name": self.department_name,
            "rule": self.rule,
            "pack": self.pack,
            "subject_id": self.subject_id,
            "item": self.item,
            "title": self.title,
            "period": self.period,
            "due": self.due.isoformat(),
            "due_moment": self.due_moment.isoformat(),
            "days_left": self.days_left,
            "status": self.status.value,
            "severity": self.severity.value,
            "opens": self.opens.isoformat(),
            "message": self.message,
            "message_en": self.message_en,
            "fix": self.fix,
            "sources": [source_data(s) for s in self.sources],
            "waiver": self.waiver.to_dict() if self.waiver else None,
        }


class Calendar:
    """Entries sorted per department, soonest due first."""

    def __init__(
        self,
        *,
        as_of: date,
        packs: list[str],
        entries: Iterable[CalendarEntry],
        warnings: Iterable[str] = (),
    ) -> None:
        self.as_of = as_of
        self.packs = packs
        self.warnings = list(warnings)
        """Notes about the waivers given: one in force that covers no entry, one not yet
        approved."""
        self.entries = sorted(
            entries,
            key=lambda e: (e.department, e.due, natural_key(e.rule), e.item, e.period or ""),
        )

    def __iter__(self) -> Iterator[CalendarEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Calendar(as_of={self.as_of.isoformat()}, entries={len(self)})"

    def filter(
        self,
        *,
        rule: str | Iterable[str] | None = None,
        department: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
        skip_rule: str | Iterable[str] | None = None,
    ) -> Calendar:
        """The entries that match every criterion given (any of its values);
        ``skip_rule`` leaves those rules out."""

        wanted = {"rule": rule, "department": department, "status": status, "severity": severity}
        chosen = {name: _as_set(values) for name, values in wanted.items() if values is not None}
        skipped = _as_set(skip_rule or ())

        def keeps(entry: CalendarEntry) -> bool:
            values = {
                "rule": entry.rule,
                "department": entry.department,
                "status": entry.status.value,
                "severity": entry.severity.value,
            }
            return entry.rule not in skipped and all(values[n] in v for n, v in chosen.items())

        kept = [entry for entry in self.entries if keeps(entry)]
        return Calendar(as_of=self.as_of, packs=self.packs, entries=kept, warnings=self.warnings)

    def departments(self) -> list[str]:
        """Department ids with entries, in order."""
        return list(dict.fromkeys(e.department for e in self.entries))

    def for_department(self, department: str) -> list[CalendarEntry]:
        """The entries of one department (by id), soonest due first."""
        return [e for e in self.entries if e.department == department]

    def to_frame(self) -> pl.DataFrame:
        """The entries as a polars DataFrame, one row each."""
        rows = [
            {
                "department": e.department,
                "department_name": e.department_name,
                "due": e.due,
                "days_left": e.days_left,
                "status": e.status.value,
                "severity": e.severity.value,
                "rule": e.rule,
                "pack": e.pack,
                "item": e.item,
                "title": e.title,
                "period": e.period,
                "opens": e.opens,
                "message": e.message,
                "quote": e.quote,
                "waived": e.waiver is not None,
            }
            for e in self.entries
        ]
        return pl.DataFrame(rows, schema=_FRAME_SCHEMA)

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain data."""
        return {
            "as_of": self.as_of.isoformat(),
            "packs": self.packs,
            "entries": [e.to_dict() for e in self.entries],
            "warnings": self.warnings,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text (Chinese kept as written)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_ics(self) -> str:
        """The calendar as an iCalendar (RFC 5545) text, one all-day event per entry."""
        from ._ics import calendar_ics

        return calendar_ics(self)


_FRAME_SCHEMA = {
    "department": pl.String(),
    "department_name": pl.String(),
    "due": pl.Date(),
    "days_left": pl.Int64(),
    "status": pl.String(),
    "severity": pl.String(),
    "rule": pl.String(),
    "pack": pl.String(),
    "item": pl.String(),
    "title": pl.String(),
    "period": pl.String(),
    "opens": pl.Date(),
    "message": pl.String(),
    "quote": pl.String(),
    "waived": pl.Boolean(),
}


def _as_set(values: str | Iterable[str]) -> set[str]:
    return {values} if isinstance(values, str) else set(values)


def calendar(
    records: Records,
    as_of: date | str,
    packs: Iterable[str] | None = None,
    *,
    department: str | None = None,
    within: int | None = None,
    rules: RuleSet | None = None,
    waivers: Waivers | str | Path | Iterable[str | Path | Waivers] | None = None,
) -> Calendar:
    """What each department owes under the rules of ``packs`` (default: every pack), with its
    due day and status as of a day.

    ``department`` keeps one department; ``within`` keeps what needs attention: entries due from
    the as-of day to ``within`` days after it, and those past due and still not delivered
    (missing, incomplete, not met). ``waivers`` (as ``evaluate`` takes them) mark the entries a
    waiver in force covers as waived (``entry.waiver``), and note those of an expired one.

    Examples:
        >>> import enforcement_rules as er
        >>> records = er.load("examples/dawukou-2024/records.json")  # doctest: +SKIP
        >>> for entry in er.calendar(records, as_of="2024-12-31", within=30):  # doctest: +SKIP
        ...     print(entry.due, entry.status, entry.title)
    """
    if not isinstance(records, Records):
        raise UsageError(
            "calendar() takes Records; build them with enforcement_rules.load() "
            "or Records.from_dicts()"
        )
    try:
        day = as_of_day(as_of)
    except ValueError as error:
        raise UsageError(f"as_of: expected {error}; got {as_of!r}") from None
    if within is not None and within < 0:
        raise UsageError(f"within: expected a number of days (0 or more); got {within}")
    ruleset = rules if rules is not None else load_rules()
    selected = ruleset.select(packs)
    ctx = Context(records, day, selected)
    names = {v.id: v.name for v in ctx.department_views}
    if department is not None and department not in names:
        raise UsageError(
            f"department {department!r} is not in the records; known: {', '.join(names)}"
        )
    entries: list[CalendarEntry] = []
    for pack in selected:
        for rule in pack.rules:
            if not isinstance(rule, Obligation) or not ctx.departments(rule):
                continue
            schedule = rule.schedule(ctx)
            if department is not None:
                schedule = schedule.filter(pl.col("department") == department)
            for row in schedule.iter_rows(named=True):
                entries.append(_entry(rule, pack.id, row, day, names))
    warnings: list[str] = []
    if waivers is not None:
        given = as_waivers(waivers)
        given.check_rules([*ruleset.rules, *QUALITY_CHECKS, UNKNOWN_ITEM.id])
        scheduled = {r.id for p in selected for r in p.rules if isinstance(r, Obligation)}
        entries, warnings = _waived(entries, given, day, scheduled)
    if within is not None:
        entries = [e for e in entries if _needs_attention(e, within)]
    return Calendar(as_of=day, packs=[p.id for p in selected], entries=entries, warnings=warnings)


def _waived(
    entries: list[CalendarEntry], waivers: Waivers, as_of: date, scheduled: set[str]
) -> tuple[list[CalendarEntry], list[str]]:
    """The entries with the waivers that cover them: an open entry not met is waived by a
    waiver in force, noted by an expired one (as ``evaluate`` treats its finding)."""
    frame = pl.DataFrame(
        {
            "__row": list(range(len(entries))),
            "rule": [e.rule for e in entries],
            "subject_id": [e.subject_id for e in entries],
            "department": [e.department for e in entries],
            "finding": [e.is_finding for e in entries],
        },
        schema={
            "__row": pl.Int64,
            "rule": pl.String,
            "subject_id": pl.String,
            "department": pl.String,
            "finding": pl.Boolean,
        },
    ).filter(pl.col("finding"))
    active, expired = match(frame, waivers, as_of)
    waived = dict(active.iter_rows())
    noted = dict(expired.iter_rows())
    result = []
    for index, entry in enumerate(entries):
        if index in waived:
            entry = replace(entry, waiver=waivers[waived[index]])
        elif index in noted:
            entry = waivers[noted[index]].noted(entry)
        result.append(entry)
    return result, waiver_warnings(waivers, as_of, set(waived.values()), scheduled)


def _entry(
    rule: Obligation, pack: str, row: dict[str, Any], as_of: date, names: dict[str, str]
) -> CalendarEntry:
    figures = json.loads(row["figures"]) if row["figures"] else {}
    message, message_en = rule.describe(row["subject_id"], figures)
    message = full_width(message)
    due: date = row["due"]
    return CalendarEntry(
        department=row["department"],
        department_name=names.get(row["department"], row["department"]),
        rule=rule.id,
        pack=pack,
        subject_id=row["subject_id"],
        item=row["item"],
        title=rule.item_title(row["item"]) if rule.subject_type == "task" else rule.title,
        period=row["period"],
        due=due,
        status=Status(row["status"]),
        severity=Severity(row["severity"]),
        opens=row["opens"],
        days_left=(due - as_of).days,
        message=message,
        message_en=message_en,
        fix=rule.fix,
        sources=tuple(rule.sources_for(row["subject_id"], figures)),
    )


def _needs_attention(entry: CalendarEntry, within: int) -> bool:
    if 0 <= entry.days_left <= within:
        return True
    return entry.days_left < 0 and entry.status in OPEN_STATUSES
