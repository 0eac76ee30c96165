from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytest_plugins = ["bdd_steps"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id): a Gherkin scenario of the rule with this id")


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool:
    """Scenario tags are rule ids (``@D3``, ``@G3.rotation``): mark them as ``rule(id)``."""
    pytest.mark.rule(tag)(function)
    return True
