"""Identical subscriptions share one upstream; a subgraph that drops it is reconnected.

``SubscriptionHub`` wraps a ``SubscriptionTransport`` and is one itself, so the executor does
not know it is there. Subscriptions are identical when they go to the same subgraph with the
same operation, variables and signed claims (so two users never share a stream, and the
subgraph sees each caller as it would alone). The rules the best routers' users found broken,
each kept here and tested:

- every subscriber has its own bounded queue; one that falls behind is ended with a coded
  error and dropped, and never slows the others;
- a subscriber leaving (first, last, or any) never ends the others' stream; the upstream
  closes when its last subscriber leaves, and only then;
- an upstream that fails (the subgraph restarted) is reopened with backoff; subscribers see
  an error only if it stays away past ``reconnect_for_s``; an upstream the subgraph completes
  completes every subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from contracts.internal_claims import Claims
from router.transports.subgraph import SubgraphFetchError
from router.transports.subscriptions import SubscriptionTransport

SUBSCRIPTION_CLIENT_TOO_SLOW = "SUBSCRIPTION_CLIENT_TOO_SLOW"


@dataclass(frozen=True, slots=True)
class HubSettings:
    queue_size: int = 256
    """Events a subscriber may fall behind by before it is dropped."""
    reconnect_for_s: float = 30.0
    """How long a failed upstream is retried before subscribers are told."""
    first_retry_s: float = 0.1
    max_retry_s: float = 5.0


@dataclass(frozen=True, slots=True)
class _Ended:
    error: Exception | None = None


@dataclass(eq=False)
class _Subscriber:
    queue: asyncio.Queue[dict[str, Any] | _Ended]
    failure: Exception | None = None
    """Set when the subscriber fell behind: it ends at once, whatever is still queued."""
    ended: _Ended | None = None
    """Set when the upstream ended: the subscriber ends once its queue is drained."""


@dataclass(eq=False)
class _Upstream:
    service: str
    body: Mapping[str, Any]
    claims: Claims
    subscribers: set[_Subscriber] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class SubscriptionHub:
    """A ``SubscriptionTransport`` that multiplexes identical subscriptions."""

    def __init__(
        self, transport: SubscriptionTransport, settings: HubSettings | None = None
    ) -> None:
        self.transport = transport
        self.settings = settings or HubSettings()
        self._upstreams: dict[tuple[str, bytes, bytes], _Upstream] = {}
        self.upstream_opens = 0
        """Upstream subscriptions opened so far, reconnections included (metrics, tests)."""

    @property
    def upstreams(self) -> int:
        """Upstream subscriptions running right now."""
        return len(self._upstreams)

    async def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[dict[str, Any], None]:
        key = (service, _canonical(body), _canonical(_claims_key(claims)))
        upstream = self._upstreams.get(key)
        if upstream is None:
            upstream = self._upstreams[key] = _Upstream(service, body, claims)
        subscriber = _Subscriber(asyncio.Queue(self.settings.queue_size))
        upstream.subscribers.add(subscriber)
        if upstream.task is None:
            upstream.task = asyncio.create_task(self._pump(key, upstream))
        try:
            while True:
                if subscriber.failure is not None:
                    raise subscriber.failure
                if subscriber.queue.empty() and subscriber.ended is not None:
                    item: dict[str, Any] | _Ended = subscriber.ended
                else:
                    item = await subscriber.queue.get()
                if isinstance(item, _Ended):
                    if item.error is not None:
                        raise item.error
                    return
                yield item
        finally:
            upstream.subscribers.discard(subscriber)
            if not upstream.subscribers and self._upstreams.get(key) is upstream:
                del self._upstreams[key]
                if upstream.task is not None and upstream.task is not asyncio.current_task():
                    upstream.task.cancel()

    async def _pump(self, key: tuple[str, bytes, bytes], upstream: _Upstream) -> None:
        """Read the upstream into every subscriber's queue; reopen it while it fails."""
        failing_since: float | None = None
        delay = self.settings.first_retry_s
        try:
            while upstream.subscribers:
                self.upstream_opens += 1
                stream = self.transport.subscribe(upstream.service, upstream.body, upstream.claims)
                try:
                    async for event in stream:
                        failing_since, delay = None, self.settings.first_retry_s
                        self._fan_out(upstream, event)
                except SubgraphFetchError as exc:
                    now = time.monotonic()
                    failing_since = now if failing_since is None else failing_since
                    if now - failing_since >= self.settings.reconnect_for_s:
                        self._end(upstream, _Ended(exc))
                        return
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.settings.max_retry_s)
                    continue
                finally:
                    await stream.aclose()
                self._end(upstream, _Ended())  # the subgraph completed the subscription
                return
        finally:
            if self._upstreams.get(key) is upstream:
                del self._upstreams[key]

    def _fan_out(self, upstream: _Upstream, event: dict[str, Any]) -> None:
        for subscriber in list(upstream.subscribers):
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                upstream.subscribers.discard(subscriber)
                subscriber.failure = SubgraphFetchError(
                    upstream.service,
                    f"The client fell {self.settings.queue_size} events behind and was dropped.",
                    SUBSCRIPTION_CLIENT_TOO_SLOW,
                )

    @staticmethod
    def _end(upstream: _Upstream, ended: _Ended) -> None:
        for subscriber in list(upstream.subscribers):
            subscriber.ended = ended
            with contextlib.suppress(asyncio.QueueFull):  # else seen once the queue drains
                subscriber.queue.put_nowait(ended)


def _claims_key(claims: Claims) -> dict[str, Any]:
    return {"sub": claims.sub, "scopes": list(claims.scopes), "extra": claims.extra}


def _canonical(value: Mapping[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
