"""Derived tables several checks read, computed once per evaluation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from .._rulebase import Context

T = TypeVar("T")


def per_evaluation(compute: Callable[[Context], T]) -> Callable[[Context], T]:
    """``compute(ctx)``, once per evaluation (kept in the context's ``shared``)."""
    key = (compute.__module__, compute.__qualname__)

    @functools.wraps(compute)
    def cached(ctx: Context) -> T:
        return ctx.shared(key, lambda: compute(ctx))

    return cached
