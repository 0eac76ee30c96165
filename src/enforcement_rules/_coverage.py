"""The coverage register: every sentence of every source document, accounted for.

A document's text is split into sentences at 。 and ; (the copies write the Chinese semicolon
as ``;``) and at line ends, so each row of a table is its own sentence. The register
``rules/coverage/<document>.yaml`` classifies each sentence, in the order of the document:

- ``rules: [ids]``: the rules that encode it;
- ``not_checkable: reason``: a requirement no record can show (a reason code of the file's
  ``reasons``, or the reason written out);
- ``context: label``: preamble, addressees, headings, contact lines. A label reads in English
  from ``CONTEXT_EN`` or, for a label of its own, from the file's ``contexts_en``.

An entry with its ``text`` alone lists the sentence but leaves it unclassified (as
``enforcement-rules new-pack`` writes a new register): it is reported as unclassified, not
stale, until one of the three is given.

For a law, only its encoded articles are in scope (``articles: [第四十二条, …]``): from the line
starting ``第…条`` to the next article or heading (a Markdown heading, or a line that is not a
sentence, such as a chapter title written without its number).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from ._chinese import ChineseText
from ._errors import RuleError
from ._rulebase import Spec
from ._rules import RuleSet
from ._sources import SourceDocument
from ._yamlfile import read_yaml

COVERAGE_DIR = "coverage"
_SENTENCE_END = re.compile(r"(?<=[。;；])")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条")
_PUNCTUATION = re.compile(r"[。;；:：,，、]")
# A not-checkable value that names no reason of the file is a reason written out in full; a
# short one is taken for a mistyped reason code.
_SHORTEST_REASON = 8


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a source document: its paragraph (line number) and text."""

    document: str
    line: int
    text: str


def split_sentences(text: str, articles: list[str] | None = None) -> list[Sentence]:
    """Sentences of ``text``: split at 。 and ; and at line ends; blank pieces dropped.

    With ``articles``, only the lines of those articles (from the line starting
    ``第…条`` to the next article or heading) are kept.
    """
    wanted = set(articles or [])
    inside = not wanted
    found: list[Sentence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if wanted:
            article = _ARTICLE.match(stripped)
            if article:
                inside = article.group(0) in wanted
            elif stripped.startswith("#") or (stripped and not _PUNCTUATION.search(stripped)):
                inside = False
                continue
        if not inside:
            continue
        for piece in _SENTENCE_END.split(stripped):
            piece = piece.strip().strip("\u00a0\u2002 ")
            if piece:
                found.append(Sentence("", number, piece))
    return found


CONTEXT_EN = {
    "主送机关": "addressees",
    "公开方式": "manner of publication",
    "导语": "preamble",
    "序号": "item number",
    "文件信息": "document information",
    "文号": "document number",
    "施行日期": "date of entry into force",
    "日期": "date",
    "标题": "heading",
    "网页栏目": "web page section",
    "联系方式": "contact details",
    "落款": "signature",
    "表头": "table header",
    "说明": "explanatory note",
    "责任单位": "responsible unit",
    "附件": "attachment",
}
"""The context labels every register may use, each with its English."""


class Entry(Spec):
    """The classification of one sentence (none of the three: listed, still unclassified)."""

    text: str = Field(min_length=1)
    rules: list[str] = Field(default_factory=list)
    not_checkable: str | None = None
    context: str | None = None

    @model_validator(mode="after")
    def _one_class(self) -> Entry:
        given = sum([bool(self.rules), self.not_checkable is not None, self.context is not None])
        if given > 1:
            raise ValueError("exactly one of rules, not_checkable, context")
        return self

    @property
    def classified(self) -> bool:
        """Whether the entry gives one of rules, not_checkable, context."""
        return bool(self.rules) or self.not_checkable is not None or self.context is not None


class Register(Spec):
    """``rules/coverage/<document>.yaml``."""

    document: str
    articles: list[str] = Field(default_factory=list)
    reasons: dict[str, ChineseText] = Field(default_factory=dict)
    reasons_en: dict[str, str] = Field(
        default_factory=dict, description="Each reason of reasons, in English, by its code"
    )
    contexts_en: dict[str, str] = Field(
        default_factory=dict,
        description="Context labels of this file outside the common ones, each in English",
    )
    sentences: list[Entry]

    @model_validator(mode="after")
    def _reasons_in_english(self) -> Register:
        missing = [code for code in self.reasons if code not in self.reasons_en]
        extra = [code for code in self.reasons_en if code not in self.reasons]
        if missing:
            raise ValueError(f"reasons_en: no English for {', '.join(missing)}")
        if extra:
            raise ValueError(f"reasons_en: {', '.join(extra)} is not a code of reasons")
        labels = {e.context for e in self.sentences if e.context is not None}
        unnamed = sorted(label for label in labels if self.context_en(label) is None)
        if unnamed:
            raise ValueError(
                f"contexts_en: no English for the context label {'、'.join(unnamed)} "
                f"(the common labels are {'、'.join(CONTEXT_EN)}; give others in contexts_en)"
            )
        return self

    def context_en(self, label: str) -> str | None:
        """A context label in English: the file's own, else the common one."""
        return self.contexts_en.get(label) or CONTEXT_EN.get(label)


@dataclass(frozen=True)
class Classified:
    """A sentence and how it is classified (``None`` when unclassified)."""

    sentence: Sentence
    entry: Entry | None


@dataclass(frozen=True)
class DocumentCoverage:
    """One document's sentences, their classification, and register entries gone stale."""

    document: SourceDocument
    register: Register | None
    sentences: list[Classified]
    stale: list[Entry]

    def count(self, what: str) -> int:
        """Sentences classified ``rules``, ``not_checkable`` or ``context``, or ``unclassified``."""
        if what == "unclassified":
            return sum(1 for s in self.sentences if s.entry is None)
        return sum(1 for s in self.sentences if s.entry is not None and _kind(s.entry) == what)

    def reason(self, entry: Entry) -> str:
        """A not-checkable entry's reason, its code expanded."""
        code = entry.not_checkable or ""
        return self.register.reasons.get(code, code) if self.register else code

    def cited_rules(self) -> set[str]:
        """The ids of the rules the document's sentences cite."""
        return {rule for s in self.sentences if s.entry for rule in s.entry.rules}

    def quoted_by(self, quote: str) -> list[Classified]:
        """The sentences a verbatim quote of the document overlaps (none if it is not in it)."""
        text, position, found = self.document.text, 0, []
        start = text.find(quote)
        if start < 0:
            return []
        end = start + len(quote)
        for item in self.sentences:
            first = text.find(item.sentence.text, position)
            if first < 0:
                continue
            position = first + len(item.sentence.text)
            if first < end and position > start:
                found.append(item)
        return found


def _kind(entry: Entry) -> str:
    if entry.rules:
        return "rules"
    return "not_checkable" if entry.not_checkable is not None else "context"


def load_register(path: Path, display: str) -> Register:
    """Read and validate one register file; a mistyped reason code is an error."""
    located = read_yaml(path, display)
    try:
        register = Register.model_validate(located.data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise RuleError(
            display, f"field '{field}': {first['msg']}", line=located.line_of(tuple(first["loc"]))
        ) from None
    for number, entry in enumerate(register.sentences):
        reason = entry.not_checkable
        if reason is not None and reason not in register.reasons and len(reason) < _SHORTEST_REASON:
            raise RuleError(
                display,
                f"sentence {number}: '{reason}' is not a reason of this file "
                f"({', '.join(register.reasons) or 'none defined'}); write the reason out in full",
                line=located.line_of(("sentences", number, "not_checkable")),
            )
    return register


def coverage(ruleset: RuleSet, folder: Path | None = None) -> list[DocumentCoverage]:
    """Coverage of every source document by the registers in ``folder/coverage`` (default: the
    ``coverage/`` folders of every rules folder of ``ruleset``).

    A document with no register is reported with every sentence unclassified, unless it is a
    law (its sentences are in scope only through the articles a register names).
    """
    places = [(folder, "")] if folder is not None else [(f.path, f.label) for f in ruleset.folders]
    registers: dict[str, Register] = {}
    register_files: dict[str, str] = {}
    for place, label in places:
        directory = place / COVERAGE_DIR
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            display = f"{label}{COVERAGE_DIR}/{path.name}"
            register = load_register(path, display)
            if register.document not in ruleset.documents:
                raise RuleError(display, f"unknown document {register.document}", line=1)
            unknown = {r for e in register.sentences for r in e.rules} - set(ruleset.rules)
            if unknown:
                raise RuleError(display, f"unknown rule id(s): {', '.join(sorted(unknown))}")
            if register.document in registers:
                raise RuleError(
                    display,
                    f"document {register.document} also has a register: "
                    f"{register_files[register.document]}",
                    line=1,
                )
            registers[register.document] = register
            register_files[register.document] = display
    result = []
    for document in ruleset.documents.values():
        found = registers.get(document.id)
        is_law = not document.file.endswith(".txt")
        if found is None and is_law:
            continue
        articles = found.articles if found is not None else None
        if is_law and not articles:
            raise RuleError(
                f"{COVERAGE_DIR}/{document.id}.yaml",
                "a law's register names the articles it covers (articles: [...])",
            )
        sentences = [
            Sentence(document.id, s.line, s.text) for s in split_sentences(document.text, articles)
        ]
        result.append(_match(document, found, sentences))
    return result


def _match(
    document: SourceDocument, register: Register | None, sentences: list[Sentence]
) -> DocumentCoverage:
    entries = register.sentences if register else []
    matcher = difflib.SequenceMatcher(
        a=[s.text for s in sentences], b=[e.text for e in entries], autojunk=False
    )
    assigned: list[Entry | None] = [None] * len(sentences)
    used = [False] * len(entries)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            entry = entries[block.b + k]
            assigned[block.a + k] = entry if entry.classified else None
            used[block.b + k] = True
    stale = [e for e, u in zip(entries, used, strict=True) if not u]
    classified = [Classified(s, e) for s, e in zip(sentences, assigned, strict=True)]
    return DocumentCoverage(document, register, classified, stale)
