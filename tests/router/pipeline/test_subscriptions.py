"""Subscriptions through the engine, in process: the stages up to planning run once, each
event then goes through the same execute and shape stages a query's data does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

from contracts.internal_claims import Claims
from router.engine import EngineConfig, GraphQLRequest, GraphQLResponse, RouterEngine
from router.transports.subgraph import SubgraphFetchError
from tests.harness.fake_transport import FakeSubscriptions, FakeTransport
from tests.router.planning.harness import fixture_supergraph

QUERY = """subscription ($room: ID!) {
  messageAdded(roomId: $room) { body author { profile { displayName } } }
}"""


def profiles(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
    assert service == "profiles"
    names = [
        {"profile": {"displayName": f"name-{r['id']}"}}
        for r in body["variables"]["representations"]
    ]
    return {"data": {"_entities": names}}


def message(body: str, author: str) -> dict[str, Any]:
    return {
        "data": {"messageAdded": {"body": body, "author": {"__typename": "User", "id": author}}}
    }


def engine(events: list[Any]) -> tuple[RouterEngine, FakeSubscriptions, FakeTransport]:
    subscriptions, transport = FakeSubscriptions(events), FakeTransport(profiles)
    router = RouterEngine(fixture_supergraph("live"), transport, subscriptions=subscriptions)
    return router, subscriptions, transport


async def collect(result: GraphQLResponse | AsyncIterator[GraphQLResponse]) -> list[dict[str, Any]]:
    assert not isinstance(result, GraphQLResponse), result
    return [response.body async for response in result]


async def test_each_event_is_completed_from_other_subgraphs_and_shaped() -> None:
    router, subscriptions, transport = engine([message("hi", "u1"), message("yo", "u2")])
    request = GraphQLRequest(QUERY, variables={"room": "r1"})
    bodies = await collect(await router.subscribe(request))
    assert bodies == [
        {
            "data": {
                "messageAdded": {"body": "hi", "author": {"profile": {"displayName": "name-u1"}}}
            }
        },
        {
            "data": {
                "messageAdded": {"body": "yo", "author": {"profile": {"displayName": "name-u2"}}}
            }
        },
    ]
    [(service, body)] = subscriptions.opened
    assert service == "chat"
    assert body["variables"] == {"room": "r1"}
    assert [service for service, _, _ in transport.sent] == ["profiles", "profiles"]
    assert subscriptions.closed == 1


async def test_a_refused_subscription_never_opens_upstream() -> None:
    router, subscriptions, _ = engine([message("hi", "u1")])
    result = await router.subscribe(GraphQLRequest("subscription { messageAdded { body } }"))
    assert isinstance(result, GraphQLResponse)
    assert result.body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert subscriptions.opened == []


async def test_a_query_on_a_streaming_transport_is_one_response() -> None:
    router, _, _ = engine([])
    result = await router.subscribe(GraphQLRequest("{ __typename }"))
    assert isinstance(result, GraphQLResponse)
    assert result.body == {"data": {"__typename": "Query"}}


async def test_a_stream_the_subgraph_breaks_ends_with_a_coded_error() -> None:
    broken = SubgraphFetchError(
        "chat", "Subgraph 'chat' closed the subscription.", "SUBREQUEST_HTTP_ERROR"
    )
    router, subscriptions, _ = engine([message("hi", "u1"), broken])
    bodies = await collect(await router.subscribe(GraphQLRequest(QUERY, variables={"room": "r"})))
    assert len(bodies) == 2
    assert bodies[1]["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert subscriptions.closed == 1


async def test_a_client_leaving_closes_the_upstream_stream() -> None:
    router, subscriptions, _ = engine([message(str(i), "u1") for i in range(100)])
    stream = await router.subscribe(GraphQLRequest(QUERY, variables={"room": "r"}))
    assert isinstance(stream, AsyncGenerator)
    first = await anext(stream)
    assert first.body["data"]["messageAdded"]["body"] == "0"
    await stream.aclose()
    assert subscriptions.closed == 1


async def test_subscriptions_past_a_callers_limit_are_refused_and_counted_back() -> None:
    subscriptions, transport = FakeSubscriptions([message("hi", "u1")]), FakeTransport(profiles)
    config = EngineConfig(max_subscriptions=10, max_subscriptions_per_caller=2)
    router = RouterEngine(
        fixture_supergraph("live"), transport, config, subscriptions=subscriptions
    )
    request = GraphQLRequest(QUERY, variables={"room": "r"})
    alice, bob = Claims(sub="alice"), Claims(sub="bob")
    open_streams = []
    for _ in range(2):
        stream = await router.subscribe(request, claims=alice)
        assert isinstance(stream, AsyncGenerator)
        assert "data" in (await anext(stream)).body
        open_streams.append(stream)
    third = await router.subscribe(request, claims=alice)
    assert isinstance(third, AsyncGenerator)
    refused = await anext(third)
    assert refused.status == 429
    assert refused.body["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT"
    other = await router.subscribe(request, claims=bob)  # another caller is not affected
    assert isinstance(other, AsyncGenerator)
    assert "data" in (await anext(other)).body
    await other.aclose()
    await open_streams[0].aclose()  # one ends: alice may start another
    again = await router.subscribe(request, claims=alice)
    assert isinstance(again, AsyncGenerator)
    assert "data" in (await anext(again)).body
    await again.aclose()
    await open_streams[1].aclose()
    assert router.subscriptions.running == 0


async def test_identical_subscriptions_share_each_completed_event() -> None:
    """Ten identical client subscriptions: one upstream stream and one entity fetch per event,
    not ten; a client with other variables gets its own."""
    router, subscriptions, transport = engine([message("hi", "u1"), message("yo", "u2")])
    request = GraphQLRequest(QUERY, variables={"room": "r1"})
    streams = [await router.subscribe(request) for _ in range(10)]
    bodies = await asyncio.gather(*(collect(stream) for stream in streams))
    assert all(body == bodies[0] for body in bodies)
    assert len(bodies[0]) == 2
    assert len(subscriptions.opened) == 1
    assert [service for service, _, _ in transport.sent] == ["profiles", "profiles"]
    other = await collect(await router.subscribe(GraphQLRequest(QUERY, variables={"room": "r2"})))
    assert len(other) == 2
    assert len(subscriptions.opened) == 2
    assert router.subscriptions.running == 0
