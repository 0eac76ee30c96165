"""The contest: who may be on a team, what the preliminary paper holds, and the ranking the
text prescribes (team score, finalists, prizes), with ties at a cut-off reported, never
broken."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._dates import has_ended
from .._fields import EmploymentName
from .._findings import empty_findings, finding_frame
from .._rulebase import RuleBase, SourceRef, Spec, Status
from .._vocab import Employment, label
from ._certified import with_certified
from ._words import listed, number
from .campaign import CampaignScope, municipal_departments, scope_link

if TYPE_CHECKING:
    from .._rulebase import Context


# Placement of a team after the preliminary round.
FINALIST = "finalist"
TIED = "tied"  # tied at the cut-off: the text does not say who goes on
ELIMINATED = "eliminated"
UNSCORED = "unscored"  # its score cannot be computed as the text prescribes

PLACEMENT_LABELS = {
    FINALIST: "进入决赛",
    TIED: "并列待定",
    ELIMINATED: "未进入决赛",
    UNSCORED: "无法计分",
}
PRELIMINARY, FINAL = "preliminary", "final"
STAGE_LABELS = {PRELIMINARY: "初赛", FINAL: "决赛"}
NO_PRIZE = "未获奖"


def contest_teams(ctx: Context) -> pl.DataFrame:
    """The contest teams as of the day."""
    return ctx.records.table("contest_teams").filter(pl.col("date") <= ctx.as_of)


def ranks(score: str) -> list[pl.Expr]:
    """Competition ranks by ``score``, highest first: the first and last place a group of
    equal scores spans (``rank_min`` 1, ``rank_max`` 2 for two teams tied at the top)."""
    column = pl.col(score)
    return [
        column.rank("min", descending=True).cast(pl.Int64).alias("rank_min"),
        column.rank("max", descending=True).cast(pl.Int64).alias("rank_max"),
    ]


def ties_at(ranked: pl.DataFrame, cuts: list[int], stage: str, score: str) -> pl.DataFrame:
    """Groups of equal scores that straddle a cut-off place (``rank_min <= cut < rank_max``):
    one row per cut-off, with the tied teams and their score."""
    if ranked.height == 0 or not cuts:
        return pl.DataFrame(schema=TIE_SCHEMA)
    frame = pl.DataFrame({"cut": cuts}, schema={"cut": pl.Int64})
    return (
        ranked.join(frame, how="cross")
        .filter((pl.col("rank_min") <= pl.col("cut")) & (pl.col("cut") < pl.col("rank_max")))
        .sort("team")
        .group_by("cut", maintain_order=True)
        .agg(
            pl.col("team").alias("teams"),
            pl.col("department").unique(maintain_order=True).alias("departments"),
            pl.col(score).first().cast(pl.Float64).alias("score"),
            pl.col("rank_min").first(),
            pl.col("rank_max").first(),
        )
        .with_columns(pl.lit(stage).alias("stage"))
        .select(list(TIE_SCHEMA))
        .sort("cut")
    )


TIE_SCHEMA: dict[str, pl.DataType] = {
    "stage": pl.String(),
    "cut": pl.Int64(),
    "teams": pl.List(pl.String()),
    "departments": pl.List(pl.String()),
    "score": pl.Float64(),
    "rank_min": pl.Int64(),
    "rank_max": pl.Int64(),
}


class Prize(Spec):
    """A prize of the final and how many teams receive it."""

    name: str = Field(min_length=1)
    count: int = Field(ge=1)


NOT_FOLLOWED = (
    "the ranking places every team against all the others and has no due day: while teams "
    "and scores are entered one at a time, each one moves the other teams' places, so a "
    "finding would arise and vanish with the order of entry (a finalist without a final score "
    "until its score is typed in, a tie until the next team's score); run "
    "`enforcement-rules contest` (er.contest) once the results are in"
)


class ContestRanking(RuleBase):
    """The ranking the text prescribes. A team's preliminary score is the sum of its
    ``members_per_team`` members' online scores; the top ``finalists`` go to the final; the
    final's prizes go, in order, to the next ``count`` teams by final score.

    Findings: a team whose score cannot be computed that way (``incomplete``); a team
    outside the finalists holding a final score (``not_met``); a finalist with no final
    score while other teams have one (``missing``). Ties at a cut-off are the
    ``contest_ties`` rule's. The ranking takes every contest team of the records.
    """

    kind: Literal["contest_ranking"]
    members_per_team: int = Field(default=3, ge=1)
    finalists: int = Field(default=10, ge=1)
    prizes: list[Prize] = Field(min_length=1)

    subject_type: ClassVar[str] = "contest_team"
    not_followed: ClassVar[str] = NOT_FOLLOWED

    def cuts(self) -> list[int]:
        """The last place of each prize (2, 5, 10 for prizes of 2, 3 and 5)."""
        places, total = [], 0
        for prize in self.prizes:
            total += prize.count
            places.append(total)
        return places

    def preliminary(self, teams: pl.DataFrame) -> pl.DataFrame:
        """Every team with its members' scores, total, ranks and placement."""
        members = pl.col("members")
        keys = pl.col("scores").list.eval(pl.element().struct.field("key"))
        values = pl.col("scores").list.eval(pl.element().struct.field("value"))
        scored = teams.select(
            pl.col("id").alias("team"),
            "department",
            "date",
            "members",
            pl.col("scores").fill_null([]),
            "final_score",
        ).with_columns(
            keys.alias("scored"),
            members.list.set_difference(keys).list.sort().alias("unscored"),
            keys.list.set_difference(members).list.sort().alias("not_members"),
            values.list.sum().alias("_sum"),
        )
        complete = (
            (members.list.len() == self.members_per_team)
            & (pl.col("unscored").list.len() == 0)
            & (pl.col("not_members").list.len() == 0)
        )
        with_total = scored.with_columns(
            pl.when(complete).then(pl.col("_sum")).alias("total"), complete.alias("complete")
        ).drop("_sum")
        return with_total.with_columns(*ranks("total")).with_columns(
            pl.when(~pl.col("complete"))
            .then(pl.lit(UNSCORED))
            .when(pl.col("rank_max") <= self.finalists)
            .then(pl.lit(FINALIST))
            .when(pl.col("rank_min") <= self.finalists)
            .then(pl.lit(TIED))
            .otherwise(pl.lit(ELIMINATED))
            .alias("placement")
        )

    def final(self, preliminary: pl.DataFrame) -> pl.DataFrame:
        """The teams of the final (a final score, not eliminated) with ranks and prize: a
        prize's name, ``None`` past the last prize, or "A/B" when a tie straddles them."""
        entered = preliminary.filter(
            pl.col("final_score").is_not_null() & (pl.col("placement") != ELIMINATED)
        ).select("team", "department", "final_score")
        names = [p.name for p in self.prizes]
        # The prize of a place: its index in ``names``; len(names) is no prize.
        by_index = dict(enumerate([*names, NO_PRIZE]))

        def prize_of(place: str) -> pl.Expr:
            return pl.sum_horizontal([(pl.col(place) > cut).cast(pl.Int64) for cut in self.cuts()])

        def name_of(index: pl.Expr) -> pl.Expr:
            return index.replace_strict(by_index, return_dtype=pl.String)

        low, high = prize_of("rank_min"), prize_of("rank_max")
        prize = (
            pl.when(low == high)
            .then(pl.when(low < len(names)).then(name_of(low)))
            .otherwise(pl.format("{}/{}", name_of(low), name_of(high)))
        )
        return (
            entered.with_columns(*ranks("final_score"))
            .with_columns(prize.alias("prize"))
            .sort("rank_min", "team")
        )

    def ties(self, preliminary: pl.DataFrame) -> pl.DataFrame:
        """Ties at the finalists' cut-off and at each prize's last place."""
        ranked = preliminary.filter(pl.col("complete"))
        return pl.concat(
            [
                ties_at(ranked, [self.finalists], PRELIMINARY, "total"),
                ties_at(self.final(preliminary), self.cuts(), FINAL, "final_score"),
            ]
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        teams = contest_teams(ctx)
        if teams.height == 0:
            return empty_findings()
        preliminary = self.preliminary(teams)
        final_held = preliminary["final_score"].is_not_null().any()
        rows = preliminary.with_columns(
            pl.when(~pl.col("complete"))
            .then(pl.lit(Status.INCOMPLETE.value))
            .when((pl.col("placement") == ELIMINATED) & pl.col("final_score").is_not_null())
            .then(pl.lit(Status.NOT_MET.value))
            .when(
                pl.lit(final_held)
                & (pl.col("placement") == FINALIST)
                & pl.col("final_score").is_null()
            )
            .then(pl.lit(Status.MISSING.value))
            .alias("status")
        ).filter(pl.col("status").is_not_null())
        return finding_frame(
            rows,
            subject_type="contest_team",
            subject_id=pl.col("team"),
            department=pl.col("department"),
            status=pl.col("status"),
            figures={
                "date": pl.col("date"),
                "members": pl.col("members"),
                "required_members": pl.lit(self.members_per_team),
                "unscored": pl.col("unscored"),
                "not_members": pl.col("not_members"),
                "total": pl.col("total"),
                "rank": pl.col("rank_min"),
                "finalists": pl.lit(self.finalists),
                "final_score": pl.col("final_score"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        required = figures["required_members"]
        if figures["total"] is None:
            parts_zh, parts_en = [], []
            if len(figures["members"]) != required:
                parts_zh.append(f"队员 {len(figures['members'])} 人而非 {required} 人")
                parts_en.append(f"{len(figures['members'])} members, not {required}")
            if figures["unscored"]:
                parts_zh.append(f"{listed(figures['unscored'])} 没有在线考试成绩")
                parts_en.append(f"no online score for {', '.join(figures['unscored'])}")
            if figures["not_members"]:
                parts_zh.append(f"成绩中的 {listed(figures['not_members'])} 不是本队队员")
                parts_en.append(f"scores for non-members {', '.join(figures['not_members'])}")
            return (
                f"队伍 {subject_id} 的初赛成绩无法按 {required} 名队员成绩总分计算:"
                f"{';'.join(parts_zh)}。",
                f"Team {subject_id}'s preliminary score cannot be the total of its {required} "
                f"members' scores: {'; '.join(parts_en)}.",
            )
        total, rank, finalists = number(figures["total"]), figures["rank"], figures["finalists"]
        if figures["final_score"] is not None:
            return (
                f"队伍 {subject_id} 初赛总分 {total},排名第 {rank},未进入前 {finalists} 名,"
                f"却有决赛成绩 {number(figures['final_score'])}。",
                f"Team {subject_id} scored {total} in the preliminary round (place {rank}), "
                f"outside the top {finalists}, yet has a final score.",
            )
        return (
            f"队伍 {subject_id} 初赛总分 {total},排名第 {rank},进入决赛,但没有决赛成绩。",
            f"Team {subject_id} scored {total} (place {rank}) and went to the final, but has "
            f"no final score.",
        )


class ContestTies(RuleBase):
    """Teams tied on a cut-off place of the ``ranking`` rule: the finalists' last place, or a
    prize's last place. The text does not say how a tie is settled, so the tied teams are
    reported (``incomplete``) and none is placed above the others. ``sources``: the first is
    the sentence of the finalists' cut, a second (if any) the sentence of the final's prizes;
    a tie in the final cites the second first."""

    kind: Literal["contest_ties"]
    ranking: str

    subject_type: ClassVar[str] = "ranking"
    not_followed: ClassVar[str] = NOT_FOLLOWED

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return {"ranking": (self.ranking, "contest_ranking")}

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        if figures.get("stage") == FINAL and len(self.sources) > 1:
            return [self.sources[1], self.sources[0], *self.sources[2:]]
        return list(self.sources)

    def _ranking(self, ctx: Context) -> ContestRanking:
        rule = next(r for r in ctx.pack_of(self).rules if r.id == self.ranking)
        assert isinstance(rule, ContestRanking)
        return rule

    def check(self, ctx: Context) -> pl.DataFrame:
        teams = contest_teams(ctx)
        if teams.height == 0:
            return empty_findings()
        ranking = self._ranking(ctx)
        ties = ranking.ties(ranking.preliminary(teams))
        return finding_frame(
            ties,
            subject_type="ranking",
            subject_id=pl.format(
                "{}第{}名",
                pl.col("stage").replace_strict(STAGE_LABELS, return_dtype=pl.String),
                pl.col("cut"),
            ),
            department=pl.lit(None, dtype=pl.String),
            status=Status.INCOMPLETE.value,
            figures={
                "stage": pl.col("stage"),
                "cut": pl.col("cut"),
                "teams": pl.col("teams"),
                "departments": pl.col("departments"),
                "score": pl.col("score"),
                "places": pl.format("{}-{}", pl.col("rank_min"), pl.col("rank_max")),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        stage = STAGE_LABELS[figures["stage"]]
        teams, score, cut = figures["teams"], number(figures["score"]), figures["cut"]
        return (
            f"{stage}第 {cut} 名处并列:{listed(teams)} 同为 {score} 分,"
            f"并列第 {figures['places']} 名,文件未规定并列时如何取舍,需由组织方决定。",
            f"Tie at place {cut} of the {figures['stage']}: {', '.join(teams)} all scored "
            f"{score} (places {figures['places']}); the text does not say how to settle a tie.",
        )


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

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    def _members(self, teams: pl.DataFrame, ctx: Context) -> pl.DataFrame:
        """One row per (team, member) with what the member fails, as problem codes."""
        officers = ctx.officers.select(
            pl.col("id").alias("officer"),
            pl.col("department").alias("officer_department"),
            "employment",
            "on_duty",
            pl.lit(True).alias("known"),
        )
        members = (
            teams.select(pl.col("id").alias("team"), "department", "date", "members")
            .explode("members")
            .rename({"members": "officer"})
            .filter(pl.col("officer").is_not_null())
            .join(officers, on="officer", how="left")
        )
        members = with_certified(members, ctx.records.certificates, "date")
        problems = [
            pl.when(pl.col("known").is_null()).then(pl.lit("unknown")),
            pl.when(pl.col("known") & (pl.col("officer_department") != pl.col("department"))).then(
                pl.lit("other_department")
            ),
            pl.when(
                pl.col("known") & ~pl.col("employment").is_in([str(e) for e in self.employment])
            ).then(pl.col("employment")),
        ]
        if self.on_duty:
            problems.append(pl.when(pl.col("known") & ~pl.col("on_duty")).then(pl.lit("off_duty")))
        if self.certified:
            problems.append(pl.when(~pl.col("certified")).then(pl.lit("uncertified")))
        return members.with_columns(
            pl.concat_list(problems).list.drop_nulls().alias("problems")
        ).filter(pl.col("problems").list.len() > 0)

    def check(self, ctx: Context) -> pl.DataFrame:
        departments = municipal_departments(self, self.campaign_scope, ctx)
        teams = contest_teams(ctx).filter(pl.col("department").is_in(departments))
        failing = (
            self._members(teams, ctx)
            .sort("team", "officer")
            .group_by("team")
            .agg(pl.struct("officer", "problems").alias("failing"))
        )
        rows = (
            teams.select(pl.col("id").alias("team"), "department", "date", "members")
            .join(failing, on="team", how="left")
            .with_columns(pl.col("failing").fill_null([]))
            .filter(
                (pl.col("members").list.len() != self.members_per_team)
                | (pl.col("failing").list.len() > 0)
            )
        )
        per_team = finding_frame(
            rows,
            subject_type="contest_team",
            subject_id=pl.col("team"),
            department=pl.col("department"),
            status=Status.NOT_MET.value,
            figures={
                "date": pl.col("date"),
                "members": pl.col("members"),
                "required_members": pl.lit(self.members_per_team),
                "failing": pl.col("failing"),
            },
        )
        return pl.concat([per_team, self._count(teams, ctx)])

    def _count(self, teams: pl.DataFrame, ctx: Context) -> pl.DataFrame:
        """The number of teams recommended, against ``teams``."""
        if ctx.as_of < ctx.in_force(self).start:
            return empty_findings()
        recommended = teams["id"].sort().to_list()
        count = len(recommended)
        judged = has_ended(self.recommend_by, ctx.as_of)
        if count == self.teams or (not judged and count < self.teams):
            status = None if count == self.teams else Status.PENDING
        elif count == 0:
            status = Status.MISSING
        else:
            status = Status.NOT_MET
        if status is None:
            return empty_findings()
        return finding_frame(
            pl.DataFrame({"n": [count]}),
            subject_type="campaign",
            subject_id=pl.lit(self._campaign(ctx)),
            department=pl.lit(None, dtype=pl.String),
            status=status.value,
            due=self.recommend_by,
            figures={
                "teams": pl.lit(count),
                "required_teams": pl.lit(self.teams),
                "team_ids": pl.lit(recommended, dtype=pl.List(pl.String)),
            },
        )

    def _campaign(self, ctx: Context) -> str:
        if self.campaign_scope is None:
            return ctx.pack_of(self).id
        scope = next(r for r in ctx.pack_of(self).rules if r.id == self.campaign_scope)
        assert isinstance(scope, CampaignScope)
        return scope.municipal_campaign.id

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
            words = [_problem_zh(p, allowed) for p in member["problems"]]
            parts_zh.append(f"{member['officer']} {'、'.join(words)}")
            parts_en.append(f"{member['officer']}: {', '.join(member['problems'])}")
        return (
            f"参赛队伍 {subject_id}({figures['date']}):{';'.join(parts_zh)}。",
            f"Contest team {subject_id} ({figures['date']}): {'; '.join(parts_en)}.",
        )


def _problem_zh(code: str, allowed: str) -> str:
    words = {
        "unknown": "不在执法人员记录中",
        "other_department": "不是本部门人员",
        "off_duty": "不在岗",
        "uncertified": "比赛当日无有效执法证件",
    }
    if code in words:
        return words[code]
    return f"为{label(Employment(code))}人员(要求{allowed})"


class ExamPaperWeights(RuleBase):
    """Each exam paper (of ``exams``; every paper when empty; only those marked
    ``preliminary`` with ``preliminary_only``) sets its questions in the shares given, in
    percent, within ``tolerance`` percentage points."""

    kind: Literal["exam_paper_weights"]
    theory_percent: float = Field(ge=0, le=100)
    document_percent: float = Field(ge=0, le=100)
    procedure_percent: float = Field(ge=0, le=100)
    tolerance: float = Field(default=0, ge=0)
    exams: list[str] = Field(default_factory=list)
    preliminary_only: bool = Field(
        default=False, description="Only the contest's preliminary papers (preliminary true)"
    )

    subject_type: ClassVar[str] = "exam_paper"

    def check(self, ctx: Context) -> pl.DataFrame:
        papers = ctx.records.table("exam_papers")
        if self.exams:
            papers = papers.filter(pl.col("exam").is_in(self.exams))
        if self.preliminary_only:
            papers = papers.filter(pl.col("preliminary").fill_null(False))
        targets = {
            "theory_percent": self.theory_percent,
            "document_percent": self.document_percent,
            "procedure_percent": self.procedure_percent,
        }
        off = pl.lit(False)
        for column, target in targets.items():
            off |= (pl.col(column) - target).abs() > self.tolerance
        return finding_frame(
            papers.filter(off),
            subject_type="exam_paper",
            subject_id=pl.col("id"),
            department=pl.lit(None, dtype=pl.String),
            status=Status.NOT_MET.value,
            figures={
                "exam": pl.col("exam"),
                **{column: pl.col(column) for column in targets},
                **{f"required_{column}": pl.lit(target) for column, target in targets.items()},
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        shares = [
            number(figures[c]) for c in ("theory_percent", "document_percent", "procedure_percent")
        ]
        required = [
            number(figures[f"required_{c}"])
            for c in ("theory_percent", "document_percent", "procedure_percent")
        ]
        return (
            f"试卷 {subject_id}(考试 {figures['exam']})理论业务知识、执法文书纠错、执法流程纠错"
            f"试题比例为 {'/'.join(shares)}%,不是 {'/'.join(required)}%。",
            f"Paper {subject_id} (exam {figures['exam']}) weights theory, documents and procedure "
            f"{'/'.join(shares)}%, not {'/'.join(required)}%.",
        )
