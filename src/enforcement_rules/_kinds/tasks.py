"""Task tables (任务分解表): each task names its responsible units and its deadline.

A task's deadline is a day ("2021年底前"), "持续开展" (carried on continuously: evidence in
every calendar quarter of the period in force), both ("2022年3月,完成后持续开展": the day,
then every quarter after it), another rule that checks the same requirement on better
records (``tracked_by``), or none (listed: the text sets no date). Each responsible unit
reports its own completion (``task_reports``); one unit reporting does not cover another,
except for a task the area owes once (``area_wide``: "大武口区要培育…亮点1个"), which a report
of any of its responsible units completes for all of them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl
from pydantic import Field, model_validator

from .._chinese import ChineseText
from .._rulebase import DepartmentView, Selector, Severity, SourceRef, Spec, Status
from ._words import listed, period_zh
from .schedule import (
    Obligation,
    Owed,
    dated,
    due_passed,
    empty_schedule,
    horizon,
    not_open,
    quarter_of,
    quarter_periods,
    schedule_frame,
)

if TYPE_CHECKING:
    from .._rulebase import Context


class Task(Spec):
    """One row (or one measure of a row) of a task table."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", description="e.g. HN-4.2")
    title: str
    section: str
    quote: str = Field(min_length=2)
    units: list[str] = Field(min_length=1, description="Labels of the table's ``units``")
    due: date | None = None
    continuous: bool = Field(default=False, description="持续开展: evidence every quarter")
    tracked_by: list[str] = Field(
        default_factory=list, description="Rules that check this task on other records"
    )
    area_wide: bool = Field(
        default=False,
        description="Owed once by the area (a count or product of the whole area): a report "
        "of any responsible unit completes it for all",
    )
    severity: Severity | None = None
    note: ChineseText | None = Field(default=None, description="解读 of this row, in Chinese")
    note_en: str | None = None

    @model_validator(mode="after")
    def _one_way_of_tracking(self) -> Task:
        if (self.note is None) != (self.note_en is None):
            raise ValueError(f"task {self.id}: 'note' (Chinese) and 'note_en' go together")
        if self.tracked_by and (self.due is not None or self.continuous):
            raise ValueError(f"task {self.id}: 'tracked_by' or a due day/continuous, not both")
        if self.area_wide and (self.due is None or self.continuous):
            raise ValueError(f"task {self.id}: 'area_wide' needs a due day, and not continuous")
        return self

    @property
    def tracked(self) -> bool:
        """Whether the table itself judges this task from task reports."""
        return self.due is not None or self.continuous

    def when(self) -> str:
        if self.tracked_by:
            return "由规则 " + "、".join(self.tracked_by) + " 检查"
        if self.due is not None and self.continuous:
            return f"{self.due} 前,完成后持续开展(每季度)"
        if self.due is not None:
            return f"{self.due} 前"
        if self.continuous:
            return "持续开展(每季度)"
        return "未设时限(列示,不检查)"


class TaskTable(Obligation):
    """A task table: ``units`` names each responsible unit with a selector; ``tasks`` lists
    every row with its quote, units and deadline."""

    kind: Literal["task_table"]
    units: dict[str, Selector] = Field(min_length=1)
    tasks: list[Task] = Field(min_length=1)

    subject_type: ClassVar[str] = "task"
    record_type: ClassVar[str] = "task_reports"

    @model_validator(mode="after")
    def _consistent(self) -> TaskTable:
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValueError(f"task id {task.id} appears twice")
            seen.add(task.id)
            unknown = [u for u in task.units if u not in self.units]
            if unknown:
                raise ValueError(
                    f"task {task.id}: units {', '.join(unknown)} are not defined in 'units'"
                )
        return self

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    # -- sources and references ----------------------------------------------------------

    def _row_source(self, task: Task) -> SourceRef:
        return SourceRef(document=self.sources[0].document, section=task.section, quote=task.quote)

    def quoted(self) -> list[tuple[tuple[str | int, ...], SourceRef]]:
        rows: list[tuple[tuple[str | int, ...], SourceRef]] = [
            (("tasks", number), self._row_source(task)) for number, task in enumerate(self.tasks)
        ]
        return super().quoted() + rows

    def references(self) -> list[str]:
        return [ref for task in self.tasks for ref in task.tracked_by]

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        task = self.task(subject_id)
        return ([self._row_source(task)] if task else []) + list(self.sources)

    def item_title(self, item: str) -> str:
        task = self.task(item)
        return f"{item} {task.title}" if task else self.title

    # -- who owes what ---------------------------------------------------------------------

    def units_of(self, department: DepartmentView) -> list[str]:
        """Labels of the units ``department`` is."""
        return [name for name, selector in self.units.items() if selector.matches(department)]

    def _owers(self, ctx: Context) -> pl.DataFrame:
        """(task, department, units) for every tracked task and responsible department."""
        in_scope = ctx.departments(self)
        schema = {"unit": pl.String, "department": pl.String}
        units = pl.concat(
            [pl.DataFrame(schema=schema)]
            + [
                pl.DataFrame(
                    {"department": ctx.selected(selector)}, schema={"department": pl.String}
                )
                .filter(pl.col("department").is_in(in_scope))
                .select(pl.lit(name).alias("unit"), "department")
                for name, selector in self.units.items()
            ]
        )
        rows = [(t.id, u) for t in self.tasks if t.tracked for u in t.units]
        task_units = pl.DataFrame(rows, schema={"task": pl.String, "unit": pl.String}, orient="row")
        # A department's units are named in the order the task lists them.
        return (
            task_units.join(units, on="unit", how="inner", maintain_order="left")
            .group_by("task", "department", maintain_order=True)
            .agg(pl.col("unit").alias("units"))
        )

    def _periods(self, ctx: Context) -> pl.DataFrame:
        """(task, period, due, opens, severity) of every tracked task."""
        period = ctx.in_force(self)
        last = horizon(period, ctx.as_of)
        frames = []
        for task in (t for t in self.tasks if t.tracked):
            severity = (task.severity or self.severity).value
            if task.due is not None:
                frames.append(
                    pl.DataFrame(
                        {
                            "task": [task.id],
                            "period": [None],
                            "due": [task.due],
                            "opens": [period.start],
                            "severity": [severity],
                        },
                        schema=_PERIOD_SCHEMA,
                    )
                )
            if task.continuous:
                first = period.start if task.due is None else task.due + timedelta(days=1)
                quarters = quarter_periods(first, last).select(
                    pl.lit(task.id).alias("task"),
                    "period",
                    "due",
                    pl.max_horizontal("opens", pl.lit(period.start)).alias("opens"),
                    pl.lit(severity).alias("severity"),
                )
                frames.append(quarters)
        if not frames:
            return pl.DataFrame(schema=_PERIOD_SCHEMA)
        return pl.concat([f.cast(_PERIOD_SCHEMA) for f in frames])  # type: ignore[arg-type]

    def schedule(self, ctx: Context) -> pl.DataFrame:
        owers = self._owers(ctx)
        items = owers.join(self._periods(ctx), on="task", how="inner")
        if items.height == 0:
            return empty_schedule()
        reports = dated(ctx.records.table("task_reports"), "completed_on", ctx.as_of).select(
            "task",
            "department",
            "completed_on",
            pl.coalesce("period", quarter_of("completed_on")).alias("label"),
        )
        once = reports.group_by("task", "department").agg(
            pl.col("completed_on").min().alias("completed"), pl.len().alias("reports")
        )
        # A task the area owes once: the reports of every responsible unit count for each.
        area = [t.id for t in self.tasks if t.area_wide]
        area_reports = (
            reports.filter(pl.col("task").is_in(area))
            .join(owers.select("task", "department"), on=["task", "department"], how="semi")
            .group_by("task")
            .agg(pl.col("completed_on").min().alias("completed"), pl.len().alias("reports"))
        )
        quarterly = reports.group_by("task", "department", "label").agg(
            pl.col("completed_on").min().alias("completed"), pl.len().alias("reports")
        )
        one_off = items.filter(pl.col("period").is_null())
        dated_items = pl.concat(
            [
                one_off.filter(~pl.col("task").is_in(area)).join(
                    once, on=["task", "department"], how="left"
                ),
                one_off.filter(pl.col("task").is_in(area)).join(
                    area_reports, on="task", how="left"
                ),
            ]
        )
        quarter_items = items.filter(pl.col("period").is_not_null()).join(
            quarterly,
            left_on=["task", "department", "period"],
            right_on=["task", "department", "label"],
            how="left",
        )
        rows = pl.concat([dated_items, quarter_items]).with_columns(pl.col("reports").fill_null(0))
        is_dated = pl.col("period").is_null()
        status = (
            pl.when(not_open(ctx.as_of))
            .then(pl.lit(Status.PENDING.value))
            .when(pl.col("reports") == 0)
            .then(
                pl.when(due_passed(ctx.as_of))
                .then(pl.lit(Status.MISSING.value))
                .otherwise(pl.lit(Status.PENDING.value))
            )
            .when(~is_dated | (pl.col("completed") <= pl.col("due")))
            .then(pl.lit(Status.MET.value))
            .otherwise(pl.lit(Status.LATE.value))
        )
        return schedule_frame(
            rows,
            rule=self,
            subject_type="task",
            subject_id=pl.col("task"),
            item=pl.col("task"),
            status=status,
            figures={
                "task": pl.col("task"),
                "department": pl.col("department"),
                "units": pl.col("units"),
                "period": pl.col("period"),
                "due": pl.col("due"),
                "completed": pl.col("completed"),
                "reports": pl.col("reports"),
            },
            severity=pl.col("severity"),
        )

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        task = self.task(subject_id)
        title = task.title if task else subject_id
        department, units = figures["department"], listed(figures["units"])
        head_zh = f"任务 {subject_id}「{title}」责任单位 {department}({units})"
        head_en = f"Task {subject_id}, responsible unit {department} ({units})"
        period, due = figures["period"], figures["due"]
        if period:
            if figures["reports"]:
                return (
                    f"{head_zh}{period_zh(period)}有工作佐证 {figures['reports']} 份。",
                    f"{head_en}: evidence for {period} ({figures['reports']} report(s)).",
                )
            return (
                f"{head_zh}{period_zh(period)}没有工作佐证(持续开展,每季度须有佐证)。",
                f"{head_en}: no evidence for {period} (carried on continuously: evidence "
                "every quarter).",
            )
        if not figures["completed"]:
            if task is not None and task.area_wide:
                return (
                    f"{head_zh}:该任务由全区完成一项,截至评估日没有任何责任单位报告完成;"
                    f"期限 {due}。",
                    f"{head_en}: owed once by the area, and no responsible unit reported it "
                    f"done by the evaluation day; due {due}.",
                )
            return (
                f"{head_zh}截至评估日未报告完成;期限 {due}。",
                f"{head_en}: no completion reported by the evaluation day; due {due}.",
            )
        if figures["completed"] <= due:
            return (
                f"{head_zh}于 {figures['completed']} 报告完成,按期(期限 {due})。",
                f"{head_en}: completed {figures['completed']}, in time (due {due}).",
            )
        return (
            f"{head_zh}于 {figures['completed']} 报告完成,晚于期限 {due}。",
            f"{head_en}: completed {figures['completed']}, after the {due} deadline.",
        )

    def owed(self) -> list[Owed]:
        return [
            Owed(
                record_type=(
                    "task_reports" if task.tracked else ("rules" if task.tracked_by else "-")
                ),
                item=task.id,
                title=task.title,
                when=task.when(),
                owers="、".join(task.units),
                details=(
                    ("提示 warning" if task.severity == Severity.WARNING else "")
                    + (task.note or "")
                ),
            )
            for task in self.tasks
        ]


_PERIOD_SCHEMA = {
    "task": pl.String(),
    "period": pl.String(),
    "due": pl.Date(),
    "opens": pl.Date(),
    "severity": pl.String(),
}
