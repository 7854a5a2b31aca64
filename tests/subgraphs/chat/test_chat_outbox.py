"""With ``CHAT_FANOUT=kafka`` a sent message and its ``chat.messages`` event commit together
(the transactional outbox), keyed by room, valid against the topic's schema, and the
instance's relay publishes them; a refused send writes neither."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from events.envelope import decode
from events.outbox import envelope_of
from events.topics import CHAT_MESSAGES
from subgraphs.chat.app import SERVICE as CHAT
from subgraphs.chat.models import outbox
from subgraphs.chat.settings import ChatSettings
from subgraphs.common.database import Database
from subgraphs.common.migrations import upgrade
from subgraphs.common.testing import running_subgraph
from tests.events.harness import eventually
from tests.subgraphs.chat.harness import ADD_MEMBER, CREATE_ROOM, SEND, new_user, ok
from tests.subgraphs.chat.instances import instance
from tests.subgraphs.conftest import SECRET


async def outbox_rows(database: Database, room: str) -> list[Any]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(outbox).where(outbox.c.key == room).order_by(outbox.c.seq)
        )
        return list(rows)


async def test_messages_commit_with_their_events_which_the_relay_publishes(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    database_url = fresh_database("chat_outbox")
    await asyncio.to_thread(upgrade, CHAT.migrations, database_url)
    author, outsider = new_user(), new_user()
    async with instance(database_url, bootstrap_servers) as chat:
        created = ok(await chat.client.graphql(CREATE_ROOM, {"name": "Out"}, user=author))
        room = created["createRoom"]["id"]
        sent = [
            ok(await chat.client.graphql(SEND, {"roomId": room, "body": f"m{n}"}, user=author))[
                "sendMessage"
            ]
            for n in range(3)
        ]
        refused = await chat.client.graphql(SEND, {"roomId": room, "body": "x"}, user=outsider)
        forbidden = await chat.client.graphql(
            ADD_MEMBER, {"roomId": room, "userId": outsider}, user=outsider
        )

        async def all_published() -> bool:
            rows = await outbox_rows(chat.database, room)
            return all(row.published_at is not None for row in rows)

        await eventually(all_published)
        rows = await outbox_rows(chat.database, room)

    assert refused.codes == forbidden.codes == ["FORBIDDEN"]
    events = [envelope_of(row) for row in rows]
    assert [event.payload["message_id"] for event in events] == [m["id"] for m in sent]
    first = events[0]
    assert (first.topic, first.key) == (CHAT_MESSAGES.name, room)
    assert dict(first.payload) == {
        "message_id": sent[0]["id"],
        "room_id": room,
        "author_id": author,
        "body": "m0",
    }
    assert decode(first.encode()) == first  # what the relay publishes reads back
    assert await outbox_rows(chat.database, str(uuid.uuid4())) == []


async def test_one_instance_without_fanout_writes_no_events(
    fresh_database: Callable[[str], str],
) -> None:
    """``CHAT_FANOUT=local`` has no relay: events would only pile up, so none are written."""
    settings = ChatSettings(
        database_url=fresh_database("chat_local"), internal_secret=SecretStr(SECRET)
    )
    author = new_user()
    async with running_subgraph(CHAT, settings) as chat:
        created = ok(await chat.client.graphql(CREATE_ROOM, {"name": "Here"}, user=author))
        room = created["createRoom"]["id"]
        ok(await chat.client.graphql(SEND, {"roomId": room, "body": "hi"}, user=author))

        assert await outbox_rows(chat.database, room) == []
