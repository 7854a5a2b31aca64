"""The outbox and its relay, on real Postgres and the embedded broker: an event commits with
its change or not at all, is published once, in order per key, and survives a broker outage."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from events.envelope import Envelope, decode
from events.errors import InvalidEvent, PublishFailed
from events.outbox import enqueue
from events.producer import KafkaPublisher
from events.records import Record
from events.relay import OutboxRelay
from supergraph.topics import ensure_topics
from tests.events.harness import (
    OwnTopic,
    business_metadata,
    database,
    eventually,
    fast_settings,
    new_topic,
    read_topic,
    start_kafka,
)

_, THINGS, OUTBOX, _PROCESSED = business_metadata()


def event(topic: OwnTopic, key: str, n: int, traceparent: str | None = None) -> Envelope:
    payload = {
        "file_id": key,
        "owner_id": "u-1",
        "content_type": "text/plain",
        "size_bytes": n,
        "sha256": "00" * 32,
    }
    return Envelope.new(topic.name, key, payload, traceparent=traceparent, catalog=topic.catalog)


async def write(engine: AsyncEngine, topic: OwnTopic, events: Sequence[Envelope]) -> None:
    """Each event in its own transaction, as services write them (one change, one event)."""
    for e in events:
        async with engine.begin() as connection:
            await enqueue(connection, OUTBOX, e, catalog=topic.catalog)


def interleaved(topic: OwnTopic, rng: random.Random, count: int, keys: int) -> list[Envelope]:
    return [event(topic, f"k{rng.randrange(keys)}", n) for n in range(count)]


def by_key(records: Sequence[Record], topic: OwnTopic) -> dict[str, list[int]]:
    """Each key's ``size_bytes`` sequence numbers in the order they were read."""
    found: dict[str, list[int]] = defaultdict(list)
    for r in records:
        e = decode(r, topic.catalog)
        found[e.key].append(e.payload["size_bytes"])
    return dict(found)


def expected_by_key(events: Sequence[Envelope]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for e in events:
        found[e.key].append(e.payload["size_bytes"])
    return dict(found)


async def pending(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).where(OUTBOX.c.published_at.is_(None))
        return int((await connection.execute(query)).scalar_one())


async def nothing_pending(engine: AsyncEngine) -> bool:
    return await pending(engine) == 0


async def drain(relay: OutboxRelay) -> None:
    while (await relay.publish_pending()).published:
        pass


async def test_the_event_commits_with_the_change_or_not_at_all(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    async with database(fresh_database) as engine:
        async with engine.begin() as connection:
            await connection.execute(THINGS.insert().values(id="kept"))
            await enqueue(connection, OUTBOX, event(topic, "kept", 1), catalog=topic.catalog)

        async def change_then_fail() -> None:
            async with engine.begin() as connection:
                await connection.execute(THINGS.insert().values(id="lost"))
                await enqueue(connection, OUTBOX, event(topic, "lost", 2), catalog=topic.catalog)
                raise RuntimeError("business rule broke after the event was added")

        template = event(topic, "x", 3)
        bad = Envelope(template.id, topic.name, "x", {"file_id": 3}, 1, template.occurred_at)

        async def change_with_invalid_event() -> None:
            async with engine.begin() as connection:
                await connection.execute(THINGS.insert().values(id="invalid"))
                await enqueue(connection, OUTBOX, bad, catalog=topic.catalog)

        with pytest.raises(RuntimeError, match="business rule"):
            await change_then_fail()
        with pytest.raises(InvalidEvent, match=r"\$\.file_id: expected string"):
            await change_with_invalid_event()
        async with engine.connect() as connection:
            things = (await connection.execute(select(THINGS.c.id))).scalars().all()
            keys = (await connection.execute(select(OUTBOX.c.key))).scalars().all()
    assert things == ["kept"]
    assert keys == ["kept"]


@pytest.mark.parametrize("seed", range(3))
async def test_the_relay_publishes_in_order_per_key_and_marks_rows(
    fresh_database: Callable[[str], str], bootstrap_servers: str, seed: int
) -> None:
    rng = random.Random(seed)
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers, outbox_batch_size=rng.choice([1, 7, 50]))
    events = interleaved(topic, rng, count=120, keys=rng.randint(1, 12))
    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
        await write(engine, topic, events)
        relay = OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog)
        await drain(relay)
        assert await pending(engine) == 0
        async with engine.connect() as connection:
            rows = (await connection.execute(select(OUTBOX))).all()
    assert all(r.attempts == 1 and r.last_error is None for r in rows)
    records = await read_topic(bootstrap_servers, topic.name, len(events))
    assert by_key(records, topic) == expected_by_key(events)
    assert sorted(decode(r, topic.catalog).id for r in records) == sorted(e.id for e in events)


async def test_a_commit_wakes_the_relay_through_notify(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    # Polling every minute: only the NOTIFY sent at commit can make it publish in time.
    settings = fast_settings(bootstrap_servers, outbox_poll_seconds=60.0)
    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
        relay = OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog)
        task = asyncio.create_task(relay.run())
        try:
            await asyncio.sleep(1.0)  # the first round and LISTEN are done
            sent = event(topic, "k", 1)
            await write(engine, topic, [sent])
            records = await read_topic(bootstrap_servers, topic.name, 1, timeout_s=5.0)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert decode(records[0], topic.catalog).id == sent.id


async def test_rows_written_while_no_relay_ran_are_published_when_one_starts(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers, outbox_poll_seconds=60.0)
    events = interleaved(topic, random.Random(7), count=30, keys=3)
    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
        await write(engine, topic, events)
        task = asyncio.create_task(
            OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog).run()
        )
        try:
            records = await read_topic(bootstrap_servers, topic.name, len(events))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert by_key(records, topic) == expected_by_key(events)


async def test_a_broker_outage_loses_and_reorders_nothing(
    fresh_database: Callable[[str], str], tmp_path: Path
) -> None:
    kafka = await start_kafka(tmp_path)
    servers = kafka.bootstrap_servers
    rng = random.Random(11)
    settings = fast_settings(servers, kafka_request_timeout_seconds=1.0)
    try:
        topic = await new_topic(servers)
        before = interleaved(topic, rng, count=40, keys=5)
        during = interleaved(topic, rng, count=60, keys=5)
        async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
            relay = OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog)
            task = asyncio.create_task(relay.run())
            try:
                await write(engine, topic, before)
                first = await read_topic(servers, topic.name, len(before))
                await kafka.stop()
                await write(engine, topic, during)
                await eventually(lambda: _failed_attempts(engine))
                assert await pending(engine) == len(during)
                # The embedded broker comes back empty: topics are created again.
                await kafka.start()
                await ensure_topics(servers, [_topic_of(topic)])
                second = await read_topic(servers, topic.name, len(during), timeout_s=30)
                await eventually(lambda: nothing_pending(engine))
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
    finally:
        await kafka.stop()
    assert by_key(first, topic) == expected_by_key(before)
    assert by_key(second, topic) == expected_by_key(during)


async def _failed_attempts(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        query = select(func.count()).where(OUTBOX.c.last_error.is_not(None))
        return int((await connection.execute(query)).scalar_one()) > 0


def _topic_of(topic: OwnTopic) -> Any:
    from events.topics import Topic

    return Topic(topic.name, 3, None, "test")


class CountingPublisher:
    """A second ``Publisher`` in front of the Kafka one: counts what each relay sent."""

    def __init__(self, inner: KafkaPublisher) -> None:
        self.inner = inner
        self.sent: list[Record] = []

    async def publish(self, record: Record) -> None:
        await self.inner.publish(record)
        self.sent.append(record)


@pytest.mark.parametrize("seed", range(2))
async def test_two_relays_on_one_database_never_publish_a_row_twice(
    fresh_database: Callable[[str], str],
    bootstrap_servers: str,
    seed: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rng = random.Random(seed)
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers, outbox_batch_size=5, outbox_poll_seconds=0.05)
    events = interleaved(topic, rng, count=200, keys=8)
    async with database(fresh_database) as engine, KafkaPublisher(settings) as kafka:
        publishers = [CountingPublisher(kafka), CountingPublisher(kafka)]
        relays = [
            OutboxRelay(engine, OUTBOX, p, settings, catalog=topic.catalog) for p in publishers
        ]
        half = len(events) // 2
        await write(engine, topic, events[:half])  # a backlog both start on at once
        tasks = [asyncio.create_task(r.run()) for r in relays]
        try:
            await write(engine, topic, events[half:])
            await eventually(lambda: nothing_pending(engine), timeout_s=30)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    sent = [decode(r, topic.catalog).id for p in publishers for r in p.sent]
    assert sorted(sent) == sorted(e.id for e in events)  # each row exactly once
    assert all(p.sent for p in publishers)  # both took part
    assert [r.getMessage() for r in caplog.records if r.name == "events.relay"] == []
    records = await read_topic(bootstrap_servers, topic.name, len(events))
    assert by_key(records, topic) == expected_by_key(events)


async def test_a_publish_to_a_missing_broker_fails_cleanly(tmp_path: Path) -> None:
    from tests.harness.asgi_server import free_port

    settings = fast_settings(f"127.0.0.1:{free_port()}", kafka_request_timeout_seconds=0.5)
    async with KafkaPublisher(settings) as publisher:
        with pytest.raises(PublishFailed, match=r"file\.uploaded"):
            await publisher.publish(Record("file.uploaded", b"k", b"{}"))


async def test_the_embedded_broker_refuses_idempotent_producers_with_a_clear_error(
    bootstrap_servers: str,
) -> None:
    # Pins why KAFKA_IDEMPOTENCE exists; when tansu learns InitProducerId, turn it on in dev.
    settings = fast_settings(bootstrap_servers, kafka_idempotence=True)
    async with KafkaPublisher(settings) as publisher:
        with pytest.raises(PublishFailed, match="KAFKA_IDEMPOTENCE=false"):
            await publisher.publish(Record("file.uploaded", b"k", b"{}"))
