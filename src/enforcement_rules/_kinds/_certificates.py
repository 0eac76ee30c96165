"""What the kinds about certificates share: the certificates of the officers of a rule's
departments, gathered for the batch (``certificates_in_scope``) and followed by the monitor
(``CertificateTracker``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import polars as pl

from .._live._base import Change, Tracker
from .._rulebase import Context, RuleBase


def certificates_in_scope(rule: RuleBase, ctx: Context) -> pl.DataFrame:
    """Certificates of the officers of the rule's departments, with their holder's
    ``department`` and ``employment``."""
    holders = ctx.officers.filter(pl.col("department").is_in(ctx.departments(rule))).select(
        pl.col("id").alias("officer"), "department", "employment"
    )
    return ctx.records.certificates.join(holders, on="officer", how="inner")


class CertificateTracker(Tracker):
    """A rule about each certificate whose holder is an officer of the rule's departments,
    judged again when the certificate, its holder or the holder's department changes."""

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
