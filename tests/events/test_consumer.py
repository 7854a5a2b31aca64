"""Consumers on the embedded broker and real Postgres: the offset moves only after the handler
returned, redeliveries are no-ops, failures retry then go to the dead letters, replay brings
them back, and the traceparent travels from the outbox to the handler."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import func, select

from events.consumer import EventConsumer, Handler
from events.dead_letters import ATTEMPTS, ERROR, ERROR_TYPE, ORIGINAL_TOPIC, replay
from events.envelope import Envelope
from events.errors import Unprocessable
from events.inbox import first_delivery
from events.outbox import enqueue
from events.producer import KafkaPublisher
from events.records import EVENT_ID, TRACEPARENT, Record
from events.relay import OutboxRelay
from events.settings import EventSettings
from events.traceparent import new_traceparent
from tests.events.harness import (
    OwnTopic,
    business_metadata,
    database,
    eventually,
    fast_settings,
    new_topic,
    read_topic,
)

_, THINGS, OUTBOX, PROCESSED = business_metadata()


def event(topic: OwnTopic, key: str, file_id: str, traceparent: str | None = None) -> Envelope:
    payload = {
        "file_id": file_id,
        "owner_id": "u-1",
        "content_type": "application/pdf",
        "size_bytes": 10,
        "sha256": "00" * 32,
    }
    return Envelope.new(topic.name, key, payload, traceparent=traceparent, catalog=topic.catalog)


@asynccontextmanager
async def consuming(
    topic: OwnTopic,
    handler: Handler,
    publisher: KafkaPublisher,
    settings: EventSettings,
    group: str,
) -> AsyncIterator[None]:
    runner = EventConsumer([topic.name], group, handler, publisher, settings, catalog=topic.catalog)
    task = asyncio.create_task(runner.run())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled(), task.exception()


async def committed(servers: str, group: str, topic: str) -> dict[int, int | None]:
    """The group's committed offset per partition of ``topic`` (None: nothing committed)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, group_id=group)
    await consumer.start()
    try:
        await consumer.topics()
        numbers = sorted(consumer.partitions_for_topic(topic))
        return {n: await consumer.committed(TopicPartition(topic, n)) for n in numbers}
    finally:
        await consumer.stop()


def group() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


async def test_the_offset_moves_after_the_handler_and_a_redelivery_is_a_no_op(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers)
    name = group()
    calls: list[uuid.UUID] = []
    effects_durable = asyncio.Event()
    crash_after_effects = True
    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:

        async def handler(e: Envelope) -> None:
            calls.append(e.id)
            async with engine.begin() as connection:
                if not await first_delivery(connection, PROCESSED, "test", e.id):
                    return
                await connection.execute(THINGS.insert().values(id=e.payload["file_id"]))
            if crash_after_effects:  # dies between its commit and the offset commit
                effects_durable.set()
                await asyncio.Event().wait()

        sent = event(topic, "k", "f-1")
        await publisher.publish(sent.encode(topic.catalog))
        async with consuming(topic, handler, publisher, settings, name):
            await asyncio.wait_for(effects_durable.wait(), 20)
            assert set((await committed(bootstrap_servers, name, topic.name)).values()) == {None}
        crash_after_effects = False
        async with consuming(topic, handler, publisher, settings, name):

            async def offset_committed() -> bool:
                offsets = await committed(bootstrap_servers, name, topic.name)
                return 1 in offsets.values()

            await eventually(offset_committed)
        async with engine.connect() as connection:
            things = (await connection.execute(select(THINGS.c.id))).scalars().all()
            processed = await connection.execute(select(func.count()).select_from(PROCESSED))
            assert processed.scalar_one() == 1
    assert calls == [sent.id, sent.id]  # delivered twice
    assert things == ["f-1"]  # applied once


async def test_a_poison_event_goes_to_the_dead_letters_and_replay_brings_it_back(
    bootstrap_servers: str,
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers, events_max_attempts=3)
    attempts: Counter[uuid.UUID] = Counter()
    handled: list[str] = []
    broken = True

    async def handler(e: Envelope) -> None:
        attempts[e.id] += 1
        if broken and e.payload["file_id"] == "poison":
            raise ValueError("corrupt PDF: no cross-reference table")
        handled.append(e.payload["file_id"])

    trace = new_traceparent()
    first, poison, after = (
        event(topic, "k", "first"),
        event(topic, "k", "poison", traceparent=trace),
        event(topic, "k", "after"),
    )
    async with KafkaPublisher(settings) as publisher:
        for e in (first, poison, after):
            await publisher.publish(e.encode(topic.catalog))
        worker = group()
        async with consuming(topic, handler, publisher, settings, worker):
            await eventually(lambda: _is(handled, ["first", "after"]))
        [letter] = await read_topic(bootstrap_servers, topic.dlq, 1)
        original = poison.encode(topic.catalog)
        assert (letter.key, letter.value) == (original.key, original.value)
        assert letter.header(EVENT_ID) == str(poison.id).encode()
        assert letter.header(TRACEPARENT) == trace.encode()
        assert letter.header(ORIGINAL_TOPIC) == topic.name.encode()
        assert letter.header(ERROR) == b"corrupt PDF: no cross-reference table"
        assert letter.header(ERROR_TYPE) == b"ValueError"
        assert letter.header(ATTEMPTS) == b"3"
        assert attempts[poison.id] == 3

        broken = False  # the fix is deployed
        replay_group = group()
        assert await replay(topic.dlq, publisher, settings, group_id=replay_group) == 1
        async with consuming(topic, handler, publisher, settings, worker):
            await eventually(lambda: _is(handled, ["first", "after", "poison"]))
        assert await replay(topic.dlq, publisher, settings, group_id=replay_group) == 0
    replayed = await read_topic(bootstrap_servers, topic.name, 4)
    back = [r for r in replayed if r.header(EVENT_ID) == str(poison.id).encode()][-1]
    assert back.header(TRACEPARENT) == trace.encode()
    assert back.header(ERROR) is None


async def _is(found: list[str], expected: list[str]) -> bool:
    return found == expected


async def test_a_record_that_does_not_decode_goes_to_the_dead_letters_at_once(
    bootstrap_servers: str,
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers)
    handled: list[str] = []

    async def handler(e: Envelope) -> None:
        handled.append(e.payload["file_id"])

    async with KafkaPublisher(settings) as publisher:
        await publisher.publish(Record(topic.name, b"k", b"{not json"))
        await publisher.publish(event(topic, "k", "good").encode(topic.catalog))
        async with consuming(topic, handler, publisher, settings, group()):
            await eventually(lambda: _is(handled, ["good"]))
    [letter] = await read_topic(bootstrap_servers, topic.dlq, 1)
    assert letter.value == b"{not json"
    assert letter.header(ATTEMPTS) == b"1"
    assert letter.header(ERROR_TYPE) == b"InvalidEvent"
    assert b"not UTF-8 JSON" in (letter.header(ERROR) or b"")


@pytest.mark.parametrize("seed", range(3))
async def test_transient_failures_retry_and_only_persistent_ones_are_dead_letters(
    bootstrap_servers: str, seed: int
) -> None:
    """Each event fails a random number of times (or says it is unprocessable): those under
    the attempt limit are handled, in order per key, the others are dead letters."""
    rng = random.Random(seed)
    topic = await new_topic(bootstrap_servers)
    max_attempts = 3
    settings = fast_settings(bootstrap_servers, events_max_attempts=max_attempts)
    plan: dict[str, int | str] = {}
    events = []
    for n in range(30):
        file_id = f"f{n}"
        plan[file_id] = rng.choice([0, 0, 0, 1, 2, 3, 5, "unprocessable"])
        events.append(event(topic, f"k{rng.randrange(4)}", file_id))
    failures: Counter[str] = Counter()
    handled: dict[str, list[str]] = defaultdict(list)
    delays: list[float] = []

    async def handler(e: Envelope) -> None:
        file_id = e.payload["file_id"]
        if plan[file_id] == "unprocessable":
            raise Unprocessable(f"{file_id} can never work")
        if failures[file_id] < int(plan[file_id]):
            failures[file_id] += 1
            raise ConnectionError(f"{file_id} hit a transient failure")
        handled[e.key].append(file_id)

    async def record_sleep(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(0)

    expected = defaultdict(list)
    for e in events:
        times = plan[e.payload["file_id"]]
        if times != "unprocessable" and int(times) < max_attempts:
            expected[e.key].append(e.payload["file_id"])
    dead = {e.payload["file_id"] for e in events} - {f for fs in expected.values() for f in fs}
    async with KafkaPublisher(settings) as publisher:
        for e in events:
            await publisher.publish(e.encode(topic.catalog))
        runner = EventConsumer(
            [topic.name],
            group(),
            handler,
            publisher,
            settings,
            catalog=topic.catalog,
            sleep=record_sleep,
        )
        task = asyncio.create_task(runner.run())
        try:
            letters = await read_topic(bootstrap_servers, topic.dlq, len(dead))
            await eventually(lambda: _is_dict(handled, expected))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    dead_ids = {e.id for e in events if e.payload["file_id"] in dead}
    assert {uuid.UUID(lt.header(EVENT_ID).decode()) for lt in letters} == dead_ids  # type: ignore[union-attr]
    backoff = settings.backoff()
    assert all(backoff.initial / 2 <= d <= backoff.maximum for d in delays)


async def _is_dict(found: dict[str, list[str]], expected: dict[str, list[str]]) -> bool:
    return dict(found) == dict(expected)


async def test_the_traceparent_travels_from_the_outbox_to_the_handler(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers)
    trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    seen: list[Envelope] = []

    async def handler(e: Envelope) -> None:
        seen.append(e)

    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
        sent = event(topic, "k", "f-1", traceparent=trace)
        async with engine.begin() as connection:
            await enqueue(connection, OUTBOX, sent, catalog=topic.catalog)
        relay = OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog)
        assert (await relay.publish_pending()).published == 1
        async with consuming(topic, handler, publisher, settings, group()):
            await eventually(lambda: _is([str(e.id) for e in seen], [str(sent.id)]))
    assert seen[0].traceparent == trace
    assert seen[0] == sent


class DiesAfterTheAck:
    """A ``Publisher`` whose process dies right after the broker acknowledged a record: the
    relay never gets to mark the row."""

    def __init__(self, inner: KafkaPublisher) -> None:
        self.inner = inner
        self.acknowledged = asyncio.Event()

    async def publish(self, record: Record) -> None:
        await self.inner.publish(record)
        self.acknowledged.set()
        await asyncio.Event().wait()


async def test_a_relay_dying_after_the_ack_publishes_again_and_the_consumer_applies_once(
    fresh_database: Callable[[str], str], bootstrap_servers: str
) -> None:
    topic = await new_topic(bootstrap_servers)
    settings = fast_settings(bootstrap_servers)
    async with database(fresh_database) as engine, KafkaPublisher(settings) as publisher:
        sent = event(topic, "k", "f-1")
        async with engine.begin() as connection:
            await connection.execute(THINGS.insert().values(id="source"))
            await enqueue(connection, OUTBOX, sent, catalog=topic.catalog)
        dying = DiesAfterTheAck(publisher)
        doomed = OutboxRelay(engine, OUTBOX, dying, settings, catalog=topic.catalog)
        task = asyncio.create_task(doomed.publish_pending())
        await asyncio.wait_for(dying.acknowledged.wait(), 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        relay = OutboxRelay(engine, OUTBOX, publisher, settings, catalog=topic.catalog)
        assert (await relay.publish_pending()).published == 1
        records = await read_topic(bootstrap_servers, topic.name, 2)
        assert [r.header(EVENT_ID) for r in records] == [str(sent.id).encode()] * 2

        applied: list[str] = []

        async def handler(e: Envelope) -> None:
            async with engine.begin() as connection:
                if await first_delivery(connection, PROCESSED, "test", e.id):
                    applied.append(e.payload["file_id"])
                    await connection.execute(THINGS.insert().values(id=e.payload["file_id"]))

        name = group()
        async with consuming(topic, handler, publisher, settings, name):

            async def both_read() -> bool:
                return 2 in (await committed(bootstrap_servers, name, topic.name)).values()

            await eventually(both_read)
    assert applied == ["f-1"]
