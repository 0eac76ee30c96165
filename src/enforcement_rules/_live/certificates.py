"""Live pieces of the certificate kinds: each certificate of an officer of the rule's
departments, judged again when the certificate, its holder or the holder's department changes
(and, for the annual review, when the clock enters or ends a year of the rule's period)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, ClassVar

from .._conditions import (
    Condition,
    all_of,
    any_of,
    at_least,
    at_most,
    dated_in,
    equals,
    field,
    greater,
    none_of,
)
from .._kinds.certificates import CertificateAnnualReview, CertificateHolderEmployment
from .._rulebase import Status
from .._vocab import CertificateStatus
from ._base import (
    Alarms,
    Change,
    LiveState,
    Observation,
    Tracker,
    due_moment,
    iso,
    last_moment,
    ordinal,
    passed,
    start_moment,
)


class _CertificateTracker(Tracker):
    """A rule about each certificate whose holder is an officer of the rule's departments."""

    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers", "certificates"})

    def changed(self, change: Change) -> Iterator[dict[str, Any]]:
        """The certificates a change touches."""
        if change.record_type == "certificates":
            yield change.row
            return
        holders = (
            set(self.state.officers_of(change.row["id"]))
            if change.record_type == "departments"
            else {change.row["id"]}
        )
        for holder in sorted(holders):
            yield from self.state.certificates.get(holder, {}).values()

    def everything(self) -> Iterator[dict[str, Any]]:
        for held in self.state.certificates.values():
            yield from held.values()

    def holder(self, certificate: dict[str, Any]) -> dict[str, Any] | None:
        """The certificate's holder when an officer of the rule's departments."""
        officer = self.state.officers.get(certificate["officer"])
        if officer is None or officer["department"] not in self.departments():
            return None
        return officer


class CertificateAnnualReviewTracker(_CertificateTracker, follows=CertificateAnnualReview):
    """Each certificate valid on 1 January of a year of the rule's period up to the clock
    passed that year's review; the ruleset reads validity on 1 January as
    ``_certified.valid_on`` does, and judges a year once it has ended."""

    how: ClassVar[str] = (
        "per certificate and year of the rule's period up to the clock: the ruleset reads "
        "validity on 1 January from the certificate's dates and status, and whether the year "
        "was reviewed; `pending` until the year ends, then `not_met`"
    )

    rule: CertificateAnnualReview

    def ruleset(self) -> dict[str, Condition]:
        unreviewed = all_of(
            at_most("valid_from", field("january_1")),
            at_least("valid_to", field("january_1")),
            any_of(equals("standing", True), greater("status_since", field("january_1"))),
            equals("reviewed", False),
        )
        return {
            Status.PENDING.value: all_of(unreviewed, greater("due", field("now"))),
            Status.NOT_MET.value: all_of(unreviewed, at_most("due", field("now"))),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        years = self.state.active_years(self.rule, self.pack)
        return [self.observe(c, y) for c in self.changed(change) for y in years]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        earlier = set(self.state.years_at(self.rule, self.pack, before))
        years = [
            y
            for y in self.state.years_at(self.rule, self.pack, after)
            if y not in earlier or passed(before, after, last_moment(date(y, 12, 31)))
        ]
        return [self.observe(c, y) for y in years for c in self.everything()]

    def observe(self, certificate: dict[str, Any], year: int) -> Observation:
        holder = self.holder(certificate)
        if holder is None:
            return self.outside(certificate["id"], str(year))
        january_1, due = date(year, 1, 1), date(year, 12, 31)
        event = {
            "january_1": january_1.toordinal(),
            "valid_from": certificate["valid_from"].toordinal(),
            "valid_to": certificate["valid_to"].toordinal(),
            "standing": certificate["status"] == CertificateStatus.VALID.value,
            "status_since": ordinal(certificate["status_since"]),
            "reviewed": year in certificate["reviewed_years"],
            "due": due_moment(due),
            "now": self.state.now,
        }
        return self.observation(
            certificate["id"],
            holder["department"],
            event,
            lambda: {
                "officer": certificate["officer"],
                "year": year,
                "valid_from": iso(certificate["valid_from"]),
                "valid_to": iso(certificate["valid_to"]),
                "reviewed_years": list(certificate["reviewed_years"]),
            },
            period=str(year),
            due=due,
        )


class CertificateHolderEmploymentTracker(_CertificateTracker, follows=CertificateHolderEmployment):
    """A certificate issued (``valid_from``) in the rule's period, by the clock's day, is held
    by an officer of an allowed employment; a certificate issued later waits for its day."""

    how: ClassVar[str] = (
        "per certificate: the day it was issued against the period and the clock's day (a "
        "certificate issued later waits for its day), and its holder's employment against "
        "those the rule allows"
    )

    rule: CertificateHolderEmployment

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.allowed = [str(e) for e in self.rule.employment]
        self.alarms: Alarms[str] = Alarms()

    def ruleset(self) -> dict[str, Condition]:
        issued = dated_in("issued", LiveState.in_force(self.rule, self.pack))
        return {Status.NOT_MET.value: all_of(*issued, none_of("employment", self.allowed))}

    def on_change(self, change: Change) -> Iterable[Observation]:
        return [self.observe(c) for c in self.changed(change)]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        observations = []
        for certificate_id in self.alarms.rung(self.state.now):
            certificate = self.state.certificate(certificate_id)
            if certificate is not None:
                observations.append(self.observe(certificate))
        return observations

    def observe(self, certificate: dict[str, Any]) -> Observation:
        holder = self.holder(certificate)
        if holder is None:
            return self.outside(certificate["id"])
        issued: date = certificate["valid_from"]
        self.alarms.at(start_moment(issued), certificate["id"], self.state.now)
        event = {
            "issued": issued.toordinal(),
            "today": self.state.day,
            "employment": holder["employment"],
        }
        return self.observation(
            certificate["id"],
            holder["department"],
            event,
            lambda: {
                "officer": certificate["officer"],
                "employment": holder["employment"],
                "valid_from": iso(issued),
                "allowed": list(self.allowed),
            },
        )
