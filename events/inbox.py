"""Idempotent consumers: a table of processed event ids, written in the handler's transaction.

A consumer commits its Kafka offset only after its handler returned, so an event can be
delivered again (a crash between the handler's commit and the offset commit, a rebalance, a
relay publishing twice). The handler calls ``first_delivery`` inside the transaction that
applies the event's effects: the id row and the effects commit together, so a redelivered
event finds its id and the handler skips it. Concurrent deliveries of one id serialize on the
primary key: the second waits for the first's commit, then sees the row.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Column, DateTime, MetaData, PrimaryKeyConstraint, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def processed_events_table(metadata: MetaData, name: str = "processed_events") -> Table:
    """The processed-events table, added to ``metadata`` (the existing one if already there).

    ``consumer`` names the handler, so two handlers in one service each process an event once.
    """
    if name in metadata.tables:
        return metadata.tables[name]
    return Table(
        name,
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id", name=f"pk_{name}"),
    )


async def first_delivery(
    session: AsyncSession | AsyncConnection, table: Table, consumer: str, event_id: uuid.UUID
) -> bool:
    """Record ``event_id`` as processed by ``consumer`` in the open transaction; False when it
    already was (the caller then does nothing and returns)."""
    result = await session.execute(
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return result.first() is not None
