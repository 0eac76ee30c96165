"""What every rule has: identity, wording, scope, period in force, sources and the reading;
and the registry of rule kinds.

A rule kind is one module under ``_kinds/``: a ``RuleBase`` subclass with a literal ``kind``
(which registers it in ``KINDS``), its typed parameters, its ``Figures``, its ``decision``, a
``check`` that gathers its inputs with polars for ``evaluate``, a ``describe`` that words one
finding, and the ``Tracker`` that gathers them record by record for the monitor. Rule files
hold data only: no expressions, nothing evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    Protocol,
    TypeVar,
    get_args,
    get_origin,
)

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ._chinese import ChineseText
from ._conditions import Decision
from ._fields import LevelName
from ._figures import Figures
from ._vocab import Level, canonical_domain, label, parse_enum

if TYPE_CHECKING:
    from ._live._base import Tracker
    from ._records import Records
    from ._rules import Pack


class Severity(StrEnum):
    """``violation`` for what the text requires; ``warning`` for "原则上", "努力", "基本"."""

    VIOLATION = "violation"
    WARNING = "warning"


class Status(StrEnum):
    """What a finding says about its subject as of the evaluation day."""

    MET = "met"  # in a schedule only (the calendar): delivered in time; never a finding
    NOT_MET = "not_met"  # a requirement on a record, an officer or a year is not met
    LATE = "late"  # delivered after the due moment
    MISSING = "missing"  # due, and nothing delivered
    INCOMPLETE = "incomplete"  # delivered without a required part
    PENDING = "pending"  # not yet due: shown, not a violation


STATUS_LABELS = {
    Status.MET: "已完成",
    Status.NOT_MET: "不符合",
    Status.LATE: "逾期",
    Status.MISSING: "缺失",
    Status.INCOMPLETE: "不完整",
    Status.PENDING: "未到期",
}
SEVERITY_LABELS = {Severity.VIOLATION: "违规", Severity.WARNING: "提示"}


def status_label(severity: Severity, status: Status) -> str:
    """How a finding's conclusion reads: 「违规·逾期」, 「提示·不符合」; a finding not yet due
    is 「未到期」 whatever its severity (it is no breach yet)."""
    if status == Status.PENDING:
        return STATUS_LABELS[status]
    return f"{SEVERITY_LABELS[severity]}·{STATUS_LABELS[status]}"


class Spec(BaseModel):
    """Base of rule-file models: strict about unknown keys, lax about YAML's own types."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _domain(value: object) -> object:
    if isinstance(value, str):
        name = canonical_domain(value)
        if name is None:
            raise ValueError(
                f"a domain of the vocabulary (enforcement_rules.DOMAINS); got {value!r}"
            )
        return name
    return value


Domain = Annotated[str, BeforeValidator(_domain)]


class Selector(Spec):
    """Which departments a pack or rule applies to; every condition given must hold.

    ``region`` is a prefix of the department's region path; ``levels`` and ``domains`` are
    any-of; ``name_contains`` any-of, ``name_excludes`` none-of (e.g. the receiving 司法局).
    ``any_of``: at least one of these selectors matches ("各市县交通运输局、厅执法局");
    ``exclude``: none of these matches (e.g. the 市司法局 that receives the reports).
    """

    region: list[str] = Field(default_factory=list)
    levels: list[LevelName] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    exclude_domains: list[Domain] = Field(default_factory=list)
    name_contains: list[str] = Field(default_factory=list)
    name_excludes: list[str] = Field(default_factory=list)
    any_of: list[Selector] = Field(default_factory=list)
    exclude: list[Selector] = Field(default_factory=list)

    def matches(self, department: DepartmentView) -> bool:
        """Whether ``department`` meets every condition (``misses`` says which it fails)."""
        return not self.misses(department)

    def misses(self, department: DepartmentView) -> list[str]:
        """The conditions ``department`` fails, in words (empty when it matches)."""
        failed: list[str] = []
        if self.region and tuple(department.region[: len(self.region)]) != tuple(self.region):
            failed.append("region not within " + "/".join(self.region))
        if self.levels and department.level not in self.levels:
            failed.append("level not " + "|".join(label(lv) for lv in self.levels))
        if self.domains and department.domain not in self.domains:
            failed.append("domain not " + "|".join(self.domains))
        if self.exclude_domains and department.domain in self.exclude_domains:
            failed.append("domain " + department.domain + " excluded")
        if self.name_contains and not any(w in department.name for w in self.name_contains):
            failed.append("name contains none of " + "|".join(self.name_contains))
        if any(w in department.name for w in self.name_excludes):
            failed.append("name contains " + "|".join(self.name_excludes))
        if self.any_of and not any(s.matches(department) for s in self.any_of):
            failed.append("matches none of: " + " | ".join(s.describe() for s in self.any_of))
        for excluded in self.exclude:
            if excluded.matches(department):
                failed.append("excluded: " + excluded.describe())
        return failed

    def expression(self) -> pl.Expr:
        """The selector as a polars condition on a table of departments (columns ``name``,
        ``region``, ``level``, ``domain``): true where ``matches`` is, for every department at
        once."""
        import polars as pl

        condition = pl.lit(True)
        if self.region:
            condition &= pl.col("region").list.len() >= len(self.region)
            for depth, place in enumerate(self.region):
                condition &= pl.col("region").list.get(depth, null_on_oob=True) == place
        if self.levels:
            condition &= pl.col("level").is_in([Level(lv).value for lv in self.levels])
        if self.domains:
            condition &= pl.col("domain").is_in(self.domains)
        if self.exclude_domains:
            condition &= ~pl.col("domain").is_in(self.exclude_domains)
        if self.name_contains:
            condition &= pl.any_horizontal(
                pl.col("name").str.contains(w, literal=True) for w in self.name_contains
            )
        for word in self.name_excludes:
            condition &= ~pl.col("name").str.contains(word, literal=True)
        if self.any_of:
            condition &= pl.any_horizontal(s.expression() for s in self.any_of)
        for excluded in self.exclude:
            condition &= ~excluded.expression()
        return condition.fill_null(False)

    def describe(self) -> str:
        """The selector in words (Chinese), for listings."""
        parts: list[str] = []
        if self.region:
            parts.append("辖区 " + "/".join(self.region))
        if self.levels:
            parts.append("层级 " + "、".join(label(lv) for lv in self.levels))
        if self.domains:
            parts.append("领域 " + "、".join(self.domains))
        if self.exclude_domains:
            parts.append("不含领域 " + "、".join(self.exclude_domains))
        if self.name_contains:
            parts.append("名称含 " + "或".join(self.name_contains))
        if self.name_excludes:
            parts.append("名称不含 " + "、".join(self.name_excludes))
        if self.any_of:
            parts.append("符合其一 (" + ")或(".join(s.describe() for s in self.any_of) + ")")
        if self.exclude:
            parts.append("排除 (" + ")、(".join(s.describe() for s in self.exclude) + ")")
        return ";".join(parts) or "全部"


Selector.model_rebuild()


@dataclass(frozen=True, slots=True)
class DepartmentView:
    """The fields of a department a selector reads."""

    id: str
    name: str
    region: tuple[str, ...]
    level: Level
    domain: str

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> DepartmentView:
        """The view of a department record's row."""
        return cls(
            id=row["id"],
            name=row["name"],
            region=tuple(row["region"]),
            level=parse_enum(Level, row["level"]),
            domain=row["domain"],
        )


class Period(Spec):
    """Days in force, both inclusive; ``to`` empty means open-ended."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError("'to' on or after 'from'")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat() if self.end else '…'}"


# The places where a source copy lost characters (``lost_characters`` of documents.yaml), by
# document id: filled when the documents are loaded, so every quote can show its reading.
LOST_CHARACTERS: dict[str, tuple[tuple[str, str], ...]] = {}


class SourceRef(Spec):
    """Where a rule comes from: a document id, its section, and a verbatim quote."""

    document: str
    section: str
    quote: str = Field(min_length=2)

    def lost(self) -> list[tuple[str, str]]:
        """The words of the quote whose characters the source copy lost: (as written, read as)."""
        return [(w, r) for w, r in LOST_CHARACTERS.get(self.document, ()) if w in self.quote]

    def reading(self, lang: str = "zh") -> str:
        """How the quote is read where characters were lost (empty when none were), e.g.
        ``（原文缺字：「20246月底前」读作「2024年6月底前」）``."""
        lost = self.lost()
        if not lost:
            return ""
        if lang == "en":
            return (
                " (characters lost in the source copy: "
                + "; ".join(f"{w} reads {r}" for w, r in lost)
                + ")"
            )
        return "（原文缺字：" + "；".join(f"「{w}」读作「{r}」" for w, r in lost) + "）"

    def quoted(self, lang: str = "zh") -> str:
        """The quote in 「」, with its reading where characters were lost."""
        return f"「{self.quote}」{self.reading(lang)}"


T = TypeVar("T")


class Context(Protocol):
    """What a kind's batch check reads of one evaluation (``_context.Context`` holds it)."""

    @property
    def as_of(self) -> date: ...

    @property
    def records(self) -> Records: ...

    @property
    def actions(self) -> pl.DataFrame: ...  # dated on or before the as-of day

    @property
    def trainings(self) -> pl.DataFrame: ...  # dated on or before the as-of day

    @property
    def officers(self) -> pl.DataFrame: ...  # with their department's ``department_domain``

    @property
    def department_table(self) -> pl.DataFrame: ...

    def selected(self, *selectors: Selector) -> list[str]: ...

    def pack_of(self, rule: RuleBase) -> Pack: ...

    def departments(self, rule: RuleBase) -> list[str]: ...

    def in_force(self, rule: RuleBase) -> Period: ...

    def years(self, rule: RuleBase) -> list[tuple[int, bool]]: ...

    def shared(self, key: tuple[str, ...], compute: Callable[[], T]) -> T: ...


KINDS: dict[str, type[RuleBase]] = {}
"""Every rule kind by its name, in the order its module was imported (``_kinds`` imports them
all): each kind registers itself when its class is made."""


class RuleBase(Spec):
    """Fields every rule has. Subclasses add ``kind`` (a literal) and their parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: str
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    title: ChineseText = Field(description="The rule in a line, in Chinese")
    title_en: str
    register_rows: list[str] = Field(
        default_factory=list,
        alias="register",
        description="Rows of the requirements register this rule encodes (e.g. G2)",
    )
    severity: Severity = Severity.VIOLATION
    applies_to: Selector = Field(default_factory=Selector)
    in_force: Period | None = None
    sources: list[SourceRef] = Field(min_length=1)
    note: ChineseText = Field(
        min_length=1,
        description="解读: which words of the text were read how, and why, in Chinese",
    )
    note_en: str = Field(min_length=1, description="The 解读 in English")
    fix: ChineseText = Field(description="What would fix a finding, in Chinese")
    fix_en: str

    # Set by subclasses: the record type a finding of this kind is about, for listings.
    subject_type: ClassVar[str] = "record"
    # Set by subclasses: the typed figures of its findings (and of its exemptions).
    figures: ClassVar[type[Figures]]
    exemption_figures: ClassVar[type[Figures] | None] = None
    # Set by the kind's tracker (``Tracker``'s ``follows=``); a kind the monitor does not
    # follow says why in ``not_followed``.
    tracker: ClassVar[type[Tracker] | None] = None
    not_followed: ClassVar[str] = "the monitor has no live piece for it"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        annotation = cls.model_fields["kind"].annotation
        if get_origin(annotation) is Literal:
            (name,) = get_args(annotation)
            if name in KINDS and KINDS[name].__qualname__ != cls.__qualname__:
                raise TypeError(f"two rule kinds named {name}: {KINDS[name]} and {cls}")
            KINDS[name] = cls

    def figures_for(self, subject_type: str) -> type[Figures]:
        """The typed figures of this rule's findings about a subject of ``subject_type`` (a
        kind whose findings are about two sorts of subject has a model for each)."""
        return self.figures

    @classmethod
    def kind_name(cls) -> str:
        """The kind's name, as rule files write it."""
        (name,) = get_args(cls.model_fields["kind"].annotation)
        return str(name)

    def decision(self, in_force: Period) -> Decision:
        """Status -> the condition on the kind's event (its gathered inputs) for a finding of
        that status, for the rule in force over ``in_force``: the one judgement both
        evaluators apply (``_conditions``)."""
        raise NotImplementedError

    def check(self, ctx: Context) -> pl.DataFrame:
        """Findings as a frame (see ``_findings.FINDING_COLUMNS``)."""
        raise NotImplementedError

    def quoted(self) -> list[tuple[tuple[str | int, ...], SourceRef]]:
        """Every source the rule quotes, with where it stands in the rule (checked verbatim at
        load); a task table adds its rows' sources to ``sources``."""
        return [(("sources", number), source) for number, source in enumerate(self.sources)]

    def references(self) -> list[str]:
        """Ids of other rules this rule names (checked to exist at load)."""
        return []

    def sources_for(self, subject_id: str, figures: dict[str, Any]) -> list[SourceRef]:
        """The sources a finding quotes (a task table's: the task's row first)."""
        return list(self.sources)

    def describe(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        """One finding in words: (Chinese, English)."""
        raise NotImplementedError

    def exemptions(self, ctx: Context) -> pl.DataFrame | None:
        """Records the rule would report but for a provision that exempts them (see
        ``_findings.EXEMPTION_COLUMNS``); ``None`` for kinds that know no exemption."""
        return None

    def describe_exemption(self, subject_id: str, figures: dict[str, Any]) -> tuple[str, str]:
        """Why one record is exempt, in words: (Chinese, English)."""
        raise NotImplementedError

    def linked_rules(self) -> dict[str, tuple[str, str]]:
        """Parameters naming another rule of the same pack: field -> (rule id, its kind).
        Loading refuses a pack where a named rule is missing or of another kind."""
        return {}
