"""The rules of a campaign that name its ``campaign_scope`` rule: they count only the
departments the scope places in its municipal campaign (all of their own when they name none),
in the batch and in the monitor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from .._rulebase import Context, RuleBase
from .campaign_scope import CampaignScope

if TYPE_CHECKING:
    from .._live._base import LiveState
    from .._rules import Pack


def scope_link(rule_id: str | None) -> dict[str, tuple[str, str]]:
    """``linked_rules`` of a rule with a ``campaign_scope`` parameter."""
    return {} if rule_id is None else {"campaign_scope": (rule_id, "campaign_scope")}


R = TypeVar("R", bound=RuleBase)


def linked(rules: Iterable[RuleBase], rule_id: str, kind: type[R]) -> R:
    """The rule of ``rules`` a rule names by ``rule_id`` (its kind checked when the rules were
    loaded): a ``campaign_scope`` rule, a ``contest_ranking`` rule."""
    rule = next(r for r in rules if r.id == rule_id)
    assert isinstance(rule, kind)
    return rule


def municipal_departments(rule: RuleBase, scope_rule_id: str | None, ctx: Context) -> list[str]:
    """The rule's departments, narrowed to those the named scope rule places in its municipal
    campaign (all of them when no scope rule is named)."""
    departments = ctx.departments(rule)
    if scope_rule_id is None:
        return departments
    municipal = set(
        linked(ctx.pack_of(rule).rules, scope_rule_id, CampaignScope).municipal_departments(ctx)
    )
    return [d for d in departments if d in municipal]


def live_municipal(
    state: LiveState, rule: RuleBase, pack: Pack, scope_rule_id: str | None
) -> frozenset[str]:
    """The rule's departments the monitor holds, narrowed as ``municipal_departments`` narrows
    them (kept until a department changes)."""
    departments = state.departments_in_scope(rule, pack)
    if scope_rule_id is None or not departments:
        return departments

    def narrow() -> frozenset[str]:
        scope = linked(pack.rules, scope_rule_id, CampaignScope)
        placed = state.departments_in_scope(scope, pack)
        municipal = scope.municipal_campaign.id
        return frozenset(
            d
            for d in departments
            if d in placed and scope.placement(state.departments[d])[0] == municipal
        )

    return state.derived(("municipal", rule.id, scope_rule_id), narrow)
