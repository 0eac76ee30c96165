"""Live pieces of the quota kinds: ``quota`` (at least so many activities or submissions in
each period, an item of the schedule per department and period) and ``activity_minutes`` (each
activity of the kind is judged when it arrives)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from .._conditions import Condition, all_of, any_of, at_least, at_most, equals, greater, less
from .._kinds.quotas import _ACTION_KIND_WORDS, ActivityMinutes, Quota
from .._rulebase import DepartmentView, Status
from .._vocab import ActivityKind, parse_enum
from ._base import Change, LiveState, Observation, Tracker, iso
from .deliverables import stage_of_value
from .schedule import (
    ByDepartment,
    Item,
    ScheduleTracker,
    due_passed,
    is_open,
    not_yet_due,
    periods_of,
)


class ActivityMinutesTracker(Tracker, follows=ActivityMinutes):
    """Each activity of the rule's kind, of its departments and dated in its period, kept a
    record (``minutes`` true); false or not stated is ``not_met``."""

    how: ClassVar[str] = "per activity of the kind: minutes kept, or not (false or not stated)"

    rule: ActivityMinutes
    reads: ClassVar[frozenset[str]] = frozenset({"activities"})
    about_acts: ClassVar[bool] = True

    def ruleset(self) -> dict[str, Condition]:
        period = LiveState.in_force(self.rule, self.pack)
        conditions = [
            equals("kind", parse_enum(ActivityKind, self.rule.activity).value),
            at_least("day", period.start.toordinal()),
            equals("minutes", False),
        ]
        if period.end is not None:
            conditions.append(at_most("day", period.end.toordinal()))
        return {Status.NOT_MET.value: all_of(*conditions)}

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if row["department"] not in self.departments():
            return (self.outside(row["id"]),)
        event = {
            "kind": row["kind"],
            "day": row["date"].toordinal(),
            "minutes": bool(row["minutes"]),
        }
        figures = {"date": row["date"].isoformat(), "minutes": row["minutes"]}
        return (self.observation(row["id"], row["department"], event, lambda: figures),)


class QuotaTracker(ScheduleTracker, follows=Quota):
    """At least ``minimum`` activities of a kind (or submissions of a deliverable) per period.
    The tracker keeps, per department, the records the quota counts (an activity counts
    ``count`` times), and, for a quota that must cover the department's enforcement kinds, the
    first day of each kind of action since ``covers_action_kinds_since``."""

    how: ClassVar[str] = (
        "per (department, period): the activities (or submissions) counted in the period, "
        "those after its due day, and for a case-file review the enforcement kinds of the "
        "department's actions since the rule's day that it did not cover (the first day of "
        "each kind is kept); the ruleset holds the minimum and decides `pending`, `missing`, "
        "`not_met`, `late` (enough only after the due day) and `incomplete` (enough, not "
        "covering every kind)"
    )

    rule: Quota

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.counted_kind = self.rule._item
        self.since = self.rule.covers_action_kinds_since
        self.records: ByDepartment[Counted] = ByDepartment()
        self.kinds_since: dict[str, dict[str, date]] = {}  # department -> action kind -> day
        self._organisers: list[str] | None = None  # area_activities_by: kept until one changes

    def reading(self) -> frozenset[str]:
        counted = "activities" if self.rule.activity is not None else "submissions"
        return frozenset({"departments", counted, *(["actions"] if self.since else [])})

    def ruleset(self) -> dict[str, Condition]:
        minimum = self.rule.minimum
        short = less("counted", minimum)
        judged = all_of(is_open(), due_passed())
        statuses = {
            Status.PENDING.value: all_of(
                is_open(), not_yet_due(), any_of(short, greater("uncovered", 0))
            ),
            Status.INCOMPLETE.value: all_of(
                judged, at_least("counted", minimum), greater("uncovered", 0)
            ),
        }
        if self.rule.per == "once":  # enough only after the due day is late
            statuses[Status.LATE.value] = all_of(judged, short, at_least("total", minimum))
            short = all_of(short, less("total", minimum))
        statuses[Status.MISSING.value] = all_of(judged, short, equals("counted", 0))
        statuses[Status.NOT_MET.value] = all_of(judged, short, greater("counted", 0))
        return statuses

    def periods_at(self, day: date) -> list[dict[str, Any]]:
        return periods_of(self.rule, self.pack, day, self.rule._periods)

    def on_change(self, change: Change) -> Iterable[Observation]:
        if change.record_type == "actions":  # the common case first: an action is cheap
            return self.on_action(change.row)
        if change.record_type == "departments":
            self._organisers = None
        observations = list(super().on_change(change))
        if change.record_type == "departments" and self.rule.area_activities_by is not None:
            # a department moving in or out of an organiser's area, or becoming one
            department = change.row["id"]
            observations += [
                o for d in list(self.items) if d != department for o in self.judge_department(d)
            ]
        return observations

    def on_record(self, change: Change) -> Iterable[Observation]:
        row = change.row
        counted = self.counted(change.record_type, row)
        departments = self.records.put(row["id"], row["department"], counted)
        reached = [d for o in departments for d in self._area_of(o)]
        return [
            o for d in dict.fromkeys([*departments, *reached]) for o in self.judge_department(d)
        ]

    def _place(self, department: str) -> str | None:
        row = self.state.departments.get(department)
        return None if row is None else "/".join(row["region"])

    def _is_organiser(self, department: str) -> bool:
        selector = self.rule.area_activities_by
        row = self.state.departments.get(department)
        return selector is not None and row is not None and selector.matches(DepartmentView.of(row))

    @staticmethod
    def _within(place: str | None, area: str | None) -> bool:
        return (
            place is not None
            and area is not None
            and (place == area or place.startswith(area + "/"))
        )

    def _area_of(self, organiser: str) -> list[str]:
        """The departments owing items whose area ``organiser`` organises (none unless it is
        one of ``area_activities_by``)."""
        if not self._is_organiser(organiser):
            return []
        area = self._place(organiser)
        return [d for d in self.items if d != organiser and self._within(self._place(d), area)]

    def _organisers_of(self, department: str) -> list[str]:
        """The organisers whose activities count for ``department`` as well."""
        if self.rule.area_activities_by is None:
            return []
        if self._organisers is None:
            self._organisers = [o for o in self.state.departments if self._is_organiser(o)]
        place = self._place(department)
        return [
            o for o in self._organisers if o != department and self._within(place, self._place(o))
        ]

    def counted(self, record_type: str, row: dict[str, Any]) -> Counted | None:
        """What the quota counts of a record, as ``Quota._records`` reads it; ``None`` when it
        does not count it."""
        if record_type == "submissions":
            if row["obligation"] != self.rule.obligation:
                return None
            return Counted(row["submitted_on"], 1, (), row["period"])
        if row["kind"] != self.counted_kind:
            return None
        if self.rule.stage is not None and stage_of_value(row["stage"]) != self.rule.stage:
            return None
        covers = tuple(_ACTION_KIND_WORDS.get(c, c) for c in row["covers"])
        return Counted(row["date"], row["count"], covers, None)

    def on_action(self, row: dict[str, Any]) -> Iterable[Observation]:
        assert self.since is not None
        day: date = row["date"]
        if day < self.since:
            return ()
        kinds = self.kinds_since.setdefault(row["department"], {})
        first = kinds.get(row["kind"])
        if first is not None and first <= day:
            return ()
        kinds[row["kind"]] = day
        return self.judge_department(row["department"])

    def judge(self, item: Item) -> Observation:
        assert item.first is not None and item.last is not None
        by_label = self.rule.obligation is not None and self.rule.per in ("quarter", "year")
        inside: list[tuple[str, Counted]] = []
        after_due = 0
        held = [
            (record_id, counted)
            for source in (item.department, *self._organisers_of(item.department))
            for record_id, counted in self.records.of(source).items()
        ]
        for record_id, counted in held:
            if by_label and counted.label is not None:  # a submission naming its period
                if counted.label == item.period:
                    inside.append((record_id, counted))
            elif item.first <= counted.day <= item.last:
                inside.append((record_id, counted))
            if counted.day > item.last:
                after_due += counted.count
        count = sum(c.count for _, c in inside)
        covered = sorted({kind for _, c in inside for kind in c.covers})
        action_kinds: list[str] = []
        if self.since is not None:
            kinds = self.kinds_since.get(item.department, {})
            action_kinds = sorted(k for k, first in kinds.items() if first <= item.due)
        uncovered = [k for k in action_kinds if k not in covered]
        event = self.item_event(
            item, counted=count, total=count + after_due, uncovered=len(uncovered)
        )

        def figures() -> dict[str, Any]:
            values: dict[str, Any] = {
                "period": item.period,
                "from": iso(item.first),
                "to": iso(item.last),
                "due": iso(item.due),
                "count": count,
                "required": self.rule.minimum,
                "records": sorted(record_id for record_id, _ in inside),
            }
            if self.rule.per == "once":
                values["after_due"] = after_due
            if self.since is not None:
                values["action_kinds"] = action_kinds
                values["uncovered"] = uncovered
            return values

        return self.observation(
            item.department, item.department, event, figures, period=item.period, due=item.due
        )


@dataclass(frozen=True, slots=True)
class Counted:
    """A record a quota counts: its day, how many times it counts, the enforcement kinds it
    covered, and the period it names (a submission)."""

    day: date
    count: int
    covers: tuple[str, ...]
    label: str | None
