"""Two chat instances on one database and the embedded Kafka-protocol broker
(``CHAT_FANOUT=kafka``): a message posted on either reaches subscribers on both, every
instance in commit order, each message once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from subgraphs.chat.app import SERVICE as CHAT
from subgraphs.common.migrations import upgrade
from tests.subgraphs.chat.harness import ADD_MEMBER, CREATE_ROOM, HISTORY, SEND, new_user, ok
from tests.subgraphs.chat.instances import instance
from tests.subgraphs.chat.live import subscribed, wait_for_subscribers
from tests.subgraphs.conftest import SECRET

MESSAGE_ADDED = "subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id body } }"


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
