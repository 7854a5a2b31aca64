"""Fixtures every test area shares: one real Postgres for the session, a database per user."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from supergraph.embedded.postgres import EmbeddedPostgres
from tests.harness.platform import platform  # noqa: F401  (one real platform per session)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """An embedded Postgres 16 (pgserver) in a temporary folder, stopped after the session."""
    server = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def fresh_database(postgres: EmbeddedPostgres) -> Callable[[str], str]:
    """``fresh_database("identity")`` creates an empty database and returns its asyncpg URL."""
    numbers = itertools.count()

    def create(prefix: str) -> str:
        name = f"{prefix}_{next(numbers)}"
        postgres.create_database(name)
        return postgres.url(name)

    return create
