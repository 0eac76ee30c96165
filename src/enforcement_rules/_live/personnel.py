"""Live pieces of the personnel kinds: each action is judged when it arrives, against the
certificates and officers the monitor holds at that moment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._conditions import (
    Condition,
    all_of,
    any_of,
    at_least,
    at_most,
    field,
    greater,
    less,
    none_of,
    one_of,
)
from .._kinds.personnel import CertificateExit, CertifiedParticipants, NoAuxiliaryParticipants
from .._rulebase import Status
from .._vocab import ActionKind
from ._base import ActSummary, Change, LiveState, Observation, Tracker


class _ActTracker(Tracker):
    """A rule about each action of its departments, dated within its period in force."""

    reads: ClassVar[frozenset[str]] = frozenset({"actions"})
    about_acts: ClassVar[bool] = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        kinds: list[ActionKind] = getattr(self.rule, "action_kinds", [])
        self.kinds = frozenset(k.value for k in kinds)

    def in_scope(self, row: dict[str, Any]) -> bool:
        """Whether an action is of the rule's departments and action kinds: only then is it
        posted to the rule's ruleset (which holds the kinds too, and decides the rest)."""
        return row["department"] in self.state.departments_in_scope(self.rule, self.pack) and (
            not self.kinds or row["kind"] in self.kinds
        )

    def scope(self, action_kinds: list[ActionKind]) -> list[Condition]:
        """The period in force and the action kinds, as conditions on the action's event."""
        period = LiveState.in_force(self.rule, self.pack)
        conditions = [at_least("day", period.start.toordinal())]
        if period.end is not None:
            conditions.append(at_most("day", period.end.toordinal()))
        if action_kinds:
            conditions.append(one_of("kind", [k.value for k in action_kinds]))
        return conditions

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if not self.in_scope(row):
            return (self.outside(row["id"]),)
        summary = self.state.summary(change)
        return (
            self.observation(
                row["id"], row["department"], summary.event, lambda: self.figures(summary)
            ),
        )

    def figures(self, summary: ActSummary) -> dict[str, Any]:
        raise NotImplementedError


class CertifiedParticipantsTracker(_ActTracker, follows=CertifiedParticipants):
    how: ClassVar[str] = (
        "per action: participants, those with a certificate valid on its date and those also "
        "covering its domain, read as `Context.participations` reads them; the ruleset holds "
        "the minimum, the period in force, the action kinds, and the levels whose recognised "
        "exceptions lower the minimum to one (the event carries the level of a register "
        "provision allowing the act, read once per action)"
    )
    rule: CertifiedParticipants

    def ruleset(self) -> dict[str, Condition]:
        rule = self.rule
        certified = "certified_in_domain" if rule.certificate_covers_domain else "certified"
        too_few = less(certified, rule.minimum_certified)
        if rule.exception_levels:
            # a recognised law allowing fewer officers lowers the count to one, as evaluate
            # reads it
            too_few = any_of(
                all_of(none_of("exempt_level", rule.accepted), too_few),
                all_of(one_of("exempt_level", rule.accepted), less(certified, 1)),
            )
        failing = too_few
        if rule.every_participant:
            failing = any_of(too_few, less(certified, field("participants")))
        return {Status.NOT_MET.value: all_of(*self.scope(rule.action_kinds), failing)}

    def figures(self, summary: ActSummary) -> dict[str, Any]:
        row, event = summary.row, summary.event
        rule = self.rule
        in_domain = rule.certificate_covers_domain
        exempt = event["exempt_level"] in rule.accepted
        figures = {
            "date": row["date"].isoformat(),
            "kind": row["kind"],
            "domain": row["domain"],
            "participants": event["participants"],
            "certified": event["certified_in_domain" if in_domain else "certified"],
            "required": 1 if exempt else rule.minimum_certified,
            "uncertified": summary.uncertified_in_domain if in_domain else summary.uncertified,
        }
        if rule.exception_levels:
            judgement = summary.judgement
            figures |= {
                "exception_basis": row["exception_basis"],
                "basis_level": judgement.level.value if judgement and judgement.level else None,
                "basis_provision": judgement.provision if judgement else None,
                "basis_verdict": judgement.verdict(rule.exception_levels).value
                if judgement
                else None,
            }
        return figures


class NoAuxiliaryParticipantsTracker(_ActTracker, follows=NoAuxiliaryParticipants):
    how: ClassVar[str] = (
        "per action: auxiliary participants (count); the ruleset holds the period and action kinds"
    )
    rule: NoAuxiliaryParticipants

    def ruleset(self) -> dict[str, Condition]:
        return {
            Status.NOT_MET.value: all_of(
                *self.scope(self.rule.action_kinds), greater("auxiliary", 0)
            )
        }

    def figures(self, summary: ActSummary) -> dict[str, Any]:
        return {"date": summary.row["date"].isoformat(), "auxiliary": summary.auxiliary}


class CertificateExitTracker(_ActTracker, follows=CertificateExit):
    how: ClassVar[str] = (
        "per action: participants whose certificates covering the day had all been suspended, "
        "withdrawn or cancelled (count)"
    )
    rule: CertificateExit

    def ruleset(self) -> dict[str, Condition]:
        return {Status.NOT_MET.value: all_of(*self.scope([]), greater("exited", 0))}

    def figures(self, summary: ActSummary) -> dict[str, Any]:
        return {"date": summary.row["date"].isoformat(), "officers": summary.exited}
