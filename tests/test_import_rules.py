"""Who may import whom (docs/architecture.md, "Packages"), checked on the source, not by hope.

``contracts`` is the neutral ground: it imports none of our packages. Subgraphs, composition
(``schema``) and events share contracts with the router through it and never import
``router``; a subgraph imports ``subgraphs.common`` but no other subgraph.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("contracts", "router", "schema", "subgraphs", "events", "supergraph", "bench", "tests")

RULES: dict[str, tuple[str, ...]] = {
    "contracts": tuple(p for p in OURS if p != "contracts"),
    "schema": ("router", "subgraphs", "supergraph", "bench", "tests"),
    "subgraphs": ("router", "schema", "supergraph", "bench", "tests"),
    "events": ("router", "subgraphs", "schema", "supergraph", "bench", "tests"),
}
"""Package -> packages it must not import."""


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in a file, also those inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def offenders(package_dir: Path, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(package_dir.parent)}:{line} imports {module}"
        for path in sorted(package_dir.rglob("*.py"))
        for line, module in imported_modules(path)
        if any(within(module, bad) for bad in forbidden)
    ]


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_only_what_it_may(package: str) -> None:
    assert offenders(ROOT / package, RULES[package]) == []


def test_a_subgraph_imports_no_other_subgraph() -> None:
    found = []
    for service in sorted(p for p in (ROOT / "subgraphs").iterdir() if p.is_dir()):
        if service.name in {"common", "__pycache__"}:
            continue
        others = tuple(
            f"subgraphs.{p.name}"
            for p in (ROOT / "subgraphs").iterdir()
            if p.is_dir() and p.name not in {service.name, "common", "__pycache__"}
        )
        found += offenders(service, others)
    assert found == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import router.engine\ndef f():\n    from router.edge import jwt_auth\n", encoding="utf-8"
    )
    assert list(imported_modules(module)) == [(1, "router.engine"), (3, "router.edge")]
    assert offenders(tmp_path, ("router",)) == [
        f"{tmp_path.name}/bad.py:1 imports router.engine",
        f"{tmp_path.name}/bad.py:3 imports router.edge",
    ]
    assert offenders(tmp_path, ("routers",)) == []
