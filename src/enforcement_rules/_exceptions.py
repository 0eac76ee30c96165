"""The register of recognised exceptions: provisions that allow an act with fewer officers
than a two-officer rule asks, and provisions examined and found not to.

``exceptions.yaml`` in a pack folder (the national pack's holds the shipped register) is a list
of provisions, each with its statute, articles, level (法律 / 行政法规 / 地方性法规 / 规章), what it
allows (one officer, for acts of which kinds, in which domains, under which procedure) and a
verbatim quote. A legal reviewer adds an entry without touching code; it is validated on load
and its quotes checked against the source texts.

An act's ``exception_basis`` exempts it from a two-officer rule only when it cites a provision
of the register (by statute and article) that allows what the act did, and the provision's
level is one the rule lets provide otherwise (``exception_levels``). Anything else is judged,
not trusted: the finding stands and says what was named and why it does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pydantic import Field, field_validator

from ._chinese import ChineseText
from ._fields import ActionKindName, BasisLevelName, ProcedureName
from ._legal_basis import article_numbers, cite, level_of, normal_title
from ._rulebase import Domain, SourceRef, Spec
from ._vocab import ActionKind, BasisLevel, Procedure, label

EXCEPTIONS_FILE = "exceptions.yaml"


class Allowance(Spec):
    """What a provision allows: an act carried out by one qualified officer, when it is of one
    of ``action_kinds`` and (where given) of one of ``domains`` and under one of
    ``procedures``."""

    action_kinds: list[ActionKindName] = Field(min_length=1)
    domains: list[Domain] = Field(default_factory=list)
    procedures: list[ProcedureName] = Field(default_factory=list)

    def covers(self, kind: str, domain: str | None, procedure: str | None) -> bool:
        """Whether an act of ``kind`` in ``domain`` under ``procedure`` is allowed."""
        return (
            kind in {ActionKind(k).value for k in self.action_kinds}
            and (not self.domains or domain in self.domains)
            and (not self.procedures or procedure in {Procedure(p).value for p in self.procedures})
        )

    def describe(self) -> str:
        """The allowance in words (Chinese)."""
        parts = ["、".join(label(k) for k in self.action_kinds)]
        if self.domains:
            parts.insert(0, "、".join(self.domains) + "领域")
        if self.procedures:
            parts.append("（" + "、".join(label(p) for p in self.procedures) + "）")
        return "".join(parts) + "可由一名执法人员实施"


class RecognisedProvision(Spec):
    """One provision of the register."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    statute: str = Field(min_length=2, description="The statute's full title, without 《》")
    also_named: list[str] = Field(
        default_factory=list, description="Other titles records use for the statute"
    )
    articles: list[str] = Field(min_length=1, description="The articles, e.g. 第一百零七条")
    level: BasisLevelName
    sources: list[SourceRef] = Field(min_length=1)
    allows: list[Allowance] = Field(
        default_factory=list, description="Empty: examined, and allows no fewer officers"
    )
    note: ChineseText = Field(
        min_length=1, description="解读: why the provision allows what it does, in Chinese"
    )
    note_en: str = Field(min_length=1, description="The 解读 in English")

    @field_validator("articles")
    @classmethod
    def _articles(cls, value: list[str]) -> list[str]:
        for article in value:
            if len(article_numbers(article)) != 1:
                raise ValueError(f"an article as 第…条; got {article!r}")
        return value

    @property
    def titles(self) -> frozenset[str]:
        """The statute's titles as compared (``normal_title``)."""
        return frozenset(normal_title(t) for t in (self.statute, *self.also_named))

    @property
    def numbers(self) -> frozenset[int]:
        """The article numbers."""
        return frozenset(n for a in self.articles for n in article_numbers(a))

    def cited(self) -> str:
        """The provision as a citation: 《statute》第…条、第…条."""
        return f"《{self.statute}》" + "、".join(self.articles)

    def allowance_for(self, kind: str, domain: str | None, procedure: str | None) -> bool:
        """Whether one of its allowances covers the act."""
        return any(a.covers(kind, domain, procedure) for a in self.allows)


class Verdict(StrEnum):
    """What the register says of an act's exception basis, for one rule."""

    EXEMPT = "exempt"  # a recognised provision of an accepted level allows the act
    NOT_ALLOWING = "not_allowing"  # a recognised provision that does not allow this act
    LEVEL = "level"  # a recognised provision allowing it, of a level the rule does not accept
    UNRECOGNISED = "unrecognised"  # no provision of the register


@dataclass(frozen=True, slots=True)
class Judgement:
    """An exception basis read against the register, for one act: the provision it cites (if
    the register holds it), its level, and whether the provision allows the act."""

    provision: str | None
    level: BasisLevel | None
    allows: bool

    @property
    def exempt_level(self) -> str:
        """The level of a provision allowing the act (``""`` when none does): an act is exempt
        from a rule that accepts this level."""
        return self.level.value if self.allows and self.level is not None else ""

    def verdict(self, accepted: Iterable[BasisLevel]) -> Verdict:
        if self.provision is None:
            return Verdict.UNRECOGNISED
        if not self.allows:
            return Verdict.NOT_ALLOWING
        return Verdict.EXEMPT if self.level in set(accepted) else Verdict.LEVEL


class ExceptionRegister:
    """Every recognised provision of a rules folder, found by statute and article."""

    def __init__(self, provisions: Iterable[RecognisedProvision] = ()) -> None:
        self.provisions = tuple(provisions)
        self.by_id = {p.id: p for p in self.provisions}
        self._index: dict[tuple[str, int], RecognisedProvision] = {}
        for provision in self.provisions:
            for title in provision.titles:
                for number in provision.numbers:
                    self._index.setdefault((title, number), provision)
        self._judged = lru_cache(maxsize=65536)(self._judge)

    def find(self, basis: str) -> RecognisedProvision | None:
        """The provision a basis text cites (its statute's title and one of its articles), or
        ``None`` when the register holds none it cites."""
        citation = cite(basis)
        if citation.title is None:
            return None
        title = normal_title(citation.title)
        for number in citation.articles:
            found = self._index.get((title, number))
            if found is not None:
                return found
        return None

    def judge(
        self,
        basis: str,
        stated_level: str | None,
        kind: str,
        domain: str | None,
        procedure: str | None,
    ) -> Judgement:
        """An act's exception basis read against the register (cached by its arguments)."""
        return self._judged(basis, stated_level, kind, domain, procedure)

    def _judge(
        self,
        basis: str,
        stated_level: str | None,
        kind: str,
        domain: str | None,
        procedure: str | None,
    ) -> Judgement:
        provision = self.find(basis)
        if provision is None:
            return Judgement(None, level_of(basis, stated_level), False)
        return Judgement(
            provision.id, provision.level, provision.allowance_for(kind, domain, procedure)
        )

    def __len__(self) -> int:
        return len(self.provisions)


def levels_zh(levels: Iterable[BasisLevel]) -> str:
    """Levels in words: 法律、行政法规."""
    return "、".join(label(level) for level in levels)
