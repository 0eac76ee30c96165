"""Readings both evaluators share, each defined once: as a polars expression for ``evaluate``
(over columns named like the record's fields) and as a predicate on one record for the
monitor, side by side so they cannot drift apart.

- A certificate is valid on a day from ``valid_from`` to ``valid_to`` (both inclusive), unless
  it was suspended, withdrawn or cancelled on or before that day (``status_since``).
- Its authorised scope covers a domain when it lists it; an empty scope covers the holder's
  department's domain.
- A rule is in force over its own period, else its pack's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from ._vocab import CertificateStatus

if TYPE_CHECKING:
    from ._rulebase import Period, RuleBase
    from ._rules import Pack

_VALID = CertificateStatus.VALID.value

# -- a certificate on a day -----------------------------------------------------------------


def in_dates_expr(day: str) -> pl.Expr:
    """The day in column ``day`` lies within the certificate's dates."""
    return (pl.col("valid_from") <= pl.col(day)) & (pl.col(day) <= pl.col("valid_to"))


def standing_expr(day: str) -> pl.Expr:
    """The certificate was not suspended, withdrawn or cancelled by the day in column ``day``."""
    return (pl.col("status") == _VALID) | (pl.col(day) < pl.col("status_since"))


def valid_expr(day: str) -> pl.Expr:
    """The certificate (columns of the ``certificates`` table) is valid on the day in ``day``."""
    return (in_dates_expr(day) & standing_expr(day)).fill_null(False)


def covers_expr(domain: str, department_domain: str = "department_domain") -> pl.Expr:
    """The certificate's scope (``domains``) covers the domain in column ``domain``."""
    return (
        pl.when(pl.col("domains").list.len() == 0)
        .then(pl.col(department_domain) == pl.col(domain))
        .otherwise(pl.col("domains").list.contains(pl.col(domain)))
    )


def in_dates(certificate: Mapping[str, Any], day: date) -> bool:
    """``in_dates_expr`` for one certificate."""
    return bool(certificate["valid_from"] <= day <= certificate["valid_to"])


def standing(certificate: Mapping[str, Any], day: date) -> bool:
    """``standing_expr`` for one certificate."""
    since: date | None = certificate["status_since"]
    return certificate["status"] == _VALID or (since is not None and day < since)


def valid(certificate: Mapping[str, Any], day: date) -> bool:
    """``valid_expr`` for one certificate."""
    return in_dates(certificate, day) and standing(certificate, day)


def covers(
    certificate: Mapping[str, Any], domain: str | None, department_domain: str | None
) -> bool:
    """``covers_expr`` for one certificate (no domain is covered by none)."""
    if domain is None:
        return False
    scope = certificate["domains"]
    return domain in scope if scope else department_domain == domain


# -- a rule's period --------------------------------------------------------------------------


def in_force(rule: RuleBase, pack: Pack) -> Period:
    """The rule's own period in force, else its pack's."""
    return rule.in_force or pack.in_force


def years_to(period: Period, day: date | None) -> range:
    """Calendar years of ``period`` up to ``day`` (none before it starts, or without a day)."""
    if day is None or day < period.start:
        return range(0)
    last = day if period.end is None else min(period.end, day)
    return range(period.start.year, last.year + 1)
