"""``campaign_scope``: which campaign each department joins, and the enrolments that say so.

遵义's 2022 campaign takes every enforcement department of the city except the 市 and 县
level departments of eleven domains, which join the campaign their provincial department
runs for its own system. Other rules of the campaign (the exam, the teams) apply to the
departments the scope places in the municipal campaign: they name the scope rule in their
``campaign_scope`` parameter (``_campaign``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import (
    Decision,
    all_of,
    any_of,
    equals,
    greater,
    reached,
)
from .._fields import LevelName
from .._figures import Figures, figure
from .._live._base import Change, DepartmentTracker, Observation, first_moment
from .._rulebase import Context, Domain, Period, RuleBase, Spec, Status
from .._vocab import Level, label, parse_enum
from ._decisions import judged_findings, live_clock
from ._words import listed

# Why a department belongs where it does.
PROVINCIAL_SYSTEM = "provincial_system"
LEVEL_NOT_EXCLUDED = "level_not_excluded"
DOMAIN_NOT_EXCLUDED = "domain_not_excluded"


class Campaign(Spec):
    """A campaign a department enrols in: the id enrolments use, and its name."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class CampaignScopeFigures(Figures):
    level: str = figure("层级", "level")
    domain: str = figure("领域", "domain")
    expected: str = figure("应参加的活动", "expected campaign")
    enrolled: list[str] = figure("参加的活动", "enrolled in")
    other_enrollments: list[str] = figure("其他活动", "other enrolments")
    reason: str = figure("理由", "reason")


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
    figures: ClassVar[type[Figures]] = CampaignScopeFigures

    def placement(self, department: Mapping[str, Any]) -> tuple[str, str]:
        """The campaign one department (a record's row) joins, and why (both evaluators)."""
        if department["domain"] not in self.excluded_domains:
            return self.municipal_campaign.id, DOMAIN_NOT_EXCLUDED
        if department["level"] in [str(level) for level in self.provincial_levels]:
            return self.provincial_campaign.id, PROVINCIAL_SYSTEM
        return self.municipal_campaign.id, LEVEL_NOT_EXCLUDED

    def campaign_ids(self) -> dict[str, str]:
        """The id of each campaign of the rule, by its id and by its name."""
        campaigns = (self.municipal_campaign, self.provincial_campaign)
        return {c.id: c.id for c in campaigns} | {c.name: c.id for c in campaigns}

    def judged(
        self, department: Mapping[str, Any], named: Iterable[str]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A department's event and figures, from the campaigns its enrolments name (by id or
        name): both evaluators judge a department this way."""
        enrolled, others = self.enrolments(named)
        expected, reason = self.placement(department)
        return {"campaigns": len(enrolled), "placed_in": expected in enrolled}, (
            CampaignScopeFigures.of(
                level=department["level"],
                domain=department["domain"],
                expected=expected,
                enrolled=enrolled,
                other_enrollments=others,
                reason=reason,
            )
        )

    def enrolments(self, named: Iterable[str]) -> tuple[list[str], list[str]]:
        """The rule's campaigns among ``named`` (by id), and the other names, each sorted."""
        ids = self.campaign_ids()
        return sorted({ids[c] for c in named if c in ids}), sorted(set(named) - ids.keys())

    def decision(self, in_force: Period) -> Decision:
        """On a department's ``today``, the number of the rule's campaigns its enrolments name
        (``campaigns``) and whether they name the one it is placed in (``placed_in``)."""
        started = reached(in_force.start)
        return {
            Status.MISSING.value: all_of(started, equals("campaigns", 0)),
            Status.NOT_MET.value: all_of(
                started,
                any_of(
                    greater("campaigns", 1),
                    all_of(equals("campaigns", 1), equals("placed_in", False)),
                ),
            ),
        }

    # -- the batch ----------------------------------------------------------------------------

    def scope(self, ctx: Context) -> pl.DataFrame:
        """The departments of the rule's scope (id, name, level, domain), each with its
        campaign and the reason."""
        departments = ctx.department_table.filter(pl.col("id").is_in(ctx.departments(self)))
        placements = [self.placement(d) for d in departments.iter_rows(named=True)]
        return departments.select(
            pl.col("id").alias("department"), "name", "level", "domain"
        ).with_columns(
            pl.Series("campaign", [campaign for campaign, _ in placements], dtype=pl.String),
            pl.Series("reason", [reason for _, reason in placements], dtype=pl.String),
        )

    def municipal_departments(self, ctx: Context) -> list[str]:
        """Ids of the departments the scope places in the municipal campaign."""
        placed = self.scope(ctx)
        return placed.filter(pl.col("campaign") == self.municipal_campaign.id)[
            "department"
        ].to_list()

    def named(self, ctx: Context) -> dict[str, list[str]]:
        """The campaigns each department's enrolments name, by department."""
        named: dict[str, list[str]] = {}
        enrolments = ctx.records.table("campaign_enrollments").select("department", "campaign")
        for department, campaign in enrolments.iter_rows():
            named.setdefault(department, []).append(campaign)
        return named

    def enrolled(self, ctx: Context) -> pl.DataFrame:
        """Per department: the campaigns of this rule it is enrolled in (by id), and the other
        campaign names its enrolments carry."""
        lists = {department: self.enrolments(n) for department, n in self.named(ctx).items()}
        return pl.DataFrame(
            [(department, *enrolments) for department, enrolments in lists.items()],
            schema={
                "department": pl.String,
                "enrolled": pl.List(pl.String),
                "other": pl.List(pl.String),
            },
            orient="row",
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        named = self.named(ctx)
        departments = ctx.department_table.filter(pl.col("id").is_in(ctx.departments(self)))
        judged = [
            (d["id"], d["id"], *self.judged(d, named.get(d["id"], [])))
            for d in departments.iter_rows(named=True)
        ]
        return judged_findings(self, ctx, judged)

    # -- words --------------------------------------------------------------------------------

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


class CampaignScopeTracker(DepartmentTracker, follows=CampaignScope):
    how: ClassVar[str] = (
        "per department: its level and domain, and the rule's campaigns its enrolments name "
        "(enrolments have no id: each one posted is held), against the campaign it is placed "
        "in (`CampaignScope.placement`)"
    )

    rule: CampaignScope
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "campaign_enrollments"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.enrolments: dict[str, list[str]] = {}  # department -> campaigns named
        self.moments = (first_moment(self.in_force.start),)

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "departments":
            return (self.observe(row["id"]),)
        self.enrolments.setdefault(row["department"], []).append(row["campaign"])
        return (self.observe(row["department"]),)

    def observe(self, department_id: str) -> Observation:
        if department_id not in self.departments():
            return self.outside(department_id)
        department = self.state.departments[department_id]
        event, figures = self.rule.judged(department, self.enrolments.get(department_id, []))
        return self.observation(
            department_id, department_id, event | live_clock(self.state), lambda: figures
        )
