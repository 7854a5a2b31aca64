"""Publishing records: the ``Publisher`` seam and its aiokafka implementation.

``publish`` returns only once the broker acknowledged the record (``acks=all``), so callers
(the outbox relay, dead-lettering, replay) can mark work done after it. The producer is
idempotent unless ``KAFKA_IDEMPOTENCE=false`` (the embedded broker needs that), so the client's
own retries never write a record twice within a partition. Any Kafka failure becomes
``PublishFailed``; the producer is then rebuilt, since a broker that restarted (the embedded
one forgets everything) no longer knows its producer id or sequence numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, UnknownError

from events.errors import PublishFailed
from events.records import Record
from events.settings import EventSettings


class Publisher(Protocol):
    """Something that stores a record durably at the broker or raises ``PublishFailed``."""

    async def publish(self, record: Record) -> None: ...


class KafkaPublisher:
    """``Publisher`` over aiokafka: idempotent, ``acks=all``, started on first use."""

    def __init__(self, settings: EventSettings, *, client_id: str = "publisher") -> None:
        self._settings = settings
        self._client_id = f"{settings.kafka_client_id}-{client_id}"
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> KafkaPublisher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def publish(self, record: Record) -> None:
        timeout = self._settings.kafka_request_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                producer = await self._started()
                await producer.send_and_wait(
                    record.topic, record.value, key=record.key, headers=list(record.headers)
                )
        except PublishFailed:
            raise
        except (KafkaError, OSError, TimeoutError) as exc:
            await self.stop()
            raise PublishFailed(f"{record.topic}: {type(exc).__name__}: {exc}") from exc

    async def stop(self) -> None:
        """Flush and close the producer; the next ``publish`` starts a new one."""
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            # closing after a failure: nothing is left to flush that could still be saved
            with contextlib.suppress(KafkaError, OSError):
                await producer.stop()

    async def _started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                timeout_ms = int(self._settings.kafka_request_timeout_seconds * 1000)
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._settings.kafka_bootstrap_servers,
                    client_id=self._client_id,
                    enable_idempotence=self._settings.kafka_idempotence,
                    acks="all",
                    request_timeout_ms=timeout_ms,
                )
                try:
                    await producer.start()
                except UnknownError as exc:
                    await producer.stop()
                    if not self._settings.kafka_idempotence:
                        raise
                    raise PublishFailed(
                        "the broker refused an idempotent producer (InitProducerId); the "
                        "embedded tansu does: set KAFKA_IDEMPOTENCE=false for it"
                    ) from exc
                except BaseException:
                    await producer.stop()
                    raise
                self._producer = producer
            return self._producer
