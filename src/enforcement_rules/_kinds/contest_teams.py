"""``contest_teams``: the teams a city recommends, their size and who may be on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import (
    Decision,
    all_of,
    any_of,
    at_most,
    differs,
    equals,
    field,
    greater,
    less,
    reached,
)
from .._fields import EmploymentName
from .._figures import Figures, figure
from .._live._base import (
    Change,
    Observation,
    Tracker,
    first_moment,
    iso,
    last_moment,
    passed,
)
from .._rulebase import Context, Period, RuleBase, Status
from .._semantics import valid
from .._vocab import Employment, label
from ._campaign import linked, live_municipal, municipal_departments, scope_link
from ._contest import contest_teams
from ._decisions import judged_findings, live_clock
from ._words import listed
from .campaign_scope import CampaignScope

if TYPE_CHECKING:
    from .._rules import Pack

TEAM, COUNT = "team", "count"  # what an event is about: one team, or the number of teams


class ContestTeamFigures(Figures):
    date: str = figure("日期", "date")
    members: list[str] = figure("队员", "members")
    required_members: int = figure("要求队员数", "required members")
    failing: list[dict[str, Any]] = figure("不符合条件的队员", "members failing")


class ContestCountFigures(Figures):
    teams: int = figure("队伍", "teams")
    required_teams: int = figure("要求队伍数", "required teams")
    team_ids: list[str] = figure("队伍编号", "team ids")


class ContestTeams(RuleBase):
    """The teams a city recommends: ``teams`` teams of ``members_per_team`` members each, every
    member an officer of the team's department, employed as ``employment``, on duty, and
    holding a certificate valid on the contest day. Teams are recommended by
    ``recommend_by``; before then, fewer teams are ``pending``."""

    kind: Literal["contest_teams"]
    teams: int = Field(ge=1)
    members_per_team: int = Field(ge=1)
    employment: list[EmploymentName] = Field(default_factory=lambda: [Employment.STAFF])
    on_duty: bool = True
    certified: bool = True
    recommend_by: date
    campaign_scope: str | None = None

    subject_type: ClassVar[str] = "contest_team"
    figures: ClassVar[type[Figures]] = ContestTeamFigures

    def figures_for(self, subject_type: str) -> type[Figures]:
        return ContestCountFigures if subject_type == "campaign" else ContestTeamFigures

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    def campaign(self, pack: Pack) -> str:
        """The campaign the teams are counted for: the municipal campaign of the rule's
        ``campaign_scope`` rule, else its pack."""
        if self.campaign_scope is None:
            return pack.id
        return linked(pack.rules, self.campaign_scope, CampaignScope).municipal_campaign.id

    def decision(self, in_force: Period) -> Decision:
        """A team's event (``about`` team): its ``members`` and the members ``failing``; the
        count's (``about`` count): ``teams`` recommended against the rule's, the clock
        (``today``, ``now``) against the recommendation day's last moment (``due``)."""
        required = self.teams
        count = all_of(equals("about", COUNT), reached(in_force.start))
        judged = at_most("due", field("now"))
        return {
            Status.NOT_MET.value: any_of(
                all_of(
                    equals("about", TEAM),
                    any_of(differs("members", self.members_per_team), greater("failing", 0)),
                ),
                all_of(count, greater("teams", required)),
                all_of(count, judged, greater("teams", 0), less("teams", required)),
            ),
            Status.PENDING.value: all_of(
                count, greater("due", field("now")), less("teams", required)
            ),
            Status.MISSING.value: all_of(count, judged, equals("teams", 0)),
        }

    def problems(self, officer: Mapping[str, Any] | None, team: str, certified: bool) -> list[str]:
        """What a member (``None``: no officer of that id) of a team of department ``team``
        fails: ``unknown``, ``other_department``, an employment not allowed, ``off_duty``,
        ``uncertified`` (no certificate valid on the contest day)."""
        problems = []
        if officer is None:
            problems.append("unknown")
        else:
            if officer["department"] != team:
                problems.append("other_department")
            if officer["employment"] not in self.employment:
                problems.append(officer["employment"])
            if self.on_duty and not officer["on_duty"]:
                problems.append("off_duty")
        if self.certified and not certified:
            problems.append("uncertified")
        return problems

    def judged(
        self,
        team: Mapping[str, Any],
        officer: Callable[[str], Mapping[str, Any] | None],
        certified: Callable[[str, date], bool],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A team's event (its ``members`` and those ``failing``) and figures: each member (by
        id) judged against the officer of that id and whether they held a certificate valid on
        the contest day."""
        failing = []
        for member in sorted(m for m in team["members"] if m is not None):
            problems = self.problems(
                officer(member), team["department"], certified(member, team["date"])
            )
            if problems:
                failing.append({"officer": member, "problems": problems})
        event = {"about": TEAM, "members": len(team["members"]), "failing": len(failing)}
        return event, ContestTeamFigures.of(
            date=iso(team["date"]),
            members=list(team["members"]),
            required_members=self.members_per_team,
            failing=failing,
        )

    def counted(self, teams: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The count's event (the number of ``teams`` recommended, by their sorted ids) and
        figures."""
        figures = ContestCountFigures.of(
            teams=len(teams), required_teams=self.teams, team_ids=teams
        )
        return {"about": COUNT, "teams": len(teams)}, figures

    def check(self, ctx: Context) -> pl.DataFrame:
        departments = municipal_departments(self, self.campaign_scope, ctx)
        teams = contest_teams(ctx).filter(pl.col("department").is_in(departments))
        members = teams["members"].explode().drop_nulls().implode()
        held: dict[str, list[dict[str, Any]]] = {}
        for certificate in ctx.records.certificates.filter(
            pl.col("officer").is_in(members)
        ).to_dicts():
            held.setdefault(certificate["officer"], []).append(certificate)

        def certified_on(officer: str, day: date) -> bool:
            return any(valid(c, day) for c in held.get(officer, []))

        named = ctx.officers.filter(pl.col("id").is_in(members))
        officers = {row["id"]: row for row in named.iter_rows(named=True)}
        judged = [
            (team["id"], team["department"], *self.judged(team, officers.get, certified_on))
            for team in teams.iter_rows(named=True)
        ]
        count = (
            self.campaign(ctx.pack_of(self)),
            None,
            *self.counted(sorted(t for t, *_ in judged)),
        )
        return pl.concat(
            [
                judged_findings(self, ctx, judged),
                judged_findings(self, ctx, [count], subject_type="campaign", due=self.recommend_by),
            ]
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        if "teams" in figures:
            teams = figures["team_ids"]
            listed_zh = f"({listed(teams)})" if teams else ""
            return (
                f"{subject_id} 推选参赛队伍 {figures['teams']} 支{listed_zh},"
                f"要求 {figures['required_teams']} 支。",
                f"{subject_id} recommended {figures['teams']} team(s) "
                f"({', '.join(teams) or 'none'}); {figures['required_teams']} are required.",
            )
        parts_zh, parts_en = [], []
        size, required = len(figures["members"]), figures["required_members"]
        if size != required:
            parts_zh.append(f"队员 {size} 人,要求 {required} 人")
            parts_en.append(f"{size} members, {required} required")
        allowed = "、".join(label(e) for e in self.employment)
        for member in figures["failing"]:
            words = [problem_zh(p, allowed) for p in member["problems"]]
            parts_zh.append(f"{member['officer']} {'、'.join(words)}")
            parts_en.append(f"{member['officer']}: {', '.join(member['problems'])}")
        return (
            f"参赛队伍 {subject_id}({figures['date']}):{';'.join(parts_zh)}。",
            f"Contest team {subject_id} ({figures['date']}): {'; '.join(parts_en)}.",
        )


PROBLEMS_ZH = {
    "unknown": "不在执法人员记录中",
    "other_department": "不是本部门人员",
    "off_duty": "不在岗",
    "uncertified": "比赛当日无有效执法证件",
}


def problem_zh(code: str, allowed: str) -> str:
    """A member's problem in Chinese (an employment not allowed: which, against ``allowed``)."""
    if code in PROBLEMS_ZH:
        return PROBLEMS_ZH[code]
    return f"为{label(Employment(code))}人员(要求{allowed})"


class ContestTeamsTracker(Tracker, follows=ContestTeams):
    how: ClassVar[str] = (
        "per team of the municipal campaign's departments, held by id and judged again when a "
        "member, their certificates or the department changes: its size and its members' "
        "problems (not an officer, of another department, employment, off duty, no "
        "certificate valid on the contest day); and the number of teams against the rule's, "
        "`pending` until the recommendation day"
    )
    rule: ContestTeams
    reads: ClassVar[frozenset[str]] = frozenset(
        {"departments", "officers", "certificates", "contest_teams"}
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.teams: dict[str, dict[str, Any]] = {}
        self.campaign = self.rule.campaign(self.pack)

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "contest_teams":
            before = self.teams.get(row["id"])
            self.teams[row["id"]] = row
            observations = [self.observe(row)]
            if before is None or before["department"] != row["department"]:
                observations.append(self.observe_count())
            return observations
        if change.record_type == "departments":
            return [*(self.observe(t) for t in self.teams.values()), self.observe_count()]
        officers = {row["officer"] if change.record_type == "certificates" else row["id"]}
        if change.previous is not None and change.record_type == "certificates":
            officers.add(change.previous["officer"])
        return [self.observe(t) for t in self.teams.values() if officers & set(t["members"])]

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        moments = (first_moment(self.in_force.start), last_moment(self.rule.recommend_by))
        if any(passed(before, after, m) for m in moments):
            return (self.observe_count(),)
        return ()

    def counted(self) -> frozenset[str]:
        return live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)

    def observe(self, team: dict[str, Any]) -> Observation:
        if team["department"] not in self.counted():
            return self.outside(team["id"])
        event, figures = self.rule.judged(team, self.state.officers.get, self.state.certified_on)
        return self.observation(team["id"], team["department"], event, lambda: figures)

    def observe_count(self) -> Observation:
        if not self.departments():  # evaluate checks a rule only where it applies somewhere
            return self.outside(self.campaign)
        counted = self.counted()
        teams = sorted(t["id"] for t in self.teams.values() if t["department"] in counted)
        event, figures = self.rule.counted(teams)
        return self.labelled(
            self.campaign,
            None,
            event | live_clock(self.state, self.rule.recommend_by),
            lambda: figures,
            due=self.rule.recommend_by,
            subject_type="campaign",
        )
