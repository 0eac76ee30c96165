"""Rule files: loading, validation, packs and the rule set.

Layout of a rules folder::

    sources/documents.yaml        metadata of every source document
    sources/<file>                the verbatim texts
    coverage/<document>.yaml      every sentence of a document, classified (_coverage)
    <pack-id>/pack.yaml           a pack: title, documents, the departments it applies to
    <pack-id>/exceptions.yaml     recognised exceptions to the two-officer rules (_exceptions)
    <pack-id>/<anything>.yaml     a list of rules of that pack

Every rule is validated by the model of its ``kind``; every quote must stand verbatim in its
document. A malformed file raises ``RuleError`` naming the file, line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import Field, ValidationError

from ._chinese import ChineseText
from ._errors import RuleError, UsageError
from ._exceptions import EXCEPTIONS_FILE, ExceptionRegister, RecognisedProvision
from ._kinds import RULE_ADAPTER
from ._rulebase import DepartmentView, Period, RuleBase, Selector, Spec
from ._sources import SourceDocument, load_documents
from ._yamlfile import LocatedYaml, read_yaml

PACK_FILE = "pack.yaml"
# Folders of ``rules/`` that are not packs: the source texts and the coverage registers.
NOT_PACKS = frozenset({"sources", "coverage"})
R = TypeVar("R", bound=RuleBase)


class PackSpec(Spec):
    """``pack.yaml``: what a pack is and which departments it applies to by default."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    title_en: str
    documents: list[str] = Field(min_length=1)
    applies_to: Selector
    in_force: Period
    description: ChineseText = Field(description="Whom and when the pack applies to, in Chinese")
    description_en: str = Field(min_length=1)


@dataclass(frozen=True)
class Pack:
    """A pack and its rules, in file order, with the register of recognised exceptions of the
    rules folder it was loaded from (shared by every pack of it)."""

    spec: PackSpec
    rules: tuple[RuleBase, ...] = field(default=())
    exceptions: ExceptionRegister = field(default_factory=ExceptionRegister)

    @property
    def id(self) -> str:
        """The pack id (its folder name), e.g. ``dawukou-2024``."""
        return self.spec.id

    @property
    def title(self) -> str:
        """The title of the pack's document, in Chinese."""
        return self.spec.title

    @property
    def applies_to(self) -> Selector:
        """The departments the pack applies to by default (its jurisdiction and sector)."""
        return self.spec.applies_to

    @property
    def in_force(self) -> Period:
        """The days the pack is in force; a rule may narrow them with its own ``in_force``."""
        return self.spec.in_force

    def applies(self, department: DepartmentView) -> bool:
        """Whether the pack applies to ``department``."""
        return self.applies_to.matches(department)


class RuleSet:
    """Every pack, rule and source document of a rules folder."""

    def __init__(
        self,
        documents: dict[str, SourceDocument],
        packs: list[Pack],
        exceptions: ExceptionRegister | None = None,
    ) -> None:
        self.documents = documents
        self.exceptions = exceptions if exceptions is not None else ExceptionRegister()
        """The recognised exceptions to the two-officer rules (``exceptions.yaml``)."""
        self.packs = {p.id: p for p in packs}
        self.rules = {r.id: r for p in packs for r in p.rules}
        self._pack_of = {r.id: p for p in packs for r in p.rules}

    def pack_of(self, rule_id: str) -> Pack:
        """The pack a rule belongs to."""
        return self._pack_of[rule_id]

    def select(self, pack_ids: Iterable[str] | None = None) -> list[Pack]:
        """The packs named (all when ``None``); an unknown id raises ``UsageError``."""
        if pack_ids is None:
            return list(self.packs.values())
        wanted = list(dict.fromkeys(pack_ids))
        unknown = [p for p in wanted if p not in self.packs]
        if unknown:
            raise UsageError(
                f"unknown pack {', '.join(unknown)}; the packs are {', '.join(self.packs)}"
            )
        return [self.packs[p] for p in wanted]

    def __iter__(self) -> Iterator[RuleBase]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)


def default_rules_dir() -> Path:
    """The rules shipped with the library (inside the wheel; the repository's ``rules/`` in an
    editable install)."""
    packaged = Path(str(resources.files("enforcement_rules"))) / "rules"
    if packaged.is_dir():
        return packaged
    repository = Path(__file__).resolve().parents[2] / "rules"
    if repository.is_dir():
        return repository
    raise RuleError(str(packaged), "the shipped rules are missing; reinstall enforcement-rules")


@lru_cache(maxsize=4)
def _load_cached(folder: Path) -> RuleSet:
    return _load(folder)


def load_rules(folder: str | Path | None = None) -> RuleSet:
    """Load and validate a rules folder (default: the shipped rules)."""
    path = Path(folder) if folder is not None else default_rules_dir()
    return _load_cached(path.resolve())


def _load(folder: Path) -> RuleSet:
    documents = load_documents(folder / "sources")
    loaded: list[tuple[PackSpec, list[RuleBase]]] = []
    provisions: list[RecognisedProvision] = []
    seen: dict[str, str] = {}
    for pack_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in NOT_PACKS):
        if not (pack_dir / PACK_FILE).is_file():
            raise RuleError(f"{pack_dir.name}/", f"a pack folder needs a {PACK_FILE}")
        spec = _pack_spec(folder, pack_dir, documents)
        rules: list[RuleBase] = []
        for path in sorted(pack_dir.glob("*.yaml")):
            if path.name == PACK_FILE:
                continue
            if path.name == EXCEPTIONS_FILE:
                provisions.extend(_provisions_of(folder, path, documents, provisions))
                continue
            for rule in _rules_of(folder, path, documents):
                if rule.id in seen:
                    raise RuleError(
                        _display(folder, path),
                        f"rule id {rule.id} is also defined in {seen[rule.id]}",
                    )
                seen[rule.id] = _display(folder, path)
                rules.append(rule)
        _check_links(spec.id, rules, seen)
        loaded.append((spec, rules))
    register = ExceptionRegister(provisions)
    packs = [Pack(spec, tuple(rules), register) for spec, rules in loaded]
    for rule in (r for p in packs for r in p.rules):
        unknown = [ref for ref in rule.references() if ref not in seen]
        if unknown:
            raise RuleError(
                seen[rule.id], f"rule {rule.id} names rules that do not exist: {', '.join(unknown)}"
            )
    return RuleSet(documents, packs, register)


def _check_links(pack: str, rules: list[RuleBase], files: dict[str, str]) -> None:
    """Every rule a parameter names is a rule of the expected kind in the same pack."""
    by_id = {rule.id: rule for rule in rules}
    for rule in rules:
        for field_name, (target, kind) in rule.linked_rules().items():
            found = by_id.get(target)
            if found is None or found.kind != kind:
                raise RuleError(
                    files[rule.id],
                    f"rule {rule.id}: field '{field_name}': expected the id of a rule of kind "
                    f"{kind} in pack {pack}; got {target}",
                )


def _display(folder: Path, path: Path) -> str:
    return str(path.relative_to(folder))


def _pack_spec(folder: Path, pack_dir: Path, documents: dict[str, SourceDocument]) -> PackSpec:
    located = read_yaml(pack_dir / PACK_FILE, _display(folder, pack_dir / PACK_FILE))
    try:
        spec = PackSpec.model_validate(located.data)
    except ValidationError as error:
        raise _rule_error(located, error, ()) from None
    if spec.id != pack_dir.name:
        raise RuleError(
            located.file,
            f"pack id {spec.id} differs from its folder {pack_dir.name}",
            line=located.line_of(("id",)),
        )
    for position, document in enumerate(spec.documents):
        if document not in documents:
            raise RuleError(
                located.file,
                f"unknown document {document}; known: " + ", ".join(documents),
                line=located.line_of(("documents", position)),
            )
    return spec


def _rules_of(folder: Path, path: Path, documents: dict[str, SourceDocument]) -> list[RuleBase]:
    located = read_yaml(path, _display(folder, path))
    if not isinstance(located.data, list):
        raise RuleError(located.file, "expected a list of rules", line=1)
    rules = []
    for position, entry in enumerate(located.data):
        try:
            rule = RULE_ADAPTER.validate_python(entry)
        except ValidationError as error:
            raise _rule_error(located, error, (position,)) from None
        for where, source in rule.quoted():
            document = documents.get(source.document)
            line = located.line_of((position, *where))
            if document is None:
                raise RuleError(
                    located.file,
                    f"rule {rule.id}: unknown document "
                    f"{source.document}; known: " + ", ".join(documents),
                    line=line,
                )
            if not document.contains(source.quote):
                raise RuleError(
                    located.file,
                    f"rule {rule.id}: the quote is not verbatim in {document.file}: "
                    f"{source.quote[:40]}…",
                    line=located.line_of((position, *where, "quote")),
                )
        rules.append(rule)
    return rules


def _provisions_of(
    folder: Path,
    path: Path,
    documents: dict[str, SourceDocument],
    earlier: list[RecognisedProvision],
) -> list[RecognisedProvision]:
    """The recognised provisions of an ``exceptions.yaml``, validated, their quotes checked."""
    located = read_yaml(path, _display(folder, path))
    if not isinstance(located.data, list):
        raise RuleError(located.file, "expected a list of recognised provisions", line=1)
    ids = {p.id for p in earlier}
    provisions = []
    for position, entry in enumerate(located.data):
        try:
            provision = RecognisedProvision.model_validate(entry)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            field_name = ".".join(str(p) for p in first["loc"]) or "(entry)"
            message = str(first["msg"]).removeprefix("Value error, ")
            raise RuleError(
                located.file,
                f"provision {position}: field '{field_name}': {message}",
                line=located.line_of((position, *first["loc"])),
            ) from None
        if provision.id in ids:
            raise RuleError(
                located.file,
                f"provision id {provision.id} is used twice",
                line=located.line_of((position, "id")),
            )
        ids.add(provision.id)
        for number, source in enumerate(provision.sources):
            document = documents.get(source.document)
            if document is None:
                raise RuleError(
                    located.file,
                    f"provision {provision.id}: unknown document {source.document}; known: "
                    + ", ".join(documents),
                    line=located.line_of((position, "sources", number, "document")),
                )
            if not document.contains(source.quote):
                raise RuleError(
                    located.file,
                    f"provision {provision.id}: the quote is not verbatim in {document.file}: "
                    f"{source.quote[:40]}…",
                    line=located.line_of((position, "sources", number, "quote")),
                )
        provisions.append(provision)
    return provisions


def _rule_error(located: LocatedYaml, error: ValidationError, prefix: tuple[int, ...]) -> RuleError:
    first = error.errors(include_url=False)[0]
    loc = list(first["loc"])
    # A discriminated union puts the kind's tag first; it is not a key of the file.
    if (
        prefix
        and loc
        and isinstance(loc[0], str)
        and first["type"]
        not in (
            "union_tag_not_found",
            "union_tag_invalid",
        )
    ):
        entry = located.data[prefix[0]] if isinstance(located.data, list) else None
        if isinstance(entry, dict) and entry.get("kind") == loc[0]:
            loc = loc[1:]
    location = (*prefix, *loc)
    field_name = ".".join(str(p) for p in loc) or "(rule)"
    what = f"rule {prefix[0]}" if prefix else "pack"
    if first["type"] in ("union_tag_not_found", "union_tag_invalid"):
        field_name = "kind"
        location = (*prefix, "kind")
    message = str(first["msg"]).removeprefix("Value error, ")
    count = len(error.errors())
    more = f" (and {count - 1} more problem(s))" if count > 1 else ""
    return RuleError(
        located.file,
        f"{what}: field '{field_name}': {message}{more}",
        line=located.line_of(location),
    )


def rule_of_kind(ruleset: RuleSet, kind: type[R], pack: str | None) -> tuple[Pack, R]:
    """The pack (named, or the only one with such a rule) and its first rule of ``kind``."""
    packs = ruleset.select([pack] if pack else None)
    found = [(p, r) for p in packs for r in p.rules if isinstance(r, kind)]
    name = kind.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
    if not found:
        where = f"pack {pack}" if pack else "any pack"
        raise UsageError(f"no rule of kind {name} in {where}")
    if pack is None and len({p.id for p, _ in found}) > 1:
        raise UsageError(
            f"several packs have a rule of kind {name} "
            f"({', '.join(sorted({p.id for p, _ in found}))}); name one with pack="
        )
    return found[0]
