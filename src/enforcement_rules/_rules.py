"""Rule files: loading, validation, packs and the rule set.

Layout of a rules folder::

    sources/documents.yaml        metadata of every source document
    sources/<file>                the verbatim texts
    coverage/<document>.yaml      every sentence of a document, classified (_coverage)
    <pack-id>/pack.yaml           a pack: title, documents, the departments it applies to
    <pack-id>/exceptions.yaml     recognised exceptions to the two-officer rules (_exceptions)
    <pack-id>/<anything>.yaml     a list of rules of that pack
    features/<pack-id>/*.feature  the packs' Gherkin scenarios (``enforcement-rules test``)

Every rule is validated by the model of its ``kind``; every quote must stand verbatim in its
document. A malformed file raises ``RuleError`` naming the file, line and field.

Rules come from several folders of that layout: the shipped one, folders a host names
(``load_rules(folder, …)``, ``--rules DIR``) and installed pack distributions, found by an entry
point in the group ``enforcement_rules.packs``. Pack, rule and document ids are unique across
every folder; a clash names both places.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from pydantic import Field, ValidationError

from ._chinese import ChineseText
from ._errors import RuleError, UsageError
from ._exceptions import EXCEPTIONS_FILE, ExceptionRegister, RecognisedProvision
from ._inherit import Inheritance, Override, Skip, resolve
from ._kinds import RULE_ADAPTER
from ._rulebase import DepartmentView, Period, RuleBase, Selector, Spec
from ._sources import DOCUMENTS_FILE, SourceDocument, load_documents
from ._yamlfile import LocatedYaml, read_yaml

PACK_FILE = "pack.yaml"
# Folders of ``rules/`` that are not packs: the source texts, the coverage registers and a
# host's Gherkin features.
NOT_PACKS = frozenset({"sources", "coverage", "features"})
PACKS_GROUP = "enforcement_rules.packs"
"""The entry-point group of installed pack distributions."""
NO_INSTALLED_PACKS = "ENFORCEMENT_RULES_NO_INSTALLED_PACKS"
"""An environment variable: when set (to anything but ``""`` or ``0``), installed pack
distributions are not loaded."""
SHIPPED = "shipped"
R = TypeVar("R", bound=RuleBase)


class PackSpec(Spec):
    """``pack.yaml``: what a pack is and which departments it applies to by default."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: ChineseText = Field(description="The pack's name, in Chinese")
    title_en: str
    documents: list[str] = Field(min_length=1)
    applies_to: Selector
    in_force: Period
    description: ChineseText = Field(description="Whom and when the pack applies to, in Chinese")
    description_en: str = Field(min_length=1)
    extends: list[str] = Field(
        default_factory=list, description="Packs whose rules this pack includes (_inherit)"
    )
    overrides: dict[str, Override] = Field(
        default_factory=dict, description="Parent rules whose parameters this pack changes"
    )
    skip: list[Skip] = Field(
        default_factory=list, description="Parent rules that do not apply to this pack"
    )


@dataclass(frozen=True)
class RulesFolder:
    """A folder of rules and where it comes from (``origin``): ``shipped``, the folder's path
    (named by the host), or an installed distribution's name and version (``acme-packs 1.0``)."""

    path: Path
    origin: str = SHIPPED
    label: str = ""
    """What file names of the folder are prefixed with in messages (empty: relative names)."""

    def display(self, path: Path) -> str:
        """``path`` as messages name it."""
        return self.label + str(path.relative_to(self.path))


@dataclass(frozen=True)
class Pack:
    """A pack and its rules, in file order, with the register of recognised exceptions of the
    rules it was loaded with (shared by every pack), and the folder it comes from. A pack that
    others extend reaches their departments too (``heirs``: their ``applies_to``); a pack that
    extends others says what it takes from them (``inheritance``)."""

    spec: PackSpec
    rules: tuple[RuleBase, ...] = field(default=())
    exceptions: ExceptionRegister = field(default_factory=ExceptionRegister)
    folder: RulesFolder | None = None
    heirs: tuple[Selector, ...] = ()
    inheritance: Inheritance | None = None

    @property
    def origin(self) -> str:
        """Where the pack comes from: ``shipped``, its folder's path, or a distribution and
        version."""
        return self.folder.origin if self.folder is not None else SHIPPED

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
        """The departments the pack's rules apply to by default: its jurisdiction and sector,
        and those of the packs extending it (which include its rules)."""
        if not self.heirs:
            return self.spec.applies_to
        return Selector(any_of=[self.spec.applies_to, *self.heirs])

    @property
    def in_force(self) -> Period:
        """The days the pack is in force; a rule may narrow them with its own ``in_force``."""
        return self.spec.in_force

    def applies(self, department: DepartmentView) -> bool:
        """Whether the pack applies to ``department``."""
        return self.applies_to.matches(department)


class RuleSet:
    """Every pack, rule and source document of the rules folders loaded."""

    def __init__(
        self,
        documents: dict[str, SourceDocument],
        packs: list[Pack],
        exceptions: ExceptionRegister | None = None,
        folders: Iterable[RulesFolder] = (),
    ) -> None:
        self.documents = documents
        self.folders = tuple(folders)
        """The folders loaded, in order (their ``coverage/`` registers are read by coverage)."""
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


def installed_folders() -> list[RulesFolder]:
    """The rules folders of installed pack distributions, by entry-point name.

    An entry point of the group ``enforcement_rules.packs`` names a module (its package's
    ``rules/`` folder is the rules folder) or an attribute (``module:name``) holding the folder's
    path, or a function returning it.
    """
    found = []
    for point in sorted(metadata.entry_points(group=PACKS_GROUP), key=lambda p: p.name):
        dist = point.dist
        origin = f"{dist.name} {dist.version}" if dist is not None else point.name
        where = f"entry point {point.name} = {point.value} ({origin})"
        try:
            target = point.load()
            if isinstance(target, ModuleType):
                path = Path(str(target.__file__)).parent / "rules"
            else:
                path = Path(target() if callable(target) else target)
        except Exception as error:  # a broken third-party package: say which one
            raise RuleError(
                where, f"cannot load the pack: {type(error).__name__}: {error}"
            ) from None
        if not path.is_dir():
            raise RuleError(where, f"the rules folder {path} does not exist")
        found.append(RulesFolder(path.resolve(), origin, f"{path.resolve()}/"))
    return found


def _installed_wanted() -> bool:
    return os.environ.get(NO_INSTALLED_PACKS, "") in ("", "0")


@lru_cache(maxsize=8)
def load_cached(folders: tuple[RulesFolder, ...]) -> RuleSet:
    return _load(folders)


def rules_folder(folder: str | Path) -> Path:
    """``folder`` resolved, when it is a folder; ``RuleError`` naming it otherwise."""
    path = Path(folder).resolve()
    if path.is_file():
        raise RuleError(str(folder), "a file, not a rules folder (a folder of packs is wanted)")
    if not path.is_dir():
        raise RuleError(str(folder), "no such rules folder")
    return path


def load_rules(*folders: str | Path, shipped: bool = True, installed: bool = True) -> RuleSet:
    """Load and validate rules: the shipped packs, those of installed pack distributions
    (``installed``; also off when ``ENFORCEMENT_RULES_NO_INSTALLED_PACKS`` is set) and the
    ``folders`` given, each laid out as the shipped ``rules/`` folder. ``shipped=False`` leaves
    the shipped packs out."""
    chosen = [RulesFolder(default_rules_dir().resolve())] if shipped else []
    if installed and _installed_wanted():
        chosen += installed_folders()
    for folder in folders:
        path = rules_folder(folder)
        chosen.append(RulesFolder(path, str(path), f"{path}/"))
    if not chosen:
        raise UsageError("no rules to load: name a rules folder, or keep the shipped packs")
    if len(chosen) == 1:  # one folder: its files are named relative to it
        chosen = [RulesFolder(chosen[0].path, chosen[0].origin)]
    return load_cached(tuple(chosen))


def _load(folders: tuple[RulesFolder, ...]) -> RuleSet:
    documents: dict[str, SourceDocument] = {}
    document_files: dict[str, str] = {}
    for folder in folders:
        if not (folder.path / "sources").is_dir() and folder.origin != SHIPPED:
            continue  # a host's folder may quote only the documents of other folders
        index = folder.display(folder.path / "sources" / DOCUMENTS_FILE)
        for document_id, document in load_documents(folder.path / "sources", folder.label).items():
            if document_id in documents:
                raise RuleError(
                    index,
                    f"document id {document_id} is also defined in {document_files[document_id]}",
                )
            documents[document_id] = document
            document_files[document_id] = index
    loaded: list[tuple[PackSpec, list[RuleBase], RulesFolder]] = []
    pack_yaml: dict[str, LocatedYaml] = {}
    pack_files: dict[str, str] = {}
    provisions: list[RecognisedProvision] = []
    seen: dict[str, str] = {}
    for folder in folders:
        for pack_dir in sorted(
            p for p in folder.path.iterdir() if p.is_dir() and p.name not in NOT_PACKS
        ):
            if not (pack_dir / PACK_FILE).is_file():
                raise RuleError(
                    folder.display(pack_dir) + "/", f"a pack folder needs a {PACK_FILE}"
                )
            spec, located = _pack_spec(folder, pack_dir, documents)
            here = folder.display(pack_dir / PACK_FILE)
            if spec.id in pack_files:
                raise RuleError(here, f"pack id {spec.id} is also defined in {pack_files[spec.id]}")
            pack_files[spec.id] = here
            pack_yaml[spec.id] = located
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
                            folder.display(path),
                            f"rule id {rule.id} is also defined in {seen[rule.id]}",
                        )
                    seen[rule.id] = folder.display(path)
                    rules.append(rule)
            _check_links(spec.id, rules, seen)
            loaded.append((spec, rules, folder))
    register = ExceptionRegister(provisions)
    packs = [Pack(spec, tuple(rules), register, folder) for spec, rules, folder in loaded]
    packs = resolve(packs, pack_yaml, documents, seen)
    for rule in (r for p in packs for r in p.rules):
        unknown = [ref for ref in rule.references() if ref not in seen]
        if unknown:
            raise RuleError(
                seen[rule.id], f"rule {rule.id} names rules that do not exist: {', '.join(unknown)}"
            )
    return RuleSet(documents, packs, register, folders)


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


def _pack_spec(
    folder: RulesFolder, pack_dir: Path, documents: dict[str, SourceDocument]
) -> tuple[PackSpec, LocatedYaml]:
    located = read_yaml(pack_dir / PACK_FILE, folder.display(pack_dir / PACK_FILE))
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
    return spec, located


def _rules_of(
    folder: RulesFolder, path: Path, documents: dict[str, SourceDocument]
) -> list[RuleBase]:
    located = read_yaml(path, folder.display(path))
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
    folder: RulesFolder,
    path: Path,
    documents: dict[str, SourceDocument],
    earlier: list[RecognisedProvision],
) -> list[RecognisedProvision]:
    """The recognised provisions of an ``exceptions.yaml``, validated, their quotes checked."""
    located = read_yaml(path, folder.display(path))
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
