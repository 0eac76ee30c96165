"""``campaign_scope``: which campaign each department joins under a pack's scope rule, why,
and what its enrolments say.

>>> import enforcement_rules as er
>>> er.campaign_scope(er.load("examples/zunyi-2022/records.json"))  # doctest: +SKIP
"""

from __future__ import annotations

import polars as pl

from ._chinese import full_width
from ._context import Context
from ._errors import UsageError
from ._kinds.campaign_scope import CampaignScope
from ._records import Records
from ._rules import RuleSet, load_rules, rule_of_kind
from ._table import render_table
from ._vocab import Level, label, parse_enum

# What a department's enrolments say against the scope.
ENROLLED, NOT_ENROLLED, WRONG, OUTSIDE = "enrolled", "not_enrolled", "wrong", "outside"
VERDICT_ORDER = {WRONG: 0, NOT_ENROLLED: 1, ENROLLED: 2, OUTSIDE: 3}
VERDICT_LABELS = {
    ENROLLED: "已报名",
    NOT_ENROLLED: "未报名",
    WRONG: "报名有误",
    OUTSIDE: "不适用",
}


def campaign_scope(
    records: Records, *, pack: str | None = None, rules: RuleSet | None = None
) -> pl.DataFrame:
    """Every department with the campaign the scope rule of ``pack`` (default: the only pack
    with a ``campaign_scope`` rule) places it in, the reason in words, the campaigns it is
    enrolled in, and a ``verdict``: enrolled, not_enrolled, wrong, or outside (the rule does
    not apply to it; ``reason`` says why)."""
    if not isinstance(records, Records):
        raise UsageError("campaign_scope() takes Records; build them with enforcement_rules.load()")
    ruleset = rules if rules is not None else load_rules()
    chosen, rule = rule_of_kind(ruleset, CampaignScope, pack)
    ctx = Context(records, chosen.in_force.start, [chosen])
    placed = rule.scope(ctx)
    combos = placed.select("reason", "level", "domain").unique()
    words = combos.with_columns(
        pl.Series(
            "reason_text",
            [full_width(rule.reason_words(*c)[0]) for c in combos.iter_rows()],
            dtype=pl.String,
        )
    )
    inside = (
        placed.join(words, on=["reason", "level", "domain"], how="left")
        .join(rule.enrolled(ctx), on="department", how="left")
        .with_columns(pl.col("enrolled").fill_null([]), pl.col("other").fill_null([]))
        .with_columns(
            pl.when(pl.col("enrolled").list.len() == 0)
            .then(pl.lit(NOT_ENROLLED))
            .when(
                (pl.col("enrolled").list.len() == 1)
                & (pl.col("enrolled").list.first() == pl.col("campaign"))
            )
            .then(pl.lit(ENROLLED))
            .otherwise(pl.lit(WRONG))
            .alias("verdict")
        )
    )
    in_scope = set(ctx.departments(rule))
    scope_words = ";".join(
        s.describe() for s in (chosen.applies_to, rule.applies_to) if s.describe() != "全部"
    )
    outside_rows = [
        {
            "department": view.id,
            "name": view.name,
            "level": view.level.value,
            "domain": view.domain,
            "reason_text": f"不在规则适用范围（{scope_words}）内",
        }
        for view in ctx.department_views
        if view.id not in in_scope
    ]
    outside = pl.DataFrame(
        outside_rows,
        schema={
            "department": pl.String,
            "name": pl.String,
            "level": pl.String,
            "domain": pl.String,
            "reason_text": pl.String,
        },
    ).with_columns(pl.lit(OUTSIDE).alias("verdict"))
    names = {rule.municipal_campaign.id: rule.municipal_campaign.name} | {
        rule.provincial_campaign.id: rule.provincial_campaign.name
    }
    return (
        pl.concat(
            [
                inside.select(
                    "department",
                    "name",
                    "level",
                    "domain",
                    "campaign",
                    pl.col("campaign")
                    .replace_strict(names, return_dtype=pl.String)
                    .alias("campaign_name"),
                    pl.col("reason_text").alias("reason"),
                    "enrolled",
                    pl.col("other").alias("other_enrollments"),
                    "verdict",
                ),
                outside.select(
                    "department",
                    "name",
                    "level",
                    "domain",
                    pl.lit(None, dtype=pl.String).alias("campaign"),
                    pl.lit(None, dtype=pl.String).alias("campaign_name"),
                    pl.col("reason_text").alias("reason"),
                    pl.lit([], dtype=pl.List(pl.String)).alias("enrolled"),
                    pl.lit([], dtype=pl.List(pl.String)).alias("other_enrollments"),
                    "verdict",
                ),
            ]
        )
        .with_columns(pl.lit(rule.id).alias("rule"), pl.lit(chosen.id).alias("pack"))
        .sort(pl.col("verdict").replace_strict(VERDICT_ORDER, return_dtype=pl.Int8), "department")
    )


def render_scope(frame: pl.DataFrame) -> str:
    """The scope as a text table (Chinese first)."""
    if frame.height == 0:
        return "没有部门 no departments."
    counts = frame.group_by("verdict").len()
    summary = "，".join(
        f"{VERDICT_LABELS[v]} {n}"
        for v, n in sorted(counts.iter_rows(), key=lambda r: VERDICT_ORDER[r[0]])
    )
    rule, pack = frame["rule"][0], frame["pack"][0]
    campaigns = (
        frame.filter(pl.col("campaign").is_not_null())
        .select("campaign", "campaign_name")
        .unique()
        .sort("campaign")
    )
    lines = [f"活动参加范围 campaign scope · 规则 {rule}（{pack}）：{summary}"]
    lines += [f"  {c} = {n}" for c, n in campaigns.iter_rows()]
    rows = [
        [
            row["department"],
            row["name"],
            label(parse_enum(Level, row["level"])),
            row["domain"],
            row["campaign"] or "-",
            "、".join(row["enrolled"] + [f"{o}(非本规则活动)" for o in row["other_enrollments"]])
            or "-",
            VERDICT_LABELS[row["verdict"]],
            row["reason"],
        ]
        for row in frame.iter_rows(named=True)
    ]
    lines += [
        "",
        render_table(["部门", "名称", "层级", "领域", "应参加", "已报名", "结论", "理由"], rows),
    ]
    return "\n".join(lines)
