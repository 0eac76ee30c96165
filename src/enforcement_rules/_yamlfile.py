"""Read YAML keeping the line of every value, so a malformed rule file names its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    """Parse a YAML file; duplicate keys and syntax errors raise ``RuleError`` with the line."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(shown, f"cannot read the file: {error}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Location, int] = {}
        data = _build(loader, node, (), lines, shown) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise RuleError(shown, f"not valid YAML: {error.problem}", line=line) from None
    finally:
        loader.dispose()
    return LocatedYaml(data, lines, shown)


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, path: Location, lines: dict[Location, int], file: str
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise RuleError(
                    file, f"the key {key!r} appears twice", line=key_node.start_mark.line + 1
                )
            result[key] = _build(loader, value_node, (*path, key), lines, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
