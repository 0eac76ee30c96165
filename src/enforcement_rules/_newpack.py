"""``enforcement-rules new-pack ID --source NOTICE.txt``: the scaffold of a pack for a new notice.

Into a rules folder (default ``rules``; created if missing, other packs there left alone) it
writes, in the layout ``load_rules`` reads:

- ``sources/ID.txt``: the notice, byte for byte when it is UTF-8 (a GB18030 or UTF-16 notice is
  written as UTF-8, and said so), its sha256 recorded in ``sources/documents.yaml``;
- ``ID/pack.yaml`` and an empty ``ID/rules.yaml`` with a commented template of a rule;
- ``coverage/ID.yaml``: every sentence of the notice (split as ``_coverage`` splits them),
  listed and unclassified; a sentence that looks checkable (a deadline, a recurring period, a
  minimum count, a percentage, 「原则上」) carries a comment naming what was seen, so the
  author starts there. It never writes a rule;
- ``features/ID/ID.feature``: a template feature.

It refuses to write over anything that exists (a located ``UsageError``, exit 2). What the
author must fill in is marked ``待填写``, which ``enforcement-rules lint`` reports until done.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ._coverage import COVERAGE_DIR, split_sentences
from ._errors import InputError, UsageError
from ._limits import MAX_RULE_FILE_BYTES
from ._lint import FEATURES_DIR, PLACEHOLDER
from ._loaders import read_input
from ._loaders.delimited import decode
from ._output import write_file, write_text
from ._rules import PACK_FILE
from ._sources import DOCUMENTS_FILE
from ._yamlfile import read_yaml

PACK_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
RULES_FILE = "rules.yaml"
_NUMBER = r"[\d一二三四五六七八九十百千两〇零]+"
_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"

HINTS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "期限",
        "deadline",
        re.compile(rf"(?:\d{{4}}年)?{_DAY}月(?:底|末|{_DAY}日)?(?:以)?前|年底前|年末前|年底|年内"),
    ),
    ("周期", "recurring", re.compile(r"每(?:年度?|半年|季度?|月|周)")),
    (
        "数量",
        "minimum count",
        re.compile(
            rf"(?:不少于|不低于|不得少于|至少)\s*{_NUMBER}\s*(?:个)?"
            r"(?:学时|课时|小时|人次|人|次|名|天|日|项|篇|件|场|期)"
        ),
    ),
    (
        "比例",
        "percentage",
        re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[一二三四五六七八九十百零点]+"),
    ),
    ("原则上", "in principle (a warning)", re.compile(r"原则上")),
)
"""What makes a sentence look checkable: (name, name in English, pattern)."""


@dataclass(frozen=True)
class Hint:
    """A checkable-looking phrase of a sentence: what kind, and the words seen."""

    name: str
    name_en: str
    words: str


def hints(sentence: str) -> list[Hint]:
    """The checkable-looking phrases of a sentence, by kind, each kind once."""
    found = []
    for name, name_en, pattern in HINTS:
        match = pattern.search(sentence)
        if match:
            found.append(Hint(name, name_en, match.group(0)))
    return found


@dataclass(frozen=True)
class Scaffold:
    """What ``new_pack`` wrote: the files, the sentences and how many look checkable."""

    files: list[Path]
    sentences: int
    hinted: int
    converted_from: str | None


def new_pack(
    pack_id: str,
    source: str | Path,
    *,
    into: str | Path = "rules",
    title: str | None = None,
    region: list[str] | None = None,
    in_force: tuple[date, date | None] | None = None,
) -> Scaffold:
    """Scaffold pack ``pack_id`` for the notice ``source`` in the rules folder ``into``."""
    if not PACK_ID.match(pack_id):
        raise UsageError(
            f"pack id {pack_id!r}: lower-case letters, digits and '-', starting with a letter "
            "or digit (e.g. acme-2026)"
        )
    source_path = Path(source)
    try:
        raw = read_input(source_path, MAX_RULE_FILE_BYTES)
        text, encoding = decode(raw, str(source_path))
    except InputError as error:
        raise InputError(error.problems, what="the notice") from None
    folder = Path(into)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is not a folder; --into names the rules folder to write in")
    targets = {
        "pack": folder / pack_id,
        "text": folder / "sources" / f"{pack_id}.txt",
        "register": folder / COVERAGE_DIR / f"{pack_id}.yaml",
        "features": folder / FEATURES_DIR / pack_id,
    }
    for path in targets.values():
        if path.exists() or path.is_symlink():
            raise UsageError(
                f"{path}: already exists; new-pack never writes over a pack (choose another id, "
                "or another --into folder)"
            )
    index = folder / "sources" / DOCUMENTS_FILE
    if index.is_file():
        located = read_yaml(index)
        known = [d.get("id") for d in located.data or [] if isinstance(d, dict)]
        if pack_id in known:
            raise UsageError(f"{index}: already has a document {pack_id}; choose another id")
    sentences = split_sentences(text)
    if not sentences:
        raise UsageError(f"{source_path}: holds no text to split into sentences")
    pack_title = (title or next(line.strip() for line in text.splitlines() if line.strip()))[:200]
    regions = [r for item in region or [] for r in re.split(r"[、,，/\s]+", item) if r]
    period = in_force or _period_of(text, source_path)
    kept = raw if encoding == "utf-8" else text.encode("utf-8")
    sha256 = hashlib.sha256(kept).hexdigest()

    for path in (targets["pack"], targets["text"].parent, targets["register"].parent):
        path.mkdir(parents=True, exist_ok=True)
    targets["features"].mkdir(parents=True)
    written = [write_file(targets["text"], kept)]
    entry = _document_entry(pack_id, source_path.name, sha256, pack_title, regions, period)
    if encoding != "utf-8":
        entry = entry.replace(
            "  notes: ",
            f"  # 原文为 {encoding} 编码，已转为 UTF-8 保存 (converted from {encoding})\n  notes: ",
        )
    previous = index.read_text(encoding="utf-8") if index.is_file() else _DOCUMENTS_HEADER
    written.append(write_text(index, previous.rstrip("\n") + "\n\n" + entry))
    written.append(
        write_text(targets["pack"] / PACK_FILE, _pack(pack_id, pack_title, regions, period))
    )
    written.append(write_text(targets["pack"] / RULES_FILE, _RULES_TEMPLATE.format(pack=pack_id)))
    register, hinted = _register(pack_id, text)
    written.append(write_text(targets["register"], register))
    written.append(
        write_text(
            targets["features"] / f"{pack_id}.feature",
            _FEATURE_TEMPLATE.format(pack=pack_id, title=pack_title, year=period[0].year),
        )
    )
    return Scaffold(written, len(sentences), hinted, None if encoding == "utf-8" else encoding)


def _period_of(text: str, source: Path) -> tuple[date, date | None]:
    """The years of the first year the notice names (to be checked by the author)."""
    match = re.search(r"(20\d{2}|19\d{2})\s*年", text)
    if not match:
        raise UsageError(
            f"{source}: names no year to take the period in force from; give --in-force "
            "FROM:TO (e.g. 2026-01-01:2026-12-31)"
        )
    year = int(match.group(1))
    return date(year, 1, 1), date(year, 12, 31)


def _q(value: object) -> str:
    """A value written as YAML (JSON, which YAML reads)."""
    return json.dumps(value, ensure_ascii=False)


def _period_text(period: tuple[date, date | None]) -> str:
    start, end = period
    return f"{{from: {start.isoformat()}" + (f", to: {end.isoformat()}}}" if end else "}")


_DOCUMENTS_HEADER = """\
# The source documents, kept byte for byte as received (the sha256 pins each copy).
# Every rule quote must be a substring of its document's file.
"""


def _document_entry(
    pack_id: str,
    original: str,
    sha256: str,
    title: str,
    regions: list[str],
    period: tuple[date, date | None],
) -> str:
    return f"""\
- id: {pack_id}
  file: {pack_id}.txt
  original_file: {_q(original)}
  sha256: {sha256}
  title: {_q(title)}
  title_en: "{PLACEHOLDER}: the title in English"
  issuer: "{PLACEHOLDER}：发文机关"
  number: null  # 文号，如 某司发〔2026〕1号
  date: null  # 成文日期 YYYY-MM-DD
  published: null
  jurisdiction: {_q(regions)}
  sector: []  # 所针对的领域，空：全部
  period: {_period_text(period)}  # 施行期：按通知核对
  lost_characters: []
  notes: "{PLACEHOLDER}：主送机关，以及施行期等的读法。"
  notes_en: "{PLACEHOLDER}: the addressees, and how the period and the like were read."
"""


def _pack(pack_id: str, title: str, regions: list[str], period: tuple[date, date | None]) -> str:
    applies = f"\n  region: {_q(regions)}" if regions else " {}  # 空：全部部门；region: [省, 市]"
    return f"""\
# 规则包 {pack_id}（由 enforcement-rules new-pack 生成）：核对各项，填写「{PLACEHOLDER}」之处。
id: {pack_id}
title: {_q(title)}
title_en: "{PLACEHOLDER}: the title in English"
documents: [{pack_id}]
applies_to:{applies}
in_force: {_period_text(period)}  # 施行期：按通知核对
description: "{PLACEHOLDER}：适用于哪些部门，何时施行。"
description_en: "{PLACEHOLDER}: whom the pack applies to, and when."
"""


_RULES_TEMPLATE = """\
# 规则包 {pack} 的规则。每条规则逐字引用原文的一句（quote），写明解读（note）与整改（fix），
# 中文在前、英文在后；类型（kind）及其参数见 docs/reference/kinds.md。
# 写好一条规则后：在 coverage/{pack}.yaml 中它所引用的句子下写 rules: [编号]，在
# features/{pack}/ 下写一个通过的场景和一个不通过的场景，然后运行
#   enforcement-rules lint <本文件夹>  和  enforcement-rules test <本文件夹>
#
# 模板（去掉行首的 # 并改写）：
#
# - id: {pack}.1
#   kind: training_hours
#   title: 执法人员每年参加培训不少于60学时
#   title_en: Each officer trains at least 60 hours a year
#   minimum_hours: 60
#   sources:
#     - document: {pack}
#       section: 二、（一）
#       quote: 每人每年参加培训不少于60学时
#   note: 在岗执法人员每个自然年的培训学时合计不少于60学时，按培训记录的日期计入年度。
#   note_en: An officer on duty trains 60 hours or more in each calendar year, by training date.
#   fix: 为学时不足的执法人员安排培训。
#   fix_en: Schedule training for the officers short of hours.

[]
"""

_FEATURE_TEMPLATE = """\
# language: zh-CN
# 规则包 {pack} 的规格说明（由 enforcement-rules new-pack 生成的模板）。
# 在「功能:」上一行标注所规定的规则编号（如 @{pack}.1），在说明中逐字引用其原文「……」；
# 每条规则写一个通过的场景（那么 规则 … 没有发现）
# 和一个不通过的场景（那么 规则 … 对 … 报告 不符合）。
# 可用的步骤见 docs/steps.md；运行：enforcement-rules test <规则文件夹>。
功能: {title}

  {placeholder}：逐字引用所规定规则的原文「……」。

  # 场景: 符合要求
  #   假如 部门:
  #     | 编号 | 名称     | 区划        | 层级 | 领域     |
  #     | D1   | 某市某局 | 某省/某市   | 市   | 交通运输 |
  #   而且 执法人员:
  #     | 编号 | 部门 | 用工 |
  #     | O1   | D1   | 在编 |
  #   当 以 {year}-12-31 为评估日评估规则包 {pack}
  #   那么 规则 {pack}.1 没有发现
  #
  # 场景: 不符合要求
  #   （同上，改写记录使规则有发现）
  #   那么 规则 {pack}.1 对 O1 报告 不符合
""".replace("{placeholder}", PLACEHOLDER)


def _register(pack_id: str, text: str) -> tuple[str, int]:
    lines = [
        f"# 《{pack_id}》逐句分类（由 enforcement-rules new-pack 生成）：每一句写下列一项——",
        "#   rules: [编号]            编码它的规则",
        "#   not_checkable: 理由      记录不能显示的要求（理由写全，或写 reasons 中的代码）",
        "#   context: 标签            标题、主送机关、落款、日期等背景（常用标签自带英文；"
        "其他标签在 contexts_en 中写英文）",
        "# 标有「可核查？」的句子出现了期限、周期、数量、比例或「原则上」，可以从这些句子开始。",
        "# Classify each sentence: rules, not_checkable or context; those marked 可核查？ "
        "(checkable?) are where to start.",
        "",
        f"document: {pack_id}",
        "sentences:",
    ]
    hinted = 0
    for sentence in split_sentences(text):
        seen = hints(sentence.text)
        remark = f"  # 第 {sentence.line} 行"
        if seen:
            hinted += 1
            remark += " · 可核查？checkable? " + "；".join(
                f"{h.name}「{h.words}」{h.name_en}" for h in seen
            )
        lines += [remark, f"  - text: {_q(sentence.text)}"]
    return "\n".join(lines) + "\n", hinted
