"""Campaign scope: which campaign each department joins, and the enrolments that say so.

遵义's 2022 campaign takes every enforcement department of the city except the 市 and 县
level departments of eleven domains, which join the campaign their provincial department
runs for its own system. Other rules of the campaign (the exam, the teams) apply to the
departments the scope places in the municipal campaign: they name the scope rule in their
``campaign_scope`` parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._fields import LevelName
from .._findings import empty_findings, finding_frame
from .._rulebase import Domain, RuleBase, Spec, Status
from .._vocab import Level, label, parse_enum
from ._words import listed

if TYPE_CHECKING:
    from .._live._base import LiveState
    from .._rulebase import Context
    from .._rules import Pack


# Why a department belongs where it does.
PROVINCIAL_SYSTEM = "provincial_system"
LEVEL_NOT_EXCLUDED = "level_not_excluded"
DOMAIN_NOT_EXCLUDED = "domain_not_excluded"

SCOPE_COLUMNS = ["department", "name", "level", "domain", "campaign", "reason"]


class Campaign(Spec):
    """A campaign a department enrols in: the id enrolments use, and its name."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class CampaignScope(RuleBase):
    """Each department is enrolled in the campaign the scope places it in, and in no other
    campaign of this rule.

    ``excluded_domains`` at ``provincial_levels`` join ``provincial_campaign``; every other
    department of the rule's scope (a township unit of an excluded domain included) joins
    ``municipal_campaign``. Enrolments name a campaign by its id or its name.
    """

    kind: Literal["campaign_scope"]
    municipal_campaign: Campaign
    provincial_campaign: Campaign
    excluded_domains: list[Domain] = Field(min_length=1)
    provincial_levels: list[LevelName] = Field(min_length=1)

    subject_type: ClassVar[str] = "department"

    def _campaign_ids(self) -> dict[str, str]:
        return {c.id: c.id for c in (self.municipal_campaign, self.provincial_campaign)} | {
            c.name: c.id for c in (self.municipal_campaign, self.provincial_campaign)
        }

    def placed(self, departments: pl.DataFrame) -> pl.DataFrame:
        """``departments`` (id, name, level, domain) with the campaign each joins and why."""
        excluded = pl.col("domain").is_in(self.excluded_domains)
        at_level = pl.col("level").is_in([str(lv) for lv in self.provincial_levels])
        return departments.select(
            pl.col("id").alias("department"),
            "name",
            "level",
            "domain",
            pl.when(excluded & at_level)
            .then(pl.lit(self.provincial_campaign.id))
            .otherwise(pl.lit(self.municipal_campaign.id))
            .alias("campaign"),
            pl.when(excluded & at_level)
            .then(pl.lit(PROVINCIAL_SYSTEM))
            .when(excluded)
            .then(pl.lit(LEVEL_NOT_EXCLUDED))
            .otherwise(pl.lit(DOMAIN_NOT_EXCLUDED))
            .alias("reason"),
        )

    def scope(self, ctx: Context) -> pl.DataFrame:
        """The departments of the rule's scope, each with its campaign and the reason."""
        departments = ctx.records.departments.unique(subset="id", keep="first", maintain_order=True)
        return self.placed(departments.filter(pl.col("id").is_in(ctx.departments(self))))

    def municipal(self, ctx: Context) -> list[str]:
        """Ids of the departments the scope places in the municipal campaign."""
        placed = self.scope(ctx)
        return placed.filter(pl.col("campaign") == self.municipal_campaign.id)[
            "department"
        ].to_list()

    def enrolled(self, ctx: Context) -> pl.DataFrame:
        """Per department: the campaigns of this rule it is enrolled in (by id), and the other
        campaign names its enrolments carry."""
        ids = self._campaign_ids()
        enrolments = ctx.records.table("campaign_enrollments").with_columns(
            pl.col("campaign")
            .replace_strict(ids, default=None, return_dtype=pl.String)
            .alias("known")
        )
        return enrolments.group_by("department").agg(
            pl.col("known").drop_nulls().unique().sort().alias("enrolled"),
            pl.col("campaign").filter(pl.col("known").is_null()).unique().sort().alias("other"),
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        if ctx.as_of < ctx.in_force(self).start:
            return empty_findings()
        rows = (
            self.scope(ctx)
            .join(self.enrolled(ctx), on="department", how="left")
            .with_columns(
                pl.col("enrolled").fill_null([]),
                pl.col("other").fill_null([]),
            )
            .filter(
                (pl.col("enrolled").list.len() != 1)
                | (pl.col("enrolled").list.first() != pl.col("campaign"))
            )
        )
        return finding_frame(
            rows,
            subject_type="department",
            subject_id=pl.col("department"),
            department=pl.col("department"),
            status=pl.when(pl.col("enrolled").list.len() == 0)
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.NOT_MET.value)),
            figures={
                "level": pl.col("level"),
                "domain": pl.col("domain"),
                "expected": pl.col("campaign"),
                "enrolled": pl.col("enrolled"),
                "other_enrollments": pl.col("other"),
                "reason": pl.col("reason"),
            },
        )

    def name_of(self, campaign: str) -> str:
        for c in (self.municipal_campaign, self.provincial_campaign):
            if c.id == campaign:
                return c.name
        return campaign

    def reason_words(self, reason: str, level: str, domain: str) -> tuple[str, str]:
        """Why a department joins its campaign: (Chinese, English)."""
        level_zh = label(parse_enum(Level, level))
        if reason == PROVINCIAL_SYSTEM:
            return (
                f"{domain}属除外领域,{level_zh}执法部门参加省直部门组织的本系统活动",
                f"{domain} is an excluded domain and the department is at {level} level: "
                f"it joins its provincial system's campaign",
            )
        if reason == LEVEL_NOT_EXCLUDED:
            return (
                f"{domain}虽属除外领域,但{level_zh}单位不在「市县两级」之内,参加市级活动",
                f"{domain} is an excluded domain, but a {level} unit is not at 市 or 县 "
                f"level: it joins the municipal campaign",
            )
        return (
            f"{domain}不属除外领域,参加市级活动",
            f"{domain} is not an excluded domain: it joins the municipal campaign",
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        expected = figures["expected"]
        why_zh, why_en = self.reason_words(figures["reason"], figures["level"], figures["domain"])
        head_zh = f"部门 {subject_id} 应参加{self.name_of(expected)}({expected}):{why_zh};"
        head_en = f"Department {subject_id} belongs to {expected} ({why_en}); "
        enrolled = figures["enrolled"]
        if not enrolled:
            tail_zh, tail_en = "未见报名记录", "it is enrolled in none"
            if figures["other_enrollments"]:
                others = figures["other_enrollments"]
                tail_zh += f"(报名记录中的活动 {listed(others)} 不是本规则的活动)"
                tail_en += (
                    f" (its enrolments name {', '.join(others)}, not a campaign of this rule)"
                )
        elif expected not in enrolled:
            tail_zh = f"实际报名 {listed(enrolled)}"
            tail_en = f"it is enrolled in {', '.join(enrolled)}"
        else:
            wrong = [c for c in enrolled if c != expected]
            tail_zh = f"另报名了 {listed(wrong)}"
            tail_en = f"it is also enrolled in {', '.join(wrong)}"
        return head_zh + tail_zh + "。", head_en + tail_en + "."


def municipal_departments(rule: RuleBase, scope_rule_id: str | None, ctx: Context) -> list[str]:
    """The rule's departments, narrowed to those the named scope rule places in its municipal
    campaign (all of them when no scope rule is named)."""
    departments = ctx.departments(rule)
    if scope_rule_id is None:
        return departments
    scope = next(r for r in ctx.pack_of(rule).rules if r.id == scope_rule_id)
    assert isinstance(scope, CampaignScope)
    municipal = set(scope.municipal(ctx))
    return [d for d in departments if d in municipal]


def scope_link(rule_id: str | None) -> dict[str, tuple[str, str]]:
    """``linked_rules`` of a rule with a ``campaign_scope`` parameter."""
    return {} if rule_id is None else {"campaign_scope": (rule_id, "campaign_scope")}


def live_placements(
    state: LiveState, scope: CampaignScope, pack: Pack
) -> dict[str, dict[str, Any]]:
    """The departments the monitor holds of a ``campaign_scope`` rule, each with its placement
    as the rule makes it (``CampaignScope.placed``): ``campaign``, ``reason``, ``level``,
    ``domain``."""

    def place() -> dict[str, dict[str, Any]]:
        rows = [state.departments[d] for d in sorted(state.departments_in_scope(scope, pack))]
        if not rows:
            return {}
        frame = pl.DataFrame(
            [{k: row[k] for k in ("id", "name", "level", "domain")} for row in rows],
            schema={"id": pl.String, "name": pl.String, "level": pl.String, "domain": pl.String},
        )
        return {r["department"]: r for r in scope.placed(frame).iter_rows(named=True)}

    return state.derived(("placements", scope.id), place)


def live_municipal(
    state: LiveState, rule: RuleBase, pack: Pack, scope_rule: str | None
) -> frozenset[str]:
    """The rule's departments the monitor holds, narrowed as ``municipal_departments`` narrows
    them."""
    departments = state.departments_in_scope(rule, pack)
    if scope_rule is None or not departments:
        return departments

    def narrow() -> frozenset[str]:
        scope = next(r for r in pack.rules if r.id == scope_rule)
        assert isinstance(scope, CampaignScope)  # checked when the rules were loaded
        placed = live_placements(state, scope, pack)
        campaign = scope.municipal_campaign.id
        return frozenset(
            d for d in departments if d in placed and placed[d]["campaign"] == campaign
        )

    return state.derived(("municipal", rule.id, scope_rule), narrow)
