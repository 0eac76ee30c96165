"""iCalendar (RFC 5545) text of a compliance calendar, for calendar programs to import.

One all-day event per entry on its due day (the day ends at 23:59:59 in Asia/Shanghai, as the
description says). Lines end with CRLF and are folded at 75 octets without splitting a UTF-8
character; text values are escaped. DTSTAMP is the end of the as-of day, never the clock, so
the same records and day give the same file. UIDs are stable across as-of days, so importing a
newer calendar updates the events of an older one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING

from ._dates import day_end
from ._rulebase import SEVERITY_LABELS, STATUS_LABELS
from ._terminal import printable

if TYPE_CHECKING:
    from ._calendar import Calendar, CalendarEntry

PRODID = "-//enforcement-rules//compliance calendar//ZH"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma, and a line break
    (``\\r\\n``, ``\\n`` or a bare ``\\r``) as ``\\n``; any other control character, which a
    TEXT value cannot hold, is written as ``\\uXXXX`` (``_terminal.printable``), so no value
    can end a content line and start another (a forged event)."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return (
        printable(lines)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), ending with CRLF."""
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # never split a UTF-8 character
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1  # a continuation line starts with one space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8") + "\r\n"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _uid(entry: CalendarEntry) -> str:
    key = "\x1f".join([entry.rule, entry.department, entry.item, entry.period or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@enforcement-rules"


def _description(entry: CalendarEntry) -> str:
    lines = [
        entry.message,
        entry.message_en,
        f"期限 due: {entry.due.isoformat()} 23:59:59 (Asia/Shanghai)",
        f"状态 status: {STATUS_LABELS[entry.status]} {entry.status.value}"
        f" ({SEVERITY_LABELS[entry.severity]})",
        f"规则 rule: {entry.rule} ({entry.pack})",
    ]
    for source in entry.sources:
        lines.append(f"原文 source: {source.document} {source.section}")
        lines.append(source.quoted())
    lines.append(f"整改 fix: {entry.fix}")
    if entry.waiver:
        lines.append(f"已批准豁免：{entry.waiver.text()}")
        lines.append(entry.waiver.text("en"))
    return "\n".join(lines)


def _event(entry: CalendarEntry, stamp: str) -> list[str]:
    period = f"({entry.period})" if entry.period else ""
    label = STATUS_LABELS[entry.status] + ("·已豁免" if entry.waiver else "")
    summary = f"[{label}] {entry.department_name}:{entry.title}{period}"
    return [
        "BEGIN:VEVENT",
        f"UID:{_uid(entry)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_day(entry.due)}",
        f"DTEND;VALUE=DATE:{_day(entry.due + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(_description(entry))}",
        "CATEGORIES:"
        + ",".join(
            escape_text(c)
            for c in (entry.pack, entry.status.value, *(["waived"] if entry.waiver else []))
        ),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_ics(calendar: Calendar) -> str:
    """The iCalendar text of ``calendar``."""
    stamp = day_end(calendar.as_of).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text('行政执法合规日历 ' + calendar.as_of.isoformat())}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for entry in calendar.entries:
        lines += _event(entry, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
