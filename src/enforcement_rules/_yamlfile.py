"""Read YAML keeping the line of every value, so a malformed rule file names its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import _limits
from ._errors import RuleError

Location = tuple[str | int, ...]


class LocatedYaml:
    """Parsed YAML data and the line (1-based) where each value stands."""

    def __init__(self, data: Any, lines: dict[Location, int], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def line_of(self, location: Location) -> int | None:
        """The line of ``location``, or of its nearest enclosing value."""
        path = tuple(location)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def read_yaml(path: Path, display: str | None = None) -> LocatedYaml:
    """Parse a YAML file; duplicate keys and syntax errors raise ``RuleError`` with the line, and
    so does a file beyond the limits of ``_limits`` (its size, the values it builds)."""
    shown = display or str(path)
    return parse_yaml(read_rule_text(path, shown, "a rule file"), shown)


def read_rule_text(path: Path, shown: str, what: str) -> str:
    """The UTF-8 text of a file of the rule set (``what``: "a rule file", "a feature file");
    one that cannot be read, is not UTF-8 or is larger than ``_limits.MAX_RULE_FILE_BYTES``
    raises ``RuleError`` naming it."""
    limit = _limits.MAX_RULE_FILE_BYTES
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise RuleError(shown, f"{what} of at most {limit} bytes; this one is larger")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(shown, f"cannot read the file: {error}") from None


def parse_yaml(text: str, shown: str) -> LocatedYaml:
    """Parse YAML text (of the file ``shown``) keeping the line of every value; errors as in
    ``read_yaml``."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (a control)
        raise RuleError(
            shown,
            f"not valid YAML: character U+{error.character:04X} is not allowed",
            line=text.count("\n", 0, max(0, error.position)) + 1,
        ) from None
    try:
        node = loader.get_single_node()
        lines: dict[Location, int] = {}
        built = _Builder(loader, lines, shown)
        value = built.build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise RuleError(shown, f"not valid YAML: {error.problem}", line=line) from None
    except RecursionError:
        raise RuleError(shown, "YAML nested too deep") from None
    finally:
        loader.dispose()
    return LocatedYaml(value, lines, shown)


class _Builder:
    """Builds the data of a node tree, counting the values built: an alias is built again each
    time it is used, so a "billion laughs" file meets ``MAX_YAML_VALUES`` at once."""

    def __init__(self, loader: yaml.SafeLoader, lines: dict[Location, int], file: str) -> None:
        self.loader = loader
        self.lines = lines
        self.file = file
        self.count = 0

    def build(self, node: yaml.Node, path: Location) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > _limits.MAX_YAML_VALUES:
            raise RuleError(
                self.file,
                f"a rule file of at most {_limits.MAX_YAML_VALUES} values "
                "(aliases count each time they are used)",
                line=line,
            )
        self.lines[path] = line
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise RuleError(
                        self.file,
                        "a key is a plain value (text or number), not a list or mapping",
                        line=key_node.start_mark.line + 1,
                    )
                key = self.loader.construct_object(key_node, deep=True)
                if key in result:
                    raise RuleError(
                        self.file,
                        f"the key {key!r} appears twice",
                        line=key_node.start_mark.line + 1,
                    )
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # a scalar that looks like a date and is none (2025-02-30): kept as written, so the
            # field that wants a date refuses it, named by its line and field
            return node.value
