"""The subscription hub: identical subscriptions share one upstream, subscribers come and go
without disturbing each other, slow ones are dropped alone, failed upstreams are reopened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import pytest

from contracts.internal_claims import Claims
from router.execution.subscription_hub import HubSettings, SubscriptionHub
from router.transports.subgraph import SubgraphFetchError

BODY = {"query": "subscription { messageAdded(roomId: 1) { id } }"}
ALICE, BOB = Claims(sub="alice"), Claims(sub="bob")


class Upstream:
    """A controllable subgraph: ``emit`` reaches every open upstream subscription, ``fail``
    breaks them (as a restart would), ``complete`` ends them; opens and closes are counted."""

    def __init__(self) -> None:
        self.queues: list[asyncio.Queue[dict[str, Any] | Exception | None]] = []
        self.opened = 0
        self.closed = 0
        self.refuse = 0

    async def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[dict[str, Any], None]:
        self.opened += 1
        if self.refuse:
            self.refuse -= 1
            raise SubgraphFetchError(service, "refused", "SUBREQUEST_HTTP_ERROR")
        queue: asyncio.Queue[dict[str, Any] | Exception | None] = asyncio.Queue()
        self.queues.append(queue)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    return
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.closed += 1
            self.queues.remove(queue)

    def emit(self, n: int) -> None:
        for queue in self.queues:
            queue.put_nowait({"data": {"n": n}})

    def fail(self) -> None:
        for queue in self.queues:
            queue.put_nowait(SubgraphFetchError("chat", "gone", "SUBREQUEST_HTTP_ERROR"))

    def complete(self) -> None:
        for queue in self.queues:
            queue.put_nowait(None)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def take(stream: AsyncGenerator[dict[str, Any], None]) -> int:
    event = await asyncio.wait_for(anext(stream), 2)
    return int(event["data"]["n"])


async def test_a_hundred_identical_subscriptions_share_one_upstream() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream)
    streams = [hub.subscribe("chat", dict(BODY), ALICE) for _ in range(100)]
    first = [asyncio.create_task(anext(s)) for s in streams]
    await settle()
    assert (upstream.opened, hub.upstreams) == (1, 1)
    upstream.emit(1)
    results = await asyncio.gather(*first)
    assert {r["data"]["n"] for r in results} == {1}

    await streams[0].aclose()  # the first leaves: the other 99 keep receiving
    upstream.emit(2)
    assert [await take(s) for s in streams[1:]] == [2] * 99
    for stream in streams[1:-1]:
        await stream.aclose()
    await settle()
    assert upstream.closed == 0  # one subscriber left: the upstream stays
    await streams[-1].aclose()
    await settle()
    assert (upstream.closed, hub.upstreams) == (1, 0)


async def test_different_callers_or_variables_never_share() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream)
    other_room = {"query": BODY["query"], "variables": {"room": 2}}
    streams = [
        hub.subscribe("chat", BODY, ALICE),
        hub.subscribe("chat", BODY, BOB),
        hub.subscribe("chat", other_room, ALICE),
        hub.subscribe("chat", {"variables": {"room": 2}, "query": BODY["query"]}, ALICE),
    ]
    pending = [asyncio.create_task(anext(s)) for s in streams]
    await settle()
    assert upstream.opened == 3  # the last one is the third with its keys in another order
    upstream.emit(7)
    await asyncio.gather(*pending)
    for stream in streams:
        await stream.aclose()


async def test_a_slow_subscriber_is_dropped_alone() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream, HubSettings(queue_size=3))
    slow, fast = hub.subscribe("chat", BODY, ALICE), hub.subscribe("chat", BODY, ALICE)
    first_slow, first_fast = asyncio.create_task(anext(slow)), asyncio.create_task(anext(fast))
    await settle()
    upstream.emit(0)
    await first_slow
    await first_fast
    for n in range(1, 10):
        upstream.emit(n)
        assert await take(fast) == n  # the fast one reads as it goes; the slow one never does
    with pytest.raises(SubgraphFetchError) as dropped:
        await anext(slow)
    assert dropped.value.code == "SUBSCRIPTION_CLIENT_TOO_SLOW"
    upstream.emit(10)
    assert await take(fast) == 10
    await fast.aclose()
    await settle()
    assert upstream.closed == 1


async def test_a_failed_upstream_is_reopened_and_subscribers_never_notice() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream, HubSettings(first_retry_s=0.01, reconnect_for_s=30))
    stream = hub.subscribe("chat", BODY, ALICE)
    first = asyncio.create_task(anext(stream))
    await settle()
    upstream.emit(1)
    assert (await first)["data"]["n"] == 1
    upstream.refuse = 2  # the subgraph restarts: two refused reconnections, then it is back
    upstream.fail()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if upstream.queues:
            break
    assert upstream.opened == 4
    upstream.emit(2)
    assert await take(stream) == 2
    await stream.aclose()


async def test_an_upstream_that_stays_away_ends_every_subscriber_with_its_error() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream, HubSettings(first_retry_s=0.01, reconnect_for_s=0.1))
    streams = [hub.subscribe("chat", BODY, ALICE) for _ in range(3)]
    pending = [asyncio.create_task(anext(s)) for s in streams]
    await settle()
    upstream.refuse = 1000
    upstream.fail()
    for task in pending:
        with pytest.raises(SubgraphFetchError):
            await asyncio.wait_for(task, 2)
    assert hub.upstreams == 0


async def test_an_upstream_the_subgraph_completes_completes_everyone_after_their_events() -> None:
    upstream = Upstream()
    hub = SubscriptionHub(upstream)
    streams = [hub.subscribe("chat", BODY, ALICE) for _ in range(2)]
    pending = [asyncio.create_task(anext(s)) for s in streams]
    await settle()
    upstream.emit(1)
    upstream.emit(2)
    upstream.complete()
    await asyncio.gather(*pending)
    for stream in streams:
        assert [event["data"]["n"] async for event in stream] == [2]
    assert hub.upstreams == 0
