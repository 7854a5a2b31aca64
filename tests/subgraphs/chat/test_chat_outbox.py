"""A sent message and its ``chat.messages`` event commit together (the transactional outbox),
keyed by room and valid against the topic's schema; a refused send writes neither."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from events.envelope import decode
from events.outbox import envelope_of
from events.topics import CHAT_MESSAGES
from subgraphs.chat.models import outbox
from subgraphs.common.testing import RunningSubgraph
from tests.subgraphs.chat.harness import SEND, create_room, new_user, send


async def outbox_rows(chat: RunningSubgraph, room: str) -> list[object]:
    async with chat.database.sessions() as session:
        rows = await session.execute(
            select(outbox).where(outbox.c.key == room).order_by(outbox.c.seq)
        )
        return list(rows)


async def test_each_message_commits_with_its_event_in_order(chat: RunningSubgraph) -> None:
    author = new_user()
    room = await create_room(chat, author)

    sent = [await send(chat, author, room, f"m{n}") for n in range(3)]

    rows = await outbox_rows(chat, room)
    events = [envelope_of(row) for row in rows]
    assert [event.payload["message_id"] for event in events] == [m["id"] for m in sent]
    first = events[0]
    assert first.topic == CHAT_MESSAGES.name
    assert first.key == room
    assert dict(first.payload) == {
        "message_id": sent[0]["id"],
        "room_id": room,
        "author_id": author,
        "body": "m0",
    }
    assert decode(first.encode()) == first  # what the relay will publish reads back
    assert all(row.published_at is None for row in rows)  # type: ignore[attr-defined]


async def test_a_refused_send_writes_no_event(chat: RunningSubgraph) -> None:
    room = await create_room(chat, new_user())

    refused = await chat.client.graphql(SEND, {"roomId": room, "body": "hi"}, user=new_user())

    assert refused.codes == ["FORBIDDEN"]
    assert await outbox_rows(chat, room) == []
    assert await outbox_rows(chat, str(uuid.uuid4())) == []
