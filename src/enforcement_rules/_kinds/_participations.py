"""Derived tables of the rules on who took part in an act: one row per (action,
participant) judged against the officer's certificates on the action's date, and the counts
and lists the personnel rules read; each computed once per evaluation."""

from __future__ import annotations

import polars as pl

from .._rulebase import Context
from .._semantics import covers_expr, in_dates_expr, standing_expr
from ._acts import day_number, with_action, with_ids
from ._per_evaluation import per_evaluation

STREAMED_FROM = 100_000
"""The participations from which their certificates are judged streaming (below, in memory:
quicker on a department's month)."""


def _exploded(ctx: Context) -> pl.DataFrame:
    """A row per participant of each action: ``_p``, the participation (its first row),
    ``_row``, ``action_row``, ``officer`` and the action's ``date`` (made again where read: it
    is quick to make and large to hold; the action's id and domain are read by its row)."""
    exploded = (
        ctx.actions.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("action_row"),
            pl.col("participants").alias("officer"),
            "date",
        )
        .explode("officer")
        .filter(pl.col("officer").is_not_null())
        .with_row_index("_row")
        .with_columns(pl.col("_row").alias("_p"))
    )
    if _merged(ctx):
        # Two records under one id: an officer taking part in both is one participation
        # (its first row), judged on the certificates of either record's day.
        action = ctx.actions["id"].gather(exploded["action_row"])
        exploded = exploded.with_columns(pl.col("_row").min().over(action, "officer").alias("_p"))
    return exploded


@per_evaluation
def _merged(ctx: Context) -> bool:
    """Whether some rows of ``_exploded`` are one participation: records repeating an
    action id, or (in records built without validation) an officer listed twice."""
    participants = ctx.actions["participants"]
    return ctx.records.repeats_ids("actions") or bool(
        (participants.list.n_unique() < participants.list.len()).any()
    )


@per_evaluation
def participations(ctx: Context) -> pl.DataFrame:
    """One row per (action, participant), as of the day, with what each check needs.

    Columns: ``_p`` (the participation's key: see below), ``action_row`` (the action's row in
    ``actions``: see ``with_action``; its id is read where needed, by ``with_ids``: a text per
    participation is large to hold), ``officer``, ``certified`` (a certificate valid on the
    action's date), ``certified_in_domain`` (valid and authorised for the action's domain),
    ``exited`` (the officer's certificates that would cover the date were suspended,
    withdrawn or cancelled by then: see ``certificate_exits``).

    While its certificates are joined and judged, each participation is keyed by its row
    (``_p``), so that the grouping is by one integer rather than by two texts: this is
    the bulk of the work of every check on who took part.
    """
    exploded = _exploded(ctx)
    judged = (
        _held(ctx, exploded.lazy())
        .with_columns(covers=pl.col("valid") & covers_expr("domain").fill_null(False))
        .group_by("_p")
        .agg(
            pl.col("valid").any().alias("certified"),
            pl.col("covers").any().alias("certified_in_domain"),
            (~pl.col("valid")).any().alias("has_exited"),
        )
        # Streamed when large: the pairs of a participation and a certificate are judged a
        # part at a time, never all held at once (they outnumber the participations).
        .collect(engine="streaming" if exploded.height > STREAMED_FROM else "in-memory")
    )
    first = exploded.filter(pl.col("_row") == pl.col("_p")) if _merged(ctx) else exploded
    del exploded
    return (
        first.select("_p", "action_row", "officer")
        .join(judged, on="_p", how="left", maintain_order="left")
        .with_columns(pl.col("certified", "certified_in_domain", "has_exited").fill_null(False))
        .select(
            "_p",
            "action_row",
            "officer",
            "certified",
            "certified_in_domain",
            (pl.col("has_exited") & ~pl.col("certified")).alias("exited"),
        )
    )


def _held(ctx: Context, exploded: pl.LazyFrame, *columns: str) -> pl.LazyFrame:
    """Each participation (``_p``) with each certificate its officer holds that lies within
    its dates on the action's date (in the order of ``certificates``): ``valid`` then (not
    suspended, withdrawn or cancelled by then; else it had ``exited``), with its ``domains``,
    its holder's ``department_domain`` and ``columns`` of the certificate. The action's
    ``domain`` is read by its row (``action_row``): only for the pairs within the
    certificate's dates, never for every participation at once."""
    certificates = ctx.records.certificates.join(
        ctx.officers.select(pl.col("id").alias("officer"), "department_domain"),
        on="officer",
        how="left",
        maintain_order="left",
    )
    read = ["valid_from", "valid_to", "status", "status_since", "domains", "department_domain"]
    return (
        exploded.select("_p", "officer", "date", "action_row")
        .join(
            certificates.lazy().select("officer", *read, *columns),
            on="officer",
            how="inner",
            maintain_order="left_right",
        )
        .filter(in_dates_expr("date"))
        .with_columns(
            domain=pl.lit(ctx.actions["domain"]).gather("action_row"),
            valid=standing_expr("date").fill_null(False),
        )
    )


@per_evaluation
def certificate_exits(ctx: Context) -> pl.DataFrame:
    """The participations whose officer's certificates covering the day had been
    suspended, withdrawn or cancelled by then (``exited``): ``action``, ``action_row``,
    ``officer``, and the first of those certificates (``certificate``), its ``status`` and the
    day it took effect (``since``)."""
    exited = with_ids(ctx, participations(ctx).filter(pl.col("exited")))
    if _merged(ctx):  # a participation may span rows: all of them
        rows = _exploded(ctx).join(exited.select("_p"), on="_p", how="semi", maintain_order="left")
    else:
        rows = with_action(ctx, exited.select("_p", "officer", "action_row"), "date")
    lists = (
        _held(ctx, rows.lazy(), "id")
        .filter(~pl.col("valid"))
        .group_by("_p", maintain_order=True)
        .agg(
            pl.col("id").first().alias("certificate"),
            pl.col("status").first(),
            pl.col("status_since").first().alias("since"),
        )
        .collect(engine="in-memory")  # the few participations whose certificates had exited
    )
    return (
        exited.select("_p", "action", "action_row", "officer")
        .join(lists, on="_p", how="left", maintain_order="left")
        .drop("_p")
    )


@per_evaluation
def certified_actions(ctx: Context) -> pl.DataFrame:
    """Every action with what the rules on certified participants read: its ``day``, the
    number of its ``participants``, those holding a certificate valid on its date
    (``certified``) and those whose certificate also covers its domain
    (``certified_in_domain``)."""
    counted = ["certified", "certified_in_domain"]
    # The participations lie in the order of their actions: an action's count is the
    # difference of the running count after its last row and before its first.
    rows = pl.int_range(0, ctx.actions.height + 1, eager=True, dtype=pl.UInt32)
    bounds = participations(ctx)["action_row"].search_sorted(rows, side="left")
    after, before = bounds.slice(1), bounds.slice(0, rows.len() - 1)
    columns = []
    for name in counted:
        running = pl.concat(
            [
                pl.Series([0], dtype=pl.UInt32),
                participations(ctx)[name].cast(pl.UInt32).cum_sum(),
            ]
        )
        columns.append((running.gather(after) - running.gather(before)).alias(name))
    actions = ctx.actions.select(
        "id",
        "department",
        "date",
        "kind",
        "domain",
        "procedure",
        "exception_basis",
        "basis_level",
        participants=pl.col("participants").list.len(),
        day=day_number("date"),
    ).hstack(columns)
    if _merged(ctx):  # records repeating an id share the count of that id's participants
        return actions.with_columns(pl.col(counted).sum().over("id"))
    return actions


@per_evaluation
def uncertified(ctx: Context) -> pl.DataFrame:
    """Per action id with a participant whose certificate does not count: those without
    a certificate valid on its date (``uncertified``) and those without one also covering
    its domain (``uncertified_in_domain``), each by id, in order."""
    return (
        with_ids(ctx, participations(ctx).filter(~pl.col("certified_in_domain")))
        .select("action", "officer", "certified")
        # Sorted once before grouping (a group keeps the order of its rows): quicker than
        # sorting each action's list.
        .sort("officer")
        .group_by("action")
        .agg(
            pl.col("officer").filter(~pl.col("certified")).alias("uncertified"),
            pl.col("officer").alias("uncertified_in_domain"),
        )
    )
