"""Waivers: findings a host system has accepted for a time, each with its reason, who approved
it, when, and until when (as InSpec's waivers).

A waivers file (YAML or CSV) lists waivers of a rule for a subject: a record id (an action, an
officer, a task...) or a department id, which waives every finding of that rule in that
department. Against the evaluation's as-of day (never today's date), a waiver applies from its
approval day to its last day, both included: the findings it covers are not counted (nor in
the exit status) and the report lists them under ``waived`` with the waiver. After its last day
the findings come back, each with a note saying when the waiver expired; before its approval
day it does not apply. A waiver in force that matches no finding is a warning; a waiver naming
a rule that does not exist is an input error, located like every other.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ._chinese import chinese_problem
from ._errors import InputError, Problem, RuleError
from ._fields import Day, Text
from ._limits import MAX_PROBLEMS, MAX_RULE_FILE_BYTES, shown
from ._yamlfile import parse_yaml

if TYPE_CHECKING:
    from ._calendar import CalendarEntry
    from ._report import Finding, Report

    Noted = TypeVar("Noted", Finding, CalendarEntry)

WHAT = "the waivers"
"""How an input error names a waivers file."""

FIELDS = ("rule", "subject", "reason", "reason_en", "approved_by", "approved_on", "valid_until")
"""The fields of a waiver, in the order a CSV file or a table writes them."""

HEADERS: dict[str, str] = {
    "规则": "rule",
    "对象": "subject",
    "理由": "reason",
    "英文理由": "reason_en",
    "理由（英文）": "reason_en",
    "批准人": "approved_by",
    "批准日期": "approved_on",
    "有效期至": "valid_until",
}
"""Chinese column headers of a CSV file (or a Gherkin table) and the field each names."""


class _WaiverSpec(BaseModel):
    """One waiver as written: strict, every field named."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Text
    subject: Text
    reason: Text
    reason_en: Text | None = None
    approved_by: Text
    approved_on: Day
    valid_until: Day

    @field_validator("reason")
    @classmethod
    def _chinese(cls, value: str) -> str:
        problem = chinese_problem(value)
        if problem:
            raise ValueError(problem)
        return value


@dataclass(frozen=True, slots=True)
class Waiver:
    """One waiver: a rule's findings for a subject accepted from ``approved_on`` to
    ``valid_until`` (days in Asia/Shanghai, both included).

    Attributes:
        rule: The rule id it waives, e.g. ``D3``.
        subject: A record id (the finding's subject), or a department id: every finding of the
            rule in that department.
        reason: Why, in Chinese.
        reason_en: The same in English (may be empty).
        approved_by: Who approved it.
        approved_on: The day it was approved: it applies from that day.
        valid_until: Its last day.
        file: The waivers file it was read from.
        where: Its place in that file (``line 3``, ``row 2``).
    """

    rule: str
    subject: str
    reason: str
    reason_en: str
    approved_by: str
    approved_on: date
    valid_until: date
    file: str = ""
    where: str = ""

    @property
    def place(self) -> str:
        """Where it is written: ``waivers.yaml: line 3``."""
        return ": ".join(p for p in (self.file, self.where) if p)

    def state(self, as_of: date) -> str:
        """``active`` on days from its approval to its last day, ``expired`` after it,
        ``not_yet_approved`` before it was approved."""
        if as_of < self.approved_on:
            return "not_yet_approved"
        return "expired" if as_of > self.valid_until else "active"

    def covers(self, rule: str, subject_id: str, department: str | None) -> bool:
        """Whether it names this finding: its rule, and its subject or its department."""
        return rule == self.rule and self.subject in (subject_id, department)

    def expired_note(self) -> tuple[str, str]:
        """The note a finding whose waiver expired carries (Chinese, English)."""
        return (
            f"豁免已于{self.valid_until.isoformat()}到期，本项不再豁免（{self.place}）。",
            f"Its waiver expired on {self.valid_until.isoformat()}; the finding is reported "
            f"again ({self.place}).",
        )

    def noted(self, told: Noted) -> Noted:
        """A finding or calendar entry this waiver covered until it expired, with the note
        saying so."""
        note, note_en = self.expired_note()
        return replace(
            told,
            message=f"{told.message}{note}",
            message_en=f"{told.message_en} {note_en}",
            expired_waiver=self,
        )

    def text(self, lang: str = "zh") -> str:
        """The waiver in one line a person reads: ``zh`` in Chinese, ``en`` in English."""
        if lang == "en":
            return (
                f"waived until {self.valid_until.isoformat()}: {self.reason_en or self.reason}; "
                f"approved by {self.approved_by} on {self.approved_on.isoformat()} ({self.place})"
            )
        return (
            f"理由：{self.reason.rstrip('。')}；批准人：{self.approved_by}；"
            f"批准日期：{self.approved_on.isoformat()}；有效期至：{self.valid_until.isoformat()}"
            f"（{self.place}）"
        )

    def to_dict(self) -> dict[str, Any]:
        """The waiver as plain data (as under ``waived`` in a JSON report)."""
        return {
            "rule": self.rule,
            "subject": self.subject,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "approved_by": self.approved_by,
            "approved_on": self.approved_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "file": self.file,
            "where": self.where,
        }


@dataclass(frozen=True, slots=True)
class WaivedFinding:
    """A finding a waiver in force on the as-of day covers: not counted, listed with its
    waiver."""

    finding: Finding
    waiver: Waiver

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data, with its ``waiver``."""
        return {**self.finding.to_dict(), "waiver": self.waiver.to_dict()}

    def explain(self, lang: str = "zh") -> str:
        """The finding explained (``Finding.explain``), then its waiver."""
        w = self.waiver
        if lang == "en":
            lines = [f"  {w.text('en')}"]
        else:
            lines = [f"  已批准豁免：{w.text()}", f"    {w.text('en')}"]
        return "\n".join([self.finding.explain(lang), *lines])


class Waivers:
    """The waivers of one or more files, in the order they were written.

    Examples:
        >>> waivers = er.load_waivers("examples/dawukou-2024/waivers.yaml")  # doctest: +SKIP
        >>> report = er.evaluate(records, as_of="2024-12-31", waivers=waivers)  # doctest: +SKIP
        >>> [w.finding.subject_id for w in report.waived]  # doctest: +SKIP
    """

    def __init__(self, waivers: Iterable[Waiver] = ()) -> None:
        self.items: tuple[Waiver, ...] = tuple(waivers)

    def __iter__(self) -> Iterator[Waiver]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Waiver:
        return self.items[index]

    def __add__(self, other: Waivers) -> Waivers:
        return Waivers((*self.items, *other.items))

    def __repr__(self) -> str:
        return f"Waivers({len(self)})"

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], *, file: str = "<rows>", first_row: int = 1
    ) -> Waivers:
        """Waivers from rows of fields (English or Chinese names, ``HEADERS``); each row's
        place is ``row N``, counting from ``first_row``. Every problem raises ``InputError``."""
        places = [(f"row {n}", dict(row)) for n, row in enumerate(rows, start=first_row)]
        return _validated(places, file, {})

    @classmethod
    def load(cls, path: str | Path) -> Waivers:
        """Read a waivers file: ``.yaml``/``.yml`` (a list of waivers, or a mapping with a
        ``waivers`` list) or ``.csv`` (one waiver a row, English or Chinese headers, UTF-8 or
        GB18030)."""
        from ._loaders import read_input
        from ._loaders.delimited import decode

        source = Path(path)
        name = str(path)
        suffix = source.suffix.lower()
        if suffix not in (".yaml", ".yml", ".csv"):
            raise InputError(
                [Problem(name, "file", None, "a waivers file ending .yaml, .yml or .csv")],
                what=WHAT,
            )
        try:
            text, _ = decode(read_input(source, MAX_RULE_FILE_BYTES), name)
        except InputError as error:
            raise InputError(error.problems, what=WHAT) from None
        if suffix == ".csv":
            return _from_csv(text, name)
        return _from_yaml(text, name)

    def check_rules(self, known: Collection[str]) -> None:
        """Raise ``InputError`` naming each waiver whose rule is not among ``known``."""
        problems = [
            Problem(
                w.file,
                w.where,
                "rule",
                "the id of a rule (see: enforcement-rules rules)",
                shown(w.rule),
            )
            for w in self.items
            if w.rule not in known
        ]
        if problems:
            raise InputError(
                problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS), what=WHAT
            )


def load_waivers(*paths: str | Path) -> Waivers:
    """The waivers of every file given, in order (``Waivers.load`` reads each)."""
    loaded = Waivers()
    for path in paths:
        loaded += Waivers.load(path)
    return loaded


def as_waivers(value: Waivers | str | Path | Iterable[str | Path | Waivers] | None) -> Waivers:
    """What ``evaluate(waivers=...)`` takes: a loaded ``Waivers``, a path, or several."""
    if value is None:
        return Waivers()
    if isinstance(value, Waivers):
        return value
    if isinstance(value, str | Path):
        return Waivers.load(value)
    combined = Waivers()
    for item in value:
        combined += item if isinstance(item, Waivers) else Waivers.load(item)
    return combined


def _from_csv(text: str, file: str) -> Waivers:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputError(
            [Problem(file, f"line {reader.line_num}", None, "well-formed CSV", str(error))],
            what=WHAT,
        ) from None
    if not rows:
        return Waivers()
    header, *body = rows
    names = [HEADERS.get(h.strip(), h.strip()) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in FIELDS]
    problems = [
        Problem(
            file,
            "row 1",
            h,
            "a column of " + ", ".join(FIELDS) + " (or 规则, 对象, 理由, "
            "英文理由, 批准人, 批准日期, 有效期至)",
        )
        for h in unknown
    ]
    if len(set(names)) < len(names):
        problems.append(Problem(file, "row 1", None, "each column once", ", ".join(header)))
    if problems:
        raise InputError(problems, what=WHAT)
    places = []
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append(
                Problem(
                    file,
                    f"row {number}",
                    None,
                    f"{len(names)} cells, as in the header",
                    str(len(row)),
                )
            )
            continue
        places.append(
            (f"row {number}", {n: c for n, c in zip(names, row, strict=True) if c.strip()})
        )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], what=WHAT)
    return _validated(places, file, {})


def _from_yaml(text: str, file: str) -> Waivers:
    try:
        located = parse_yaml(text, file)
    except RuleError as error:
        where = f"line {error.line}" if error.line is not None else "file"
        message = str(error).split(": ", 1)[-1]
        raise InputError([Problem(file, where, None, "valid YAML", message)], what=WHAT) from None
    data = located.data
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"waivers"}:
        data, prefix = data["waivers"], ("waivers",)
    if data is None:
        return Waivers()
    if not isinstance(data, list):
        raise InputError(
            [
                Problem(
                    file, "line 1", None, "a list of waivers (or a mapping with a 'waivers' list)"
                )
            ],
            what=WHAT,
        )
    places = []
    lines: dict[str, Mapping[str, int | None]] = {}
    for index, item in enumerate(data):
        where = f"line {located.line_of((*prefix, index))}"
        if not isinstance(item, dict):
            raise InputError(
                [Problem(file, where, None, "a waiver: a mapping of " + ", ".join(FIELDS))],
                what=WHAT,
            )
        places.append((where, {str(k): v for k, v in item.items()}))
        lines[where] = {str(k): located.line_of((*prefix, index, k)) for k in item}
    return _validated(places, file, lines)


def _validated(
    places: list[tuple[str, dict[str, Any]]],
    file: str,
    lines: Mapping[str, Mapping[str, int | None]],
) -> Waivers:
    """Each waiver validated; every problem located by place (the line of its field in YAML)."""
    waivers: list[Waiver] = []
    problems: list[Problem] = []
    for where, fields in places:
        named = {HEADERS.get(k, k): v for k, v in fields.items()}

        def at(field: str | None, where: str = where) -> str:
            line = lines.get(where, {}).get(field or "")
            return f"line {line}" if line is not None else where

        try:
            spec = _WaiverSpec.model_validate(named)
        except ValidationError as error:
            for item in error.errors():
                field = str(item["loc"][0]) if item["loc"] else None
                expected = _expected(item)
                got = None if item["type"] == "missing" else shown(item.get("input"))
                problems.append(Problem(file, at(field), field, expected, got))
            continue
        if spec.valid_until < spec.approved_on:
            problems.append(
                Problem(
                    file,
                    at("valid_until"),
                    "valid_until",
                    f"a day on or after approved_on ({spec.approved_on.isoformat()})",
                    spec.valid_until.isoformat(),
                )
            )
            continue
        waivers.append(
            Waiver(
                rule=spec.rule,
                subject=spec.subject,
                reason=spec.reason,
                reason_en=spec.reason_en or "",
                approved_by=spec.approved_by,
                approved_on=spec.approved_on,
                valid_until=spec.valid_until,
                file=file,
                where=where,
            )
        )
    if problems:
        raise InputError(
            problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS), what=WHAT
        )
    return Waivers(waivers)


def _expected(item: Any) -> str:
    kind = item["type"]
    if kind == "missing":
        return "a value (the field is required)"
    if kind == "extra_forbidden":
        return "one of the fields " + ", ".join(FIELDS)
    message = str(item["msg"])
    return message.removeprefix("Value error, ")


# -- applying waivers to a report ---------------------------------------------------------------

IDENTITY = ["rule", "subject_type", "subject_id", "department", "period"]
"""What names one finding (as ``diff`` pairs them)."""


def waiver_table(waivers: Waivers, as_of: date) -> pl.DataFrame:
    """One row per waiver: its index, rule, subject, state on ``as_of`` and last day."""
    return pl.DataFrame(
        {
            "waiver": list(range(len(waivers))),
            "rule": [w.rule for w in waivers],
            "waiver_subject": [w.subject for w in waivers],
            "waiver_state": [w.state(as_of) for w in waivers],
            "valid_until": [w.valid_until for w in waivers],
        },
        schema={
            "waiver": pl.Int64,
            "rule": pl.String,
            "waiver_subject": pl.String,
            "waiver_state": pl.String,
            "valid_until": pl.Date,
        },
    )


def match(frame: pl.DataFrame, waivers: Waivers, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """For each row of ``frame`` (columns ``rule``, ``subject_id``, ``department``, with a
    ``__row`` index): the waiver in force that covers it (the first written), and for rows no
    waiver in force covers, the expired waiver that did (the latest to expire). Two frames of
    ``__row`` and ``waiver``."""
    pairs = (
        frame.select("__row", "rule", "subject_id", "department")
        .join(waiver_table(waivers, as_of), on="rule")
        .filter(
            (pl.col("subject_id") == pl.col("waiver_subject"))
            | (pl.col("department") == pl.col("waiver_subject"))
        )
    )
    active = (
        pairs.filter(pl.col("waiver_state") == "active")
        .group_by("__row")
        .agg(pl.col("waiver").min())
    )
    expired = (
        pairs.filter(pl.col("waiver_state") == "expired")
        .join(active.select("__row"), on="__row", how="anti")
        .sort(["valid_until", "waiver"], descending=[True, False])
        .group_by("__row", maintain_order=True)
        .first()
        .select("__row", "waiver")
    )
    return active, expired


def waiver_warnings(
    waivers: Waivers, as_of: date, used: Collection[int], rules: Collection[str] | None = None
) -> list[str]:
    """A warning for each waiver in force that covers no finding, and for each not yet approved
    on ``as_of`` (it does not apply); only of waivers of ``rules`` where given."""
    warnings = []
    for index, w in enumerate(waivers):
        if rules is not None and w.rule not in rules:
            continue
        state = w.state(as_of)
        if state == "active" and index not in used:
            warnings.append(
                f"豁免未匹配任何发现：规则 {w.rule}，对象 {w.subject}（{w.place}）。"
                f" waiver matches no finding: rule {w.rule}, subject {w.subject} ({w.place})"
            )
        elif state == "not_yet_approved":
            warnings.append(
                f"豁免尚未批准，未适用：规则 {w.rule}，对象 {w.subject}，批准日期 "
                f"{w.approved_on.isoformat()} 晚于评估日（{w.place}）。"
                f" waiver not yet approved on the as-of day, not applied: rule {w.rule}, "
                f"subject {w.subject}, approved on {w.approved_on.isoformat()} ({w.place})"
            )
    return warnings


def apply_waivers(report: Report, waivers: Waivers, known_rules: Collection[str]) -> Report:
    """``report`` with the findings waivers in force cover moved to ``waived``, the findings of
    expired waivers noted, and a warning for each waiver in force that covers nothing."""
    from ._report import Report

    waivers.check_rules(known_rules)
    frame = report.frame.with_row_index("__row")
    active, expired = match(frame, waivers, report.as_of)
    waived = frame.join(active, on="__row").drop("__row")
    kept = frame.join(active, on="__row", how="anti")
    expired_rows = kept.join(expired, on="__row").select(*IDENTITY, "waiver")
    used = set(active["waiver"].to_list())
    return Report(
        as_of=report.as_of,
        packs=report.packs,
        frame=kept.drop("__row"),
        describers=report.describers,
        warnings=[*report.warnings, *waiver_warnings(waivers, report.as_of, used)],
        exemptions=report.exemptions,
        names=report.names,
        waivers=waivers,
        waived=waived,
        expired_waivers=expired_rows,
    )
