"""Two chat instances on one database and the embedded Kafka-protocol broker
(``CHAT_FANOUT=kafka``): a message posted on either reaches subscribers on both, every
instance in commit order, each message once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from events.topics import CHAT_MESSAGES
from subgraphs.chat.app import SERVICE as CHAT
from subgraphs.chat.app import build_app
from subgraphs.chat.fanout import KafkaFanout
from subgraphs.chat.settings import ChatSettings
from subgraphs.common.migrations import upgrade
from subgraphs.common.testing import SubgraphClient
from supergraph.topics import ensure_topics
from tests.events.harness import fast_settings, start_kafka
from tests.harness.asgi_server import serve
from tests.subgraphs.chat.harness import ADD_MEMBER, CREATE_ROOM, HISTORY, SEND, new_user, ok
from tests.subgraphs.chat.live import subscribed, wait_for_subscribers
from tests.subgraphs.conftest import SECRET

MESSAGE_ADDED = "subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id body } }"


@dataclass(frozen=True, slots=True)
class Instance:
    url: str
    client: SubgraphClient
    fanout: KafkaFanout


@pytest.fixture(scope="module")
async def bootstrap_servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    kafka = await start_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        await ensure_topics(kafka.bootstrap_servers, [CHAT_MESSAGES])
        yield kafka.bootstrap_servers
    finally:
        await kafka.stop()


@asynccontextmanager
async def instance(database_url: str, bootstrap_servers: str) -> AsyncIterator[Instance]:
    settings = ChatSettings(
        database_url=database_url, internal_secret=SecretStr(SECRET), chat_fanout="kafka"
    )
    app = build_app(settings, fast_settings(bootstrap_servers))
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        fanout: KafkaFanout = app.state.services.broadcast
        async with asyncio.timeout(20):
            await fanout.ready.wait()
        yield Instance(url, SubgraphClient(http, SECRET, service="chat"), fanout)


async def test_messages_posted_on_either_instance_reach_both_in_commit_order(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    database_url = fresh_database("chat_fanout")
    await asyncio.to_thread(upgrade, CHAT.migrations, database_url)
    alice, bob = new_user(), new_user()
    async with (
        instance(database_url, bootstrap_servers) as one,
        instance(database_url, bootstrap_servers) as two,
    ):
        room = ok(await one.client.graphql(CREATE_ROOM, {"name": "Both"}, user=alice))
        room_id = room["createRoom"]["id"]
        ok(await one.client.graphql(ADD_MEMBER, {"roomId": room_id, "userId": bob}, user=alice))
        variables = {"roomId": room_id}
        async with (
            subscribed(one.url, MESSAGE_ADDED, variables, user=alice, secret=SECRET) as on_one,
            subscribed(two.url, MESSAGE_ADDED, variables, user=bob, secret=SECRET) as on_two,
        ):
            await wait_for_subscribers(one.fanout, 1)
            await wait_for_subscribers(two.fanout, 1)

            async def post(n: int) -> Any:
                where, who = (one, alice) if n % 2 else (two, bob)
                return ok(
                    await where.client.graphql(SEND, {**variables, "body": f"m{n}"}, user=who)
                )

            await asyncio.gather(*(post(n) for n in range(20)))
            got_one, got_two = await on_one.events(20), await on_two.events(20)
            history = ok(await two.client.graphql(HISTORY, {"id": room_id, "first": 50}, user=bob))

    committed = [edge["node"]["id"] for edge in history["room"]["messages"]["edges"]][::-1]
    assert len(committed) == 20
    assert [event["messageAdded"]["id"] for event in got_one] == committed
    assert got_two == got_one
