"""``staff_ratio``: a unit holds at least a share of its enforcement staff as legal reviewers
(法制审核人员), in whole persons."""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._conditions import Decision, all_of, equals, field, less, reached
from .._fields import EmploymentName
from .._figures import Figures, figure
from .._live._base import Observation, first_moment
from .._rulebase import Context, Period, RuleBase, Status
from ._decisions import judged_findings
from ._officers import MembersTracker, enforcement_employment, enforcement_officers
from ._words import number


class StaffRatioFigures(Figures):
    staff: int = figure("执法人员总数", "enforcement staff")
    staff_from: str = figure("人数来源", "staff counted from")
    legal_reviewers: int | None = figure("法制审核人员数", "legal reviewers")
    required: int = figure("要求", "required")
    percent: float = figure("百分比", "percent")


class StaffRatio(RuleBase):
    """Each unit has at least ``minimum_percent`` % of its enforcement staff as legal reviewers
    (法制审核人员), in whole persons: the share rounded up (5% of 21 is 1.05, so 2 persons).

    Enforcement staff is the department's ``enforcement_staff`` where given, else its officers
    of ``employment`` on duty. A department that gives no ``legal_reviewers`` is ``missing``.
    """

    kind: Literal["staff_ratio"]
    minimum_percent: float = Field(gt=0, le=100)
    employment: list[EmploymentName] = Field(
        default_factory=enforcement_employment,
        description="Officers counted as enforcement staff when the department gives no count",
    )

    subject_type: ClassVar[str] = "department"
    figures: ClassVar[type[Figures]] = StaffRatioFigures

    @cached_property
    def share(self) -> Fraction:
        """The share exactly (5% is 1/20): whole persons are ceil(staff * share)."""
        return Fraction(str(self.minimum_percent)) / 100

    def required(self, staff: int) -> int:
        """The legal reviewers ``staff`` enforcement staff need, in whole persons."""
        share = self.share
        return (staff * share.numerator + share.denominator - 1) // share.denominator

    def decision(self, in_force: Period) -> Decision:
        """On a department's ``today``, ``reported`` (whether it gives its legal reviewers),
        ``legal_reviewers`` and ``required``."""
        return {
            Status.MISSING.value: all_of(reached(in_force.start), equals("reported", False)),
            Status.NOT_MET.value: all_of(
                reached(in_force.start),
                equals("reported", True),
                less("legal_reviewers", field("required")),
            ),
        }

    def judged(
        self, given: int | None, reviewers: int | None, officers: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A department's event (without the clock) and figures, from the enforcement staff
        and legal reviewers it gives and the number of its officers of ``employment`` on
        duty."""
        staff = given if given is not None else officers
        required = self.required(staff)
        event = {
            "reported": reviewers is not None,
            "legal_reviewers": reviewers if reviewers is not None else 0,
            "required": required,
        }
        return event, StaffRatioFigures.of(
            staff=staff,
            staff_from="department" if given is not None else "officers",
            legal_reviewers=reviewers,
            required=required,
            percent=self.minimum_percent,
        )

    def check(self, ctx: Context) -> pl.DataFrame:
        counted = enforcement_officers(ctx, self, self.employment, True)
        officers = dict(counted.group_by("department").len().iter_rows())
        scope, given = set(ctx.departments(self)), dict[str, tuple[Any, Any]]()
        columns = ctx.records.departments.select("id", "enforcement_staff", "legal_reviewers")
        for department, staff, reviewers in columns.iter_rows():  # the first of an id
            if department in scope:
                given.setdefault(department, (staff, reviewers))
        judged = [(d, d, *self.judged(*n, officers.get(d, 0))) for d, n in given.items()]
        return judged_findings(self, ctx, judged)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        staff, required = figures["staff"], figures["required"]
        percent = number(figures["percent"])
        counted_zh = "" if figures["staff_from"] == "department" else "(按在岗执法人员记录计)"
        counted_en = "" if figures["staff_from"] == "department" else " (counted from its officers)"
        need_zh = f"执法人员 {staff} 人{counted_zh},{percent}% 向上取整须 {required} 人"
        need_en = f"{staff} enforcement staff{counted_en}; {percent}% rounded up is {required}"
        if figures["legal_reviewers"] is None:
            return (
                f"{subject_id} 未填报法制审核人员数;{need_zh}。",
                f"{subject_id} gives no number of legal reviewers; {need_en}.",
            )
        return (
            f"{subject_id} 法制审核人员 {figures['legal_reviewers']} 人,少于要求:{need_zh}。",
            f"{subject_id} has {figures['legal_reviewers']} legal reviewer(s), too few: {need_en}.",
        )


class StaffRatioTracker(MembersTracker, follows=StaffRatio):
    how: ClassVar[str] = (
        "per department: its legal reviewers and the reviewers required in whole persons "
        "(`StaffRatio.required`, from its `enforcement_staff` or, where it gives none, its "
        "officers of the rule's employment on duty)"
    )
    rule: StaffRatio

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.moments = (first_moment(self.in_force.start),)

    def counts(self, officer: dict[str, Any]) -> bool:
        return officer["employment"] in self.rule.employment and bool(officer["on_duty"])

    def observe(self, department_id: str) -> Observation:
        if department_id not in self.departments():
            return self.outside(department_id)
        department = self.state.departments[department_id]
        event, figures = self.rule.judged(
            department["enforcement_staff"],
            department["legal_reviewers"],
            len(self.members(department_id)),
        )
        return self.observation(
            department_id, department_id, event | {"today": self.state.day}, lambda: figures
        )
