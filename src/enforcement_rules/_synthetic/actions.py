"""Enforcement acts of the synthetic province: who carried each out, and what it recorded.

A department's acts are in proportion to its enforcing officers. Most acts are carried out by
two officers of the department (some by one, three or four); now and then auxiliary staff take
part. Penalties follow the ordinary or the summary procedure (one officer, naming the law that
allows it); major decisions have a legal review, most of them before the decision.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .._vocab import ActionKind, Procedure
from .people import (
    FIRST_YEAR,
    LAST_YEAR,
    Roster,
    as_dates,
    choice,
    days,
    numbered,
    unknown_officers,
)

KIND_SHARES = {
    ActionKind.INSPECTION: 0.50,
    ActionKind.PENALTY: 0.25,
    ActionKind.PERMIT: 0.12,
    ActionKind.COERCION: 0.05,
    ActionKind.OTHER: 0.08,
}
PARTICIPANT_SHARES = {1: 0.05, 2: 0.72, 3: 0.16, 4: 0.07}
AUXILIARY_SHARE = 0.015  # auxiliary staff take part in the act
SUMMARY_SHARE = 0.35  # of penalties
EXCEPTION_SHARE = 0.7  # of one-officer summary penalties: the law that allows it is named
# the basis named: the traffic law the register recognises (exempt where the act is a 公安
# department's), or the summary-procedure article, which allows no fewer officers
EXCEPTION_BASES = (
    "《中华人民共和国道路交通安全法》第一百零七条",
    "《中华人民共和国行政处罚法》第五十一条",
)
MAJOR_SHARE = 0.03  # of penalties and coercive measures
REVIEW_SHARES = {"before": 0.92, "after": 0.04}  # of major decisions; the rest have none
RECORDED_SHARES = {True: 0.955, False: 0.015, None: 0.03}
PUBLICIZED_SHARE = 0.94
UNKNOWN_OFFICER_SHARE = 0.0002  # a participant whose officer record is not in the records
DOMAIN_WRITTEN_SHARE = 0.05  # the act names its domain (else its department's applies)


def actions(
    count: int, departments: pl.DataFrame, roster: Roster, rng: np.random.Generator
) -> pl.DataFrame:
    """``count`` acts from the first day of ``FIRST_YEAR`` to the last of ``LAST_YEAR``, in
    date order, with the columns of the ``actions`` table."""
    weights = roster.enforcing.astype(float)
    dept = np.sort(rng.choice(weights.size, size=count, p=weights / weights.sum()))
    first, last = days(date(FIRST_YEAR, 1, 1)), days(date(LAST_YEAR, 12, 31))
    day = rng.integers(first, last + 1, count)
    order = np.lexsort((dept, day))
    dept, day = dept[order], day[order]

    sizes = np.array(list(PARTICIPANT_SHARES))[choice(rng, PARTICIPANT_SHARES, count)]
    enforcing = roster.enforcing[dept]
    sizes = np.minimum(sizes, enforcing)
    # A team is a run of the department's enforcing officers, from a random one on.
    offset = (rng.random(count) * enforcing).astype(np.int64)
    slots = []
    for j in range(max(PARTICIPANT_SHARES)):
        index = roster.start[dept] + (offset + j) % enforcing
        slots.append(np.where(j < sizes, index, -1))
    has_auxiliary = (rng.random(count) < AUXILIARY_SHARE) & (roster.auxiliary[dept] > 0)
    auxiliary = (
        roster.start[dept]
        + enforcing
        + (rng.random(count) * roster.auxiliary[dept]).astype(np.int64)
    )
    last_slot = np.minimum(sizes, len(slots) - 1)
    for j, slot in enumerate(slots):
        slot[has_auxiliary & (last_slot == j)] = auxiliary[has_auxiliary & (last_slot == j)]
    officer_ids = roster.ids
    columns = {
        f"p{j}": pl.select(
            pl.when(pl.Series(slot >= 0)).then(officer_ids.gather(np.maximum(slot, 0)))
        ).to_series()
        for j, slot in enumerate(slots)
    }
    # Now and then the first participant is an officer the records no longer hold.
    columns["p0"] = pl.select(
        pl.when(pl.Series(rng.random(count) < UNKNOWN_OFFICER_SHARE))
        .then(unknown_officers(rng, count))
        .otherwise(columns["p0"])
    ).to_series()
    participants = pl.DataFrame(columns).select(
        pl.concat_list(pl.all()).list.drop_nulls().alias("participants")
    )["participants"]

    kinds = list(KIND_SHARES)
    kind = np.array([k.value for k in kinds])[choice(rng, KIND_SHARES, count)]
    penalty = kind == ActionKind.PENALTY.value
    decided_kind = penalty | (kind == ActionKind.COERCION.value)
    summary = penalty & (rng.random(count) < SUMMARY_SHARE)
    one = (sizes == 1) & ~has_auxiliary
    exception = summary & one & (rng.random(count) < EXCEPTION_SHARE)
    major = decided_kind & ~summary & (rng.random(count) < MAJOR_SHARE)
    decided = np.minimum(day + rng.integers(0, 46, count), last)
    review_draw = rng.random(count)
    review = np.where(
        review_draw < REVIEW_SHARES["before"],
        decided - rng.integers(1, 11, count),
        decided + rng.integers(1, 11, count),
    )
    has_review = major & (review_draw < REVIEW_SHARES["before"] + REVIEW_SHARES["after"])
    recorded_values = list(RECORDED_SHARES)
    recorded = pl.Series(recorded_values, dtype=pl.Boolean).gather(
        choice(rng, RECORDED_SHARES, count)
    )
    publicized = np.minimum(np.where(decided_kind, decided, day) + rng.integers(0, 8, count), last)
    written_domain = rng.random(count) < DOMAIN_WRITTEN_SHARE
    procedure = np.where(summary, Procedure.SUMMARY.value, Procedure.ORDINARY.value)
    frame = pl.DataFrame(
        {
            "id": numbered("ZF", count, 8),
            "department": departments["id"].gather(dept),
            "date": as_dates(day),
            "kind": pl.Series(kind),
            "domain": pl.select(
                pl.when(pl.Series(written_domain)).then(departments["domain"].gather(dept))
            ).to_series(),
            "participants": participants,
            "procedure": pl.select(
                pl.when(pl.Series(penalty)).then(pl.Series(procedure))
            ).to_series(),
            "major": pl.Series(major),
            "decided_on": as_dates(decided, decided_kind),
            "legal_review_on": as_dates(review, has_review),
            "recorded": recorded,
            "publicized_on": as_dates(publicized, rng.random(count) < PUBLICIZED_SHARE),
            "exception_basis": pl.select(
                pl.when(pl.Series(exception)).then(
                    pl.Series(np.array(EXCEPTION_BASES)[rng.integers(0, 2, count)])
                )
            ).to_series(),
        }
    )
    return frame
