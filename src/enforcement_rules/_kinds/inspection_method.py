"""``inspection_method``: everyday inspections are started by the random method
(双随机、一公开)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .._conditions import Decision, all_of, equals, none_of
from .._fields import InspectionMethodName
from .._figures import Figures, figure
from .._rulebase import Period, Status
from .._vocab import ActionKind, InspectionMethod, label
from ._acts import UNSAID, ActRule, ActTracker


class InspectionMethodFigures(Figures):
    date: str = figure("日期", "date")
    method: str | None = figure("检查方式", "inspection method")
    enterprise: bool | None = figure("涉企", "enterprise")


def methods_zh(values: list[str]) -> str:
    """Inspection methods in Chinese words: ``双随机抽查、…``."""
    return "、".join(label(InspectionMethod(v)) for v in values)


class InspectionMethodRule(ActRule):
    """Each everyday inspection (``kind`` inspection; of an enterprise when ``enterprise_only``)
    is started by one of ``methods`` (双随机抽查). Inspections started by a method of
    ``not_everyday`` (a special campaign, a complaint, a referral, key supervision) are not
    everyday ones and are not judged. Another method is ``not_met``; an inspection whose
    record does not say how it was started is ``missing``. With ``enterprise_only``, an
    inspection not recorded as of an enterprise (``enterprise`` false or absent) is not judged."""

    kind: Literal["inspection_method"]
    methods: list[InspectionMethodName] = Field(min_length=1)
    not_everyday: list[InspectionMethodName] = Field(default_factory=list)
    enterprise_only: bool = False

    figures: ClassVar[type[Figures]] = InspectionMethodFigures

    def kinds(self) -> list[str]:
        return [ActionKind.INSPECTION.value]

    def decision(self, in_force: Period) -> Decision:
        """On an inspection's method (``started``; ``unknown`` when its record does not say)
        and, with ``enterprise_only``, whether it is ``of_enterprise``."""
        scope = self.scope(in_force)
        if self.enterprise_only:
            scope.append(equals("of_enterprise", True))
        judged = [InspectionMethod(m).value for m in (*self.methods, *self.not_everyday)]
        return {
            Status.MISSING.value: all_of(*scope, equals("started", UNSAID)),
            Status.NOT_MET.value: all_of(*scope, none_of("started", [*judged, UNSAID])),
        }

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        allowed = [InspectionMethod(m).value for m in self.methods]
        what_zh = "涉企行政检查" if figures["enterprise"] else "行政检查"
        what_en = "enterprise inspection" if figures["enterprise"] else "inspection"
        head_zh = f"{what_zh} {subject_id}({figures['date']})"
        head_en = f"The {what_en} {subject_id} ({figures['date']})"
        if figures["method"] is None:
            return (
                f"{head_zh}没有记载检查方式,不能显示是否通过{methods_zh(allowed)}进行。",
                f"{head_en} does not say how it was started, so it cannot show it was by "
                f"{', '.join(allowed)}.",
            )
        used = label(InspectionMethod(figures["method"]))
        return (
            f"{head_zh}以「{used}」方式进行;日常检查应通过{methods_zh(allowed)}进行。",
            f"{head_en} was started by {figures['method']}; an everyday inspection is to be "
            f"by {', '.join(allowed)}.",
        )


class InspectionMethodTracker(ActTracker, follows=InspectionMethodRule):
    how: ClassVar[str] = (
        "per inspection, when it arrives: its method (`method`, and `enterprise` where the "
        "rule asks) against the rule's methods and those that are not everyday ones; "
        "`missing` or `not_met`"
    )
    rule: InspectionMethodRule
