"""One exception root, grouped by what went wrong.

``EnforcementRulesError``
  ``InputError``        the records a host system provided are malformed
  ``RuleError``         a rule file, pack or source document is malformed
  ``UsageError``        an argument to the API or the CLI is not usable (unknown pack, bad date)
  ``MonitorUnavailable`` the live monitor's engine is missing or broken on this Python
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``where`` names the place a person looks for (``officers[3] (id=O-12)``,
    ``row 14``, ``line 7``), ``field`` the field or column, ``expected`` the form that
    was wanted and ``got`` what was found.
    """

    file: str | None
    where: str
    field: str | None
    expected: str
    got: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        text = ": ".join(parts) if parts else "input"
        if self.field:
            text += f": field '{self.field}'"
        text += f": expected {self.expected}"
        if self.got is not None:
            text += f"; got {self.got}"
        return text


class EnforcementRulesError(Exception):
    """Root of every error this library raises on purpose."""


class InputError(EnforcementRulesError):
    """Records could not be loaded; ``problems`` lists every problem found (up to a limit)."""

    def __init__(
        self,
        problems: list[Problem],
        *,
        truncated: bool = False,
        more: int | None = None,
        what: str = "the records",
    ) -> None:
        self.problems = problems
        self.truncated = truncated or bool(more)
        self.more = more
        """How many problems beyond those listed were found, when they were counted."""
        lines = [f"{len(problems)} problem(s) in {what}; nothing was evaluated:"]
        lines += [f"  - {p}" for p in problems]
        if more:
            lines.append(f"  and {more} more")
        elif truncated:
            lines.append("  (more problems were found; fix these and load again)")
        super().__init__("\n".join(lines))


class RuleError(EnforcementRulesError):
    """A rule file, a pack definition or a source document is malformed."""

    def __init__(self, file: str, message: str, *, line: int | None = None) -> None:
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class UsageError(EnforcementRulesError):
    """An argument is not usable: an unknown pack id, a malformed as-of date, ..."""


class CalendarError(EnforcementRulesError):
    """A count of working days (工作日) reaches a year the Chinese holiday calendar does not
    know: its statutory holidays and adjusted working days are published year by year."""


class MonitorUnavailable(EnforcementRulesError):
    """The live monitor needs durable-rules, which is not installed, does not import or failed
    its self-test on this Python; the message names the command that installs it here."""


class MissingDependency(EnforcementRulesError):
    """An optional dependency is not installed; the message names the extra that brings it."""

    def __init__(self, purpose: str, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{purpose} needs the package {module!r}, which is not installed; "
            f"install it with: python -m pip install 'enforcement-rules[{extra}]'"
        )
