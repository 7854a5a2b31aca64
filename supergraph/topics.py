"""Create the platform's Kafka topics, idempotently, on any Kafka-protocol broker.

`supergraph dev` calls ``ensure_topics`` against the embedded broker; the deployment runs
``python -m supergraph.topics --bootstrap-servers kafka:9092`` once before the services
start. Topics that already exist are fine, so both can run on every start.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterable, Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError

from events.topics import TOPICS, Topic

_TOPIC_ALREADY_EXISTS = 36
"""Kafka protocol error code; the broker answers it per topic rather than failing the call."""


class TopicCreationFailed(RuntimeError):
    """The broker refused to create a topic for a reason other than it already existing."""


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[Topic] = TOPICS,
    *,
    replication_factor: int = 1,
) -> tuple[str, ...]:
    """Create the missing ``topics``; return the names created now (existing ones are skipped)."""
    wanted = tuple(topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="supergraph-topics")
    await admin.start()
    try:
        response = await admin.create_topics(
            [
                NewTopic(t.name, t.partitions, replication_factor, topic_configs=t.configs())
                for t in wanted
            ]
        )
    finally:
        await admin.close()
    created: list[str] = []
    for name, code, message in response.topic_errors:
        if code == 0:
            created.append(name)
        elif code != _TOPIC_ALREADY_EXISTS:
            raise TopicCreationFailed(f"could not create topic {name}: {message} (code {code})")
    return tuple(created)


async def _ensure_with_retries(bootstrap_servers: str, timeout_s: float) -> tuple[str, ...]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return await ensure_topics(bootstrap_servers)
        except KafkaConnectionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m supergraph.topics", description="Create the platform's Kafka topics."
    )
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for Kafka")
    args = parser.parse_args(argv)
    created = asyncio.run(_ensure_with_retries(args.bootstrap_servers, args.timeout))
    existing = [t.name for t in TOPICS if t.name not in created]
    print(f"created: {', '.join(created) or '-'}; already there: {', '.join(existing) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
