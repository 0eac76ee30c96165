"""What a check sees: the records, the as-of day, the departments each rule applies to, and
derived tables several checks share (computed once per evaluation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

import polars as pl

from ._dates import day_end, has_ended
from ._records import Records
from ._rulebase import DepartmentView, Period, RuleBase, Selector
from ._vocab import CertificateStatus, Employment

if TYPE_CHECKING:
    from ._rules import Pack

T = TypeVar("T")


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
        self._selection_cache: dict[tuple[str, ...], list[str]] = {}
        self._shared: dict[tuple[str, ...], object] = {}

    # -- scope ----------------------------------------------------------------------

    @cached_property
    def department_views(self) -> list[DepartmentView]:
        return department_views(self.records)

    @cached_property
    def department_table(self) -> pl.DataFrame:
        """The departments as selectors read them (the first of a repeated id), in order."""
        return self.records.departments.unique(subset="id", keep="first", maintain_order=True)

    def pack_of(self, rule: RuleBase) -> Pack:
        return self._pack_of[rule.id]

    def departments(self, rule: RuleBase) -> list[str]:
        """Ids of the departments ``rule`` applies to (its pack's selector and its own)."""
        if rule.id not in self._scope_cache:
            pack = self.pack_of(rule)
            self._scope_cache[rule.id] = self.selected(pack.applies_to, rule.applies_to)
        return self._scope_cache[rule.id]

    def selected(self, *selectors: Selector) -> list[str]:
        """Ids of the departments every one of ``selectors`` matches, in the records' order."""
        key = tuple(s.model_dump_json() for s in selectors)
        if key not in self._selection_cache:
            condition = pl.lit(True)
            for selector in selectors:
                condition &= selector.expression()
            self._selection_cache[key] = self.department_table.filter(condition)["id"].to_list()
        return self._selection_cache[key]

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

        Columns: ``action`` (its id), ``action_row`` (its row in ``actions``: see
        ``with_action``), ``officer``, ``certified`` (a certificate valid on the action's
        date), ``certified_in_domain`` (valid and authorised for the action's domain),
        ``exited`` (the officer's certificates that would cover the date were suspended,
        withdrawn or cancelled by then: see ``certificate_exits``).

        While its certificates are joined and judged, each participation is keyed by its row
        (``_p``), so that the grouping is by one integer rather than by two texts: this is
        the bulk of the work of every check on who took part.
        """
        return self._judged.drop("_p")

    @cached_property
    def _exploded(self) -> pl.DataFrame:
        """A row per participant of each action: ``_p``, the participation (its first row),
        ``_row``, ``action``, ``action_row``, ``officer``, the action's ``date`` and ``domain``."""
        exploded = (
            self.actions.select(
                pl.int_range(pl.len(), dtype=pl.UInt32).alias("action_row"),
                pl.col("id").alias("action"),
                pl.col("participants").alias("officer"),
                "date",
                "domain",
            )
            .explode("officer")
            .filter(pl.col("officer").is_not_null())
            .with_row_index("_row")
            .with_columns(pl.col("_row").alias("_p"))
        )
        if self._merged:
            # Two records under one id: an officer taking part in both is one participation
            # (its first row), judged on the certificates of either record's day.
            exploded = exploded.with_columns(
                pl.col("_row").min().over("action", "officer").alias("_p")
            )
        return exploded

    @cached_property
    def _merged(self) -> bool:
        """Whether some rows of ``_exploded`` are one participation: records repeating an
        action id, or (in records built without validation) an officer listed twice."""
        participants = self.actions["participants"]
        return self.records.repeats_ids("actions") or bool(
            (participants.list.n_unique() < participants.list.len()).any()
        )

    @cached_property
    def _judged(self) -> pl.DataFrame:
        exploded = self._exploded
        judged = (
            self._held(exploded)
            .group_by("_p", maintain_order=True)
            .agg(
                pl.col("valid").any().alias("certified"),
                (pl.col("valid") & pl.col("covers").fill_null(False))
                .any()
                .alias("certified_in_domain"),
                pl.col("exited").any().alias("has_exited"),
            )
        )
        # ``judged`` has a row per participation, in the order of its first row.
        first = exploded.filter(pl.col("_row") == pl.col("_p")) if self._merged else exploded
        return first.select("_p", "action", "action_row", "officer").hstack(
            judged.select(
                "certified",
                "certified_in_domain",
                (pl.col("has_exited") & ~pl.col("certified")).alias("exited"),
            )
        )

    def _held(self, exploded: pl.DataFrame) -> pl.DataFrame:
        """Each participation (``_p``) with each certificate its officer holds (in the order
        of ``certificates``): ``valid`` on the action's date, ``exited`` by then (within its
        dates, but suspended, withdrawn or cancelled), ``covers`` the action's domain."""
        certificates = self.records.certificates.select(
            "officer",
            pl.col("id").alias("certificate"),
            "valid_from",
            "valid_to",
            "status",
            "status_since",
            "domains",
        ).join(
            self.officers.select(pl.col("id").alias("officer"), "department_domain"),
            on="officer",
            how="left",
            maintain_order="left",
        )
        return (
            exploded.select("_p", "officer", "date", "domain")
            .join(certificates, on="officer", how="left", maintain_order="left_right")
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

    @cached_property
    def certificate_exits(self) -> pl.DataFrame:
        """The participations whose officer's certificates covering the day had been
        suspended, withdrawn or cancelled by then (``exited``): ``action``, ``action_row``,
        ``officer``, and those certificates (``certificates``), their ``statuses`` and the
        days they took effect (``since``), in the order of ``certificates``."""
        exited = self._judged.filter(pl.col("exited"))
        rows = self._exploded.join(exited.select("_p"), on="_p", how="semi", maintain_order="left")
        lists = (
            self._held(rows)
            .filter(pl.col("exited"))
            .group_by("_p", maintain_order=True)
            .agg(
                pl.col("certificate").alias("certificates"),
                pl.col("status").alias("statuses"),
                pl.col("status_since").alias("since"),
            )
        )
        return (
            exited.select("_p", "action", "action_row", "officer")
            .join(lists, on="_p", how="left", maintain_order="left")
            .drop("_p")
        )

    def with_action(self, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        """``frame`` (with ``action_row``) with ``columns`` of the action of that row."""
        return frame.hstack(self.actions.select(pl.col(*columns).gather(frame["action_row"])))

    @cached_property
    def certified_actions(self) -> pl.DataFrame:
        """``actions`` with, for each, its participants holding a certificate valid on its
        date (``certified``) and those whose certificate also covers its domain
        (``certified_in_domain``): what every rule on certified participants counts."""
        counted = ["certified", "certified_in_domain"]
        if self._merged:
            # Records repeating an id share the count of that id's participants.
            counts = self.participations.group_by("action").agg(pl.col(counted).sum())
            aligned = (
                self.actions.select(pl.col("id").alias("action"))
                .join(counts, on="action", how="left", maintain_order="left")
                .select(pl.col(counted).fill_null(0))
            )
            return self.actions.hstack(aligned)
        # The participations lie in the order of their actions: an action's count is the
        # difference of the running count after its last row and before its first.
        rows = pl.int_range(0, self.actions.height + 1, eager=True, dtype=pl.UInt32)
        bounds = self.participations["action_row"].search_sorted(rows, side="left")
        columns = []
        for name in counted:
            running = pl.concat(
                [
                    pl.Series([0], dtype=pl.UInt32),
                    self.participations[name].cast(pl.UInt32).cum_sum(),
                ]
            )
            after, before = bounds.slice(1), bounds.slice(0, rows.len() - 1)
            columns.append((running.gather(after) - running.gather(before)).alias(name))
        return self.actions.hstack(columns)

    @cached_property
    def uncertified(self) -> pl.DataFrame:
        """Per action id with a participant whose certificate does not count: those without
        a certificate valid on its date (``uncertified``) and those without one also covering
        its domain (``uncertified_in_domain``), each by id, in order."""
        return (
            self.participations.filter(~pl.col("certified_in_domain"))
            .group_by("action")
            .agg(
                pl.col("officer").filter(~pl.col("certified")).sort().alias("uncertified"),
                pl.col("officer").sort().alias("uncertified_in_domain"),
            )
        )

    def shared(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """``compute()``, once per evaluation for each ``key`` (a rule's table that both its
        findings and its exemptions read)."""
        if key not in self._shared:
            self._shared[key] = compute()
        return cast(T, self._shared[key])

    @cached_property
    def trainings_per_year(self) -> pl.DataFrame:
        """Per officer and calendar year, as of the day: the hours of training (``hours``) and
        the number of trainings (``sessions``)."""
        return self.trainings.group_by(
            "officer", pl.col("date").dt.year().cast(pl.Int32).alias("year")
        ).agg(pl.col("hours").sum(), pl.len().alias("sessions"))

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
    departments = records.departments.unique(subset="id", keep="first", maintain_order=True)
    return [DepartmentView.of(row) for row in departments.iter_rows(named=True)]
