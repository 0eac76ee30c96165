"""What a check sees: the records, the as-of day, the departments each rule applies to, and
derived tables several checks share (computed once per evaluation)."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import polars as pl

from ._dates import day_end, has_ended
from ._records import Records
from ._rulebase import DepartmentView, Period, RuleBase
from ._vocab import CertificateStatus, Employment

if TYPE_CHECKING:
    from ._rules import Pack


class Context:
    """Records and as-of day of one evaluation, with per-rule scoping.

    Records dated after the as-of day are not part of the state on that day: checks read
    ``actions``, ``trainings`` and the other dated tables through this context, which has
    already left them out.
    """

    def __init__(self, records: Records, as_of: date, packs: list[Pack]) -> None:
        self.records = records
        self.as_of = as_of
        self.as_of_end = day_end(as_of)
        self._pack_of = {rule.id: pack for pack in packs for rule in pack.rules}
        self._scope_cache: dict[str, list[str]] = {}

    # -- scope ----------------------------------------------------------------------

    @cached_property
    def department_views(self) -> list[DepartmentView]:
        return department_views(self.records)

    def pack_of(self, rule: RuleBase) -> Pack:
        return self._pack_of[rule.id]

    def departments(self, rule: RuleBase) -> list[str]:
        """Ids of the departments ``rule`` applies to (its pack's selector and its own)."""
        if rule.id not in self._scope_cache:
            pack = self.pack_of(rule)
            self._scope_cache[rule.id] = [
                d.id
                for d in self.department_views
                if pack.applies_to.matches(d) and rule.applies_to.matches(d)
            ]
        return self._scope_cache[rule.id]

    def in_force(self, rule: RuleBase) -> Period:
        """The rule's own period in force, else its pack's."""
        return rule.in_force or self.pack_of(rule).in_force

    def years(self, rule: RuleBase) -> list[tuple[int, bool]]:
        """Calendar years of the rule's period up to the as-of day, each with whether it has
        ended (is judged) as of that day."""
        period = self.in_force(rule)
        if self.as_of < period.start:
            return []
        last = self.as_of if period.end is None else min(period.end, self.as_of)
        return [
            (year, has_ended(date(year, 12, 31), self.as_of))
            for year in range(period.start.year, last.year + 1)
        ]

    # -- dated tables, as of the evaluation day ---------------------------------------

    @cached_property
    def actions(self) -> pl.DataFrame:
        return self.records.actions.filter(pl.col("date") <= self.as_of)

    @cached_property
    def trainings(self) -> pl.DataFrame:
        return self.records.trainings.filter(pl.col("date") <= self.as_of)

    @cached_property
    def officers(self) -> pl.DataFrame:
        """Officers with their department's domain (``department_domain``)."""
        departments = self.records.departments.select(
            pl.col("id").alias("department"), pl.col("domain").alias("department_domain")
        ).unique(subset="department", keep="first")
        return self.records.officers.unique(subset="id", keep="first").join(
            departments, on="department", how="left"
        )

    # -- shared derivations ------------------------------------------------------------

    @cached_property
    def participations(self) -> pl.DataFrame:
        """One row per (action, participant), as of the day, with what each check needs.

        Columns: ``action``, ``department``, ``date``, ``kind``, ``domain``,
        ``exception_basis``, ``officer``, ``known`` (the officer is in the records),
        ``employment``, ``certified`` (a certificate valid on the action's date),
        ``certified_in_domain`` (valid and authorised for the action's domain), ``exited``
        (the officer's certificates that would cover the date were suspended, withdrawn or
        cancelled by then; see ``certificate_exits``).
        """
        actions = (
            self.actions.select(
                pl.col("id").alias("action"),
                "department",
                "date",
                "kind",
                "domain",
                "exception_basis",
                pl.col("participants").alias("officer"),
            )
            .explode("officer")
            .filter(pl.col("officer").is_not_null())
        )
        officers = self.officers.select(
            pl.col("id").alias("officer"),
            "employment",
            "department_domain",
            pl.lit(True).alias("known"),
        )
        certificates = self.records.certificates.select(
            "officer",
            pl.col("id").alias("certificate"),
            "valid_from",
            "valid_to",
            "status",
            "status_since",
            "domains",
        )
        joined = (
            actions.join(officers, on="officer", how="left")
            .join(certificates, on="officer", how="left")
            .with_columns(
                in_dates=(pl.col("valid_from") <= pl.col("date"))
                & (pl.col("date") <= pl.col("valid_to")),
                standing=(pl.col("status") == CertificateStatus.VALID.value)
                | (pl.col("date") < pl.col("status_since")),
                covers=pl.when(pl.col("domains").list.len() == 0)
                .then(pl.col("department_domain") == pl.col("domain"))
                .otherwise(pl.col("domains").list.contains(pl.col("domain"))),
            )
            .with_columns(
                valid=(pl.col("in_dates") & pl.col("standing")).fill_null(False),
                exited=(pl.col("in_dates") & ~pl.col("standing")).fill_null(False),
            )
        )
        return (
            joined.group_by("action", "officer", maintain_order=True)
            .agg(
                pl.col(
                    "department", "date", "kind", "domain", "exception_basis", "employment"
                ).first(),
                pl.col("known").first().fill_null(False),
                pl.col("valid").any().alias("certified"),
                (pl.col("valid") & pl.col("covers").fill_null(False))
                .any()
                .alias("certified_in_domain"),
                pl.col("exited").any().alias("has_exited"),
                pl.col("certificate").filter(pl.col("exited")).alias("exited_certificates"),
                pl.col("status").filter(pl.col("exited")).alias("exited_statuses"),
                pl.col("status_since").filter(pl.col("exited")).alias("exited_since"),
            )
            .with_columns(exited=pl.col("has_exited") & ~pl.col("certified"))
            .drop("has_exited")
        )

    def enforcement_officers(
        self, rule: RuleBase, employment: list[Employment], on_duty_only: bool
    ) -> pl.DataFrame:
        """Officers of the rule's departments with one of ``employment`` (and on duty)."""
        frame = self.officers.filter(
            pl.col("department").is_in(self.departments(rule))
            & pl.col("employment").is_in([e.value for e in employment])
        )
        if on_duty_only:
            frame = frame.filter(pl.col("on_duty"))
        return frame


def department_views(records: Records) -> list[DepartmentView]:
    """The departments of the records as selectors read them (the first of a repeated id)."""
    departments = records.departments.unique(subset="id", keep="first")
    return [DepartmentView.of(row) for row in departments.iter_rows(named=True)]
