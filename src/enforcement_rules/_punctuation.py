"""Full-width punctuation in the Chinese sentences the library writes.

A finding's message is put together from words and figures: ``执法行为 A1(2024-10-15,行政检查)
参与人员 2 人;未持有效证件:O021。`` In a Chinese sentence the brackets, commas, semicolons
and colons are full-width: ``执法行为 A1（2024-10-15，行政检查）参与人员 2 人；未持有效证件：O021。``
``chinese_punctuation`` makes them so where a Chinese character stands beside them (or, for
brackets, inside or right after them), and leaves alone what is not a Chinese sentence: numbers (``1,000``,
``16:30``), English text, and verbatim quotes in 「」, which keep the source's own punctuation.
"""

from __future__ import annotations

import re

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHINESE = f"[{_HAN}\u3000-\u303f\uff00-\uffef]"  # Chinese characters and punctuation
_QUOTED = re.compile(r"「[^「」]*」")
_BRACKETS = re.compile(r"\(([^()]*)\)")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_MARKS = {",": "，", ";": "；", ":": "："}
# a mark with a Chinese character (or full-width punctuation) on one side, spaces after it
_MARK = re.compile(rf"(?<={_CHINESE})\s*([,;:])\s*|\s*([,;:])\s*(?={_CHINESE})")


def chinese_punctuation(text: str) -> str:
    """``text`` with the half-width brackets, commas, semicolons and colons of its Chinese
    sentences made full-width; quotes in 「」 are kept as written."""
    parts = []
    at = 0
    for quote in _QUOTED.finditer(text):
        parts.append(_sentence(text[at : quote.start()]))
        parts.append(quote.group(0))
        at = quote.end()
    parts.append(_sentence(text[at:]))
    return "".join(parts)


def _sentence(text: str) -> str:
    def bracket(match: re.Match[str]) -> str:
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        inside = match.group(1)
        if _HAN_CHAR.search(inside) or _HAN_CHAR.match(before) or _HAN_CHAR.match(after):
            return f"（{inside}）"
        return match.group(0)

    text = _BRACKETS.sub(bracket, text)
    return _MARK.sub(lambda m: _MARKS[m.group(1) or m.group(2)], text)
