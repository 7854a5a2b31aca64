"""The router subscribing at a subgraph over graphql-transport-ws: a real Strawberry
subgraph (the library's own protocol server) on a loopback socket, behind the subgraphs'
claims middleware."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import Info

from contracts.internal_claims import DEVELOPMENT_SECRET, Claims, InternalClaimsSigner
from router.transports.subgraph import SubgraphFetchError
from router.transports.subscriptions import WebSocketSubscriptionTransport
from subgraphs.common.auth import CLAIMS_STATE_KEY, InternalClaimsMiddleware
from tests.harness.asgi_server import free_port, serve

STOPPED: list[str] = []
ONE = {"query": "subscription { count(to: 1) }"}


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def count(self, to: int) -> AsyncGenerator[int, None]:
        for i in range(to):
            yield i

    @strawberry.subscription
    async def forever(self) -> AsyncGenerator[int, None]:
        try:
            i = 0
            while True:
                yield i
                i += 1
                await asyncio.sleep(0.01)
        finally:
            STOPPED.append("forever")

    @strawberry.subscription
    async def caller(self, info: Info) -> AsyncGenerator[str, None]:
        claims: Claims = info.context["request"].scope["state"][CLAIMS_STATE_KEY]
        yield str(claims.sub)

    @strawberry.subscription
    async def broken(self) -> AsyncGenerator[int, None]:
        yield 1
        raise ValueError("boom")


def subgraph() -> InternalClaimsMiddleware:
    schema = strawberry.Schema(query=Query, subscription=Subscription)
    app = GraphQL(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])
    routed = Starlette(routes=[Route("/graphql", app), WebSocketRoute("/graphql", app)])
    return InternalClaimsMiddleware(routed, secret=DEVELOPMENT_SECRET, service="live")


@pytest.fixture(scope="module")
async def transport() -> AsyncIterator[WebSocketSubscriptionTransport]:
    async with serve(subgraph()) as url:
        signer = InternalClaimsSigner(DEVELOPMENT_SECRET)
        yield WebSocketSubscriptionTransport({"live": f"{url}/graphql"}, signer=signer)


async def results(transport: WebSocketSubscriptionTransport, query: str) -> list[object]:
    body = {"query": query}
    return [r async for r in transport.subscribe("live", body, Claims(sub="u1"))]


async def test_events_arrive_in_order_until_the_subgraph_completes(
    transport: WebSocketSubscriptionTransport,
) -> None:
    assert await results(transport, "subscription { count(to: 3) }") == [
        {"data": {"count": 0}},
        {"data": {"count": 1}},
        {"data": {"count": 2}},
    ]
    assert transport.open_connections == 0


async def test_the_subgraph_sees_the_callers_signed_claims(
    transport: WebSocketSubscriptionTransport,
) -> None:
    assert await results(transport, "subscription { caller }") == [{"data": {"caller": "u1"}}]


async def test_an_error_in_the_stream_comes_out_as_a_result_with_errors(
    transport: WebSocketSubscriptionTransport,
) -> None:
    got = await results(transport, "subscription { broken }")
    assert got[0] == {"data": {"broken": 1}}
    assert got[-1]["errors"]  # type: ignore[index]


async def test_closing_the_stream_stops_the_subgraphs_generator(
    transport: WebSocketSubscriptionTransport,
) -> None:
    STOPPED.clear()
    stream = transport.subscribe("live", {"query": "subscription { forever }"}, Claims(sub="u1"))
    assert await anext(stream) == {"data": {"forever": 0}}
    await stream.aclose()
    assert transport.open_connections == 0
    for _ in range(100):
        if STOPPED:
            break
        await asyncio.sleep(0.01)
    assert STOPPED == ["forever"]


async def test_a_subgraph_refusing_the_claims_is_a_coded_error() -> None:
    async with serve(subgraph()) as url:
        signer = InternalClaimsSigner("another-secret-" + "x" * 32)
        transport = WebSocketSubscriptionTransport({"live": f"{url}/graphql"}, signer=signer)
        with pytest.raises(SubgraphFetchError) as refused:
            await anext(
                transport.subscribe("live", {"query": "subscription { count(to: 1) }"}, Claims())
            )
        assert refused.value.code == "SUBREQUEST_HTTP_ERROR"
        assert transport.open_connections == 0


async def test_an_unreachable_subgraph_is_a_coded_error() -> None:
    signer = InternalClaimsSigner(DEVELOPMENT_SECRET)
    url = f"http://127.0.0.1:{free_port()}/graphql"
    transport = WebSocketSubscriptionTransport({"live": url}, signer=signer)
    with pytest.raises(SubgraphFetchError) as refused:
        await anext(
            transport.subscribe("live", {"query": "subscription { count(to: 1) }"}, Claims())
        )
    assert refused.value.code == "SUBREQUEST_HTTP_ERROR"
