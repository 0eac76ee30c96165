"""Chinese text a legal reader reads (解读, reasons, fixes): it is Chinese, and its Chinese
sentences use full-width punctuation (，。：；（）「」). Words quoted from a source document
(inside 「」, “”, 『』 or 《》) are kept as the copy writes them."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_CJK = "\u3400-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")
# A Latin word: a word of English, or an identifier (dawukou-rotation-report, reviewed_years).
_LATIN = re.compile(r"[A-Za-z][\w./\-]*")
_BRACKET = re.compile("[()（）]")
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|『[^』]*』|《[^》]*》")
# Half-width punctuation touching a Chinese character (a full stop only after one, so
# decimals and ids such as D.tasks stay).
_HALF_WIDTH = re.compile(f"(?<=[{_CJK}])[,;:?!()]|[,;:?!()](?=[{_CJK}])|(?<=[{_CJK}])\\.(?!\\d)")
FULL_WIDTH = {
    ",": "，",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
    ".": "。",
}


def chinese_problem(text: str) -> str | None:
    """What keeps ``text`` from being Chinese prose with full-width punctuation, or ``None``."""
    bare = _QUOTED.sub(lambda m: "「" + "字" * (len(m.group()) - 2) + "」", text)
    chinese = len(_HAS_CJK.findall(_QUOTED.sub("", text)))
    if chinese == 0 or chinese < len(_LATIN.findall(bare)):
        return "expected Chinese text (the English goes beside it, in the _en field)"
    found = _HALF_WIDTH.search(bare) or _mismatched(bare)
    if found:
        near = text[max(0, found.start() - 12) : found.end() + 12]
        return (
            f"half-width {found.group()!r} in a Chinese sentence (…{near}…); "
            f"write {FULL_WIDTH[found.group()]!r}"
        )
    return None


def _mismatched(text: str) -> re.Match[str] | None:
    """The half-width bracket of a pair whose other bracket is full-width: （…) or (…）."""
    opened: list[re.Match[str]] = []
    for found in _BRACKET.finditer(text):
        if found.group() in "(（":
            opened.append(found)
        elif opened:
            opening = opened.pop()
            if (opening.group() == "（") != (found.group() == "）"):
                return found if found.group() == ")" else opening
    return None


def full_width(text: str) -> str:
    """``text`` with the half-width punctuation of its Chinese sentences made full-width
    (quoted source words left as written)."""
    # A mark made full-width is no Chinese character, as it was not before: what the pattern
    # finds does not change as marks are replaced, so they are replaced in one pass.
    bare = _QUOTED.sub(lambda m: "「" + "字" * (len(m.group()) - 2) + "」", text)
    marks = list(_HALF_WIDTH.finditer(bare))
    if marks:
        chars = list(text)
        for mark in marks:
            chars[mark.start()] = FULL_WIDTH[mark.group()]
        text = "".join(chars)
    while True:  # a bracket pair left half full-width
        bare = _QUOTED.sub(lambda m: "「" + "字" * (len(m.group()) - 2) + "」", text)
        found = _mismatched(bare)
        if not found:
            return text
        text = text[: found.start()] + FULL_WIDTH[found.group()] + text[found.end() :]


def _chinese(text: str) -> str:
    problem = chinese_problem(text)
    if problem:
        raise ValueError(problem)
    return text


ChineseText = Annotated[str, AfterValidator(_chinese)]
"""A text field a legal reader reads in Chinese."""
