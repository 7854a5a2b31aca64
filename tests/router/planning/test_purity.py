"""The planner is pure: data in, data out. No module of it may import an I/O library."""

from __future__ import annotations

import ast
from pathlib import Path

import router.planning

FORBIDDEN = {
    "asyncio", "socket", "ssl", "http", "urllib", "httpx", "aiohttp", "requests",
    "starlette", "fastapi", "uvicorn", "websockets", "aiokafka", "sqlalchemy", "asyncpg",
    "subprocess", "os", "io", "pathlib", "router.transports", "router.http", "router.execution",
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_planning_package_imports_no_io_library() -> None:
    package = Path(router.planning.__file__).parent
    offenders = {
        f"{path.name}: {module}"
        for path in package.glob("*.py")
        for module in imported_modules(path)
        if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert offenders == set()


def test_the_check_catches_an_io_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import httpx\nfrom asyncio import sleep\n", encoding="utf-8")
    assert imported_modules(module) == {"httpx", "asyncio"}
