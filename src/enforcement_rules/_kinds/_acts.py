"""What the kinds about single actions share: their scope (the rule's departments, its period
in force and action kinds), the event an action is judged on, gathered two ways (``act_frame``
with polars for every action at once, ``act_event`` for one action as it arrives), the
participants of an action as the monitor reads them (``_read_participants``), and the tracker
that judges each action when it arrives.

An act event's days are ordinals (``NO_DAY`` for a day the action does not name); ``today`` is
the as-of day, or the clock's day in the monitor: a legal review or a publication dated after it
does not count yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import polars as pl
from pydantic import Field

from .._conditions import (
    Condition,
    any_of,
    at_least,
    at_most,
    decided,
    equals,
    field,
    greater,
    one_of,
    rows_where,
    within,
)
from .._fields import ActionKindName
from .._figures import Figures
from .._findings import finding_frame
from .._live._base import NO_DAY, Alarms, Change, LiveState, Observation, Tracker, ordinal
from .._live._base import start_moment as day_moment
from .._rulebase import Context, Period, RuleBase
from .._semantics import covers, in_dates, standing
from .._vocab import Employment
from ._per_evaluation import per_evaluation

EPOCH = date(1970, 1, 1).toordinal()
ONE_DAY = timedelta(days=1)
UNSAID = "unknown"
"""The ``started`` of an inspection whose record does not say how it was started."""
RECORDED = {True: "yes", False: "no", None: UNSAID}
"""An action's ``recorded`` as its event's ``record`` holds it."""
RECORD = pl.Enum(list(RECORDED.values()))
"""The type of ``record`` in ``act_events``: one of three words, a byte each for a million acts."""


def day_number(column: str | pl.Expr) -> pl.Expr:
    """A date column as an event holds it: its ordinal, ``NO_DAY`` for none."""
    expr = pl.col(column) if isinstance(column, str) else column
    return (expr.cast(pl.Int32) + EPOCH).fill_null(NO_DAY)


def plain(value: Any) -> Any:
    """A field of a record as a finding's figures hold it (a day as ``YYYY-MM-DD``)."""
    return value.isoformat() if isinstance(value, date) else value


def counted(name: str) -> list[Condition]:
    """The action names the day ``name``, and it is the clock's day or before."""
    return [greater(name, NO_DAY), at_most(name, field("today"))]


def not_counted(name: str) -> Condition:
    """The action names no day ``name``, or one after the clock's day (it does not count yet)."""
    return any_of(equals(name, NO_DAY), greater(name, field("today")))


class ActRule(RuleBase):
    """A rule about each action of its departments dated within its period in force."""

    subject_type: ClassVar[str] = "action"

    def kinds(self) -> list[str]:
        """The action kinds the rule judges (empty: every kind)."""
        return []

    def figure_model(self) -> type[Figures]:
        """The figures of the rule's findings (``figures``, unless its parameters narrow them)."""
        return self.figures

    def shown(self) -> dict[str, str]:
        """Each figure's key, and the field of the gathered action it shows (both evaluators
        gather an action's fields under the same names; by default a figure's own)."""
        return {key: key for key in self.figure_model().figure_keys()}

    def figure_columns(self) -> dict[str, pl.Expr]:
        """The figures as columns of the gathered actions (``shown``)."""
        shown = self.shown()
        return self.figure_model().columns(**{key: pl.col(name) for key, name in shown.items()})

    def check(self, ctx: Context) -> pl.DataFrame:
        return act_findings(
            decided(act_frame(ctx, self), self.decision(ctx.in_force(self))),
            self.figure_columns(),
        )

    def scope(self, in_force: Period) -> list[Condition]:
        """The period in force and the action kinds, as conditions on the act's event."""
        conditions = [at_least("day", in_force.start.toordinal())]
        if in_force.end is not None:
            conditions.append(at_most("day", in_force.end.toordinal()))
        if self.kinds():
            conditions.append(one_of("kind", self.kinds()))
        return conditions


class ActionKindsRule(ActRule):
    """An act rule that names the action kinds it judges (``action_kinds``; empty: all)."""

    action_kinds: list[ActionKindName] = Field(default_factory=list)

    def kinds(self) -> list[str]:
        return [str(k) for k in self.action_kinds]


# -- the batch: every action at once ---------------------------------------------------------


@per_evaluation
def act_events(ctx: Context) -> pl.DataFrame:
    """``actions`` as of the day, each with the fields of its event beside its own columns."""
    return ctx.actions.with_columns(
        day=day_number("date"),
        today=pl.lit(ctx.as_of.toordinal()),
        decided=day_number(pl.coalesce("decided_on", "date")),
        record=pl.col("recorded").replace_strict(
            [True, False], [RECORDED[True], RECORDED[False]], default=UNSAID, return_dtype=RECORD
        ),
        reviewed=day_number("legal_review_on"),
        published=day_number("publicized_on"),
        started=pl.col("method").fill_null(UNSAID),
        of_enterprise=pl.col("enterprise").fill_null(False),
    )


def act_frame(ctx: Context, rule: RuleBase) -> pl.DataFrame:
    """The actions of the rule's departments with their events' fields."""
    return rows_where(act_events(ctx), within("department", ctx.departments(rule)))


def act_findings(
    frame: pl.DataFrame, figures: dict[str, pl.Expr], due: pl.Expr | None = None
) -> pl.DataFrame:
    """One finding per decided action of ``frame`` (columns ``id``, ``department``, ``status``)."""
    return finding_frame(
        frame,
        subject_type="action",
        subject_id=pl.col("id"),
        department=pl.col("department"),
        status=pl.col("status"),
        figures=figures,
        due=due,
    )


def with_ids(ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``action_row``) with the id of the action of that row (``action``)."""
    return frame.with_columns(action=ctx.actions["id"].gather(frame["action_row"]))


def with_action(ctx: Context, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """``frame`` (with ``action_row``) with ``columns`` of the action of that row."""
    return frame.hstack(ctx.actions.select(pl.col(*columns).gather(frame["action_row"])))


def listed_act_findings(
    rule: ActRule, ctx: Context, listed: pl.DataFrame, count: str, figures: type[Figures]
) -> pl.DataFrame:
    """The findings of a rule counting some of an action's participants, from ``listed``:
    one row per action that has any (``action``, ``action_row``, their list ``officers``),
    the count posted as ``count``; the figures are the action's ``date`` and the list as the
    model's other figure."""
    actions = with_action(ctx, listed, "department", "date", "kind").filter(
        pl.col("department").is_in(ctx.departments(rule))
    )
    counted = actions.with_columns(
        id=pl.col("action"), day=day_number("date"), **{count: pl.col("officers").list.len()}
    )
    (other,) = [key for key in figures.figure_keys() if key != "date"]
    return act_findings(
        decided(counted, rule.decision(ctx.in_force(rule))),
        figures.columns("date", **{other: pl.col("officers")}),
    )


# -- the monitor: one action as it arrives ---------------------------------------------------


def act_event(row: dict[str, Any], today: date | None) -> dict[str, Any]:
    """``act_events`` for one action, on the clock's day ``today``."""
    return {
        "day": row["date"].toordinal(),
        "kind": row["kind"],
        "today": ordinal(today),
        "decided": (row["decided_on"] or row["date"]).toordinal(),
        "major": row["major"],
        "record": RECORDED[row["recorded"]],
        "reviewed": ordinal(row["legal_review_on"]),
        "published": ordinal(row["publicized_on"]),
        "started": row["method"] or UNSAID,
        "of_enterprise": bool(row["enterprise"]),
    }


_Reading = tuple[date, date, bool, bool, dict[str, Any] | None, bool]


def _read_participants(
    row: dict[str, Any], state: LiveState
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An action's participants as the rules on who took part read them on its date.

    Its event: ``day``, ``kind``, ``participants``, ``certified`` (a certificate valid that
    day), ``certified_in_domain`` (valid and covering the action's domain), ``auxiliary``,
    ``exited`` (participants whose certificates covering the day had all been suspended,
    withdrawn or cancelled) and ``exempt_level`` (the level of a recognised provision the
    action cites that allows it with fewer officers, ``""`` when none does); and its lists: its
    exception basis read against the register of recognised exceptions (``judgement``) and the
    participants each count counts (``uncertified``, ``uncertified_in_domain``, ``auxiliary``,
    ``exited``).
    """
    day: date = row["date"]
    domain: str | None = row["domain"]
    uncertified: list[str] = []
    uncertified_in_domain: list[str] = []
    auxiliary: list[str] = []
    exited: list[dict[str, Any]] = []
    readings: dict[tuple[str, str | None], _Reading] = state.lasting
    for officer_id in row["participants"]:
        key = (officer_id, domain)
        reading = readings.get(key)
        if reading is None or not reading[0] <= day < reading[1]:
            if len(readings) >= READINGS_KEPT:
                readings.clear()
            reading = readings[key] = _read_participant(officer_id, day, domain, state)
        _, _, certified, in_domain, first_exit, is_auxiliary = reading
        if not certified:
            uncertified.append(officer_id)
            if first_exit is not None:
                exited.append(dict(first_exit))
        if not in_domain:
            uncertified_in_domain.append(officer_id)
        if is_auxiliary:
            auxiliary.append(officer_id)
    basis = row["exception_basis"]
    judgement = (
        None
        if basis is None
        else state.exceptions.judge(
            basis, row["basis_level"], row["kind"], domain, row["procedure"]
        )
    )
    count = len(row["participants"])
    event = {
        "day": day.toordinal(),
        "kind": row["kind"],
        "participants": count,
        "certified": count - len(uncertified),
        "certified_in_domain": count - len(uncertified_in_domain),
        "auxiliary": len(auxiliary),
        "exited": len(exited),
        "exempt_level": judgement.exempt_level if judgement else "",
    }
    listed = {
        "judgement": judgement,
        "uncertified": sorted(uncertified),
        "uncertified_in_domain": sorted(uncertified_in_domain),
        "auxiliary": sorted(auxiliary),
        "exited": sorted(exited, key=lambda e: str(e["officer"])),
    }
    return event, listed


READINGS_KEPT = 20_000
"""How many readings of an officer (``_read_participant``) the monitor keeps at most, in
``LiveState.lasting`` (which lets them go sooner: when a standing record arrives)."""


def _read_participant(officer_id: str, day: date, domain: str | None, state: LiveState) -> _Reading:
    """The days from and before which the reading holds (its certificates' days do not change
    between them), whether the officer held a certificate valid on ``day``, one also covering
    ``domain``, the first certificate covering the day that had been suspended, withdrawn or
    cancelled, and whether the officer is auxiliary staff."""
    officer = state.officers.get(officer_id)
    department = state.departments.get(officer["department"]) if officer else None
    department_domain = department["domain"] if department else None
    certified = in_domain = False
    first_exit: dict[str, Any] | None = None
    certificates = state.certificates.get(officer_id, {}).values()
    # the reading changes only on a day a certificate starts, ends (the day after) or stops
    changes = [c["valid_from"] for c in certificates]
    changes += [c["valid_to"] + ONE_DAY for c in certificates if c["valid_to"] < date.max]
    changes += [c["status_since"] for c in certificates if c["status_since"] is not None]
    since = max((d for d in changes if d <= day), default=date.min)
    until = min((d for d in changes if d > day), default=date.max)
    for certificate in certificates:
        if not in_dates(certificate, day):
            continue
        if not standing(certificate, day):
            if first_exit is None:
                first_exit = {
                    "officer": officer_id,
                    "certificate": certificate["id"],
                    "status": certificate["status"],
                    "since": certificate["status_since"].isoformat(),
                }
            continue
        certified = True
        in_domain = in_domain or covers(certificate, domain, department_domain)
    auxiliary = officer is not None and officer["employment"] == Employment.AUXILIARY.value
    return since, until, certified, in_domain, first_exit, auxiliary


class ActTracker(Tracker):
    """Judges each action of the rule's departments when it arrives (``observe``), on its act
    event unless the kind reads its participants. An action whose judgement may change as the
    clock moves (a review dated later does not count yet) is held until the days it names
    (``wait``) and judged again then."""

    reads: ClassVar[frozenset[str]] = frozenset({"actions"})
    about_acts: ClassVar[bool] = True
    rule: ActRule

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.kinds = frozenset(self.rule.kinds())
        self.model, self.shown = self.rule.figure_model(), tuple(self.rule.shown().items())
        self.held: dict[str, dict[str, Any]] = {}  # action id -> row, until its days come
        self.alarms: Alarms[str] = Alarms()

    def concerns(self, row: dict[str, Any]) -> bool:
        return super().concerns(row) and (not self.kinds or row["kind"] in self.kinds)

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if self.held:
            self.release(row["id"])
        # the decision holds the kinds too: an action of another kind only spares the engine
        if row["department"] not in self.departments() or (
            self.kinds and row["kind"] not in self.kinds
        ):
            return (self.outside(row["id"]),)
        return (self.observe(change),)

    def observe(self, change: Change) -> Observation:
        if "act" not in change.gathered:
            change.gathered["act"] = act_event(change.row, self.state.today)
        return self.judge(change.row, change.gathered["act"])

    def judge(self, row: dict[str, Any], event: dict[str, Any]) -> Observation:
        """The action's observation; by default its figures are fields of the action."""
        return self.observation(
            row["id"], row["department"], event, lambda: self.figure_values(row)
        )

    def figure_values(self, gathered: dict[str, Any]) -> dict[str, Any]:
        """The figures from the fields gathered about one action (``ActRule.shown``)."""
        return self.model.of(**{key: plain(gathered[name]) for key, name in self.shown})

    def wait(self, row: dict[str, Any], *days: date | None) -> None:
        """Judge the action again when the clock reaches each of ``days`` still to come."""
        now = self.state.now
        for day in days:
            if day is not None and (moment := day_moment(day)) > now:
                if row["id"] not in self.held:
                    self.state.held_acts[row["id"]] += 1
                self.held[row["id"]] = row
                self.alarms.at(moment, row["id"], now)

    def release(self, act_id: str) -> dict[str, Any] | None:
        """The act held under ``act_id``, no longer held (``None``: none was)."""
        row = self.held.pop(act_id, None)
        if row is not None:
            self.state.held_acts[act_id] -= 1
            if not self.state.held_acts[act_id]:
                del self.state.held_acts[act_id]
        return row

    def on_clock(self, before: datetime | None, after: datetime) -> Iterable[Observation]:
        come = [self.release(i) for i in self.alarms.rung(self.state.now) if i in self.held]
        return [self.judge(row, self.event_today(row)) for row in come if row]

    def event_today(self, row: dict[str, Any]) -> dict[str, Any]:
        """The act event of a held action on the clock's day, made once for every rule."""
        made = self.state.readings.get(("act", row["id"]))
        if made is None or made[0] is not row:
            made = self.state.readings[("act", row["id"])] = (row, act_event(row, self.state.today))
        event: dict[str, Any] = made[1]
        return event

    def holds(self, subject_id: str) -> bool:
        return subject_id in self.held


class ParticipantsTracker(ActTracker):
    """Judges each action on its participants (``_read_participants``), read once for every
    rule; the figures show the action's fields, its event's and the lists of participants."""

    def observe(self, change: Change) -> Observation:
        row = change.row
        if "participants" not in change.gathered:
            change.gathered["participants"] = _read_participants(row, self.state)
        event, listed = change.gathered["participants"]
        return self.observation(
            row["id"], row["department"], event, lambda: self.figure_values(row | event | listed)
        )
