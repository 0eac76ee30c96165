"""Every rule kind, and the discriminated union a rule file is validated against.

A kind is one module here (its parameters, figures, decision, batch check and live tracker);
importing the module registers the kind (``_rulebase.KINDS``), so adding a kind touches its
module, its rule files and its features, and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from .._live import Tracker
from .._rulebase import KINDS as REGISTERED
from .._rulebase import RuleBase

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

KINDS: tuple[type[RuleBase], ...] = tuple(REGISTERED[name] for name in sorted(REGISTERED))
"""Every rule kind, by name."""

RuleSpec = Annotated[Union[KINDS], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
RULE_ADAPTER: TypeAdapter[RuleBase] = TypeAdapter(RuleSpec)


def kind_names() -> list[str]:
    """The ``kind`` of every rule kind."""
    return [kind.kind_name() for kind in KINDS]


def followed() -> dict[str, type[Tracker] | str]:
    """Each kind's tracker, or the reason the monitor does not follow it, by kind name."""
    return {
        name: kind.tracker if kind.tracker is not None else kind.not_followed
        for name, kind in sorted(REGISTERED.items())
    }


def tracker_class(rule: RuleBase) -> type[Tracker] | None:
    """The tracker that follows ``rule`` in the monitor, if its kind has one."""
    return type(rule).tracker
