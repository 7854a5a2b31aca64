"""Alembic for a subgraph's own database, configured in code (no ``alembic.ini``).

Each subgraph keeps its revisions in ``subgraphs/<name>/migrations/``; its ``env.py`` is two
lines that call ``run_env`` with the subgraph's metadata. The database URL comes from the
settings and travels in ``Config.attributes`` (not the ini options, whose ``%`` interpolation
would mangle the URL-quoted socket path).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

URL_ATTRIBUTE = "database_url"


def alembic_config(migrations: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.attributes[URL_ATTRIBUTE] = database_url
    return config


def upgrade(migrations: Path, database_url: str, revision: str = "head") -> None:
    """``alembic upgrade head`` for one subgraph (blocking; call it outside an event loop)."""
    command.upgrade(alembic_config(migrations, database_url), revision)


def downgrade(migrations: Path, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations, database_url), revision)


def run_env(metadata: MetaData) -> None:
    """The body of every subgraph's ``env.py``: run the migrations over asyncpg."""
    url: str = context.config.attributes[URL_ATTRIBUTE]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_with_connection, metadata)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_with_connection(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
