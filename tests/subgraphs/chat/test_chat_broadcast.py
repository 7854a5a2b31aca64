"""The in-process ``RoomBroadcast`` (the single-instance runtime, and the last hop of the
Kafka fan-out): per-room order, de-duplication by message id, a slow subscriber dropped
without slowing the others; and the ``chat.messages`` payload its events will travel as."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest

from events.compatibility import SCHEMAS_DIR
from subgraphs.chat.broadcast import (
    InProcessBroadcast,
    MessageAdded,
    MessageEdited,
    RoomSignal,
    SubscriberOverflow,
    Typing,
)
from subgraphs.chat.records import MessageRecord


def message(room_id: uuid.UUID, seq: int, edited: datetime | None = None) -> MessageRecord:
    return MessageRecord(
        id=uuid.UUID(int=seq),
        seq=seq,
        room_id=room_id,
        author_id=uuid.UUID(int=1),
        body=f"m{seq}",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        edited_at=edited,
    )


async def take(stream: object, count: int) -> list[RoomSignal]:
    async with asyncio.timeout(2):
        return [await anext(stream) for _ in range(count)]  # type: ignore[call-overload]


async def test_subscribers_get_their_rooms_events_in_order_and_once() -> None:
    broadcast = InProcessBroadcast()
    room, other = uuid.uuid4(), uuid.uuid4()
    added = [MessageAdded(message(room, seq)) for seq in range(1, 6)]
    async with broadcast.subscribe(room) as first, broadcast.subscribe(room) as second:
        for signal in added:
            await broadcast.publish(room, signal)
        await broadcast.publish(other, MessageAdded(message(other, 99)))
        assert broadcast.deliver(room, added[2]) is False  # a redelivery reaches nobody
        edit = MessageEdited(message(room, 3, edited=datetime.now(UTC)))
        assert broadcast.deliver(room, edit) is True
        assert broadcast.deliver(room, edit) is False
        await broadcast.publish(room, Typing(user_id=uuid.UUID(int=1)))
        await broadcast.publish(room, Typing(user_id=uuid.UUID(int=1)))  # typing repeats

        expected = [*added, edit, Typing(uuid.UUID(int=1)), Typing(uuid.UUID(int=1))]
        assert await take(first, 8) == expected
        assert await take(second, 8) == expected
    assert broadcast.subscriber_count == 0


async def test_a_slow_subscriber_is_dropped_and_the_others_keep_everything() -> None:
    broadcast = InProcessBroadcast(queue_size=3)
    room = uuid.uuid4()
    async with broadcast.subscribe(room) as slow, broadcast.subscribe(room) as keeping_up:
        for seq in range(1, 11):
            await broadcast.publish(room, MessageAdded(message(room, seq)))
            assert [s.message.seq for s in await take(keeping_up, 1)] == [seq]  # type: ignore[union-attr]
        with pytest.raises(SubscriberOverflow):
            await take(slow, 1)
        assert broadcast.subscriber_count == 1


def test_the_message_payload_matches_the_chat_messages_schema() -> None:
    schema = json.loads((SCHEMAS_DIR / "chat.messages" / "v1.json").read_text())
    envelope = {"event_id", "schema_version", "occurred_at"}

    payload = message(uuid.uuid4(), 7).event_payload()

    assert set(payload) == set(schema["required"]) - envelope
    for name, value in payload.items():
        assert schema["properties"][name]["type"] == "string"
        assert isinstance(value, str)
