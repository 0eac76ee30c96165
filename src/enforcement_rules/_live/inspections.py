"""Live piece of ``inspection_method``: each inspection is judged when it arrives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._conditions import Condition, all_of, equals, none_of
from .._kinds.inspections import InspectionMethodRule
from .._rulebase import Status
from .._vocab import ActionKind, InspectionMethod
from ._base import Change, Observation
from .personnel import _ActTracker

_UNSAID = "unknown"  # the method of an inspection whose record does not say


class InspectionMethodTracker(_ActTracker, follows=InspectionMethodRule):
    """An inspection's method against the rule's methods and the methods that are not
    everyday ones; an inspection the rule does not concern (another kind; with
    ``enterprise_only``, not recorded as of an enterprise) is outside it."""

    how: ClassVar[str] = (
        "per inspection, when it arrives: its method (`method`, and `enterprise` where the "
        "rule asks) against the rule's methods and those that are not everyday ones; "
        "`missing` or `not_met`"
    )

    rule: InspectionMethodRule
    reads: ClassVar[frozenset[str]] = frozenset({"actions"})

    def ruleset(self) -> dict[str, Condition]:
        scope = self.scope([ActionKind.INSPECTION])
        counted = [InspectionMethod(m).value for m in (*self.rule.methods, *self.rule.not_everyday)]
        return {
            Status.MISSING.value: all_of(*scope, equals("method", _UNSAID)),
            Status.NOT_MET.value: all_of(*scope, none_of("method", [*counted, _UNSAID])),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        concerned = self.in_scope(row) and row["kind"] == ActionKind.INSPECTION.value
        if self.rule.enterprise_only and not row["enterprise"]:
            concerned = False
        if not concerned:
            return (self.outside(row["id"]),)
        event = {
            "day": row["date"].toordinal(),
            "kind": row["kind"],
            "method": row["method"] or _UNSAID,
        }

        def figures() -> dict[str, Any]:
            return {
                "date": row["date"].isoformat(),
                "method": row["method"],
                "enterprise": row["enterprise"],
            }

        return (self.observation(row["id"], row["department"], event, figures),)
