"""What the event tests share: a broker per module, topics of their own, a database with the
outbox, and a reader that collects what reached a topic."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import Column, MetaData, Table, Text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from events.catalog import SchemaCatalog, default_catalog
from events.inbox import processed_events_table
from events.outbox import outbox_table
from events.records import Record
from events.settings import EventSettings
from events.topics import Topic, dead_letter_topic
from supergraph.embedded.kafka import EmbeddedKafka
from supergraph.topics import ensure_topics
from tests.harness.asgi_server import free_port


def fast_settings(bootstrap_servers: str, **overrides: object) -> EventSettings:
    """Settings with short delays, so retries and backoff run in test time."""
    values: dict[str, object] = {
        "kafka_bootstrap_servers": bootstrap_servers,
        "kafka_idempotence": False,  # the embedded tansu refuses InitProducerId
        "kafka_request_timeout_seconds": 3.0,
        "kafka_session_timeout_seconds": 2.0,  # tansu hands partitions over after about this
        "events_max_attempts": 3,
        "events_retry_initial_seconds": 0.01,
        "events_retry_max_seconds": 0.2,
        "outbox_poll_seconds": 0.2,
        "outbox_batch_size": 50,
    }
    values.update(overrides)
    return EventSettings.model_validate(values)


async def start_kafka(log_dir: Path, port: int | None = None) -> EmbeddedKafka:
    kafka = EmbeddedKafka("127.0.0.1", port or free_port(), log_dir / "kafka.log")
    await kafka.start()
    return kafka


@dataclass(frozen=True, slots=True)
class OwnTopic:
    """A topic of one test, with its dead-letter topic, and a catalog that knows its schema
    (a copy of a real topic's), so tests on one broker never read each other's events."""

    name: str
    catalog: SchemaCatalog

    @property
    def dlq(self) -> str:
        return dead_letter_topic(self.name)


async def new_topic(
    bootstrap_servers: str, like: str = "file.uploaded", partitions: int = 3
) -> OwnTopic:
    name = f"{like}.t{uuid.uuid4().hex[:10]}"
    await ensure_topics(
        bootstrap_servers,
        [Topic(name, partitions, None, "test"), Topic(dead_letter_topic(name), 1, None, "test")],
    )
    catalog = default_catalog()
    return OwnTopic(name, SchemaCatalog({**catalog.schemas, name: catalog.schemas[like]}))


async def read_topic(
    bootstrap_servers: str, topic: str, count: int, timeout_s: float = 20.0
) -> list[Record]:
    """The first ``count`` records of ``topic`` (all partitions, from the start), per
    partition in offset order; fails when fewer arrive in time."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[Record] = []
        async with asyncio.timeout(timeout_s):
            while len(found) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for messages in batch.values():
                    found += [Record(m.topic, m.key, m.value, tuple(m.headers)) for m in messages]
        return found
    finally:
        await consumer.stop()


async def eventually(
    condition: Callable[[], Awaitable[bool]], timeout_s: float = 20.0, every_s: float = 0.05
) -> None:
    """Wait until ``condition()`` holds: for state that lives in another process (Postgres)."""
    async with asyncio.timeout(timeout_s):
        while not await condition():  # noqa: ASYNC110  (the state is in Postgres, not an Event)
            await asyncio.sleep(every_s)


def business_metadata() -> tuple[MetaData, Table, Table, Table]:
    """A service's metadata: one business table, the outbox and the processed events."""
    metadata = MetaData()
    things = Table("things", metadata, Column("id", Text, primary_key=True))
    return metadata, things, outbox_table(metadata), processed_events_table(metadata)


@asynccontextmanager
async def database(fresh_database: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    """A new database with the tables of ``business_metadata``."""
    engine = create_async_engine(fresh_database("events"))
    metadata = business_metadata()[0]
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()
