"""Several instances of one subgraph: turns, failover when an instance cannot be reached,
and a subscription moving to another instance when its own goes away."""

from __future__ import annotations

import asyncio
import contextlib

from contracts.internal_claims import DEVELOPMENT_SECRET, Claims, InternalClaimsSigner
from router.execution.subscription_hub import HubSettings, SubscriptionHub
from router.transports.endpoints import Endpoints
from router.transports.subscriptions import WebSocketSubscriptionTransport
from tests.harness.asgi_server import free_port, serve
from tests.router.transports.test_subscription_transport import subgraph

FOREVER = {"query": "subscription { forever }"}
ONE = {"query": "subscription { count(to: 1) }"}


def test_instances_take_turns_and_each_is_tried_once() -> None:
    endpoints = Endpoints({"chat": "http://a/graphql, http://b/graphql", "solo": "http://c"})
    firsts = [next(endpoints.attempts("chat")) for _ in range(4)]
    assert firsts == ["http://a/graphql", "http://b/graphql"] * 2
    assert list(endpoints.attempts("chat")) == ["http://a/graphql", "http://b/graphql"]
    assert list(endpoints.attempts("solo")) == ["http://c"]


async def test_an_instance_that_cannot_be_reached_is_skipped() -> None:
    down = f"http://127.0.0.1:{free_port()}/graphql"
    async with serve(subgraph()) as up:
        signer = InternalClaimsSigner(DEVELOPMENT_SECRET)
        transport = WebSocketSubscriptionTransport({"live": f"{down},{up}/graphql"}, signer=signer)
        for _ in range(2):  # whichever instance's turn it is, the stream comes from the live one
            stream = transport.subscribe(
                "live", {"query": "subscription { count(to: 1) }"}, Claims()
            )
            assert [event async for event in stream] == [{"data": {"count": 0}}]


async def test_a_subscription_moves_to_another_instance_when_its_own_goes_away() -> None:
    signer = InternalClaimsSigner(DEVELOPMENT_SECRET)
    first, second = contextlib.AsyncExitStack(), contextlib.AsyncExitStack()
    url_a = await first.enter_async_context(serve(subgraph()))
    url_b = await second.enter_async_context(serve(subgraph()))
    try:
        transport = WebSocketSubscriptionTransport(
            {"live": f"{url_a}/graphql,{url_b}/graphql"}, signer=signer
        )
        hub = SubscriptionHub(transport, HubSettings(first_retry_s=0.01, reconnect_for_s=10))
        stream = hub.subscribe("live", FOREVER, Claims(sub="u1"))
        assert (await anext(stream))["data"]["forever"] == 0
        await first.aclose()  # instance a (the first in turn) stops
        seen = [0]
        async with asyncio.timeout(10):  # events queued before the stop, then b's from 0 again
            while not (len(seen) > 1 and seen[-1] < seen[-2]):
                seen.append((await anext(stream))["data"]["forever"])
        assert seen[-1] == 0
        assert hub.upstream_opens == 2
        await stream.aclose()  # the hub closes the upstream as its pump is cancelled
        for _ in range(100):
            if transport.open_connections == 0:
                break
            await asyncio.sleep(0.01)
        assert transport.open_connections == 0
    finally:
        await first.aclose()
        await second.aclose()


async def test_queries_skip_an_instance_that_cannot_be_reached() -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from router.transports.subgraph import HttpSubgraphTransport

    async def graphql(_: object) -> JSONResponse:
        return JSONResponse({"data": {"ok": True}})

    down = f"http://127.0.0.1:{free_port()}/graphql"
    app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
    async with serve(app) as up:
        signer = InternalClaimsSigner(DEVELOPMENT_SECRET)
        transport = HttpSubgraphTransport({"s": f"{down},{up}/graphql"}, signer=signer)
        try:
            for _ in range(3):
                assert await transport.send("s", {"query": "{ ok }"}, Claims()) == {
                    "data": {"ok": True}
                }
        finally:
            await transport.aclose()
