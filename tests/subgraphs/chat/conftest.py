"""A Kafka-protocol broker for the chat tests that fan out (one per module that asks)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from events.topics import CHAT_MESSAGES
from supergraph.topics import ensure_topics
from tests.events.harness import start_kafka


@pytest.fixture(scope="module")
async def bootstrap_servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    kafka = await start_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        await ensure_topics(kafka.bootstrap_servers, [CHAT_MESSAGES])
        yield kafka.bootstrap_servers
    finally:
        await kafka.stop()
