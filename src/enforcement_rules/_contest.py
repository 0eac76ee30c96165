"""``contest``: the contest ranking a pack's rules prescribe (team scores, finalists, prizes),
ties at a cut-off shown as ties, and the department exam averages teams are recommended on.

>>> import enforcement_rules as er
>>> result = er.contest(er.load("examples/zunyi-2022/records.json"))  # doctest: +SKIP
>>> result.preliminary.select("team", "total", "placement")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from ._context import Context
from ._dates import as_of_day
from ._errors import UsageError
from ._kinds._contest import NO_PRIZE, PLACEMENT_LABELS, STAGE_LABELS, contest_teams
from ._kinds._words import number
from ._kinds.contest_ranking import ContestRanking
from ._kinds.exam_average import ExamAverage
from ._records import Records
from ._rules import RuleSet, load_rules, rule_of_kind
from ._table import render_table

LATEST = date(9999, 12, 31)
"""The as-of day when none is given: every record counts, whatever its date."""


@dataclass(frozen=True)
class Contest:
    """The ranking of one contest, as the rules of ``pack`` prescribe it.

    ``preliminary``: every team with its members' scores, ``total`` (null when it cannot be
    computed), ``rank_min``/``rank_max`` (the places a group of equal totals spans) and
    ``placement`` (``finalist``, ``tied``, ``eliminated``, ``unscored``).
    ``final``: the teams of the final with their ``final_score``, ranks and ``prize`` (a prize
    name, null past the last prize, or ``A/B`` for a tie across a prize's last place).
    ``ties``: each group of equal scores straddling a cut-off place, never broken.
    ``exam_averages``: the department exam averages teams are recommended on (empty when the
    pack has no such rule).
    """

    pack: str
    rule: ContestRanking
    as_of: date | None
    preliminary: pl.DataFrame
    final: pl.DataFrame
    ties: pl.DataFrame
    exam_averages: pl.DataFrame
    averages_rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ranking as plain data."""
        return {
            "pack": self.pack,
            "rule": self.rule.id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "finalists": self.rule.finalists,
            "prizes": [p.model_dump() for p in self.rule.prizes],
            "preliminary": [
                {**row, "scores": {s["key"]: s["value"] for s in row["scores"]}}
                for row in self.preliminary.to_dicts()
            ],
            "final": self.final.to_dicts(),
            "ties": self.ties.to_dicts(),
            "exam_averages": self.exam_averages.to_dicts(),
        }

    def render(self) -> str:
        """The ranking as text tables (Chinese first)."""
        rule = self.rule
        prizes = "、".join(f"{p.name} {p.count} 名" for p in rule.prizes)
        lines = [
            f"大比武排名 contest · 规则 {rule.id}({self.pack}):初赛按 {rule.members_per_team} 名"
            f"队员成绩总分排名,前 {rule.finalists} 名进入决赛;决赛设{prizes}",
            "",
            "初赛 preliminary",
        ]
        rows = [
            [
                _place(row),
                row["team"],
                row["department"],
                "、".join(f"{s['key']} {number(s['value'])}" for s in row["scores"]) or "-",
                number(row["total"]) if row["total"] is not None else "-",
                PLACEMENT_LABELS[row["placement"]],
            ]
            for row in self.preliminary.iter_rows(named=True)
        ]
        lines.append(render_table(["名次", "队伍", "部门", "队员成绩", "总分", "结果"], rows))
        lines += ["", "决赛 final"]
        if self.final.height:
            rows = [
                [
                    _place(row),
                    row["team"],
                    row["department"],
                    number(row["final_score"]),
                    row["prize"] or NO_PRIZE,
                ]
                for row in self.final.iter_rows(named=True)
            ]
            lines.append(render_table(["名次", "队伍", "部门", "决赛成绩", "奖项"], rows))
        else:
            lines.append("  尚无决赛成绩 no final scores yet.")
        if self.ties.height:
            lines += ["", "并列 ties（文件未规定并列时如何取舍，需由组织方决定；未作排序）："]
            for tie in self.ties.iter_rows(named=True):
                lines.append(
                    f"  {STAGE_LABELS[tie['stage']]}第 {tie['cut']} 名："
                    f"{'、'.join(tie['teams'])} 同为 {number(tie['score'])} 分，"
                    f"并列第 {tie['rank_min']}-{tie['rank_max']} 名"
                )
        if self.exam_averages.height:
            lines += [
                "",
                f"部门考试平均成绩 exam averages（规则 {self.averages_rule}，推荐参赛队伍的依据）",
            ]
            rows = [
                [
                    str(row["rank"]) if row["rank"] is not None else "-",
                    row["department"],
                    str(row["officers"]),
                    str(row["examined"]),
                    f"{row['average']:.2f}" if row["average"] is not None else "-",
                ]
                for row in self.exam_averages.iter_rows(named=True)
            ]
            lines.append(render_table(["名次", "部门", "执法人员", "参考人数", "平均成绩"], rows))
        return "\n".join(lines)


def _place(row: dict[str, Any]) -> str:
    if row["rank_min"] is None:
        return "-"
    if row["rank_min"] == row["rank_max"]:
        return str(row["rank_min"])
    return f"{row['rank_min']}="  # tied: the places up to rank_max are shared


def contest(
    records: Records,
    *,
    pack: str | None = None,
    as_of: date | str | None = None,
    rules: RuleSet | None = None,
) -> Contest:
    """The contest ranking of ``pack`` (default: the only pack with a ``contest_ranking``
    rule) over the records' contest teams, as of a day (default: every team, whatever its
    date). Ties at a cut-off place are listed in ``ties`` and left unbroken."""
    if not isinstance(records, Records):
        raise UsageError("contest() takes Records; build them with enforcement_rules.load()")
    try:
        day = as_of_day(as_of) if as_of is not None else LATEST
    except ValueError as error:
        raise UsageError(f"as_of: expected {error}; got {as_of!r}") from None
    ruleset = rules if rules is not None else load_rules()
    chosen, ranking = rule_of_kind(ruleset, ContestRanking, pack)
    ctx = Context(records, day, [chosen])
    preliminary = ranking.preliminary(contest_teams(ctx)).sort("rank_min", "team", nulls_last=True)
    averages_rule = next((r for r in chosen.rules if isinstance(r, ExamAverage)), None)
    averages = (
        averages_rule.averages(ctx)
        if averages_rule is not None and ctx.departments(averages_rule)
        else pl.DataFrame()
    )
    return Contest(
        pack=chosen.id,
        rule=ranking,
        as_of=day if as_of is not None else None,
        preliminary=preliminary.select(
            "team",
            "department",
            "date",
            "members",
            "scores",
            "total",
            "rank_min",
            "rank_max",
            "placement",
            "unscored",
            "not_members",
            "final_score",
        ),
        final=ranking.final(preliminary),
        ties=ranking.ties(preliminary),
        exam_averages=averages,
        averages_rule=averages_rule.id if averages_rule is not None else None,
    )
