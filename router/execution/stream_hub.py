"""Many subscribers, one stream: what both the upstream hub and the engine's shared event
streams are built on.

``StreamHub.subscribe(key, open)`` returns a subscriber's own view of the stream ``open()``
produces for ``key``: the first subscriber opens it, later ones join, the last one leaving
closes it. The rules the best routers' users found broken, each kept here and tested:

- every subscriber has its own bounded queue; one that falls behind is ended with a coded
  error and dropped, and never slows the others;
- a subscriber leaving (first, last, or any) never ends the others' stream; the stream closes
  when its last subscriber leaves, and only then;
- with ``reconnect_for_s``, a stream failing with ``SubgraphFetchError`` (the subgraph
  restarted) is reopened with backoff, and subscribers see the error only if it stays away;
  a stream that ends normally ends every subscriber, after what is queued for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from router.transports.subgraph import SubgraphFetchError

T = TypeVar("T")

SUBSCRIPTION_CLIENT_TOO_SLOW = "SUBSCRIPTION_CLIENT_TOO_SLOW"


@dataclass(frozen=True, slots=True)
class HubSettings:
    queue_size: int = 256
    """Events a subscriber may fall behind by before it is dropped."""
    reconnect_for_s: float = 0.0
    """How long a failing stream is reopened before subscribers are told (0: never)."""
    first_retry_s: float = 0.1
    max_retry_s: float = 5.0


@dataclass(frozen=True, slots=True)
class _Ended:
    error: Exception | None = None


@dataclass(eq=False)
class _Subscriber(Generic[T]):
    queue: asyncio.Queue[T | _Ended]
    failure: Exception | None = None
    """Set when the subscriber fell behind: it ends at once, whatever is still queued."""
    ended: _Ended | None = None
    """Set when the stream ended: the subscriber ends once its queue is drained."""


@dataclass(eq=False)
class _Stream(Generic[T]):
    open: Callable[[], AsyncGenerator[T, None]]
    subscribers: set[_Subscriber[T]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class StreamHub(Generic[T]):
    def __init__(self, settings: HubSettings | None = None, *, name: str = "stream") -> None:
        self.settings = settings or HubSettings()
        self.name = name
        self._streams: dict[Hashable, _Stream[T]] = {}
        self.opens = 0
        """Streams opened so far, reopenings included (metrics, tests)."""

    @property
    def streams(self) -> int:
        """Streams running right now."""
        return len(self._streams)

    async def subscribe(
        self, key: Hashable, open: Callable[[], AsyncGenerator[T, None]]
    ) -> AsyncGenerator[T, None]:
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream(open)
        subscriber: _Subscriber[T] = _Subscriber(asyncio.Queue(self.settings.queue_size))
        stream.subscribers.add(subscriber)
        if stream.task is None:
            stream.task = asyncio.create_task(self._pump(key, stream))
        try:
            while True:
                if subscriber.failure is not None:
                    raise subscriber.failure
                if subscriber.queue.empty() and subscriber.ended is not None:
                    item: T | _Ended = subscriber.ended
                else:
                    item = await subscriber.queue.get()
                if isinstance(item, _Ended):
                    if item.error is not None:
                        raise item.error
                    return
                yield item
        finally:
            stream.subscribers.discard(subscriber)
            if not stream.subscribers and self._streams.get(key) is stream:
                del self._streams[key]
                if stream.task is not None and stream.task is not asyncio.current_task():
                    stream.task.cancel()

    async def _pump(self, key: Hashable, stream: _Stream[T]) -> None:
        """Read the stream into every subscriber's queue; reopen it while it fails."""
        failing_since: float | None = None
        delay = self.settings.first_retry_s
        try:
            while stream.subscribers:
                self.opens += 1
                source = stream.open()
                try:
                    async for item in source:
                        failing_since, delay = None, self.settings.first_retry_s
                        self._fan_out(stream, item)
                except SubgraphFetchError as exc:
                    now = time.monotonic()
                    failing_since = now if failing_since is None else failing_since
                    if now - failing_since >= self.settings.reconnect_for_s:
                        self._end(stream, _Ended(exc))
                        return
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.settings.max_retry_s)
                    continue
                finally:
                    await source.aclose()
                self._end(stream, _Ended())  # the source completed
                return
        finally:
            if self._streams.get(key) is stream:
                del self._streams[key]

    def _fan_out(self, stream: _Stream[T], item: T) -> None:
        for subscriber in list(stream.subscribers):
            try:
                subscriber.queue.put_nowait(item)
            except asyncio.QueueFull:
                stream.subscribers.discard(subscriber)
                subscriber.failure = SubgraphFetchError(
                    self.name,
                    f"The client fell {self.settings.queue_size} events behind and was dropped.",
                    SUBSCRIPTION_CLIENT_TOO_SLOW,
                )

    @staticmethod
    def _end(stream: _Stream[T], ended: _Ended) -> None:
        for subscriber in list(stream.subscribers):
            subscriber.ended = ended
            with contextlib.suppress(asyncio.QueueFull):  # else seen once the queue drains
                subscriber.queue.put_nowait(ended)
