"""Chat instances with ``CHAT_FANOUT=kafka``, served on loopback with their background relay
and topic reader, sharing one database as production's instances do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from subgraphs.chat.app import build_app
from subgraphs.chat.fanout import KafkaFanout
from subgraphs.chat.settings import ChatSettings
from subgraphs.common.database import Database
from subgraphs.common.testing import SubgraphClient
from tests.events.harness import fast_settings
from tests.harness.asgi_server import serve
from tests.subgraphs.conftest import SECRET


@dataclass(frozen=True, slots=True)
class Instance:
    url: str
    client: SubgraphClient
    fanout: KafkaFanout
    database: Database


@asynccontextmanager
async def instance(database_url: str, bootstrap_servers: str) -> AsyncIterator[Instance]:
    """One instance on a migrated database, ready once it reads ``chat.messages``."""
    settings = ChatSettings(
        database_url=database_url, internal_secret=SecretStr(SECRET), chat_fanout="kafka"
    )
    app = build_app(settings, fast_settings(bootstrap_servers))
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        fanout: KafkaFanout = app.state.services.broadcast
        async with asyncio.timeout(20):
            await fanout.ready.wait()
        client = SubgraphClient(http, SECRET, service="chat")
        yield Instance(url, client, fanout, app.state.database)
