"""Live piece of ``staff_ratio``: each department's legal reviewers against a share of its
enforcement staff, judged again when the department or one of its officers changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._conditions import Condition, all_of, equals, field, less
from .._kinds.staffing import StaffRatio
from .._rulebase import Status
from ._base import (
    Change,
    DepartmentTracker,
    LiveState,
    Members,
    Observation,
    first_moment,
    reached,
)


class StaffRatioTracker(DepartmentTracker, follows=StaffRatio):
    """Enforcement staff is the department's ``enforcement_staff`` where given, else its
    officers of the rule's employment on duty (kept by ``Members``); the monitor derives the
    reviewers required in whole persons (``StaffRatio.required``), and the ruleset compares."""

    how: ClassVar[str] = (
        "per department: its legal reviewers and the reviewers required in whole persons "
        "(`StaffRatio.required`, from its `enforcement_staff` or the officers of the rule's "
        "employment on duty, kept as officers arrive)"
    )

    rule: StaffRatio
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "officers"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        employment = {str(e) for e in self.rule.employment}
        self.members = Members(lambda o: o["employment"] in employment and o["on_duty"])
        self.start = LiveState.in_force(self.rule, self.pack).start
        self.moments = (first_moment(self.start),)

    def ruleset(self) -> dict[str, Condition]:
        return {
            Status.MISSING.value: all_of(reached(self.start), equals("reported", False)),
            Status.NOT_MET.value: all_of(
                reached(self.start),
                equals("reported", True),
                less("legal_reviewers", field("required")),
            ),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "departments":
            return (self.observe(change.row["id"]),)
        return [self.observe(d) for d in self.members.update(change.row)]

    def observe(self, department_id: str) -> Observation:
        if department_id not in self.departments():
            return self.outside(department_id)
        department = self.state.departments[department_id]
        given = department["enforcement_staff"]
        staff = given if given is not None else len(self.members(department_id))
        required = self.rule.required(staff)
        reviewers = department["legal_reviewers"]
        event = {
            "today": self.state.day,
            "reported": reviewers is not None,
            "legal_reviewers": reviewers if reviewers is not None else 0,
            "required": required,
        }
        return self.observation(
            department_id,
            department_id,
            event,
            lambda: {
                "staff": staff,
                "staff_from": "department" if given is not None else "officers",
                "legal_reviewers": reviewers,
                "required": required,
                "percent": self.rule.minimum_percent,
            },
        )
