"""``exam_paper_weights``: the shares of an exam paper's questions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, any_of, greater
from .._figures import Figures, figure
from .._live._base import Change, Observation, Tracker
from .._rulebase import Context, Period, RuleBase, Status
from ._decisions import judged_findings
from ._words import number

SHARES = ("theory_percent", "document_percent", "procedure_percent")


class ExamPaperWeightsFigures(Figures):
    exam: str = figure("考试", "exam")
    theory_percent: float = figure("理论试题占比", "theory share")
    document_percent: float = figure("文书纠错试题占比", "document share")
    procedure_percent: float = figure("流程纠错试题占比", "procedure share")
    required_theory_percent: float = figure("要求的理论试题占比", "required theory share")
    required_document_percent: float = figure("要求的文书纠错试题占比", "required document share")
    required_procedure_percent: float = figure("要求的流程纠错试题占比", "required procedure share")


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
    figures: ClassVar[type[Figures]] = ExamPaperWeightsFigures

    def decision(self, in_force: Period) -> Decision:
        """On how far each share of a paper is from its target (``<share>_off``)."""
        return {
            Status.NOT_MET.value: any_of(
                *(greater(f"{share}_off", self.tolerance) for share in SHARES)
            )
        }

    def counts(self, paper: Mapping[str, Any]) -> bool:
        """Whether the rule judges the paper (of its exams; preliminary, where it must be)."""
        return (not self.exams or paper["exam"] in self.exams) and (
            bool(paper["preliminary"]) or not self.preliminary_only
        )

    def judged(self, paper: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A paper's event (how far each share is from its target, ``<share>_off``) and its
        figures."""
        targets = {share: getattr(self, share) for share in SHARES}
        off = {f"{share}_off": abs(paper[share] - target) for share, target in targets.items()}
        return off, ExamPaperWeightsFigures.of(
            exam=paper["exam"],
            **{share: paper[share] for share in targets},
            **{f"required_{share}": target for share, target in targets.items()},
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        papers = ctx.records.table("exam_papers").iter_rows(named=True)
        judged = [(p["id"], None, *self.judged(p)) for p in papers if self.counts(p)]
        return judged_findings(self, ctx, judged)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        shares = [number(figures[share]) for share in SHARES]
        required = [number(figures[f"required_{share}"]) for share in SHARES]
        return (
            f"试卷 {subject_id}(考试 {figures['exam']})理论业务知识、执法文书纠错、执法流程纠错"
            f"试题比例为 {'/'.join(shares)}%,不是 {'/'.join(required)}%。",
            f"Paper {subject_id} (exam {figures['exam']}) weights theory, documents and procedure "
            f"{'/'.join(shares)}%, not {'/'.join(required)}%.",
        )


class ExamPaperWeightsTracker(Tracker, follows=ExamPaperWeights):
    how: ClassVar[str] = (
        "per exam paper, held by id: how far each share is from its target, against the tolerance"
    )
    rule: ExamPaperWeights
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "exam_papers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.papers: dict[str, dict[str, Any]] = {}

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return [self.observe(p) for p in self.papers.values()]
        self.papers[change.row["id"]] = change.row
        return (self.observe(change.row),)

    def observe(self, paper: dict[str, Any]) -> Observation:
        # evaluate checks a rule only where it applies to some department
        if not self.departments() or not self.rule.counts(paper):
            return self.outside(paper["id"])
        event, figures = self.rule.judged(paper)
        return self.observation(paper["id"], None, event, lambda: figures)
