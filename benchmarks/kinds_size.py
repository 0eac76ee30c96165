"""The lines of the rule kinds (``_kinds/`` and ``_live/``) by what they hold (a measure, not
a test): what a gathering shared by both evaluators could shrink, and what it could not.

    python benchmarks/kinds_size.py [--files]

Each line goes to the innermost part holding it:
- ``import``; ``docs`` (a module's docstring and a class's: the kinds page is made from them);
- ``figures`` (a kind's typed figures, names in Chinese and English), ``parameters`` (the fields
  and validators of a rule's model), ``decision`` (its statuses), ``words`` (``describe``, the
  sentences a legal reader sees, and a tracker's ``how``, shown in docs/monitor.md),
  ``listings`` (what a kind owes and the synthetic records it draws: ``owed``, ``draw`` …);
- ``tracker`` (the monitor's per-record gathering), ``gathering`` (everything else: the batch
  queries and what both evaluators share);
- ``blank`` between parts (blank lines inside a function count with it).
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "enforcement_rules"
TARGET = 5_240  # issue 14: 30 % fewer than the 7,485 lines when it was taken up
FIXED = ("import", "docs", "figures", "parameters", "decision", "words", "listings")
WORDS = {"describe", "how", "record_words", "late_words"}
LISTINGS = {"draw", "owed", "owing", "names", "draws"}
VALIDATORS = {"model_validator", "field_validator"}


def base_names(node: ast.ClassDef) -> list[str]:
    return [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]


def is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def decorated_by(node: ast.FunctionDef, names: set[str]) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(target, "id", getattr(target, "attr", None)) in names:
            return True
    return False


def function_part(node: ast.FunctionDef, in_tracker: bool) -> str:
    if node.name == "decision":
        return "decision"
    if node.name in WORDS or node.name.endswith("_words"):
        return "words"
    if node.name in LISTINGS or node.name.startswith("draw"):
        return "listings"
    if decorated_by(node, VALIDATORS):
        return "parameters"
    return "tracker" if in_tracker else "gathering"


def parts_of(path: Path, trackers: set[str], figures: set[str]) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    part = ["blank" if not line.strip() else "gathering" for line in lines]
    tree = ast.parse("\n".join(lines))

    def mark(node: ast.AST, name: str) -> None:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        for i in range(first - 1, node.end_lineno or node.lineno):
            if lines[i].strip() or isinstance(node, ast.FunctionDef):
                part[i] = name

    def visit_class(node: ast.ClassDef) -> None:
        names = set(base_names(node))
        in_tracker = node.name in trackers or bool(names & trackers)
        if node.name in figures or names & figures:
            mark(node, "figures")
            return
        for statement in node.body:
            if statement is node.body[0] and is_docstring(statement):
                mark(statement, "docs")
            elif isinstance(statement, ast.FunctionDef):
                mark(statement, function_part(statement, in_tracker))
            elif isinstance(statement, ast.ClassDef):
                visit_class(statement)
            elif isinstance(statement, (ast.AnnAssign, ast.Assign)):
                target = statement.target if isinstance(statement, ast.AnnAssign) else None
                name = getattr(target, "id", "")
                if name in WORDS:
                    mark(statement, "words")
                elif not in_tracker:
                    mark(statement, "parameters")
                else:
                    mark(statement, "tracker")
            elif is_docstring(statement):  # a field's docstring
                mark(statement, "parameters" if not in_tracker else "tracker")
            else:
                mark(statement, "tracker" if in_tracker else "gathering")

    for statement in tree.body:
        if statement is tree.body[0] and is_docstring(statement):
            mark(statement, "docs")
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            mark(statement, "import")
        elif isinstance(statement, ast.If) and all(
            isinstance(s, (ast.Import, ast.ImportFrom)) for s in statement.body
        ):
            mark(statement, "import")  # if TYPE_CHECKING: imports
        elif isinstance(statement, ast.ClassDef):
            visit_class(statement)
        elif isinstance(statement, ast.FunctionDef):
            mark(statement, function_part(statement, False))
    return part


def class_families(paths: list[Path]) -> tuple[set[str], set[str]]:
    """The names of every tracker class and every figures class, across the files."""
    trackers, figures = {"Tracker"}, {"Figures"}
    classes = [
        node
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    ]
    for _ in range(5):  # subclasses of subclasses, in any file order
        for node in classes:
            names = set(base_names(node))
            if names & trackers or node.name.endswith("Tracker"):
                trackers.add(node.name)
            if names & figures:
                figures.add(node.name)
    return trackers, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", action="store_true", help="a line per file too")
    args = parser.parse_args()
    paths = sorted([*PACKAGE.glob("_kinds/*.py"), *PACKAGE.glob("_live/*.py")])
    trackers, figures = class_families(paths)
    total: Counter[str] = Counter()
    for path in paths:
        counts = Counter(parts_of(path, trackers, figures))
        total += counts
        if args.files:
            shown = " ".join(f"{k}={v}" for k, v in counts.most_common())
            print(f"{path.parent.name}/{path.name:34} {sum(counts.values()):5}  {shown}")
    lines = sum(total.values())
    print(f"_kinds/ + _live/: {len(paths)} files, {lines:,} lines (target ≤ {TARGET:,})")
    for name, count in total.most_common():
        print(f"  {name:12} {count:6,}  {count / lines:5.1%}")
    fixed = sum(total[name] for name in FIXED)
    moving = total["gathering"] + total["tracker"] + total["blank"]
    budget = TARGET - fixed
    print(
        f"fixed by the kinds' contract ({', '.join(FIXED)}): {fixed:,}; "
        f"gathering, tracking and the blank lines between them: {moving:,}"
    )
    print(
        f"to reach the target those {moving:,} lines would have to fit in {budget:,} "
        f"({1 - budget / moving:.0%} fewer)"
    )


if __name__ == "__main__":
    main()
