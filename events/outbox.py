"""The transactional outbox: an event is a row committed in the same transaction as the change.

A service adds ``outbox_table(metadata)`` to its own metadata (and so to its migrations) and
calls ``enqueue`` inside the transaction that makes the change: both commit or neither does.
The relay (``events.relay``) publishes committed rows later. Postgres, not the broker, is the
source of truth: the embedded broker forgets everything on restart, pending rows do not.

Ordering: rows of one ``(topic, key)`` are published in ``seq`` order. ``enqueue`` takes a
transaction-scoped advisory lock on the key, so two transactions writing events for the same
key serialize from the insert to the commit: ``seq`` order is then commit order per key.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from events.catalog import SchemaCatalog
from events.envelope import Envelope

OUTBOX_CHANNEL = "events_outbox"
"""Postgres NOTIFY channel ``enqueue`` signals on commit; relays LISTEN to it."""


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The outbox table, added to ``metadata`` (returns the existing one if already there)."""
    if name in metadata.tables:
        return metadata.tables[name]
    return Table(
        name,
        metadata,
        Column("id", Uuid, primary_key=True, comment="the event id; consumers dedupe on it"),
        Column("seq", BigInteger, Identity(always=True), nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("payload", JSONB, nullable=False, comment="the payload, envelope fields apart"),
        Column("headers", JSONB, nullable=False, comment="schema version, traceparent"),
        Column("created_at", DateTime(timezone=True), nullable=False, comment="occurred_at"),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Index(
            f"ix_{name}_pending",
            "topic",
            "key",
            "seq",
            postgresql_where=text("published_at IS NULL"),
        ),
    )


def key_lock_id(topic: str, key: str) -> int:
    """A stable signed 64-bit advisory lock id for one ``(topic, key)``."""
    digest = hashlib.blake2b(f"{topic}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def enqueue(
    session: AsyncSession | AsyncConnection,
    table: Table,
    envelope: Envelope,
    *,
    catalog: SchemaCatalog | None = None,
) -> None:
    """Add ``envelope`` to the outbox in the caller's open transaction; the caller commits.

    The event is validated first (``InvalidEvent`` before anything is written). Relays that
    LISTEN are woken when the transaction commits, not before.
    """
    envelope.encode(catalog)
    lock = select(func.pg_advisory_xact_lock(key_lock_id(envelope.topic, envelope.key)))
    await session.execute(lock)
    headers: dict[str, Any] = {"schema_version": envelope.schema_version}
    if envelope.traceparent is not None:
        headers["traceparent"] = envelope.traceparent
    await session.execute(
        table.insert().values(
            id=envelope.id,
            topic=envelope.topic,
            key=envelope.key,
            payload=dict(envelope.payload),
            headers=headers,
            created_at=envelope.occurred_at,
        )
    )
    await session.execute(select(func.pg_notify(OUTBOX_CHANNEL, table.name)))


def envelope_of(row: Any) -> Envelope:
    """Rebuild the envelope an outbox row was made from."""
    return Envelope(
        id=row.id,
        topic=row.topic,
        key=row.key,
        payload=row.payload,
        schema_version=int(row.headers["schema_version"]),
        occurred_at=row.created_at,
        traceparent=row.headers.get("traceparent"),
    )
