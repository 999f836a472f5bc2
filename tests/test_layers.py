"""Imports point one way (docs/architecture.md, "Layers"): a package imports only those on lower layers.

An upward import compiles and runs, so nothing else would notice one until it closes a circle at
import time; this reads every module's imports and names the offending line instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom; a unit is a package or a module directly under backstock/.
LAYERS = [
    {"app", "cli"},
    {"schema", "demo"},
    {"web", "csvio", "demo_history"},
    {"resolvers"},
    {"events"},
    {"notifications", "migrations"},
    {"models"},
    {"rules", "settings", "db"},
]
RANK = {unit: len(LAYERS) - depth for depth, units in enumerate(LAYERS) for unit in units}


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of each absolute import in a module, `from a import b` as both a and a.b."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def unit_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "backstock" and len(parts) > 1 and parts[1] in RANK else None


def test_every_backstock_unit_has_a_layer() -> None:
    units = {p.stem for p in (ROOT / "backstock").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert units - {"__init__"} == set(RANK)


def test_backstock_imports_only_point_down() -> None:
    upward = []
    for path in sorted((ROOT / "backstock").rglob("*.py")):
        unit = path.relative_to(ROOT / "backstock").parts[0].removesuffix(".py")
        for line, name in imported(path):
            target = unit_of(name)
            if target is not None and target != unit and RANK[target] >= RANK[unit]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert upward == []


def test_the_bench_and_the_harness_never_import_the_tests() -> None:
    """What both need lives in harness/; bench/ importing tests/ would make the bench depend on test modules."""
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for folder in ("bench", "harness")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, name in imported(path)
        if name.split(".")[0] == "tests" or (folder == "harness" and name.split(".")[0] == "bench")
    ]
    assert found == []
