"""What the live monitor keeps between records (``LiveState``: the clock, the standing records
and running tallies) and what a tracker is (``Tracker``: a kind's way of gathering its event
record by record, defined in the kind's own module under ``_kinds/``)."""

from __future__ import annotations

from ._base import Change, LiveState, Observation, Tracker

__all__ = ["Change", "LiveState", "Observation", "Tracker"]
