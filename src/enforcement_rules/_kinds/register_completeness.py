"""``register_completeness``: each entry of a register a department keeps of what it set up or
handed over (electronic monitoring devices, entrusted enforcement) has every part the text
names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._conditions import Decision, all_of, greater, reached
from .._exceptions import levels_zh
from .._fields import BasisLevelName
from .._figures import Figures, figure
from .._legal_basis import level_of
from .._live._base import (
    Alarms,
    Change,
    Observation,
    Tracker,
    first_moment,
    last_moment,
    passed,
    start_moment,
)
from .._models import RECORD_TYPES
from .._rulebase import Context, Period, RuleBase, Status
from .._vocab import BasisLevel, label
from ._campaign import live_municipal, municipal_departments, scope_link
from ._decisions import by_due, judged_findings, live_clock
from ._words import listed

# What each field of a register entry stands for: (Chinese, English).
PARTS: dict[str, tuple[str, str]] = {
    "legal_basis": ("法律、法规依据", "legal basis"),
    "legal_review_on": ("法制审核", "legal review"),
    "technical_review_on": ("技术审核", "technical review"),
    "location_published_on": ("设置地点向社会公布", "location published"),
    "agreement_signed_on": ("签订行政执法委托书", "signed entrustment letter"),
    "published_on": ("向社会公示", "publication"),
}
# The field that names an entry in messages.
NAMED_BY = {"monitoring_devices": "location", "entrustments": "entrusted"}
ENTRY_WORDS = {
    "monitoring_devices": ("电子技术监控设备", "Monitoring device"),
    "entrustments": ("委托执法", "Entrustment"),
}


class RegisterCompletenessFigures(Figures):
    """``legal_basis`` and ``basis_level`` only where the rule names ``basis_levels``."""

    name: str = figure("名称", "name")
    lacking: list[str] = figure("缺项", "lacking")
    legal_basis: str | None = figure("法律依据", "legal basis", None)
    basis_level: str | None = figure("依据层级", "level of the basis", None)


class RegisterCompleteness(RuleBase):
    """Each entry of ``record_type`` of the rule's departments (those the ``campaign_scope``
    rule places in its municipal campaign, when one is named) has every ``required`` part: a
    text present, a date on or before the as-of day. An entry without one is ``incomplete``;
    before ``due`` it is ``pending``.

    ``basis_levels``: the levels its ``legal_basis`` must have (法律、行政法规 for a monitoring
    device). A basis of another level counts as no basis; one whose level neither the record
    states (``basis_level``) nor its title shows is not judged (a data-quality warning says so).
    """

    kind: Literal["register_completeness"]
    record_type: Literal["monitoring_devices", "entrustments"]
    required: list[str] = Field(min_length=1)
    due: date | None = None
    campaign_scope: str | None = None
    basis_levels: list[BasisLevelName] = Field(default_factory=list)

    subject_type: ClassVar[str] = "record"
    figures: ClassVar[type[Figures]] = RegisterCompletenessFigures

    @property
    def accepted(self) -> list[str]:
        """The levels ``legal_basis`` must have, as values."""
        return [BasisLevel(level).value for level in self.basis_levels]

    def basis_falls_short(self, level: str | None) -> bool:
        """Whether a legal basis of ``level`` is below what the rule requires."""
        return bool(self.basis_levels) and level is not None and level not in self.accepted

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    @model_validator(mode="after")
    def _known_fields(self) -> RegisterCompleteness:
        fields = RECORD_TYPES[self.record_type].model_fields
        unknown = [f for f in self.required if f not in fields]
        if unknown:
            raise ValueError(
                f"required: fields of {self.record_type} ({', '.join(fields)}); "
                f"got {', '.join(unknown)}"
            )
        return self

    def decision(self, in_force: Period) -> Decision:
        """On an entry's number of ``parts_lacking``, ``today`` (and ``due`` and ``now``
        where the rule has a due day)."""
        lacking = all_of(reached(in_force.start), greater("parts_lacking", 0))
        if self.due is None:
            return {Status.INCOMPLETE.value: lacking}
        return by_due(lacking, Status.INCOMPLETE)

    def judged(
        self, entry: Mapping[str, Any], today: date | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """How many required parts an entry lacks on ``today`` (a part dated after it is not
        there yet), and its figures: both evaluators judge an entry this way."""
        level = level_of(entry["legal_basis"], entry["basis_level"])
        read = None if level is None else level.value

        def lacks(part: str) -> bool:
            value = entry[part]
            if isinstance(value, date):
                return today is None or value > today
            return value is None or (part == "legal_basis" and self.basis_falls_short(read))

        lacking = [part for part in self.required if lacks(part)]
        figures = RegisterCompletenessFigures.of(
            name=entry[NAMED_BY[self.record_type]],
            lacking=lacking,
            legal_basis=entry["legal_basis"],
            basis_level=read,
        )
        if not self.basis_levels:  # the basis and its level shown only where levels are named
            figures = {k: v for k, v in figures.items() if k not in ("legal_basis", "basis_level")}
        return {"parts_lacking": len(lacking)}, figures

    def check(self, ctx: Context) -> pl.DataFrame:
        departments = municipal_departments(self, self.campaign_scope, ctx)
        entries = ctx.records.table(self.record_type).filter(
            pl.col("department").is_in(departments)
        )
        judged = [
            (entry["id"], entry["department"], *self.judged(entry, ctx.as_of))
            for entry in entries.iter_rows(named=True)
        ]
        subject_type = self.record_type.removesuffix("s")
        return judged_findings(self, ctx, judged, subject_type=subject_type, due=self.due)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        entry_zh, entry_en = ENTRY_WORDS[self.record_type]
        lacking_zh = listed(PARTS.get(f, (f, f))[0] for f in figures["lacking"])
        lacking_en = ", ".join(PARTS.get(f, (f, f))[1] for f in figures["lacking"])
        zh = f"{entry_zh} {subject_id}({figures['name']})缺少:{lacking_zh}。"
        en = f"{entry_en} {subject_id} ({figures['name']}) lacks: {lacking_en}."
        level = figures.get("basis_level")
        if "legal_basis" in figures["lacking"] and figures.get("legal_basis") and level:
            accepted_en = ", ".join(v.replace("_", " ") for v in self.accepted)
            zh += (
                f"所载依据「{figures['legal_basis']}」为{label(BasisLevel(level))}，"
                f"不是所要求的{levels_zh(self.basis_levels)}。"
            )
            en += (
                f" The basis named, {figures['legal_basis']}, is a {level.replace('_', ' ')}, "
                f"not the {accepted_en} required."
            )
        return zh, en


class RegisterCompletenessTracker(Tracker, follows=RegisterCompleteness):
    how: ClassVar[str] = (
        "per entry (monitoring device, entrustment) of the municipal campaign's departments, "
        "held by id: the parts it lacks, a part dated after the clock's day not yet there "
        "(the entry waits for that day); `pending` before the due day, then `incomplete`"
    )
    rule: RegisterCompleteness

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.entries: dict[str, dict[str, Any]] = {}
        self.alarms: Alarms[str] = Alarms()
        due = self.rule.due
        self.moments = [first_moment(self.in_force.start)] + ([last_moment(due)] if due else [])

    def reading(self) -> frozenset[str]:
        return frozenset({"departments", self.rule.record_type})

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "departments":
            held = [e for e in self.entries.values() if e["department"] == row["id"]]
            return [self.observe(e) for e in held]
        self.entries[row["id"]] = row
        return (self.observe(row),)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        rung = self.alarms.rung(self.state.now)
        if any(passed(before, after, m) for m in self.moments):
            rung = list(self.entries)
        return [self.observe(self.entries[e]) for e in rung if e in self.entries]

    def observe(self, entry: dict[str, Any]) -> Observation:
        counted = live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)
        if entry["department"] not in counted:
            return self.outside(entry["id"])
        for part in self.rule.required:  # a part dated after the clock's day: judged again then
            if isinstance(entry[part], date):
                self.alarms.at(start_moment(entry[part]), entry["id"], self.state.now)
        event, figures = self.rule.judged(entry, self.state.today)
        return self.labelled(
            entry["id"],
            entry["department"],
            event | live_clock(self.state, self.rule.due),
            lambda: figures,
            due=self.rule.due,
            subject_type=self.rule.record_type.removesuffix("s"),
        )
