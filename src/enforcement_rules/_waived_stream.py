"""Waivers on a stream of findings (``enforcement-rules watch --waivers``, the service's
monitors): each finding is told as a report on the monitor's day would list it.

A finding a waiver in force on that day covers is told as ``waived``, with its waiver, and is
not a violation of the stream; one whose waiver expired is told as ``raised`` with the note a
report gives it. As the clock moves, a finding already told is told again when its standing
changes: when the day passes a waiver's last day (waived → raised, with the note) or reaches its
approval day (raised → waived). Replaying the events by finding, the latest one standing, gives
what ``check --waivers`` reports on the monitor's day: its findings and its waived list.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ._report import Finding
from ._waivers import Waivers

RAISED, WAIVED = "raised", "waived"
"""The ``event`` of a finding told as found, and of one told as waived."""

_Key = tuple[str, str, str | None, str | None]


class WaivedStream:
    """What each finding a waiver names was told as, so that it is told again when the day
    changes its standing."""

    def __init__(self, waivers: Waivers) -> None:
        self.waivers = waivers
        self._rules = {w.rule for w in waivers}
        self._told: dict[_Key, tuple[Finding, str, int | None]] = {}

    def told(self, finding: Finding, clock: datetime | None) -> tuple[str, dict[str, Any], bool]:
        """How a finding that arose or changed is told at the monitor's ``clock`` (``None``: not
        set, no waiver is in force): its event, its data, and whether it is a violation."""
        if finding.rule not in self._rules or not self._covering(finding):
            return RAISED, finding.to_dict(), finding.is_violation
        event, index = self._standing(finding, _day(clock))
        self._told[_key(finding)] = (finding, event, index)
        return self._event(finding, event, index)

    def resolved(self, finding: Finding) -> None:
        """A finding told earlier stopped holding."""
        self._told.pop(_key(finding), None)

    def moved(self, clock: datetime | None) -> list[tuple[str, dict[str, Any], bool]]:
        """The findings told again because the monitor's clock reached ``clock``."""
        again = []
        day = _day(clock)
        for key, (finding, event, index) in list(self._told.items()):
            standing = self._standing(finding, day)
            if standing != (event, index):
                self._told[key] = (finding, *standing)
                again.append(self._event(finding, *standing))
        return again

    def _covering(self, finding: Finding) -> list[int]:
        return [
            i
            for i, w in enumerate(self.waivers)
            if w.covers(finding.rule, finding.subject_id, finding.department)
        ]

    def _standing(self, finding: Finding, day: date | None) -> tuple[str, int | None]:
        """``waived`` under the first waiver in force that covers it; else ``raised`` with the
        expired waiver that covered it last (the latest to expire), as a report judges."""
        if day is None:
            return RAISED, None
        covering = self._covering(finding)
        states = {i: self.waivers[i].state(day) for i in covering}
        active = [i for i in covering if states[i] == "active"]
        if active:
            return WAIVED, active[0]
        expired = [i for i in covering if states[i] == "expired"]
        if not expired:
            return RAISED, None
        latest = max(self.waivers[i].valid_until for i in expired)
        return RAISED, min(i for i in expired if self.waivers[i].valid_until == latest)

    def _event(
        self, finding: Finding, event: str, index: int | None
    ) -> tuple[str, dict[str, Any], bool]:
        if index is None:
            return RAISED, finding.to_dict(), finding.is_violation
        waiver = self.waivers[index]
        if event == WAIVED:
            return WAIVED, {**finding.to_dict(), "waiver": waiver.to_dict()}, False
        noted = waiver.noted(finding)
        return RAISED, noted.to_dict(), noted.is_violation


def _day(clock: datetime | None) -> date | None:
    return clock.date() if clock is not None else None  # the clock is in Asia/Shanghai


def _key(finding: Finding) -> _Key:
    return (finding.rule, finding.subject_id, finding.period, finding.department)
