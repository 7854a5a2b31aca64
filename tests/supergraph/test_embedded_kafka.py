"""The embedded broker: tansu starts, the platform's topics are created and visible."""

from __future__ import annotations

from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from events.topics import FILE_UPLOADED, TOPICS
from supergraph.embedded.kafka import STORAGE_URL, EmbeddedKafka, broker_binary, storage_engines
from supergraph.topics import ensure_topics
from tests.harness.asgi_server import free_port


def test_the_wheels_broker_only_offers_in_memory_storage():
    # `supergraph dev` tells users events do not survive a restart; this pins why.
    assert storage_engines(broker_binary()) == ("dynostore",)
    assert STORAGE_URL.startswith("memory://")


async def test_topics_are_created_once_and_visible_to_kafka_clients(tmp_path: Path):
    kafka = EmbeddedKafka("127.0.0.1", free_port(), tmp_path / "kafka.log")
    await kafka.start()
    try:
        assert await ensure_topics(kafka.bootstrap_servers) == tuple(t.name for t in TOPICS)
        assert await ensure_topics(kafka.bootstrap_servers) == ()

        admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
        await admin.start()
        try:
            assert {t.name for t in TOPICS} <= set(await admin.list_topics())
            described = await admin.describe_topics([t.name for t in TOPICS])
        finally:
            await admin.close()
        partitions = {d["topic"]: len(d["partitions"]) for d in described}
        assert partitions == {t.name: t.partitions for t in TOPICS}

        producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(FILE_UPLOADED.name, b"hello", key=b"file-1")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            FILE_UPLOADED.name,
            bootstrap_servers=kafka.bootstrap_servers,
            auto_offset_reset="earliest",
            group_id="test-embedded-kafka",
        )
        await consumer.start()
        try:
            message = await consumer.getone()
        finally:
            await consumer.stop()
        assert (message.key, message.value) == (b"file-1", b"hello")
    finally:
        child = kafka.child
        await kafka.stop()
    assert child is not None
    assert not child.group_alive()


async def test_events_do_not_survive_a_broker_restart(tmp_path: Path):
    kafka = EmbeddedKafka("127.0.0.1", free_port(), tmp_path / "kafka.log")
    await kafka.start()
    try:
        await ensure_topics(kafka.bootstrap_servers)
    finally:
        await kafka.stop()
    await kafka.start()
    try:
        assert await ensure_topics(kafka.bootstrap_servers) == tuple(t.name for t in TOPICS)
    finally:
        await kafka.stop()
