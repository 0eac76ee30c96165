"""Live piece of ``register_completeness``: each entry of a register (a monitoring device, an
entrustment) of the departments the rule counts has every part it requires.

Entries are standing records, held by id: a later one replaces the earlier. An entry is judged
again when it or its department changes, when the clock reaches a day one of its parts is
dated (a part dated after the clock's day is not there yet), and when the clock passes the
rule's start or its due day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar

from .._conditions import Condition, all_of, at_most, field, greater, reached
from .._kinds.campaign import live_municipal
from .._kinds.registers import NAMED_BY, RegisterCompleteness, basis_level_of
from .._rulebase import Status
from ._base import (
    Alarms,
    Change,
    LiveState,
    Observation,
    Tracker,
    due_moment,
    first_moment,
    last_moment,
    passed,
    start_moment,
)


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
        self.start = LiveState.in_force(self.rule, self.pack).start
        self.alarms: Alarms[str] = Alarms()

    def reading(self) -> frozenset[str]:
        return frozenset({"departments", self.rule.record_type})

    def ruleset(self) -> dict[str, Condition]:
        lacking = all_of(reached(self.start), greater("lacking", 0))
        if self.rule.due is None:
            return {Status.INCOMPLETE.value: lacking}
        return {
            Status.PENDING.value: all_of(lacking, greater("due", field("now"))),
            Status.INCOMPLETE.value: all_of(lacking, at_most("due", field("now"))),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "departments":
            held = [e for e in self.entries.values() if e["department"] == row["id"]]
            return [self.observe(e) for e in held]
        self.entries[row["id"]] = row
        return (self.observe(row),)

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        rung = self.alarms.rung(self.state.now)
        moments = [first_moment(self.start)] + (
            [last_moment(self.rule.due)] if self.rule.due else []
        )
        if any(passed(before, after, m) for m in moments):
            rung = list(self.entries)
        return [self.observe(self.entries[e]) for e in rung if e in self.entries]

    def observe(self, entry: dict[str, Any]) -> Observation:
        counted = live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)
        if entry["department"] not in counted:
            return self.outside(entry["id"])
        today = self.state.today
        level = basis_level_of(entry["legal_basis"], entry["basis_level"])
        lacking = []
        for part in self.rule.required:
            value = entry[part]
            if isinstance(value, date):  # a part dated after the clock's day is not there yet
                self.alarms.at(start_moment(value), entry["id"], self.state.now)
                if today is None or value > today:
                    lacking.append(part)
            elif value is None or (part == "legal_basis" and self.rule.basis_falls_short(level)):
                lacking.append(part)
        event = {"today": self.state.day, "lacking": len(lacking)}
        if self.rule.due is not None:
            event |= {"due": due_moment(self.rule.due), "now": self.state.now}
        figures: dict[str, Any] = {
            "name": entry[NAMED_BY[self.rule.record_type]],
            "lacking": lacking,
        }
        if self.rule.basis_levels:
            figures |= {"legal_basis": entry["legal_basis"], "basis_level": level}
        return self.labelled(
            entry["id"],
            entry["department"],
            event,
            lambda: figures,
            due=self.rule.due,
            subject_type=self.rule.record_type.removesuffix("s"),
        )
