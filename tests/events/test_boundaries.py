"""``events`` is usable by any service: it imports none of the platform's other packages."""

from __future__ import annotations

import ast
from pathlib import Path

import events

FORBIDDEN = ("router", "subgraphs", "schema", "supergraph")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_events_imports_nothing_from_router_subgraphs_schema_or_supergraph() -> None:
    package = Path(events.__file__).parent
    offenders = {
        f"{path.relative_to(package)}: {module}"
        for path in package.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    }
    assert offenders == set()


def test_the_scan_sees_imports() -> None:
    # A scan that finds nothing would pass the test above for the wrong reason.
    assert "events.envelope" in imported_modules(Path(events.__file__).parent / "consumer.py")
