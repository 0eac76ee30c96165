"""Progress of long work (loading, evaluating, writing, generating) on standard error, shown
only when standard error is a terminal: piped or captured output stays silent."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


@contextmanager
def step(label: str) -> Iterator[None]:
    """Show ``label`` with a spinner on standard error while the block runs (a terminal
    only)."""
    if not sys.stderr.isatty():
        yield
        return
    console = Console(stderr=True, highlight=False)
    with console.status(label):
        yield
