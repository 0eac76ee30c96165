"""What a check sees: the records, the as-of day, the departments each rule applies to, and
derived tables several checks share (computed once per evaluation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, TypeVar, cast

import polars as pl

from ._dates import has_ended
from ._records import Records
from ._rulebase import DepartmentView, Period, RuleBase, Selector
from ._semantics import in_force, years_to

if TYPE_CHECKING:
    from ._rules import Pack

T = TypeVar("T")

PLAIN_READING_DEPARTMENTS = 64
"""Up to this many departments, selectors are read in Python: cheaper than a query."""


class Context:
    """Records and as-of day of one evaluation, with per-rule scoping.

    Records dated after the as-of day are not part of the state on that day: checks read
    ``actions``, ``trainings`` and the other dated tables through this context, which has
    already left them out.
    """

    def __init__(self, records: Records, as_of: date, packs: list[Pack]) -> None:
        self.records = records
        self.as_of = as_of
        self._packs = packs
        self._pack_of = {rule.id: pack for pack in packs for rule in pack.rules}
        self._scope_cache: dict[str, list[str]] = {}
        self._selection_cache: dict[tuple[str, ...], list[str]] = {}
        self._shared: dict[tuple[str, ...], object] = {}
        self._readers: dict[tuple[str, ...], set[type[RuleBase]]] = {}
        self._checking: RuleBase | None = None

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
        if not self._scope_cache:
            self._scope_every_rule()
        if rule.id not in self._scope_cache:
            pack = self.pack_of(rule)
            self._scope_cache[rule.id] = self.selected(pack.applies_to, rule.applies_to)
        return self._scope_cache[rule.id]

    def _scope_every_rule(self) -> None:
        """The departments of every rule of the packs at once (a small evaluation would
        otherwise spend much of its time on one query per rule)."""
        keys = {
            rule.id: _key((pack.applies_to, rule.applies_to))
            for pack in self._packs
            for rule in pack.rules
        }
        packs = {_key((pack.applies_to,)) for pack in self._packs}  # what no pack covers
        self._match({*keys.values(), *packs})
        self._scope_cache.update({rule: self._selection_cache[key] for rule, key in keys.items()})

    def selected(self, *selectors: Selector) -> list[str]:
        """Ids of the departments every one of ``selectors`` matches, in the records' order."""
        key = _key(selectors)
        self._match({key})
        return self._selection_cache[key]

    def _match(self, keys: set[tuple[str, ...]]) -> None:
        """The departments of each selection of ``keys`` (selectors' JSON) not yet known: read
        in Python for a few departments (``Selector.matches``), else in one polars query
        (``Selector.expression``; both read the same, a test holds them together)."""
        wanted = sorted(keys - self._selection_cache.keys())
        if not wanted:
            return
        if self.department_table.height <= PLAIN_READING_DEPARTMENTS:
            for key in wanted:
                selectors = _selectors(key)
                self._selection_cache[key] = [
                    view.id
                    for view in self.department_views
                    if all(selector.matches(view) for selector in selectors)
                ]
            return
        matched = self.department_table.select(
            pl.col("id").filter(_condition(key)).implode().alias(str(n))
            for n, key in enumerate(wanted)
        ).row(0)
        self._selection_cache.update(zip(wanted, matched, strict=True))

    def in_force(self, rule: RuleBase) -> Period:
        """The rule's own period in force, else its pack's."""
        return in_force(rule, self.pack_of(rule))

    def years(self, rule: RuleBase) -> list[tuple[int, bool]]:
        """Calendar years of the rule's period up to the as-of day, each with whether it has
        ended (is judged) as of that day."""
        return [
            (year, has_ended(date(year, 12, 31), self.as_of))
            for year in years_to(self.in_force(rule), self.as_of)
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

    def shared(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """``compute()``, once per evaluation for each ``key`` (a rule's table that both its
        findings and its exemptions read, keyed by its id; a table several kinds read)."""
        if self._checking is not None:
            self._readers.setdefault(key, set()).add(type(self._checking))
        if key not in self._shared:
            self._shared[key] = compute()
        return cast(T, self._shared[key])

    def checking(self, rule: RuleBase | None) -> None:
        """Note the rule whose check reads the shared tables from now on."""
        self._checking = rule

    def release(self, rule: RuleBase, to_check: set[type[RuleBase]]) -> None:
        """Let go of the tables no rule still ``to_check`` (of these kinds) reads: ``rule``'s
        own, and those only kinds done by now have read. Should a kind not seen reading a
        released table read it later, it is computed again."""
        for key in list(self._shared):
            readers = self._readers.get(key)
            if key[0] == rule.id or (readers and not readers & to_check):
                del self._shared[key]


def _key(selectors: tuple[Selector, ...]) -> tuple[str, ...]:
    return tuple(s.model_dump_json() for s in selectors)


@lru_cache(maxsize=4096)
def _selectors(key: tuple[str, ...]) -> tuple[Selector, ...]:
    return tuple(Selector.model_validate_json(text) for text in key)


@lru_cache(maxsize=4096)
def _condition(key: tuple[str, ...]) -> pl.Expr:
    """Every selector of ``key`` (their JSON) as one condition, built once for a rule set."""
    condition = pl.lit(True)
    for selector in _selectors(key):
        condition &= selector.expression()
    return condition


def department_views(records: Records) -> list[DepartmentView]:
    """The departments of the records as selectors read them (the first of a repeated id)."""
    departments = records.departments.unique(subset="id", keep="first", maintain_order=True)
    return [DepartmentView.of(row) for row in departments.iter_rows(named=True)]
