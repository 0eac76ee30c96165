"""Registers a department keeps of what it set up or handed over: electronic monitoring
devices, entrusted enforcement. Each entry needs every part the text names."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._dates import has_ended
from .._findings import empty_findings, finding_frame
from .._models import RECORD_TYPES
from .._rulebase import RuleBase, Status
from ._words import listed
from .campaign import municipal_departments, scope_link

if TYPE_CHECKING:
    from .._context import Context

# What each field of a register entry stands for: (Chinese, English).
PARTS: dict[str, tuple[str, str]] = {
    "legal_basis": ("法律、法规依据", "legal basis"),
    "legal_review_on": ("法制审核", "legal review"),
    "technical_review_on": ("技术审核", "technical review"),
    "location_published_on": ("设置地点向社会公布", "location published"),
    "agreement_signed_on": ("签订行政执法委托书", "signed entrustment letter"),
    "published_on": ("向社会公示", "publication"),
}
# The field that names an entry in messages.
NAMED_BY = {"monitoring_devices": "location", "entrustments": "entrusted"}
ENTRY_WORDS = {
    "monitoring_devices": ("电子技术监控设备", "Monitoring device"),
    "entrustments": ("委托执法", "Entrustment"),
}


class RegisterCompleteness(RuleBase):
    """Each entry of ``record_type`` of the rule's departments (those the ``campaign_scope``
    rule places in its municipal campaign, when one is named) has every ``required`` part: a
    text present, a date on or before the as-of day. An entry without one is ``incomplete``;
    before ``due`` it is ``pending``."""

    kind: Literal["register_completeness"]
    record_type: Literal["monitoring_devices", "entrustments"]
    required: list[str] = Field(min_length=1)
    due: date | None = None
    campaign_scope: str | None = None

    subject_type: ClassVar[str] = "record"

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        return scope_link(self.campaign_scope)

    @model_validator(mode="after")
    def _known_fields(self) -> RegisterCompleteness:
        fields = RECORD_TYPES[self.record_type].model_fields
        unknown = [f for f in self.required if f not in fields]
        if unknown:
            raise ValueError(
                f"required: fields of {self.record_type} ({', '.join(fields)}); "
                f"got {', '.join(unknown)}"
            )
        return self

    def check(self, ctx: Context) -> pl.DataFrame:
        if ctx.as_of < ctx.in_force(self).start:
            return empty_findings()
        table = ctx.records.table(self.record_type)
        schema = table.schema
        lacking = [
            pl.when(
                pl.col(f).is_null() | (pl.col(f) > ctx.as_of)
                if schema[f] == pl.Date
                else pl.col(f).is_null()
            ).then(pl.lit(f))
            for f in self.required
        ]
        rows = (
            table.filter(
                pl.col("department").is_in(municipal_departments(self, self.campaign_scope, ctx))
            )
            .with_columns(pl.concat_list(lacking).list.drop_nulls().alias("lacking"))
            .filter(pl.col("lacking").list.len() > 0)
        )
        judged = self.due is None or has_ended(self.due, ctx.as_of)
        return finding_frame(
            rows,
            subject_type=self.record_type.removesuffix("s"),
            subject_id=pl.col("id"),
            department=pl.col("department"),
            status=Status.INCOMPLETE.value if judged else Status.PENDING.value,
            due=self.due,
            figures={
                "name": pl.col(NAMED_BY[self.record_type]),
                "lacking": pl.col("lacking"),
            },
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        entry_zh, entry_en = ENTRY_WORDS[self.record_type]
        lacking_zh = listed(PARTS.get(f, (f, f))[0] for f in figures["lacking"])
        lacking_en = ", ".join(PARTS.get(f, (f, f))[1] for f in figures["lacking"])
        return (
            f"{entry_zh} {subject_id}({figures['name']})缺少:{lacking_zh}。",
            f"{entry_en} {subject_id} ({figures['name']}) lacks: {lacking_en}.",
        )
