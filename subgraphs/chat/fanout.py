"""Kafka fan-out: a ``RoomBroadcast`` for several chat instances on one database.

A send writes its ``chat.messages`` event to the outbox in its transaction (``store.py``);
this instance's ``OutboxRelay`` publishes it, keyed by room, so one partition holds a room's
messages in commit order. Every instance reads every partition of the topic (no consumer
group: each must see all of it, from where it started) and hands each message to its local
subscribers through ``InProcessBroadcast.deliver``, which drops a message id it already
delivered (the relay publishes at least once). A message goes out only this way, even to
the sender's own instance, so every instance delivers a room in the same order.

``chat.messages`` v1 carries new messages only: edits, deletions, typing and leaving still
reach this instance's subscribers alone (a v2 of the schema with an optional ``kind`` would
carry them too).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import select

from events.envelope import decode
from events.errors import EventError
from events.producer import KafkaPublisher
from events.records import Record
from events.relay import OutboxRelay
from events.settings import EventSettings
from events.topics import CHAT_MESSAGES
from subgraphs.chat.broadcast import InProcessBroadcast, MessageAdded, RoomSignal
from subgraphs.chat.models import Message, outbox
from subgraphs.chat.records import MessageRecord
from subgraphs.common.database import Database

log = logging.getLogger(__name__)


class KafkaFanout:
    """Publishes through the outbox and ``chat.messages``; delivers what the topic carries."""

    def __init__(
        self,
        database: Database,
        settings: EventSettings,
        *,
        local: InProcessBroadcast | None = None,
        topic: str = CHAT_MESSAGES.name,
    ) -> None:
        self.local = local or InProcessBroadcast()
        self.ready = asyncio.Event()
        """Set once this instance reads the topic: messages committed from then on reach it."""
        self._database = database
        self._settings = settings
        self._topic = topic
        self._publisher = KafkaPublisher(settings, client_id="chat-relay")
        self._relay = OutboxRelay(database.engine, outbox, self._publisher, settings)

    @property
    def subscriber_count(self) -> int:
        return self.local.subscriber_count

    async def publish(self, room_id: uuid.UUID, signal: RoomSignal) -> None:
        if isinstance(signal, MessageAdded):
            self._relay.wake()  # its outbox row just committed; the topic brings it back
            return
        self.local.deliver(room_id, signal)

    def subscribe(
        self, room_id: uuid.UUID
    ) -> AbstractAsyncContextManager[AsyncIterator[RoomSignal]]:
        return self.local.subscribe(room_id)

    async def run(self) -> None:
        """Relay and read the topic until cancelled (the app's lifespan runs it); a broker
        that fails or is not there yet is retried with backoff, never given up on."""
        backoff = self._settings.backoff()
        failures = 0
        try:
            while True:
                try:
                    async with asyncio.TaskGroup() as tasks:
                        tasks.create_task(self._relay.run())
                        tasks.create_task(self._consume())
                except Exception as exc:  # the broker or the topic; both come back
                    failures += 1
                    self.ready.clear()
                    log.warning("chat fan-out stopped (%r); retrying", exc)
                    await asyncio.sleep(backoff.delay(failures))
        finally:
            await self._publisher.stop()

    async def _consume(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._settings.kafka_bootstrap_servers,
            client_id=f"{self._settings.kafka_client_id}-chat-fanout",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            await consumer.topics()
            partitions = [
                TopicPartition(self._topic, p)
                for p in sorted(consumer.partitions_for_topic(self._topic) or ())
            ]
            if not partitions:
                raise LookupError(f"topic {self._topic} does not exist (yet)")
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for partition in partitions:  # resolve the end offsets now, not on first fetch
                await consumer.position(partition)
            self.ready.set()
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for messages in batch.values():
                    for m in messages:
                        await self._deliver(Record(m.topic, m.key, m.value, tuple(m.headers)))
        finally:
            await consumer.stop()

    async def _deliver(self, record: Record) -> None:
        try:
            event = decode(record)
            room_id = uuid.UUID(event.payload["room_id"])
            message_id = uuid.UUID(event.payload["message_id"])
        except (EventError, KeyError, ValueError) as exc:
            log.warning("chat.messages: skipping an event that does not decode: %s", exc)
            return
        if not self.local.has_subscribers(room_id):
            return
        async with self._database.sessions() as session:
            row = await session.scalar(select(Message).where(Message.id == message_id))
        if row is not None:  # None: deleted before it got here, nothing to show
            self.local.deliver(room_id, MessageAdded(MessageRecord.from_model(row)))
