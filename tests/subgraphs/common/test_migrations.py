"""Each subgraph's migrations apply to an empty database and match its models."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.chat.app import SERVICE as CHAT
from subgraphs.chat.models import Base as ChatBase
from subgraphs.common.migrations import downgrade, upgrade
from subgraphs.common.service import ServiceSpec
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.models import Base as IdentityBase
from subgraphs.profiles.app import SERVICE as PROFILES
from subgraphs.profiles.models import Base as ProfilesBase

CASES = [
    pytest.param(
        IDENTITY,
        IdentityBase.metadata,
        {"users", "refresh_tokens", "login_throttle"},
        id="identity",
    ),
    pytest.param(PROFILES, ProfilesBase.metadata, {"profiles"}, id="profiles"),
    pytest.param(
        CHAT, ChatBase.metadata, {"rooms", "room_members", "messages", "outbox"}, id="chat"
    ),
]


async def inspect_database(url: str, metadata: MetaData) -> tuple[set[str], list[Any]]:
    """The tables of the database and its differences from ``metadata``."""

    def look(connection: Connection) -> tuple[set[str], list[Any]]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        return tables, compare_metadata(context, metadata)

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("spec", "metadata", "tables"), CASES)
async def test_migrations_apply_to_an_empty_database_and_match_the_models(
    fresh_database: Callable[[str], str],
    spec: ServiceSpec[Any],
    metadata: MetaData,
    tables: set[str],
) -> None:
    url = fresh_database(f"migrate_{spec.name}")

    await asyncio.to_thread(upgrade, spec.migrations, url)
    migrated, differences = await inspect_database(url, metadata)
    await asyncio.to_thread(downgrade, spec.migrations, url)
    emptied, _ = await inspect_database(url, metadata)
    await asyncio.to_thread(upgrade, spec.migrations, url)
    await asyncio.to_thread(upgrade, spec.migrations, url)  # idempotent

    assert migrated == tables
    assert differences == []
    assert emptied == set()
