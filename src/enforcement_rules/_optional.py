"""Optional dependencies: imported when a feature needs them, with an error naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import MissingDependency

EXTRAS = {
    "fastexcel": "excel",
    "xlsxwriter": "excel",
    "pandas": "pandas",
    "pyarrow": "pandas",
    "numpy": "generate",
    "fastapi": "service",
    "uvicorn": "service",
    "python_multipart": "service",
    "gherkin.parser": "packs",
    "gherkin.token_scanner": "packs",
    "gherkin.errors": "packs",
    "pytest": "packs",
    "pytest_bdd": "packs",
}
"""The extra of ``pyproject.toml`` that installs each optional module."""


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise ``MissingDependency`` saying which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(purpose, module, EXTRAS[module]) from None
