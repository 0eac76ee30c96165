"""Live piece of ``campaign_scope``: each department of the rule's scope is enrolled in the
campaign its own level and domain place it in, and in no other campaign of the rule.

A department is judged again when it changes and when an enrolment of it arrives. The ruleset
holds the placement itself (the excluded domains at the provincial levels join the provincial
campaign; every other department the municipal one) and decides from the department's level
and domain and the campaigns its enrolments name; the finding's figures give the placement
and its reason as ``CampaignScope.placed`` words them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._conditions import (
    Condition,
    all_of,
    any_of,
    equals,
    greater,
    none_of,
    one_of,
    reached,
)
from .._kinds.campaign import CampaignScope, live_placements
from .._rulebase import Status
from ._base import Change, DepartmentTracker, LiveState, Observation, first_moment


class CampaignScopeTracker(DepartmentTracker, follows=CampaignScope):
    """Enrolments are standing records without an id: each one posted is held (by
    department); the department's event counts the rule's campaigns they name."""

    how: ClassVar[str] = (
        "per department: its level and domain, and the rule's campaigns its enrolments name "
        "(enrolments have no id: each one posted is held); the ruleset holds the placement "
        "itself (the excluded domains at the provincial levels) and decides `missing` or "
        "`not_met`"
    )

    rule: CampaignScope
    reads: ClassVar[frozenset[str]] = frozenset({"departments", "campaign_enrollments"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.campaign_ids = self.rule._campaign_ids()
        self.enrolments: dict[str, list[str]] = {}  # department -> campaigns named
        self.start = LiveState.in_force(self.rule, self.pack).start
        self.moments = (first_moment(self.start),)

    def ruleset(self) -> dict[str, Condition]:
        rule = self.rule
        domains, levels = list(rule.excluded_domains), [str(lv) for lv in rule.provincial_levels]
        provincial = all_of(one_of("domain", domains), one_of("level", levels))
        municipal = any_of(none_of("domain", domains), none_of("level", levels))
        one = equals("enrolled", 1)
        return {
            Status.MISSING.value: all_of(reached(self.start), equals("enrolled", 0)),
            Status.NOT_MET.value: all_of(
                reached(self.start),
                any_of(
                    greater("enrolled", 1),
                    all_of(one, equals("provincial", False), provincial),
                    all_of(one, equals("municipal", False), municipal),
                ),
            ),
        }

    def on_change(self, change: Change) -> Iterable[Observation]:
        row = change.row
        if change.record_type == "departments":
            return (self.observe(row["id"]),)
        self.enrolments.setdefault(row["department"], []).append(row["campaign"])
        return (self.observe(row["department"]),)

    def observe(self, department_id: str) -> Observation:
        if department_id not in self.departments():
            return self.outside(department_id)
        department = self.state.departments[department_id]
        named = self.enrolments.get(department_id, [])
        enrolled = sorted({self.campaign_ids[c] for c in named if c in self.campaign_ids})
        others = sorted({c for c in named if c not in self.campaign_ids})
        event = {
            "today": self.state.day,
            "domain": department["domain"],
            "level": department["level"],
            "enrolled": len(enrolled),
            "municipal": self.rule.municipal_campaign.id in enrolled,
            "provincial": self.rule.provincial_campaign.id in enrolled,
        }

        def figures() -> dict[str, Any]:
            placed = live_placements(self.state, self.rule, self.pack)[department_id]
            return {
                "level": placed["level"],
                "domain": placed["domain"],
                "expected": placed["campaign"],
                "enrolled": enrolled,
                "other_enrollments": others,
                "reason": placed["reason"],
            }

        return self.observation(department_id, department_id, event, figures)
