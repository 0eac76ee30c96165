"""Findings and the report of one evaluation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import polars as pl

from ._chinese import full_width
from ._dates import day_end
from ._errors import UsageError
from ._figures import figure_label
from ._findings import EXEMPTION_COLUMNS, columns_of
from ._order import natural_sorted, ordered, sort_frame
from ._output import write_text
from ._rulebase import RuleBase, Severity, SourceRef, Status, status_label

if TYPE_CHECKING:
    from ._diff import ReportDiff
    from ._waivers import WaivedFinding, Waiver, Waivers

REPORT_COLUMNS: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "pack": pl.String(),
    "severity": pl.String(),
    "status": pl.String(),
    "subject_type": pl.String(),
    "subject_id": pl.String(),
    "department": pl.String(),
    "period": pl.String(),
    "due": pl.Date(),
    "figures": pl.String(),
}
ORDER = ["department", "rule", "subject_id", "period", "status"]
_SEVERITIES = {s.value: s for s in Severity}
_STATUSES = {s.value: s for s in Status}
EXEMPTION_REPORT_COLUMNS: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "pack": pl.String(),
    **EXEMPTION_COLUMNS,
}
WAIVED_COLUMNS: dict[str, pl.DataType] = {**REPORT_COLUMNS, "waiver": pl.Int64()}
"""A waived finding: the report's columns and the index of its waiver in ``Report.waivers``."""
_IDENTITY = ["rule", "subject_type", "subject_id", "department", "period"]
_WORDED_FROM = ("rule", "subject_id", "figures")
"""The columns a finding's wording is made from, with its rule (``_wording``)."""
_NO_EXEMPTIONS = pl.DataFrame(schema=EXEMPTION_REPORT_COLUMNS)
_NO_WAIVED = pl.DataFrame(schema=WAIVED_COLUMNS)


@dataclass(frozen=True)
class Names:
    """Names of the departments and officers of the evaluated records.

    Department names are shown in every output; officer names (personal data) only where
    asked for (``with_names``), otherwise officers are named by id.
    """

    departments: Mapping[str, str] = field(default_factory=dict)
    officers: Mapping[str, str] = field(default_factory=dict)

    def officers_in(self, finding: Finding) -> dict[str, str]:
        """Names of the officers a finding names: its subject, and ids in its figures."""
        ids: list[str] = []
        if finding.subject_type == "officer":
            ids.append(finding.subject_id)
        for value in finding.figures.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    ids.extend(part for part in item.split("、") if part in self.officers)
        return {i: self.officers[i] for i in dict.fromkeys(ids) if i in self.officers}


class Describes(Protocol):
    """What a report needs of a rule (or a data-quality check) to word its findings."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def fix_en(self) -> str: ...
    @property
    def sources(self) -> list[SourceRef]: ...

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: which rule, about what, decided by which figures, and the source.

    Attributes:
        rule: The rule id, e.g. ``D3``.
        title: The rule's title, in Chinese.
        pack: The pack the rule belongs to.
        severity: ``violation``, or ``warning`` where the text says "原则上", "努力", "基本".
        status: ``not_met``, ``late``, ``missing``, ``incomplete`` or ``pending``.
        subject_type: What the finding is about: ``action``, ``officer``, ``department``...
        subject_id: The id of that record.
        department: The department it concerns, if any.
        period: The period judged (``2024``, ``2024-Q1``), for recurring obligations.
        due: The due day, for deadlines (its last moment in Asia/Shanghai: ``due_moment``).
        figures: The figures that decided it (``hours=52``, ``required=60``...).
        message: The finding in Chinese, with its figures.
        message_en: The same in English.
        fix: What would fix it, in Chinese.
        fix_en: The same in English.
        sources: The sources it quotes: document, section, verbatim quote.
        note: The rule's 解读: which words of the text were read how, and why (Chinese).
        note_en: The same in English.
        title_en: The rule's title in English.
        expired_waiver: A waiver that covered this finding and expired before the as-of day
            (its message then ends with a note saying so).
    """

    rule: str
    title: str
    pack: str
    severity: Severity
    status: Status
    subject_type: str
    subject_id: str
    department: str | None
    period: str | None
    due: date | None
    figures: Mapping[str, Any]
    message: str
    message_en: str
    fix: str
    fix_en: str
    sources: tuple[SourceRef, ...] = field(default=())
    note: str = ""
    note_en: str = ""
    title_en: str = ""
    expired_waiver: Waiver | None = None

    @property
    def quote(self) -> str:
        """The (first) verbatim sentence of the source the rule stands on."""
        return self.sources[0].quote if self.sources else ""

    @property
    def due_moment(self) -> datetime | None:
        """The last moment of the due day, in Asia/Shanghai."""
        return day_end(self.due) if self.due else None

    @property
    def is_violation(self) -> bool:
        """A breach of a requirement the text makes unconditionally (not pending, not a
        warning)."""
        return self.severity == Severity.VIOLATION and self.status != Status.PENDING

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data (as in ``Report.to_json``)."""
        return {
            "rule": self.rule,
            "title": self.title,
            "pack": self.pack,
            "severity": self.severity.value,
            "status": self.status.value,
            "subject": {
                "type": self.subject_type,
                "id": self.subject_id,
                "department": self.department,
            },
            "period": self.period,
            "due": self.due.isoformat() if self.due else None,
            "due_moment": due_moment_text(self.due) if self.due else None,
            "figures": dict(self.figures),
            "message": self.message,
            "message_en": self.message_en,
            "fix": self.fix,
            "fix_en": self.fix_en,
            "sources": [source_data(s) for s in self.sources],
        }

    def explain(self, lang: str = "zh") -> str:
        """A few lines a person reads: the rule, the finding, its figures, the quote (with its
        reading where the source copy lost characters), the rule's 解读 and the fix.

        ``lang="zh"`` (default) gives the Chinese, with the finding's English beside it;
        ``lang="en"`` the English: title, message, figure names, reading note and fix.
        """
        english = _english(lang)
        if english:
            lines = [
                f"[{self.rule}] {self.title_en or self.title} ("
                + (
                    self.status.value
                    if self.status == Status.PENDING
                    else f"{self.severity.value}, {self.status.value}"
                )
                + ")",
                f"  {self.message_en}",
            ]
        else:
            lines = [
                f"[{self.rule}] {self.title}（{status_label(self.severity, self.status)}）",
                f"  {self.message}",
                f"  {self.message_en}",
            ]
        if self.figures:
            lines.append(
                ("  figures: " if english else "  依据数据：") + figure_list(self.figures, lang)
            )
        colon = ": " if english else "："
        if self.due:
            lines.append(
                f"  {'due' if english else '期限'}{colon}{self.due.isoformat()} 23:59:59"
                " (Asia/Shanghai)"
            )
        for source in self.sources:
            lines.append(
                f"  {'source' if english else '原文'}{colon}{source.document} {source.section}"
            )
            lines.append(f"    {source.quoted(lang)}")
        note = self.note_en if english else self.note
        if note:
            lines.append(f"  {'reading' if english else '解读'}{colon}{note}")
        if english:
            lines.append(f"  fix: {self.fix_en}")
        else:
            lines.append(f"  整改：{self.fix}")
            lines.append(f"    {self.fix_en}")
        return "\n".join(lines)


def finding_of(rule: Describes, row: Mapping[str, Any], figures: dict[str, Any]) -> Finding:
    """A finding of ``rule``, worded from ``figures``; ``row`` holds the other columns of a
    report (``rule``, ``pack``, ``severity``, ``status``, ``subject_type``, ``subject_id``,
    ``department``, ``period``, ``due``)."""
    return Finding(
        **_unworded_fields(rule, row),
        figures=figures,
        **_wording(rule, row["subject_id"], figures),
    )


def _unworded_fields(rule: Describes, row: Mapping[str, Any]) -> dict[str, Any]:
    """A finding's fields but its figures and wording, from the rule and a report's row."""
    return {
        "rule": row["rule"],
        "title": rule.title,
        "pack": row["pack"],
        "severity": _SEVERITIES[row["severity"]],
        "status": _STATUSES[row["status"]],
        "subject_type": row["subject_type"],
        "subject_id": row["subject_id"],
        "department": row["department"],
        "period": row["period"],
        "due": row["due"],
        "fix": rule.fix,
        "fix_en": rule.fix_en,
        "note": getattr(rule, "note", ""),
        "note_en": getattr(rule, "note_en", ""),
        "title_en": rule.title_en,
    }


def _wording(rule: Describes, subject_id: str, figures: dict[str, Any]) -> dict[str, Any]:
    """A finding's ``message``, ``message_en`` and ``sources``, from its figures."""
    message, message_en = rule.describe(subject_id, figures)
    return {
        "message": full_width(message),
        "message_en": message_en,
        "sources": tuple(_sources_for(rule, subject_id, figures)),
    }


def unworded_finding(
    rule: Describes,
    row: Mapping[str, Any],
    figures: dict[str, Any] | Callable[[], dict[str, Any]],
) -> Finding:
    """``finding_of``, worded (``message``, ``message_en``, ``sources``) when one of them is
    first read, and its figures made then too when ``figures`` is a function making them (it
    must read only what it was made with): the live monitor's findings are often counted and
    not read. It equals, prints, pickles and copies as the ``Finding`` ``finding_of`` makes."""
    finding = _Unworded.__new__(_Unworded)
    setting = object.__setattr__
    if callable(figures):
        setting(finding, "_figured", figures)
    else:
        setting(finding, "figures", figures)
    for name, value in _unworded_fields(rule, row).items():
        setting(finding, name, value)
    setting(finding, "expired_waiver", None)
    setting(finding, "_describes", rule)
    return finding


_WORDING = frozenset({"message", "message_en", "sources"})


class _Unworded(Finding):
    """A ``Finding`` whose wording is made when first read (``unworded_finding``)."""

    __slots__ = ("_describes", "_figured")
    _describes: Describes
    _figured: Callable[[], dict[str, Any]]

    def __getattr__(self, name: str) -> Any:
        # called only for a field not yet set: the figures or the wording
        if name == "figures":
            object.__setattr__(self, "figures", self._figured())
            return object.__getattribute__(self, name)
        if name not in _WORDING:
            raise AttributeError(name)
        figures = cast("dict[str, Any]", self.figures)
        for field_name, value in _wording(self._describes, self.subject_id, figures).items():
            object.__setattr__(self, field_name, value)
        return object.__getattribute__(self, name)

    def plain(self) -> Finding:
        """The same finding as ``finding_of`` makes it."""
        return Finding(*(getattr(self, name) for name in _FIELDS))

    def __eq__(self, other: object) -> bool:
        return self.plain() == other if isinstance(other, Finding) else NotImplemented

    __hash__ = Finding.__hash__

    def __repr__(self) -> str:
        return repr(self.plain())

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        return Finding, tuple(getattr(self, name) for name in _FIELDS)


_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass(frozen=True, slots=True)
class Exemption:
    """A record a rule would have reported, and the provision it names that exempts it (e.g.
    a penalty by one officer under a law that allows it): the finding-free result, explained."""

    rule: str
    title: str
    pack: str
    subject_type: str
    subject_id: str
    department: str | None
    basis: str
    figures: Mapping[str, Any]
    reason: str
    reason_en: str
    sources: tuple[SourceRef, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The exemption as plain data (as under ``exemptions`` in ``Report.to_json``)."""
        return {
            "rule": self.rule,
            "title": self.title,
            "pack": self.pack,
            "subject": {
                "type": self.subject_type,
                "id": self.subject_id,
                "department": self.department,
            },
            "basis": self.basis,
            "figures": dict(self.figures),
            "reason": self.reason,
            "reason_en": self.reason_en,
            "sources": [source_data(s) for s in self.sources],
        }

    def explain(self) -> str:
        """A few lines a person reads: the rule, why the record is exempt, the quote."""
        lines = [
            f"[{self.rule}] {self.title}（豁免 exempt）",
            f"  {self.reason}",
            f"  {self.reason_en}",
            f"  例外依据 basis: {self.basis}",
        ]
        for source in self.sources:
            lines.append(f"  原文 source: {source.document} {source.section}")
            lines.append(f"    {source.quoted()}")
        return "\n".join(lines)


@lru_cache(maxsize=4096)
def due_moment_text(due: date) -> str:
    return day_end(due).isoformat()


def _english(lang: str) -> bool:
    if lang not in ("zh", "en"):
        raise UsageError(f"lang is zh or en; got {lang!r}")
    return lang == "en"


def figure_list(figures: Mapping[str, Any], lang: str = "zh") -> str:
    """A finding's figures named by their labels: ``持证人数 1，要求 2`` (``lang="en"``:
    ``certified 1, required 2``)."""
    separator = ", " if lang == "en" else "，"
    none = "none" if lang == "en" else "无"
    return separator.join(
        f"{figure_label(k, lang)} {none if v is None else _plain(v)}" for k, v in figures.items()
    )


def source_data(source: SourceRef) -> dict[str, Any]:
    """A source as plain data; with ``read_as`` (and ``read_as_en``) where the source copy lost
    characters of the quote."""
    return dict(_source_data(source))


@lru_cache(maxsize=4096)
def _source_data(source: SourceRef) -> dict[str, Any]:
    data = source.model_dump()
    if source.lost():
        data["read_as"] = source.reading()
        data["read_as_en"] = source.reading("en").strip()
    return data


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


class Report:
    """The findings of one evaluation, in a deterministic order.

    ``findings`` are built on first use from the columnar ``frame``; ``to_frame()`` returns a
    polars DataFrame view; ``to_dict()``/``to_json()`` serialise everything.

    Attributes:
        as_of: The evaluation day.
        packs: The ids of the packs evaluated.
        frame: The findings as a polars DataFrame, one row each (``to_frame()`` adds titles,
            messages, quotes and names).
        exemptions: Records a rule would have reported but for a provision they name, as a
            polars DataFrame (``exempt`` words them).
        waivers: The waivers the evaluation was given (``None``: none was given).
        waived_frame: The findings a waiver in force covers, not counted, as a polars
            DataFrame with the index of the waiver in ``waivers`` (``waived`` words them).
        warnings: Notes about the evaluation itself: a domain outside the vocabulary, a
            department no pack applies to.
    """

    def __init__(
        self,
        *,
        as_of: date,
        packs: list[str],
        frame: pl.DataFrame,
        describers: Mapping[str, tuple[str, Describes]],
        warnings: list[str],
        exemptions: pl.DataFrame | None = None,
        names: Names | None = None,
        waivers: Waivers | None = None,
        waived: pl.DataFrame | None = None,
        expired_waivers: pl.DataFrame | None = None,
    ) -> None:
        self.as_of = as_of
        self.packs = packs
        self.frame = sort_frame(columns_of(frame, list(REPORT_COLUMNS)), ORDER)
        self._describers = describers
        self.warnings = warnings
        if exemptions is None or exemptions.width == 0:
            exemptions = _NO_EXEMPTIONS.clear()  # a new frame, without building the schema
        self.exemptions = sort_frame(
            columns_of(exemptions, list(EXEMPTION_REPORT_COLUMNS)),
            ["department", "rule", "subject_id"],
        )
        self.names = names or Names()
        self.waivers = waivers
        if waived is None or waived.width == 0:
            waived = _NO_WAIVED.clear()
        self.waived_frame = sort_frame(columns_of(waived, list(WAIVED_COLUMNS)), ORDER)
        self._expired: dict[tuple[Any, ...], int] = (
            {tuple(row[:-1]): row[-1] for row in expired_waivers.iter_rows()}
            if expired_waivers is not None and expired_waivers.height
            else {}
        )

    @property
    def describers(self) -> Mapping[str, tuple[str, Describes]]:
        """Each rule (and data-quality check) evaluated: its pack and what words it."""
        return self._describers

    def _derived(
        self, frame: pl.DataFrame, exemptions: pl.DataFrame, waived: pl.DataFrame
    ) -> Report:
        """A report of the same evaluation holding these rows."""
        report = Report(
            as_of=self.as_of,
            packs=self.packs,
            frame=frame,
            describers=self._describers,
            warnings=self.warnings,
            exemptions=exemptions,
            names=self.names,
            waivers=self.waivers,
            waived=waived,
        )
        report._expired = self._expired
        return report

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings, worded, in the report's order (department, rule, subject)."""
        return [self._finding(row) for row in self.frame.iter_rows(named=True)]

    def wordings(self) -> list[tuple[str, str, tuple[SourceRef, ...]]]:
        """Each finding's ``message``, ``message_en`` and ``sources``, in the report's order,
        as its ``Finding`` has them; worded without making the findings where they are not made
        yet (a JSON report reads nothing else of them that its rule does not hold)."""
        if self._expired or "findings" in self.__dict__:  # an expired waiver notes the message
            return [(f.message, f.message_en, f.sources) for f in self.findings]
        wordings = []
        columns = (self.frame.get_column(name).to_list() for name in _WORDED_FROM)
        for rule_id, subject_id, figures in zip(*columns, strict=True):
            worded = _wording(
                self._describers[rule_id][1], subject_id, json.loads(figures) if figures else {}
            )
            wordings.append((worded["message"], worded["message_en"], worded["sources"]))
        return wordings

    def _finding(self, row: dict[str, Any]) -> Finding:
        _, rule = self._describers[row["rule"]]
        figures = json.loads(row["figures"]) if row["figures"] else {}
        finding = finding_of(rule, row, figures)
        index = self._expired.get(tuple(row[c] for c in _IDENTITY)) if self._expired else None
        if index is None or self.waivers is None:
            return finding
        return self.waivers[index].noted(finding)

    @cached_property
    def waived(self) -> list[WaivedFinding]:
        """The findings a waiver in force covers (not counted), each with its waiver."""
        from ._waivers import WaivedFinding

        if self.waivers is None:
            return []
        return [
            WaivedFinding(self._finding(row), self.waivers[row["waiver"]])
            for row in self.waived_frame.iter_rows(named=True)
        ]

    @cached_property
    def exempt(self) -> list[Exemption]:
        """The exemptions, worded: which rule, which record, the provision it names."""
        return [self._exemption(row) for row in self.exemptions.iter_rows(named=True)]

    def _exemption(self, row: dict[str, Any]) -> Exemption:
        _, rule = self._describers[row["rule"]]
        if not isinstance(rule, RuleBase):
            raise TypeError(f"{row['rule']} is not a rule and grants no exemption")
        figures = json.loads(row["figures"]) if row["figures"] else {}
        reason, reason_en = rule.describe_exemption(row["subject_id"], figures)
        reason = full_width(reason)
        return Exemption(
            rule=row["rule"],
            title=rule.title,
            pack=row["pack"],
            subject_type=row["subject_type"],
            subject_id=row["subject_id"],
            department=row["department"],
            basis=row["basis"],
            figures=figures,
            reason=reason,
            reason_en=reason_en,
            sources=tuple(rule.sources),
        )

    def reading_of(self, rule_id: str) -> tuple[str, str, str]:
        """A rule's title and its 解读, in Chinese and in English (empty for a data-quality
        check, which has none)."""
        _, rule = self._describers[rule_id]
        return rule.title, getattr(rule, "note", ""), getattr(rule, "note_en", "")

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return self.frame.height

    def __repr__(self) -> str:
        return (
            f"Report(as_of={self.as_of.isoformat()}, packs={self.packs}, "
            f"findings={len(self)}, violations={self.violation_count}"
            + (f", waived={self.waived_frame.height})" if self.waived_frame.height else ")")
        )

    # -- counts -------------------------------------------------------------------

    @cached_property
    def violation_count(self) -> int:
        """Findings that are violations: severity ``violation`` and not ``pending``."""
        return int(self.frame.select(_violation().sum()).item())

    @property
    def has_violations(self) -> bool:
        """Whether any finding is a violation (the command then exits with status 1)."""
        return self.violation_count > 0

    def counts(self, by: str) -> dict[str | None, int]:
        """Number of findings per value of a column: ``rule``, ``department``, ``status``..."""
        counted = self.frame.get_column(by).value_counts(name="len")
        found = dict(zip(counted[by].to_list(), counted["len"].to_list(), strict=True))
        return {value: found[value] for value in ordered(found, natural=by == "rule")}

    def summary(self) -> pl.DataFrame:
        """Per department and rule: findings, violations, pending, warnings."""
        return sort_frame(
            self.frame.group_by("department", "rule").agg(
                pl.len().alias("findings"),
                _violation().sum().alias("violations"),
                (pl.col("status") == Status.PENDING.value).sum().alias("pending"),
                (
                    (pl.col("severity") == Severity.WARNING.value)
                    & (pl.col("status") != Status.PENDING.value)
                )
                .sum()
                .alias("warnings"),
            ),
            ["department", "rule"],
        )

    # -- views --------------------------------------------------------------------

    def filter(
        self,
        *,
        rule: str | Iterable[str] | None = None,
        department: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
        subject_id: str | Iterable[str] | None = None,
        skip_rule: str | Iterable[str] | None = None,
    ) -> Report:
        """A report holding only the findings that match every criterion given; each takes
        one value or several (any of them matches). ``skip_rule`` leaves those rules out.

        Examples:
            >>> report.filter(department="DWK-SCJG", status=["late", "missing"])  # doctest: +SKIP
            >>> report.filter(skip_rule="XZCF.47")  # doctest: +SKIP
        """
        if all(v is None for v in (rule, department, status, severity, subject_id, skip_rule)):
            return self
        wanted = {
            "rule": rule,
            "department": department,
            "status": status,
            "severity": severity,
            "subject_id": subject_id,
        }
        condition = pl.lit(True)
        for column, value in wanted.items():
            if value is not None:
                condition &= pl.col(column).is_in(_values(value))
        # An exemption has no status or severity: a filter on either leaves none.
        exempt = pl.lit(status is None and severity is None)
        for column in ("rule", "department", "subject_id"):
            chosen = wanted[column]
            if chosen is not None:
                exempt &= pl.col(column).is_in(_values(chosen))
        if skip_rule is not None:
            condition &= ~pl.col("rule").is_in(_values(skip_rule))
            exempt &= ~pl.col("rule").is_in(_values(skip_rule))
        return self._derived(
            self.frame.filter(condition),
            self.exemptions.filter(exempt),
            self.waived_frame.filter(condition),
        )

    def diff(self, earlier: Report) -> ReportDiff:
        """This evaluation against an ``earlier`` one: findings new since then, resolved
        since then, and still open, each a polars DataFrame, with counts per department and
        rule (``.by("department")``). A finding is the same in both when its rule, subject
        (type, id and department) and period are.

        Examples:
            >>> march = er.evaluate(records, as_of="2024-03-31")  # doctest: +SKIP
            >>> april = er.evaluate(records, as_of="2024-04-30")  # doctest: +SKIP
            >>> april.diff(march).counts()  # doctest: +SKIP
            {'new': 4, 'resolved': 1, 'still_open': 12}
        """
        from ._diff import diff_frames

        return diff_frames(
            earlier.diff_frame(),
            self.diff_frame(),
            earlier.as_of.isoformat(),
            self.as_of.isoformat(),
            old_waived=earlier.diff_frame(waived=True),
            new_waived=self.diff_frame(waived=True),
        )

    def diff_frame(self, *, waived: bool = False) -> pl.DataFrame:
        """The findings as ``diff`` compares them: identity, department, status, message
        (``waived``: the waived findings)."""
        frame = self.waived_frame.drop("waiver") if waived else self.frame
        findings = [w.finding for w in self.waived] if waived else self.findings
        return frame.with_columns(
            pl.col("department")
            .replace_strict(self.names.departments, default=None, return_dtype=pl.String)
            .alias("department_name"),
            pl.Series("message", [f.message for f in findings], dtype=pl.String),
        )

    def head(self, n: int) -> Report:
        """A report holding the first ``n`` findings (in the report's order)."""
        return self.slice(0, n)

    def slice(self, offset: int, length: int) -> Report:
        """A report holding ``length`` findings from the ``offset``-th (in the report's
        order): a large report is worded and written slice by slice."""
        return self._derived(self.frame.slice(offset, length), self.exemptions, self.waived_frame)

    @property
    def rules(self) -> list[str]:
        """The ids of every rule (and data-quality check) evaluated, in natural order."""
        return natural_sorted(self._describers)

    def explain(self, finding: Finding, *, with_names: bool = False, lang: str = "zh") -> str:
        """A few lines a person reads about one finding: the rule, the figures, the quote,
        its 解读, the fix (and, ``with_names``, the names of the officers it concerns);
        ``lang="en"`` in English.

        Examples:
            >>> print(report.explain(report.findings[0]))  # doctest: +SKIP
            [D1] ...
        """
        text = finding.explain(lang)
        named = self.names.officers_in(finding) if with_names else {}
        if named:
            label = "officers" if lang == "en" else "人员"
            text += f"\n  {label}: " + "、".join(f"{i} {n}" for i, n in named.items())
        return text

    def to_frame(self, *, with_names: bool = False, waived: bool = False) -> pl.DataFrame:
        """Findings as a polars DataFrame, with the title, message, quote and fix of each
        and the name of each department. Officers are named by id only unless
        ``with_names``, which adds ``officer_names`` (``O021 张三、O022 李四``). ``waived``
        gives the waived findings instead, with their ``waiver`` in words.

        Examples:
            >>> frame = report.to_frame()  # doctest: +SKIP
            >>> frame.group_by("department").len()  # doctest: +SKIP
        """
        if waived:
            findings = [w.finding for w in self.waived]
            rows = self.waived_frame.drop("waiver").with_columns(
                pl.Series(
                    "waiver",
                    [f"{w.waiver.text()} {w.waiver.text('en')}" for w in self.waived],
                    dtype=pl.String,
                )
            )
        else:
            findings, rows = self.findings, self.frame
        sources = [f.sources[0] if f.sources else None for f in findings]
        frame = rows.with_columns(
            pl.col("department")
            .replace_strict(self.names.departments, default=None, return_dtype=pl.String)
            .alias("department_name"),
            pl.Series("title", [f.title for f in findings], dtype=pl.String),
            pl.Series("message", [f.message for f in findings], dtype=pl.String),
            pl.Series("message_en", [f.message_en for f in findings], dtype=pl.String),
            pl.Series("quote", [f.quote for f in findings], dtype=pl.String),
            pl.Series(
                "source",
                [f"{s.document} {s.section}" if s else None for s in sources],
                dtype=pl.String,
            ),
            pl.Series("fix", [f.fix for f in findings], dtype=pl.String),
        )
        if with_names:
            frame = frame.with_columns(
                pl.Series(
                    "officer_names",
                    [
                        "、".join(f"{i} {n}" for i, n in self.names.officers_in(f).items()) or None
                        for f in findings
                    ],
                    dtype=pl.String,
                )
            )
        return frame

    def to_pandas(self, *, with_names: bool = False) -> Any:
        """Findings as a pandas DataFrame (needs the ``pandas`` extra)."""
        from ._writers import to_pandas

        return to_pandas(self, with_names=with_names)

    def to_csv(self, path: str | Path, *, with_names: bool = False) -> Path:
        """Write the findings as CSV (UTF-8 with BOM, so spreadsheets read the Chinese)."""
        from ._writers import write_csv

        return write_csv(self, path, with_names=with_names)

    def to_excel(
        self, path: str | Path, *, with_names: bool = False, limit: int | None = 60_000
    ) -> Path:
        """Write an Excel workbook: the findings (at most ``limit``, ``None`` for all; the
        sheet's last row names how many are left out), a summary per department and one per
        rule of every finding (needs the ``excel`` extra)."""
        from ._writers import write_excel

        return write_excel(self, path, with_names=with_names, limit=limit)

    def to_html(self, path: str | Path | None = None, *, with_names: bool = False) -> str:
        """A self-contained HTML report (one file, nothing loaded from the network): counts
        per department and per rule with bar charts, and every finding with its quote.
        Written to ``path`` if given; the HTML is returned either way."""
        from ._html import render_html

        html = render_html(self, with_names=with_names)
        if path is not None:
            write_text(path, html)
        return html

    def summary_by(self, by: str) -> pl.DataFrame:
        """Counts per ``department`` (every department evaluated, with its name, even those
        without findings) or per ``rule`` (with its title): findings, violations, warnings,
        pending."""
        counts = self.frame.group_by(by).agg(
            pl.len().alias("findings"),
            _violation().sum().alias("violations"),
            (
                (pl.col("severity") == Severity.WARNING.value)
                & (pl.col("status") != Status.PENDING.value)
            )
            .sum()
            .alias("warnings"),
            (pl.col("status") == Status.PENDING.value).sum().alias("pending"),
        )
        if by == "department":
            names = pl.DataFrame(
                {
                    "department": list(self.names.departments),
                    "department_name": list(self.names.departments.values()),
                },
                schema={"department": pl.String, "department_name": pl.String},
            )
            counts = names.join(counts, on="department", how="full", coalesce=True)
        elif by == "rule":
            titles = {rule: d.title for rule, (_, d) in self._describers.items()}
            counts = counts.with_columns(
                pl.col("rule")
                .replace_strict(titles, default=None, return_dtype=pl.String)
                .alias("title")
            )
        number = ["findings", "violations", "warnings", "pending"]
        return sort_frame(
            counts.with_columns(pl.col(number).fill_null(0).cast(pl.Int64)).select(
                by, pl.exclude(by, *number), *number
            ),
            [by],
        )

    def to_dict(self, *, with_names: bool = False, findings: bool = True) -> dict[str, Any]:
        """Everything, as plain data; ``with_names`` adds each finding's ``officer_names``
        (``findings=False`` leaves the findings out: the counts, warnings and exemptions)."""
        data: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "packs": self.packs,
            "counts": {
                "findings": len(self),
                "violations": self.violation_count,
                "by_status": self.counts("status"),
                "by_rule": self.counts("rule"),
                "by_department": self.counts("department"),
                "waived": self.waived_frame.height,
            },
            "warnings": self.warnings,
            "readings": self._readings(),
            "exemptions": [e.to_dict() for e in self.exempt],
            "waived": [self._waived_data(w, with_names) for w in self.waived],
        }
        if findings:
            data["findings"] = [self._finding_data(f, with_names) for f in self.findings]
        return data

    def _readings(self) -> dict[str, dict[str, str]]:
        """The 解读 of each rule with findings or exemptions, once per rule."""
        rules = dict.fromkeys(
            [
                *(self.frame["rule"].unique(maintain_order=True) if self.frame.height else ()),
                *(self.exemptions["rule"].unique() if self.exemptions.height else ()),
                *(self.waived_frame["rule"].unique() if self.waived_frame.height else ()),
            ]
        )
        readings = {}
        for rule in rules:
            title, note, note_en = self.reading_of(rule)
            if note:
                readings[rule] = {"title": title, "note": note, "note_en": note_en}
        return readings

    def _waived_data(self, waived: WaivedFinding, with_names: bool) -> dict[str, Any]:
        return {**self._finding_data(waived.finding, with_names), "waiver": waived.waiver.to_dict()}

    def _finding_data(self, finding: Finding, with_names: bool) -> dict[str, Any]:
        data = finding.to_dict()
        data["subject"]["department_name"] = self.names.departments.get(finding.department or "")
        if with_names:
            data["officer_names"] = self.names.officers_in(finding)
        return data

    def to_json(self, *, indent: int | None = None, with_names: bool = False) -> str:
        """``to_dict()`` as JSON text (Chinese kept as written), compact unless ``indent``
        (spaces) is given."""
        if indent is None:
            from ._report_json import report_json

            return report_json(self, with_names=with_names)
        return json.dumps(
            self.to_dict(with_names=with_names), ensure_ascii=False, indent=indent, default=str
        )

    def write_json(
        self, path: str | Path, *, indent: int | None = None, with_names: bool = False
    ) -> Path:
        """Write ``to_json()`` to ``path`` (UTF-8); compact JSON is written straight from
        the encoded columns, fast at any size."""
        if indent is None:
            from ._report_json import write_report_json

            return write_report_json(self, path, with_names=with_names)
        return write_text(path, self.to_json(indent=indent, with_names=with_names) + "\n")


def _sources_for(rule: Describes, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
    """A rule's sources for one finding (a task table quotes the task's row first)."""
    sources_for = getattr(rule, "sources_for", None)
    return list(sources_for(subject_id, figures)) if sources_for else list(rule.sources)


def _values(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _violation() -> pl.Expr:
    return (pl.col("severity") == Severity.VIOLATION.value) & (
        pl.col("status") != Status.PENDING.value
    )
