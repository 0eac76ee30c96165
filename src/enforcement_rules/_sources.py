"""The source documents: metadata, verbatim texts, and the check that a quote is verbatim."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import Field, ValidationError

from ._chinese import ChineseText
from ._errors import RuleError
from ._rulebase import LOST_CHARACTERS, Period, Spec
from ._yamlfile import read_yaml

DOCUMENTS_FILE = "documents.yaml"


class LostCharacters(Spec):
    as_written: str
    read_as: str


class SourceDocument(Spec):
    """A policy document or law, as kept in ``rules/sources/``."""

    id: str
    file: str
    original_file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str
    title_en: str
    issuer: str
    number: str | None
    date: dt.date | None
    published: dt.date | None
    jurisdiction: list[str]
    sector: list[str]
    period: Period
    lost_characters: list[LostCharacters]
    notes: ChineseText
    notes_en: str
    text: str = Field(default="", exclude=True, repr=False)

    def contains(self, quote: str) -> bool:
        """Whether ``quote`` stands verbatim in the document's text."""
        return quote in self.text


def load_documents(folder: Path, label: str = "") -> dict[str, SourceDocument]:
    """Read ``documents.yaml`` and every text it names, checking each text's sha256 (``label``
    prefixes the file names in messages)."""
    index = folder / DOCUMENTS_FILE
    located = read_yaml(index, display=f"{label}sources/{DOCUMENTS_FILE}")
    if not isinstance(located.data, list):
        raise RuleError(located.file, "expected a list of documents", line=1)
    documents: dict[str, SourceDocument] = {}
    for position, entry in enumerate(located.data):
        try:
            document = SourceDocument.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            line = located.line_of((position, *first["loc"]))
            field = ".".join(str(p) for p in first["loc"])
            raise RuleError(
                located.file, f"document {position}: field '{field}': {first['msg']}", line=line
            ) from None
        path = folder / document.file
        try:
            raw = path.read_bytes()
        except OSError:
            raise RuleError(
                located.file,
                f"document {document.id}: no file {document.file}",
                line=located.line_of((position, "file")),
            ) from None
        if hashlib.sha256(raw).hexdigest() != document.sha256:
            raise RuleError(
                f"{label}sources/{document.file}",
                "the text differs from the verbatim copy its sha256 pins; restore the original",
            )
        if document.id in documents:
            raise RuleError(
                located.file,
                f"document id {document.id} appears twice",
                line=located.line_of((position, "id")),
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            raise RuleError(
                f"{label}sources/{document.file}",
                f"the text is not UTF-8 (byte {error.start}); keep source texts in UTF-8 "
                "(enforcement-rules new-pack converts a GB18030 notice)",
                line=line,
            ) from None
        documents[document.id] = document.model_copy(update={"text": text})
    for document in documents.values():
        LOST_CHARACTERS[document.id] = tuple(
            (lost.as_written, lost.read_as) for lost in document.lost_characters
        )
    return documents
