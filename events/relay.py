"""The outbox relay: publishes committed outbox rows, in order per key, and marks them sent.

A round claims the oldest pending row of up to ``OUTBOX_BATCH_SIZE`` keys (``FOR UPDATE SKIP
LOCKED``: another relay on the same database skips those keys and takes others), then the
pending rows behind those heads, publishes each key's rows one after another and marks what
the broker acknowledged, all in one transaction. The rows behind the heads are locked
without SKIP LOCKED: should another relay ever hold one, this one waits rather than skip it.
A key whose publish fails stops at that row (its attempts and last error recorded) and the
relay backs off, so a row is never skipped or overtaken. Delivery is at least once: a crash
between the broker's ack and the commit publishes the row again, under the same event id,
which consumers deduplicate.

A relay is woken by Postgres NOTIFY (``enqueue`` signals at commit) or ``wake()``, and polls
every ``OUTBOX_POLL_SECONDS`` in case a notification was missed. Pending rows are simply rows
not yet marked, so a restarted relay re-drives them first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Table, exists, func, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from events.catalog import SchemaCatalog
from events.errors import EventError
from events.outbox import OUTBOX_CHANNEL, envelope_of
from events.producer import Publisher
from events.settings import EventSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Round:
    """What one relay round did."""

    published: int
    failed: int
    full: bool
    """The claim hit the batch size: more rows are probably waiting."""


class OutboxRelay:
    """Publishes one outbox table's rows through a ``Publisher``."""

    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        publisher: Publisher,
        settings: EventSettings,
        *,
        catalog: SchemaCatalog | None = None,
        listen: bool = True,
    ) -> None:
        self._engine = engine
        self._table = table
        self._publisher = publisher
        self._settings = settings
        self._catalog = catalog
        self._listen = listen
        self._backoff = settings.backoff()
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Run a round now (call after committing a transaction that enqueued events)."""
        self._woken.set()

    async def run(self) -> None:
        """Publish until cancelled: pending rows first, then whatever commits wake it for."""
        listener = asyncio.create_task(self._listen_for_commits()) if self._listen else None
        failures = 0
        try:
            while True:
                self._woken.clear()
                try:
                    done = await self.publish_pending()
                except (SQLAlchemyError, OSError) as exc:
                    log.warning("outbox relay: database unavailable: %s", exc)
                    done = Round(0, 1, False)
                if done.failed:
                    failures += 1
                    await asyncio.sleep(self._backoff.delay(failures))
                    continue
                failures = 0
                if done.full:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._settings.outbox_poll_seconds):
                        await self._woken.wait()
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def publish_pending(self) -> Round:
        """One round: claim, publish in order per key, mark, commit."""
        t = self._table
        limit = self._settings.outbox_batch_size
        async with self._engine.begin() as connection:
            earlier = t.alias("earlier")
            heads = (
                await connection.execute(
                    select(t.c.topic, t.c.key)
                    .where(
                        t.c.published_at.is_(None),
                        ~exists().where(
                            earlier.c.published_at.is_(None),
                            earlier.c.topic == t.c.topic,
                            earlier.c.key == t.c.key,
                            earlier.c.seq < t.c.seq,
                        ),
                    )
                    .order_by(t.c.seq)
                    .limit(limit)
                    .with_for_update(of=t, skip_locked=True)
                )
            ).all()
            if not heads:
                return Round(0, 0, False)
            rows = (
                await connection.execute(
                    select(t)
                    .where(
                        t.c.published_at.is_(None),
                        tuple_(t.c.topic, t.c.key).in_([(h.topic, h.key) for h in heads]),
                    )
                    .order_by(t.c.seq)
                    .limit(limit)
                    .with_for_update(of=t)
                )
            ).all()
            by_key: dict[tuple[str, str], list[Row[Any]]] = {}
            for row in rows:
                by_key.setdefault((row.topic, row.key), []).append(row)
            outcomes = await asyncio.gather(*(self._publish_in_order(r) for r in by_key.values()))
            published = [row_id for sent, _ in outcomes for row_id in sent]
            failures = [failure for _, failure in outcomes if failure is not None]
            await self._mark(connection, published, failures)
        return Round(len(published), len(failures), len(heads) == limit or len(rows) == limit)

    async def _publish_in_order(
        self, rows: Sequence[Row[Any]]
    ) -> tuple[list[Any], tuple[Any, str] | None]:
        sent: list[Any] = []
        for row in rows:
            try:
                await self._publisher.publish(envelope_of(row).encode(self._catalog))
            except EventError as exc:
                return sent, (row.id, str(exc))
            sent.append(row.id)
        return sent, None

    async def _mark(
        self,
        connection: AsyncConnection,
        published: Sequence[Any],
        failures: Sequence[tuple[Any, str]],
    ) -> None:
        t = self._table
        if published:
            await connection.execute(
                update(t)
                .where(t.c.id.in_(published))
                .values(published_at=func.now(), attempts=t.c.attempts + 1, last_error=None)
            )
        for row_id, error in failures:
            log.warning("outbox relay: publishing %s failed: %s", row_id, error)
            await connection.execute(
                update(t)
                .where(t.c.id == row_id)
                .values(attempts=t.c.attempts + 1, last_error=error[:2000])
            )

    async def _listen_for_commits(self) -> None:
        """LISTEN on the outbox channel while the relay runs; reconnect after failures."""
        failures = 0
        while True:
            try:
                async with self._engine.connect() as connection:
                    raw = await connection.get_raw_connection()
                    driver: Any = raw.driver_connection
                    if not hasattr(driver, "add_listener"):
                        return  # not asyncpg: polling alone
                    await self._listen_until_lost(driver)
                    failures = 0
            except (SQLAlchemyError, OSError) as exc:
                log.warning("outbox relay: LISTEN failed, polling meanwhile: %s", exc)
            failures += 1
            await asyncio.sleep(self._backoff.delay(failures))

    async def _listen_until_lost(self, driver: Any) -> None:
        lost = asyncio.Event()
        await driver.add_listener(OUTBOX_CHANNEL, lambda *_: self._woken.set())
        driver.add_termination_listener(lambda *_: lost.set())
        self._woken.set()  # commits may have happened while nobody listened
        await lost.wait()
