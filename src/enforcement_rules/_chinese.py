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
_HALF_WIDTH_MARK = re.compile("[,;:?!().]")
_MARK_OR_BRACKET = re.compile("[,;:?!().（）]")
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
    if not _HALF_WIDTH_MARK.search(text):
        return text  # nothing to make full-width
    if _QUOTED.search(text):
        bare = _QUOTED.sub(lambda m: "「" + "字" * (len(m.group()) - 2) + "」", text)
    else:
        bare = text
    chars = list(text)
    last = len(bare) - 1
    opened: list[int] = []
    # One pass: a mark is made full-width where _HALF_WIDTH finds it (a mark made full-width
    # is no Chinese character, as it was not before, so what it finds does not change as marks
    # are replaced); then a bracket pair left half full-width is made full-width (which
    # brackets pair does not depend on their widths).
    for found in _MARK_OR_BRACKET.finditer(bare):
        at = found.start()
        mark = found.group()
        if mark in FULL_WIDTH:
            after_chinese = at > 0 and "\u3400" <= bare[at - 1] <= "\u9fff"
            if mark == ".":
                if after_chinese and not (at < last and bare[at + 1].isdecimal()):
                    chars[at] = "。"
                continue
            if after_chinese or (at < last and "\u3400" <= bare[at + 1] <= "\u9fff"):
                chars[at] = mark = FULL_WIDTH[mark]
        if mark in "(（":
            opened.append(at)
        elif mark in ")）" and opened:
            opening = opened.pop()
            if (chars[opening] == "（") != (mark == "）"):
                half = at if mark == ")" else opening
                chars[half] = FULL_WIDTH[chars[half]]
    return "".join(chars)


def _chinese(text: str) -> str:
    problem = chinese_problem(text)
    if problem:
        raise ValueError(problem)
    return text


ChineseText = Annotated[str, AfterValidator(_chinese)]
"""A text field a legal reader reads in Chinese."""
