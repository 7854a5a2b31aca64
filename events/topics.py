"""The platform's event topics: the one list every producer, consumer and deployment reads.

Kafka carries the events that cross service boundaries: `files` announces an upload, the
`ingest` worker reports the file indexed (or parks a failure on the dead-letter topic), and
`chat` instances fan messages out to each other so a subscriber on one instance sees messages
posted on another. `supergraph dev` and the deployment's topic job create exactly these
topics, idempotently; code names a topic through this module, never as a string literal.
"""

from __future__ import annotations

from dataclasses import dataclass

_DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic and the settings it is created with.

    ``retention_ms`` is how long the broker keeps events; ``None`` keeps the broker's default.
    Events that matter beyond the retention live in Postgres (the outbox, the chat history),
    so retention only bounds how far back a consumer can replay.
    """

    name: str
    partitions: int
    retention_ms: int | None
    purpose: str

    def configs(self) -> dict[str, str]:
        """Topic-level broker settings, as the CreateTopics request carries them."""
        return {} if self.retention_ms is None else {"retention.ms": str(self.retention_ms)}


FILE_UPLOADED = Topic(
    name="file.uploaded",
    partitions=3,
    retention_ms=7 * _DAY_MS,
    purpose="files -> ingest: a stored file is waiting to be indexed (keyed by file id)",
)
FILE_INDEXED = Topic(
    name="file.indexed",
    partitions=3,
    retention_ms=7 * _DAY_MS,
    purpose="ingest -> files: a file's chunks are searchable, or indexing failed for good",
)
FILE_UPLOADED_DLQ = Topic(
    name="file.uploaded.dlq",
    partitions=1,
    retention_ms=30 * _DAY_MS,
    purpose="file.uploaded events that failed after retries; replayed by one command",
)
FILE_INDEXED_DLQ = Topic(
    name="file.indexed.dlq",
    partitions=1,
    retention_ms=30 * _DAY_MS,
    purpose="file.indexed events the files service could not apply after retries",
)
CHAT_MESSAGES = Topic(
    name="chat.messages",
    partitions=3,
    retention_ms=1 * _DAY_MS,
    purpose="chat -> chat: posted messages fanned out to every instance (keyed by room id)",
)

CHAT_MESSAGES_DLQ = Topic(
    name="chat.messages.dlq",
    partitions=1,
    retention_ms=7 * _DAY_MS,
    purpose="chat.messages events a chat instance could not deliver after retries",
)

TOPICS: tuple[Topic, ...] = (
    FILE_UPLOADED,
    FILE_INDEXED,
    FILE_UPLOADED_DLQ,
    FILE_INDEXED_DLQ,
    CHAT_MESSAGES,
    CHAT_MESSAGES_DLQ,
)

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """Where events of ``topic`` go after their handler failed for good: ``<topic>.dlq``."""
    return topic + DLQ_SUFFIX
