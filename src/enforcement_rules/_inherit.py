"""Packs that extend other packs: ``extends``, ``overrides`` and ``skip`` of a ``pack.yaml``.

A pack that extends a parent applies where its own ``applies_to`` says and includes the
parent's rules for its departments: a parent's rule reaches the departments of the packs that
extend it (``Pack.applies_to`` widens). An override replaces one parent rule's parameters for the
child's departments by a rule of the child (its own id, title and reason, quoting the child's
document first and the parent's after it); the parent's rule then leaves the child's departments
to it, so one fact is reported once. A skipped rule leaves the child's departments and nothing
takes its place. Outside the child's departments the parent's rules apply as before.

``overrides`` and ``skip`` each carry a reason and a verbatim quote of the child's own
document. Loading refuses, naming file, line and field: an unknown parent, a cycle of
``extends``, a rule the parents do not have, a parameter the rule's kind does not have, and a
value the kind's model refuses.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import to_jsonable_python

from ._chinese import ChineseText
from ._errors import RuleError
from ._order import natural_sorted
from ._rulebase import RuleBase, Selector, SourceRef, Spec
from ._sources import SourceDocument
from ._yamlfile import LocatedYaml

if TYPE_CHECKING:
    from ._rules import Pack

RULE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class Override(Spec):
    """One entry of ``overrides`` (keyed by the parent rule's id): the overriding rule's id and
    title, why, the child's quote, and the parameters it changes (any other key)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=RULE_ID, description="The overriding rule's id, unique like any")
    title: ChineseText
    title_en: str = Field(min_length=1)
    reason: ChineseText = Field(description="Why the child departs from the parent, in Chinese")
    reason_en: str = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1, description="The child's own document")
    note: ChineseText | None = None
    note_en: str | None = None
    fix: ChineseText | None = None
    fix_en: str | None = None

    def parameters(self) -> dict[str, Any]:
        """The parameters the override sets: every key that is not one of the fields above."""
        return dict(self.model_extra or {})


class Skip(Spec):
    """One entry of ``skip``: a parent rule that does not apply to the child's departments."""

    rule: str
    reason: ChineseText
    reason_en: str = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1, description="The child's own document")


@dataclass(frozen=True)
class Overridden:
    """A parent rule the child overrides: by which rule, the parameters changed (name, the
    parent's value, the child's), why, and the child's quotes."""

    rule: str
    pack: str
    by: str
    changed: tuple[tuple[str, Any, Any], ...]
    reason: str
    reason_en: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class Skipped:
    """A parent rule the child sets aside, why, and the child's quotes."""

    rule: str
    pack: str
    reason: str
    reason_en: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class Inheritance:
    """What a pack takes from the packs it extends: the rules included as they are (rule id,
    the pack it belongs to), those overridden and those skipped."""

    parents: tuple[str, ...]
    included: tuple[tuple[str, str], ...] = ()
    overridden: tuple[Overridden, ...] = ()
    skipped: tuple[Skipped, ...] = ()


@dataclass
class _State:
    """A pack while inheritance is resolved: its rules, the packs whose departments its rules
    reach, and the rules it has (id -> the pack holding the rule)."""

    pack: Pack
    located: LocatedYaml
    rules: list[RuleBase]
    heirs: list[str] = field(default_factory=list)
    has: dict[str, str] = field(default_factory=dict)
    inheritance: Inheritance | None = None


def resolve(
    packs: list[Pack],
    located: Mapping[str, LocatedYaml],
    documents: Mapping[str, SourceDocument],
    rule_files: dict[str, str],
) -> list[Pack]:
    """The packs with their inheritance resolved: overriding rules added to the children,
    parents' rules narrowed where overridden or skipped, parents reaching their heirs.
    ``located`` holds each pack's ``pack.yaml``; ``rule_files`` each rule id's file (the
    overriding rules are added, naming their ``pack.yaml``)."""
    from ._rules import Pack

    if not any(p.spec.extends for p in packs):
        return packs
    states = {p.id: _State(p, located[p.id], list(p.rules)) for p in packs}
    for state in states.values():
        for position, parent in enumerate(state.pack.spec.extends):
            if parent not in states:
                raise RuleError(
                    state.located.file,
                    f"pack {state.pack.id}: field 'extends': unknown pack {parent}; the packs "
                    f"are {', '.join(sorted(states))}",
                    line=state.located.line_of(("extends", position)),
                )
    order = _order(states)
    for pack_id in order:  # parents first: each pack's heirs are those that extend it
        for parent in states[pack_id].pack.spec.extends:
            for ancestor in [parent, *_ancestors(parent, states)]:
                if pack_id not in states[ancestor].heirs:
                    states[ancestor].heirs.append(pack_id)
    narrowed: dict[str, list[Selector]] = {}  # rule id -> departments it leaves to heirs
    for pack_id in order:
        state = states[pack_id]
        state.has = {r.id: pack_id for r in state.rules}
        if state.pack.spec.extends:
            _inherit(state, states, documents, rule_files, narrowed)
    resolved = []
    for state in states.values():
        rules = tuple(
            _narrow(rule, narrowed[rule.id]) if rule.id in narrowed else rule
            for rule in state.rules
        )
        heirs = tuple(states[h].pack.spec.applies_to for h in state.heirs)
        resolved.append(
            Pack(
                state.pack.spec,
                rules,
                state.pack.exceptions,
                state.pack.folder,
                heirs=heirs,
                inheritance=state.inheritance,
            )
        )
    return resolved


def _order(states: Mapping[str, _State]) -> list[str]:
    """Pack ids, every parent before the packs extending it; a cycle is refused where it
    closes."""
    graph = {pack_id: list(s.pack.spec.extends) for pack_id, s in states.items()}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle: list[str] = list(error.args[1])  # [a, b, …, a]: a extends b extends … a
        # graphlib lists each pack after one it extends: read it backwards.
        cycle.reverse()
        first, then = cycle[0], cycle[1]
        state = states[first]
        position = state.pack.spec.extends.index(then)
        raise RuleError(
            state.located.file,
            f"pack {first}: field 'extends': a cycle of extends: {' → '.join(cycle)}",
            line=state.located.line_of(("extends", position)),
        ) from None


def _ancestors(pack_id: str, states: Mapping[str, _State]) -> list[str]:
    found: list[str] = []
    for parent in states[pack_id].pack.spec.extends:
        for ancestor in [parent, *_ancestors(parent, states)]:
            if ancestor not in found:
                found.append(ancestor)
    return found


def _inherit(
    state: _State,
    states: Mapping[str, _State],
    documents: Mapping[str, SourceDocument],
    rule_files: dict[str, str],
    narrowed: dict[str, list[Selector]],
) -> None:
    spec, here = state.pack.spec, state.located
    available: dict[str, str] = {}
    for parent_id in spec.extends:
        available.update(states[parent_id].has)
    rule_of = {r.id: r for s in states.values() for r in s.rules}

    def error(location: tuple[str | int, ...], message: str) -> RuleError:
        field_name = ".".join(str(p) for p in location)
        return RuleError(
            here.file,
            f"pack {spec.id}: field '{field_name}': {message}",
            line=here.line_of(location),
        )

    def parent_rule(location: tuple[str | int, ...], rule_id: str) -> RuleBase:
        if rule_id not in available:
            close = difflib.get_close_matches(rule_id, list(available), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise error(
                location,
                f"{', '.join(spec.extends)} {'has' if len(spec.extends) == 1 else 'have'} no "
                f"rule {rule_id}{hint}",
            )
        return rule_of[rule_id]

    def own_sources(location: tuple[str | int, ...], sources: Iterable[SourceRef]) -> None:
        for number, source in enumerate(sources):
            where = (*location, "sources", number)
            if source.document not in spec.documents:
                raise error(
                    (*where, "document"),
                    f"quote a document of this pack ({', '.join(spec.documents)}); "
                    f"got {source.document}",
                )
            document = documents[source.document]
            if not document.contains(source.quote):
                raise error(
                    (*where, "quote"),
                    f"the quote is not verbatim in {document.file}: {source.quote[:40]}…",
                )

    overridden: list[Overridden] = []
    for rule_id, override in spec.overrides.items():
        location: tuple[str | int, ...] = ("overrides", rule_id)
        parent = parent_rule(location, rule_id)
        owner = available[rule_id]
        linked = _linked(parent, states[owner].rules)
        if linked:
            raise error(location, linked)
        own_sources(location, override.sources)
        changes = override.parameters()
        kind = type(parent)
        parameters = {
            (f.alias or name): name
            for name, f in kind.model_fields.items()
            if name not in RuleBase.model_fields
        }
        if not changes:
            raise error(
                location,
                f"an override changes at least one parameter of {rule_id} "
                f"({', '.join(parameters)}); to set the rule aside, list it under skip",
            )
        for key in changes:
            if key not in parameters:
                raise error(
                    (*location, key),
                    f"rule {rule_id} (kind {parent.kind}) has no parameter {key}; its "
                    f"parameters: {', '.join(parameters)}",
                )
        if override.id in rule_files:
            raise error(
                (*location, "id"),
                f"rule id {override.id} is also defined in {rule_files[override.id]}",
            )
        data = parent.model_dump(mode="json", by_alias=True)
        data.update(changes)
        data.update(
            id=override.id,
            title=override.title,
            title_en=override.title_en,
            sources=[s.model_dump() for s in (*override.sources, *parent.sources)],
            in_force=(parent.in_force or states[owner].pack.in_force).model_dump(
                mode="json", by_alias=True
            ),
        )
        for name in ("note", "note_en", "fix", "fix_en"):
            if getattr(override, name) is not None:
                data[name] = getattr(override, name)
        try:
            rule = kind.model_validate(data)
        except ValidationError as refused:
            first = refused.errors(include_url=False)[0]
            key = str(first["loc"][0]) if first["loc"] else ""
            at = (*location, key) if key in changes else location
            message = str(first["msg"]).removeprefix("Value error, ")
            raise error(at, f"rule {rule_id} (kind {parent.kind}) refuses it: {message}") from None
        rule_files[rule.id] = here.file
        state.rules.append(rule)
        state.has[rule.id] = spec.id
        narrowed.setdefault(rule_id, []).extend(_reach(spec.id, states))
        overridden.append(
            Overridden(
                rule=rule_id,
                pack=owner,
                by=rule.id,
                changed=tuple(
                    (key, getattr(parent, parameters[key]), getattr(rule, parameters[key]))
                    for key in changes
                ),
                reason=override.reason,
                reason_en=override.reason_en,
                sources=tuple(override.sources),
            )
        )
    skipped: list[Skipped] = []
    for position, skip in enumerate(spec.skip):
        location = ("skip", position, "rule")
        parent = parent_rule(location, skip.rule)
        if skip.rule in spec.overrides:
            raise error(location, f"{skip.rule} is both overridden and skipped: keep one")
        owner = available[skip.rule]
        own_sources(("skip", position), skip.sources)
        skipped_ids = {s.rule for s in spec.skip}
        for other in states[owner].rules:
            if other.id not in skipped_ids and skip.rule in {
                target for target, _ in other.linked_rules().values()
            }:
                raise error(
                    location,
                    f"rule {other.id} of {owner} names {skip.rule}; skip {other.id} as well",
                )
        narrowed.setdefault(skip.rule, []).extend(_reach(spec.id, states))
        skipped.append(Skipped(skip.rule, owner, skip.reason, skip.reason_en, tuple(skip.sources)))
    gone = {o.rule for o in overridden} | {s.rule for s in skipped}
    included = [(r, p) for r, p in available.items() if r not in gone]
    state.has = {**dict(included), **state.has}
    state.inheritance = Inheritance(
        parents=tuple(spec.extends),
        included=tuple(included),
        overridden=tuple(overridden),
        skipped=tuple(skipped),
    )


def _linked(rule: RuleBase, pack_rules: Iterable[RuleBase]) -> str:
    """Why ``rule`` cannot be overridden (empty when it can): it names another rule of its
    pack, or is named by one, and the two are read together in one pack."""
    if rule.linked_rules():
        names = ", ".join(f"{f}: {t}" for f, (t, _) in rule.linked_rules().items())
        return (
            f"rule {rule.id} names other rules of its pack ({names}); it cannot be "
            "overridden: skip it and write a rule of this pack"
        )
    for other in pack_rules:
        if rule.id in {t for t, _ in other.linked_rules().values()}:
            return (
                f"rule {other.id} of its pack names {rule.id}; it cannot be overridden: skip "
                "both and write rules of this pack"
            )
    return ""


def _reach(pack_id: str, states: Mapping[str, _State]) -> list[Selector]:
    """The departments a pack's rules reach: its own, and those of the packs extending it."""
    return [states[p].pack.spec.applies_to for p in [pack_id, *states[pack_id].heirs]]


def _narrow(rule: RuleBase, leaves: list[Selector]) -> RuleBase:
    """``rule`` no longer applying to the departments it leaves to the packs extending its
    pack (``leaves``)."""
    excluded: list[Selector] = []
    for selector in [*rule.applies_to.exclude, *leaves]:
        if selector not in excluded:
            excluded.append(selector)
    applies_to = rule.applies_to.model_copy(update={"exclude": excluded})
    return rule.model_copy(update={"applies_to": applies_to})


def inheritance_text(pack: Pack, lang: str = "zh") -> str:
    """What ``pack`` takes from the packs it extends, as a person reads it: the rules included
    (by the pack they come from), those overridden (with the parameters changed, the reason and
    the quote) and those skipped (Chinese first, English beside; ``lang="en"``: English)."""
    inheritance = pack.inheritance
    if inheritance is None:
        return ""
    english = lang == "en"
    lines = [
        f"{pack.id} extends {', '.join(inheritance.parents)}"
        if english
        else f"{pack.id} 扩展 extends {'、'.join(inheritance.parents)}"
    ]
    by_pack: dict[str, list[str]] = {}
    for rule_id, owner in inheritance.included:
        by_pack.setdefault(owner, []).append(rule_id)
    for owner, unsorted in by_pack.items():
        ids = natural_sorted(unsorted)
        if english:
            lines.append(f"  included from {owner} ({len(ids)}): {', '.join(ids)}")
        else:
            lines.append(f"  沿用 included（来自 from {owner}，{len(ids)} 条）：{'、'.join(ids)}")
    for o in inheritance.overridden:
        changes = ", ".join(f"{name} {_shown(old)} → {_shown(new)}" for name, old, new in o.changed)
        if english:
            lines.append(f"  overridden: {o.rule} ({o.pack}) by {o.by}: {changes}")
            lines.append(f"    reason: {o.reason_en}")
        else:
            lines.append(f"  覆盖 overridden：{o.rule}（{o.pack}）由 {o.by} 取代：{changes}")
            lines.append(f"    理由：{o.reason}")
            lines.append(f"      {o.reason_en}")
        lines += [f"    {_source_line(s, english)}" for s in o.sources]
    for s in inheritance.skipped:
        if english:
            lines.append(f"  skipped: {s.rule} ({s.pack})")
            lines.append(f"    reason: {s.reason_en}")
        else:
            lines.append(f"  不适用 skipped：{s.rule}（{s.pack}）")
            lines.append(f"    理由：{s.reason}")
            lines.append(f"      {s.reason_en}")
        lines += [f"    {_source_line(source, english)}" for source in s.sources]
    return "\n".join(lines)


def _shown(value: Any) -> str:
    """A parameter's value as written in a rule file (``60``, not ``60.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, BaseModel):
        return json.dumps(value.model_dump(mode="json", by_alias=True), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(getattr(value, "value", value))


def _source_line(source: SourceRef, english: bool) -> str:
    if english:
        return f"source: {source.quoted('en')} ({source.document} {source.section})"
    return f"原文：{source.quoted()}（{source.document} {source.section}）"


def rule_data(pack: Pack, rule: RuleBase) -> dict[str, Any]:
    """A rule as ``rules --format json`` and the service's ``/v1/rules`` list it: its identity,
    wording, sources and reading, and what it overrides."""
    from ._report import source_data

    return {
        "id": rule.id,
        "pack": pack.id,
        "origin": pack.origin,
        "kind": rule.kind,
        "title": rule.title,
        "title_en": rule.title_en,
        "severity": rule.severity.value,
        "register": rule.register_rows,
        "sources": [source_data(s) for s in rule.sources],
        "note": rule.note,
        "note_en": rule.note_en,
        "fix": rule.fix,
        "fix_en": rule.fix_en,
        **overriding(pack, rule),
    }


def overriding(pack: Pack, rule: RuleBase) -> dict[str, Any]:
    """``{"overrides": …}`` for a rule of ``pack`` that overrides a parent's rule: the rule, its
    pack, the parameters changed, the reason and the child's quotes (empty otherwise; for
    ``rules --format json``)."""
    found = [o for o in pack.inheritance.overridden if o.by == rule.id] if pack.inheritance else []
    if not found:
        return {}
    o = found[0]
    return {
        "overrides": {
            "rule": o.rule,
            "pack": o.pack,
            "changed": {
                name: {"from": to_jsonable_python(old), "to": to_jsonable_python(new)}
                for name, old, new in o.changed
            },
            "reason": o.reason,
            "reason_en": o.reason_en,
            "sources": [s.model_dump() for s in o.sources],
        }
    }
