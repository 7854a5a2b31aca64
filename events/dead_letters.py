"""Dead letters: where an event goes when its handler keeps failing, and how it comes back.

A dead letter is the original record, byte for byte (key, value, headers: the event id and
traceparent survive), on ``<topic>.dlq``, with ``dlq-*`` headers saying where it came from and
why it failed. ``replay`` re-publishes a dead-letter topic's records to their original topic
after a fix; consumers dedupe by event id, so replaying something already processed is
harmless.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from events.producer import Publisher
from events.records import Record
from events.settings import EventSettings
from events.topics import DLQ_SUFFIX, dead_letter_topic

ORIGINAL_TOPIC = "dlq-original-topic"
ORIGINAL_PARTITION = "dlq-original-partition"
ORIGINAL_OFFSET = "dlq-original-offset"
ERROR = "dlq-error"
ERROR_TYPE = "dlq-error-type"
ATTEMPTS = "dlq-attempts"
FAILED_AT = "dlq-failed-at"
DLQ_HEADERS = (
    ORIGINAL_TOPIC,
    ORIGINAL_PARTITION,
    ORIGINAL_OFFSET,
    ERROR,
    ERROR_TYPE,
    ATTEMPTS,
    FAILED_AT,
)
_MAX_ERROR_BYTES = 4000


def dead_letter(
    record: Record, *, partition: int, offset: int, error: BaseException, attempts: int
) -> Record:
    """The dead letter of ``record`` (read at ``partition``/``offset``) after ``error``."""
    message = f"{error}".encode(errors="replace")[:_MAX_ERROR_BYTES]
    headers = (
        *record.without_headers(DLQ_HEADERS),
        (ORIGINAL_TOPIC, record.topic.encode()),
        (ORIGINAL_PARTITION, str(partition).encode()),
        (ORIGINAL_OFFSET, str(offset).encode()),
        (ERROR, message),
        (ERROR_TYPE, type(error).__qualname__.encode()),
        (ATTEMPTS, str(attempts).encode()),
        (FAILED_AT, datetime.now(UTC).isoformat().encode()),
    )
    return Record(dead_letter_topic(record.topic), record.key, record.value, headers)


def revived(letter: Record) -> Record:
    """The record to publish again: the original topic, key, value and headers."""
    original = letter.header(ORIGINAL_TOPIC)
    if original is not None:
        topic = original.decode()
    elif letter.topic.endswith(DLQ_SUFFIX):
        topic = letter.topic.removesuffix(DLQ_SUFFIX)
    else:
        raise ValueError(f"{letter.topic} is not a dead-letter topic")
    return Record(topic, letter.key, letter.value, letter.without_headers(DLQ_HEADERS))


async def replay(
    dlq_topic: str,
    publisher: Publisher,
    settings: EventSettings,
    *,
    group_id: str = "events-replay",
) -> int:
    """Re-publish every dead letter of ``dlq_topic`` not replayed yet; return how many.

    Reads up to the end offsets seen at the start (letters arriving meanwhile wait for the
    next replay), and commits the replay group's offset after each acknowledged publish, so
    an interrupted replay resumes where it stopped and a second one finds nothing new.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-replay",
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    replayed = 0
    try:
        await consumer.topics()  # refreshes metadata, so the topic's partitions are known
        numbers = sorted(consumer.partitions_for_topic(dlq_topic) or ())
        partitions = [TopicPartition(dlq_topic, n) for n in numbers]
        consumer.assign(partitions)
        ends: Mapping[TopicPartition, int] = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset >= ends[tp]:
                        break
                    letter = Record(
                        message.topic, message.key, message.value, tuple(message.headers)
                    )
                    await publisher.publish(revived(letter))
                    await consumer.commit({tp: OffsetAndMetadata(message.offset + 1, "")})
                    replayed += 1
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return replayed
