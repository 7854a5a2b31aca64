"""Consumer-group runner: each event to a handler, the offset committed after it returned.

Order of effects for one record: decode, run the handler (retrying with backoff), or publish
a dead letter; only then commit the offset. So a crash anywhere before the commit delivers
the record again (the handler dedupes with ``events.inbox``), and a record is never
committed before its effects or its dead letter are durable. Retries happen in place, so a
failing event holds up its partition (per-key order is kept) for at most
``EVENTS_MAX_ATTEMPTS`` attempts. A record that does not decode cannot get better: it goes
to the dead letters at once. A handler raising ``Unprocessable`` does the same.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from events.catalog import SchemaCatalog
from events.dead_letters import dead_letter
from events.envelope import Envelope, decode
from events.errors import EventError, PublishFailed, Unprocessable
from events.producer import Publisher
from events.records import Record
from events.settings import EventSettings

log = logging.getLogger(__name__)


class Handler(Protocol):
    """Applies one event's effects durably (commits its own transaction) before returning."""

    async def __call__(self, event: Envelope, /) -> None: ...


class EventConsumer:
    """Runs ``handler`` for every event of ``topics`` as member ``group_id``."""

    def __init__(
        self,
        topics: Sequence[str],
        group_id: str,
        handler: Handler,
        publisher: Publisher,
        settings: EventSettings,
        *,
        catalog: SchemaCatalog | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._topics = tuple(topics)
        self._group_id = group_id
        self._handler = handler
        self._publisher = publisher
        self._settings = settings
        self._catalog = catalog
        self._sleep = sleep
        self._backoff = settings.backoff()

    async def run(self) -> None:
        """Consume until cancelled; a cancelled runner leaves its uncommitted records to the
        group (they are delivered again, to it or to another member)."""
        session_ms = int(self._settings.kafka_session_timeout_seconds * 1000)
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._settings.kafka_bootstrap_servers,
            client_id=f"{self._settings.kafka_client_id}-{self._group_id}",
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=session_ms,
            heartbeat_interval_ms=session_ms // 3,
        )
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for tp, messages in batch.items():
                    for message in messages:
                        record = Record(
                            message.topic, message.key, message.value, tuple(message.headers)
                        )
                        await self.process(record, tp.partition, message.offset)
                        if not await _commit(consumer, tp, message.offset):
                            break  # partition revoked: its new owner re-reads from the commit
        finally:
            await consumer.stop()

    async def process(self, record: Record, partition: int, offset: int) -> None:
        """Handle ``record`` or dead-letter it; returns once either is durable."""
        try:
            event = decode(record, self._catalog)
        except EventError as exc:
            log.warning("%s@%d/%d does not decode: %s", record.topic, partition, offset, exc)
            await self._dead_letter(record, partition, offset, exc, attempts=1)
            return
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._handler(event)
                return
            except Unprocessable as exc:
                await self._dead_letter(record, partition, offset, exc, attempt)
                return
            except Exception as exc:  # any handler failure is retried, then dead-lettered
                if attempt >= self._settings.events_max_attempts:
                    log.error("event %s failed %d times: %s", event.id, attempt, exc)
                    await self._dead_letter(record, partition, offset, exc, attempt)
                    return
                log.warning("event %s attempt %d failed: %s", event.id, attempt, exc)
                await self._sleep(self._backoff.delay(attempt))

    async def _dead_letter(
        self, record: Record, partition: int, offset: int, error: BaseException, attempts: int
    ) -> None:
        letter = dead_letter(
            record, partition=partition, offset=offset, error=error, attempts=attempts
        )
        failures = 0
        while True:  # the offset may not move on until the letter is stored
            try:
                await self._publisher.publish(letter)
                return
            except PublishFailed as exc:
                failures += 1
                log.warning("dead letter for %s not stored yet: %s", record.topic, exc)
                await self._sleep(self._backoff.delay(failures))


async def _commit(consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> bool:
    try:
        await consumer.commit({tp: OffsetAndMetadata(offset + 1, "")})
    except CommitFailedError as exc:
        log.warning("offset commit for %s refused (rebalance): %s", tp, exc)
        return False
    return True
