"""How inspections are started: everyday inspections by the random method (双随机、一公开)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field

from .._fields import InspectionMethodName
from .._findings import finding_frame
from .._rulebase import RuleBase, Status
from .._vocab import ActionKind, InspectionMethod, label
from .personnel import _actions_in_scope

if TYPE_CHECKING:
    from .._rulebase import Context


def _methods_zh(values: list[str]) -> str:
    return "、".join(label(InspectionMethod(v)) for v in values)


class InspectionMethodRule(RuleBase):
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

    subject_type: ClassVar[str] = "action"

    def check(self, ctx: Context) -> pl.DataFrame:
        allowed = [InspectionMethod(m).value for m in self.methods]
        excused = [InspectionMethod(m).value for m in self.not_everyday]
        condition = _actions_in_scope(self, ctx, [ActionKind.INSPECTION])
        if self.enterprise_only:
            condition &= pl.col("enterprise").fill_null(False)
        rows = (
            ctx.actions.lazy()
            .filter(condition)
            .select("id", "department", "date", "method", "enterprise")
            .filter(pl.col("method").is_null() | ~pl.col("method").is_in(allowed + excused))
            .collect()
        )
        return finding_frame(
            rows,
            subject_type="action",
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=pl.when(pl.col("method").is_null())
            .then(pl.lit(Status.MISSING.value))
            .otherwise(pl.lit(Status.NOT_MET.value)),
            figures={
                "date": pl.col("date"),
                "method": pl.col("method"),
                "enterprise": pl.col("enterprise"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        allowed = [InspectionMethod(m).value for m in self.methods]
        what_zh = "涉企行政检查" if figures["enterprise"] else "行政检查"
        what_en = "enterprise inspection" if figures["enterprise"] else "inspection"
        head_zh = f"{what_zh} {subject_id}({figures['date']})"
        head_en = f"The {what_en} {subject_id} ({figures['date']})"
        if figures["method"] is None:
            return (
                f"{head_zh}没有记载检查方式,不能显示是否通过{_methods_zh(allowed)}进行。",
                f"{head_en} does not say how it was started, so it cannot show it was by "
                f"{', '.join(allowed)}.",
            )
        used = label(InspectionMethod(figures["method"]))
        return (
            f"{head_zh}以「{used}」方式进行;日常检查应通过{_methods_zh(allowed)}进行。",
            f"{head_en} was started by {figures['method']}; an everyday inspection is to be "
            f"by {', '.join(allowed)}.",
        )
