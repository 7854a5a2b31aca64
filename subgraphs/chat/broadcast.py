"""Live room events: the ``RoomBroadcast`` seam between the store and subscriptions.

The store publishes after its transaction committed, holding the room's send lock, so one
instance publishes a room's events in commit order. ``InProcessBroadcast`` delivers them to
the subscribers of this process: the whole story for one instance, and the last hop for many
(a Kafka consumer of ``chat.messages`` calls ``deliver`` for each event it reads). ``deliver``
drops a message it already delivered, so a redelivered event reaches nobody twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from subgraphs.chat.records import MessageRecord

SUBSCRIBER_QUEUE = 1000
"""Events a subscriber may fall behind by before it is dropped (never slowing the others)."""
REMEMBERED_IDS = 4096
"""Delivered message ids remembered per room for de-duplication."""


@dataclass(frozen=True, slots=True)
class MessageAdded:
    message: MessageRecord
    kind: Literal["message_added"] = "message_added"


@dataclass(frozen=True, slots=True)
class MessageEdited:
    message: MessageRecord
    kind: Literal["message_edited"] = "message_edited"


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    message: MessageRecord
    kind: Literal["message_deleted"] = "message_deleted"


@dataclass(frozen=True, slots=True)
class Typing:
    user_id: uuid.UUID
    kind: Literal["typing"] = "typing"


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Ends the live streams of the user who left (they may no longer read the room)."""

    user_id: uuid.UUID
    kind: Literal["member_left"] = "member_left"


RoomSignal = MessageAdded | MessageEdited | MessageDeleted | Typing | MemberLeft


class SubscriberOverflow(Exception):
    """A subscriber fell more than ``SUBSCRIBER_QUEUE`` events behind and was dropped."""


class RoomBroadcast(Protocol):
    """Publish a room's events; subscribe to a room's events (in publish order).

    ``InProcessBroadcast`` here (one instance); ``fanout.KafkaFanout`` across instances.
    """

    @property
    def subscriber_count(self) -> int: ...

    async def publish(self, room_id: uuid.UUID, signal: RoomSignal) -> None: ...

    def subscribe(
        self, room_id: uuid.UUID
    ) -> AbstractAsyncContextManager[AsyncIterator[RoomSignal]]: ...


class _Overflow:
    """Put in a dropped subscriber's queue: its stream ends with ``SubscriberOverflow``."""


_OVERFLOW = _Overflow()
_Item = RoomSignal | _Overflow


class InProcessBroadcast:
    """Fan-out to this process's subscribers: a bounded queue each, de-duplicated by id."""

    def __init__(self, queue_size: int = SUBSCRIBER_QUEUE) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[uuid.UUID, set[asyncio.Queue[_Item]]] = {}
        self._delivered: dict[uuid.UUID, OrderedDict[tuple[str, uuid.UUID, object], None]] = {}

    @property
    def subscriber_count(self) -> int:
        return sum(len(queues) for queues in self._subscribers.values())

    def has_subscribers(self, room_id: uuid.UUID) -> bool:
        return bool(self._subscribers.get(room_id))

    async def publish(self, room_id: uuid.UUID, signal: RoomSignal) -> None:
        self.deliver(room_id, signal)

    def deliver(self, room_id: uuid.UUID, signal: RoomSignal) -> bool:
        """Hand ``signal`` to the room's local subscribers; False if it was a duplicate."""
        if self._seen(room_id, signal):
            return False
        for queue in tuple(self._subscribers.get(room_id, ())):
            try:
                queue.put_nowait(signal)
            except asyncio.QueueFull:
                self._drop(room_id, queue)
        return True

    @asynccontextmanager
    async def _subscription(self, room_id: uuid.UUID) -> AsyncIterator[AsyncIterator[RoomSignal]]:
        queue: asyncio.Queue[_Item] = asyncio.Queue(self._queue_size + 1)
        self._subscribers.setdefault(room_id, set()).add(queue)
        try:
            yield _drain(queue)
        finally:
            queues = self._subscribers.get(room_id)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._subscribers[room_id]
                    self._delivered.pop(room_id, None)

    def subscribe(
        self, room_id: uuid.UUID
    ) -> AbstractAsyncContextManager[AsyncIterator[RoomSignal]]:
        return self._subscription(room_id)

    def _seen(self, room_id: uuid.UUID, signal: RoomSignal) -> bool:
        match signal:
            case MessageAdded(message=m) | MessageDeleted(message=m):
                key: tuple[str, uuid.UUID, object] = (signal.kind, m.id, None)
            case MessageEdited(message=m):
                key = (signal.kind, m.id, m.edited_at)
            case Typing() | MemberLeft():
                return False
        if room_id not in self._subscribers:
            return False  # nobody to deliver to, nothing to remember
        remembered = self._delivered.setdefault(room_id, OrderedDict())
        if key in remembered:
            return True
        remembered[key] = None
        if len(remembered) > REMEMBERED_IDS:
            remembered.popitem(last=False)
        return False

    def _drop(self, room_id: uuid.UUID, queue: asyncio.Queue[_Item]) -> None:
        self._subscribers.get(room_id, set()).discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_OVERFLOW)


async def _drain(queue: asyncio.Queue[_Item]) -> AsyncIterator[RoomSignal]:
    while True:
        item = await queue.get()
        if isinstance(item, _Overflow):
            raise SubscriberOverflow()
        yield item
