"""Live pieces of the contest kinds that judge one record at a time: the teams a city
recommends (each team's members, and the number of teams) and the weights of an exam paper.

Contest teams are few and stay open to correction, so the tracker keeps them by id and judges
a team again when one of its members, their certificates or the team's department changes.
The ranking (``contest_ranking``) and its ties (``contest_ties``) are not followed: see
``not_followed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from .._conditions import (
    Condition,
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
from .._kinds.campaign import CampaignScope, live_municipal
from .._kinds.contest import ContestTeams, ExamPaperWeights
from .._rulebase import Status
from ._base import (
    Change,
    LiveState,
    Observation,
    Tracker,
    due_moment,
    first_moment,
    iso,
    last_moment,
    passed,
)

_TEAM, _COUNT = "team", "count"  # what an event is about: one team, or the number of teams


class ContestTeamsTracker(Tracker, follows=ContestTeams):
    """Each team of the departments the rule counts: its size and its members (an officer of
    the team's department, of an allowed employment, on duty, certified on the contest day);
    and the number of teams recommended by the due day."""

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
        self.allowed = {str(e) for e in self.rule.employment}
        self.start = LiveState.in_force(self.rule, self.pack).start
        scope = self.rule.campaign_scope
        if scope is None:
            self.campaign = self.pack.id
        else:
            scope_rule = next(r for r in self.pack.rules if r.id == scope)
            assert isinstance(scope_rule, CampaignScope)
            self.campaign = scope_rule.municipal_campaign.id

    def ruleset(self) -> dict[str, Condition]:
        required = self.rule.teams
        count = all_of(equals("about", _COUNT), reached(self.start))
        judged = at_most("due", field("now"))
        return {
            Status.NOT_MET.value: any_of(
                all_of(
                    equals("about", _TEAM),
                    any_of(differs("members", self.rule.members_per_team), greater("failing", 0)),
                ),
                all_of(count, greater("teams", required)),
                all_of(count, judged, greater("teams", 0), less("teams", required)),
            ),
            Status.PENDING.value: all_of(
                count, greater("due", field("now")), less("teams", required)
            ),
            Status.MISSING.value: all_of(count, judged, equals("teams", 0)),
        }

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
            teams = list(self.teams.values())
        else:
            officers = {row["officer"] if change.record_type == "certificates" else row["id"]}
            if change.previous is not None and change.record_type == "certificates":
                officers.add(change.previous["officer"])
            teams = [t for t in self.teams.values() if officers & set(t["members"])]
        observations = [self.observe(t) for t in teams]
        if change.record_type == "departments":
            observations.append(self.observe_count())
        return observations

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        moments = (first_moment(self.start), last_moment(self.rule.recommend_by))
        if any(passed(before, after, m) for m in moments):
            return (self.observe_count(),)
        return ()

    def counted(self) -> frozenset[str]:
        return live_municipal(self.state, self.rule, self.pack, self.rule.campaign_scope)

    def observe(self, team: dict[str, Any]) -> Observation:
        if team["department"] not in self.counted():
            return self.outside(team["id"])
        failing = []
        for officer_id in sorted(team["members"]):
            problems = self.problems(officer_id, team)
            if problems:
                failing.append({"officer": officer_id, "problems": problems})
        event = {"about": _TEAM, "members": len(team["members"]), "failing": len(failing)}
        return self.observation(
            team["id"],
            team["department"],
            event,
            lambda: {
                "date": iso(team["date"]),
                "members": list(team["members"]),
                "required_members": self.rule.members_per_team,
                "failing": failing,
            },
        )

    def problems(self, officer_id: str, team: dict[str, Any]) -> list[str]:
        """What a member fails, as ``ContestTeams._members`` names it."""
        officer = self.state.officers.get(officer_id)
        problems = []
        if officer is None:
            problems.append("unknown")
        else:
            if officer["department"] != team["department"]:
                problems.append("other_department")
            if officer["employment"] not in self.allowed:
                problems.append(officer["employment"])
            if self.rule.on_duty and not officer["on_duty"]:
                problems.append("off_duty")
        if self.rule.certified and not self.state.certified_on(officer_id, team["date"]):
            problems.append("uncertified")
        return problems

    def observe_count(self) -> Observation:
        if not self.departments():  # evaluate checks a rule only where it applies somewhere
            return self.outside(self.campaign)
        counted = self.counted()
        teams = sorted(t["id"] for t in self.teams.values() if t["department"] in counted)
        event = {
            "about": _COUNT,
            "today": self.state.day,
            "teams": len(teams),
            "due": due_moment(self.rule.recommend_by),
            "now": self.state.now,
        }
        return self.labelled(
            self.campaign,
            None,
            event,
            lambda: {
                "teams": len(teams),
                "required_teams": self.rule.teams,
                "team_ids": teams,
            },
            due=self.rule.recommend_by,
            subject_type="campaign",
        )


class ExamPaperWeightsTracker(Tracker, follows=ExamPaperWeights):
    """Each exam paper (of the rule's exams) sets its question types in the shares the rule
    gives: the monitor posts how far each share is from its target, the ruleset holds the
    tolerance. Papers are standing records, held by id."""

    how: ClassVar[str] = (
        "per exam paper, held by id: how far each share is from its target, against the tolerance"
    )

    rule: ExamPaperWeights
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "exam_papers"})
    _SHARES = ("theory_percent", "document_percent", "procedure_percent")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.papers: dict[str, dict[str, Any]] = {}

    def ruleset(self) -> dict[str, Condition]:
        tolerance = self.rule.tolerance
        return {
            Status.NOT_MET.value: any_of(
                *(greater(f"{share}_off", tolerance) for share in self._SHARES)
            )
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return [self.observe(p) for p in self.papers.values()]
        self.papers[change.row["id"]] = change.row
        return (self.observe(change.row),)

    def observe(self, paper: dict[str, Any]) -> Observation:
        # evaluate checks a rule only where it applies to some department
        if not self.departments() or (self.rule.exams and paper["exam"] not in self.rule.exams):
            return self.outside(paper["id"])
        if self.rule.preliminary_only and not paper["preliminary"]:
            return self.outside(paper["id"])
        targets = {share: getattr(self.rule, share) for share in self._SHARES}
        event = {f"{share}_off": abs(paper[share] - target) for share, target in targets.items()}
        return self.observation(
            paper["id"],
            None,
            event,
            lambda: {
                "exam": paper["exam"],
                **{share: paper[share] for share in targets},
                **{f"required_{share}": target for share, target in targets.items()},
            },
        )
