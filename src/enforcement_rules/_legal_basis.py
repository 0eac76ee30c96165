"""A legal basis a record names (``exception_basis``, ``legal_basis``): the statute and articles
it cites, and its level (效力层级).

A record may state the level (``basis_level``); otherwise it is read from the basis's title by
this rule, and left unknown where the title does not tell (a data-quality warning, never a
guess):

- 《…法》 (not …办法) is a 法律.
- 《…条例》 is a regulation: a 地方性法规 when its title starts with a place (a province-level
  name, or a 市/州/盟/县 of two to four characters: 《河南省行政执法条例》, 《遵义市…条例》), or
  is a 自治条例/单行条例; otherwise a 行政法规 (《…法实施条例》, 《中华人民共和国海关稽查条例》).
- 《…规定》/《…办法》/《…规则》/《…细则》 is a 规章, unless the title starts with 中华人民共和国
  (the State Council's regulations are titled so too) or holds 关于 (a bureau's 规定 on a
  matter): then unknown.
- 《…通知》/《…规程》/《…意见》/《…方案》/《…指引》/《…指南》/《…批复》/《…函》/《…纪要》/
  《…要点》/《…制度》 is a 规范性文件.
- Anything else (a 决定, a 公告, a title without a statute's name) is unknown.

The title is the text inside the first 《》, else the text before the first article (第…条), else
the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._vocab import BasisLevel

_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_NUMERALS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"[零〇一二两三四五六七八九十百千0-9０-９]+"
_ARTICLES = re.compile(rf"第({_NUMBER}(?:\s*[、,，和及与]\s*第?\s*{_NUMBER})*)\s*条")
_TITLE = re.compile(r"《([^《》]+)》")
_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_LOCAL_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}?(市|自治州|州|盟|自治县|县)")
_NOT_PLACES = ("城市", "城乡", "城镇")
_NORMATIVE_ENDINGS = (
    "通知",
    "规程",
    "意见",
    "方案",
    "指引",
    "指南",
    "批复",
    "函",
    "纪要",
    "要点",
    "制度",
)
_RULES_ENDINGS = ("规定", "办法", "规则", "细则")
_NATIONAL = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class Citation:
    """What a basis text cites: the statute's title (as written, without 《》) and the numbers
    of its articles (第一百零七条 → 107)."""

    title: str | None
    articles: tuple[int, ...]


def chinese_number(text: str) -> int:
    """A number written in Chinese numerals or digits: 一百零七 → 107, 五十二 → 52, 107 → 107.

    Raises ``ValueError`` on anything else.
    """
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for character in text:
        if character in _NUMERALS:
            digit = _NUMERALS[character]
        elif character in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[character]
            digit = None
        else:
            raise ValueError(f"not a number: {text!r}")
    if not text:
        raise ValueError("not a number: ''")
    return total + (digit or 0)


def article_numbers(text: str) -> tuple[int, ...]:
    """The article numbers ``text`` cites, in order, each once.

    「第五十一、五十二条」 → (51, 52).
    """
    found: list[int] = []
    for match in _ARTICLES.finditer(text):
        for part in re.split(r"[、,，和及与]", match.group(1)):
            number = chinese_number(part.strip().removeprefix("第").strip())
            if number not in found:
                found.append(number)
    return tuple(found)


def cite(text: str) -> Citation:
    """The statute and articles a basis text cites."""
    titled = _TITLE.search(text)
    if titled is not None:
        title: str | None = titled.group(1).strip()
    else:
        before = _ARTICLES.split(text, maxsplit=1)[0] if _ARTICLES.search(text) else text
        title = before.strip(" \t。，,;；:：()（）") or None
    return Citation(title, article_numbers(text))


def normal_title(title: str) -> str:
    """A statute's title as compared: without 《》, spaces or the 中华人民共和国 prefix."""
    plain = re.sub(r"[《》\s]", "", title)
    return plain.removeprefix(_NATIONAL)


def derived_level(text: str) -> BasisLevel | None:
    """The level a basis text's title shows (see the module's rule), or ``None`` when it does
    not tell."""
    title = cite(text).title
    if not title:
        return None
    title = re.sub(r"\s", "", title)
    if title.endswith("法") and not title.endswith(("办法", "方法")):
        return BasisLevel.LAW
    if title.endswith("条例"):
        if title.endswith(("自治条例", "单行条例")) or _local(title):
            return BasisLevel.LOCAL_REGULATION
        return BasisLevel.ADMINISTRATIVE_REGULATION
    if title.endswith(_NORMATIVE_ENDINGS):
        return BasisLevel.NORMATIVE_DOCUMENT
    if title.endswith(_RULES_ENDINGS):
        if title.startswith(_NATIONAL) or "关于" in title:
            return None
        return BasisLevel.ADMINISTRATIVE_RULES
    return None


def _local(title: str) -> bool:
    if title.startswith(_NATIONAL):
        return False
    if title.startswith(tuple(_PROVINCES)):
        return True
    return not title.startswith(_NOT_PLACES) and _LOCAL_PLACE.match(title) is not None


def level_of(text: str | None, stated: str | None) -> BasisLevel | None:
    """A basis's level: as the record states it, else as its title shows, else ``None``."""
    if stated is not None:
        return BasisLevel(stated)
    if text is None:
        return None
    return derived_level(text)
