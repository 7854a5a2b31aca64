"""One embedded broker per test module; tests isolate themselves with topics of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.events.harness import start_kafka


@pytest.fixture(scope="module")
async def bootstrap_servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    kafka = await start_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        yield kafka.bootstrap_servers
    finally:
        await kafka.stop()
