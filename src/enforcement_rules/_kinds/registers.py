"""Registers a department keeps of what it set up or handed over: electronic monitoring
devices, entrusted enforcement. Each entry needs every part the text names."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._dates import has_ended
from .._exceptions import levels_zh
from .._fields import BasisLevelName
from .._findings import empty_findings, finding_frame
from .._legal_basis import level_of
from .._models import RECORD_TYPES
from .._rulebase import RuleBase, Status
from .._vocab import BasisLevel, label
from ._words import listed
from .campaign import municipal_departments, scope_link

if TYPE_CHECKING:
    from .._rulebase import Context

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


def basis_level_of(basis: str | None, stated: str | None) -> str | None:
    """The level of an entry's legal basis as a value: as stated, else read from its title
    (``_legal_basis``), else ``None``."""
    level = level_of(basis, stated)
    return None if level is None else level.value


class RegisterCompleteness(RuleBase):
    """Each entry of ``record_type`` of the rule's departments (those the ``campaign_scope``
    rule places in its municipal campaign, when one is named) has every ``required`` part: a
    text present, a date on or before the as-of day. An entry without one is ``incomplete``;
    before ``due`` it is ``pending``.

    ``basis_levels``: the levels its ``legal_basis`` must have (法律、行政法规 for a monitoring
    device). A basis of another level counts as no basis; one whose level neither the record
    states (``basis_level``) nor its title shows is not judged (a data-quality warning says so).
    """

    kind: Literal["register_completeness"]
    record_type: Literal["monitoring_devices", "entrustments"]
    required: list[str] = Field(min_length=1)
    due: date | None = None
    campaign_scope: str | None = None
    basis_levels: list[BasisLevelName] = Field(default_factory=list)

    subject_type: ClassVar[str] = "record"

    @property
    def accepted(self) -> list[str]:
        """The levels ``legal_basis`` must have, as values."""
        return [BasisLevel(level).value for level in self.basis_levels]

    def basis_falls_short(self, level: str | None) -> bool:
        """Whether a legal basis of ``level`` is below what the rule requires."""
        return bool(self.basis_levels) and level is not None and level not in self.accepted

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
        table = with_basis_levels(table)
        short = pl.lit(bool(self.basis_levels)) & ~pl.col("basis_read").is_in(self.accepted)
        lacking = [
            pl.when(
                pl.col(f).is_null() | (pl.col(f) > ctx.as_of)
                if schema[f] == pl.Date
                else pl.col(f).is_null() | (short.fill_null(False) if f == "legal_basis" else False)
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
            figures=self._figures(),
        )

    def _figures(self) -> dict[str, pl.Expr]:
        figures = {"name": pl.col(NAMED_BY[self.record_type]), "lacking": pl.col("lacking")}
        if self.basis_levels:
            figures |= {"legal_basis": pl.col("legal_basis"), "basis_level": pl.col("basis_read")}
        return figures

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        entry_zh, entry_en = ENTRY_WORDS[self.record_type]
        lacking_zh = listed(PARTS.get(f, (f, f))[0] for f in figures["lacking"])
        lacking_en = ", ".join(PARTS.get(f, (f, f))[1] for f in figures["lacking"])
        zh = f"{entry_zh} {subject_id}({figures['name']})缺少:{lacking_zh}。"
        en = f"{entry_en} {subject_id} ({figures['name']}) lacks: {lacking_en}."
        level = figures.get("basis_level")
        if "legal_basis" in figures["lacking"] and figures.get("legal_basis") and level:
            accepted_en = ", ".join(v.replace("_", " ") for v in self.accepted)
            zh += (
                f"所载依据「{figures['legal_basis']}」为{label(BasisLevel(level))}，"
                f"不是所要求的{levels_zh(self.basis_levels)}。"
            )
            en += (
                f" The basis named, {figures['legal_basis']}, is a {level.replace('_', ' ')}, "
                f"not the {accepted_en} required."
            )
        return zh, en


def with_basis_levels(table: pl.DataFrame) -> pl.DataFrame:
    """``table`` with ``basis_read``: each entry's basis level, read once per distinct basis."""
    keys = ["legal_basis", "basis_level"]
    distinct = table.select(keys).unique()
    read = [basis_level_of(*row) for row in distinct.iter_rows()]
    lookup = distinct.with_columns(pl.Series("basis_read", read, dtype=pl.String))
    return table.join(lookup, on=keys, how="left", nulls_equal=True, maintain_order="left")
