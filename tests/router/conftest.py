"""Fixtures the router's HTTP tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.asgi_server import free_port

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def offline_supergraph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The accounts fixture with every subgraph at a closed port: for tests of the HTTP surface
    whose operations (``__typename``, introspection) the router answers itself, so a fetch that
    should not happen shows up as an error."""
    closed = free_port()
    sdl = (FIXTURES / "accounts.graphql").read_text()
    for port in ("4001", "4002"):
        sdl = sdl.replace(f"127.0.0.1:{port}", f"127.0.0.1:{closed}")
    path = tmp_path_factory.mktemp("offline") / "supergraph.graphql"
    path.write_text(sdl)
    return path
