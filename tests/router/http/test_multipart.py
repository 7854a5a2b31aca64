"""Apollo's multipart subscriptions through the real router on a socket, in front of the
stand-ins of ``live.py``: read with httpx and the protocol's part parser, then with Apollo
Client's own multipart support (npm ``@apollo/client`` 4.3.8, ``HttpLink`` in Node)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.protocols.multipart.messages import PartParser
from tests.harness.node_packages import installed
from tests.router.http.live import STOPPED, SUBSCRIPTION, Router, live_router

APOLLO_CLIENT = Path(__file__).parent / "apollo_client"
APOLLO_CLIENT_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'
EXPECTED_CONTENT_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0'


@pytest.fixture(scope="module")
async def router(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Router]:
    async with live_router(
        tmp_path_factory.mktemp("multipart"), multipart_heartbeat_seconds=0.2
    ) as live:
        yield live


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def operation(room: str = "r1") -> dict[str, Any]:
    return {"query": SUBSCRIPTION, "variables": {"room": room}}


def message(body: str, author: str) -> dict[str, Any]:
    return {
        "data": {"messageAdded": {"body": body, "author": {"profile": {"displayName": author}}}}
    }


async def parts(response: httpx.Response, *, until: int | None = None) -> list[dict[str, Any]]:
    """The parts' bodies, heartbeats included, to the closing delimiter (which must come) or
    the ``until``-th part."""
    parser, seen = PartParser(), []
    async for chunk in response.aiter_bytes():
        seen += parser.feed(chunk)
        if until is not None and len(seen) >= until:
            return seen
    assert parser.done, "the stream ended without its closing delimiter"
    return seen


def payloads(seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [part for part in seen if part != {}]


@pytest.mark.parametrize(
    "accept",
    [
        APOLLO_CLIENT_ACCEPT,
        "multipart/mixed;subscriptionSpec=1.0",
        'multipart/mixed; subscriptionSpec="1.0", application/json;q=0.9',
    ],
)
async def test_events_arrive_as_parts_completed_with_profiles_data(
    router: Router, http: httpx.AsyncClient, accept: str
) -> None:
    headers = {"accept": accept, "authorization": f"Bearer {router.token()}"}
    async with http.stream("POST", router.http_url, json=operation(), headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == EXPECTED_CONTENT_TYPE
        seen = await parts(response)
    assert seen[0] == {}  # the response starts before the first event
    assert payloads(seen) == [
        {"payload": message("hello 0", "name-u1")},
        {"payload": message("hello 1", "name-u2")},
    ]


async def test_a_query_with_the_multipart_accept_gets_plain_json(
    router: Router, http: httpx.AsyncClient
) -> None:
    response = await http.post(
        router.http_url, json={"query": "{ __typename }"}, headers={"accept": APOLLO_CLIENT_ACCEPT}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_refusal_is_an_ordinary_graphql_error_response(
    router: Router, http: httpx.AsyncClient
) -> None:
    invalid = await http.post(
        router.http_url,
        json={"query": "subscription { nope }"},
        headers={"accept": "multipart/mixed;subscriptionSpec=1.0"},
    )
    assert invalid.headers["content-type"] == "application/json; charset=utf-8"
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unauthenticated = await http.post(
        router.http_url,
        json=operation(),
        headers={"accept": APOLLO_CLIENT_ACCEPT, "authorization": "Bearer garbage"},
    )
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_csrf_prevention_applies(router: Router, http: httpx.AsyncClient) -> None:
    response = await http.post(
        router.http_url,
        content=b'{"query": "subscription { messageAdded(roomId: 1) { body } }"}',
        headers={"accept": APOLLO_CLIENT_ACCEPT, "content-type": "text/plain"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"


async def test_a_subgraph_failing_mid_stream_ends_with_a_transport_error_part(
    router: Router, http: httpx.AsyncClient
) -> None:
    headers = {"accept": APOLLO_CLIENT_ACCEPT}
    async with http.stream(
        "POST", router.http_url, json=operation("fails"), headers=headers
    ) as response:
        first, failed = payloads(await parts(response))
    assert first == {"payload": message("hello 0", "name-u1")}
    assert failed["payload"] is None
    assert failed["errors"][0]["message"]


async def test_an_idle_stream_gets_heartbeat_parts(router: Router, http: httpx.AsyncClient) -> None:
    headers = {"accept": APOLLO_CLIENT_ACCEPT}
    async with http.stream(
        "POST", router.http_url, json=operation("quiet"), headers=headers
    ) as response:
        seen = await parts(response, until=4)
    assert seen == [{}, {"payload": message("hello 0", "name-u1")}, {}, {}]


async def test_the_client_going_away_stops_the_upstream(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    headers = {"accept": APOLLO_CLIENT_ACCEPT}
    async with http.stream(
        "POST", router.http_url, json=operation("endless"), headers=headers
    ) as response:
        await parts(response, until=4)
        assert router.open_upstreams() == 1
    await router.wait_stopped("endless")


async def test_a_stream_ends_when_its_token_expires(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    expires = int(time.time()) + 2
    headers = {
        "accept": APOLLO_CLIENT_ACCEPT,
        "authorization": f"Bearer {router.token(exp=expires)}",
    }
    async with http.stream(
        "POST", router.http_url, json=operation("endless"), headers=headers
    ) as response:
        *ticks, expired = payloads(await parts(response))
    assert ticks
    assert expired["payload"] is None
    assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await router.wait_stopped("endless")


# the real client: npm @apollo/client


@pytest.fixture(scope="module")
def apollo_dir() -> Path:
    return installed(APOLLO_CLIENT, "apollo-client-multipart")


async def apollo_client(apollo_dir: Path, router: Router, **scenario: Any) -> list[dict[str, Any]]:
    """What Apollo Client reported, one row per callback, for ``scenario``."""
    process = await asyncio.create_subprocess_exec(
        "node",
        str(APOLLO_CLIENT / "client.cjs"),
        router.http_url,
        json.dumps(scenario),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(apollo_dir / "node_modules")},
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()[-2000:]
    return [json.loads(line) for line in stdout.decode().splitlines()]


def typed(body: str, author: str) -> dict[str, Any]:
    """``message`` as Apollo Client's cache asks for it, with ``__typename`` everywhere."""
    return {
        "messageAdded": {
            "__typename": "Message",
            "body": body,
            "author": {
                "__typename": "User",
                "profile": {"__typename": "Profile", "displayName": author},
            },
        }
    }


async def test_apollo_client_receives_completed_events(apollo_dir: Path, router: Router) -> None:
    rows = await apollo_client(
        apollo_dir,
        router,
        query=SUBSCRIPTION,
        variables={"room": "r1"},
        headers={"authorization": f"Bearer {router.token()}"},
    )
    assert rows == [
        {"next": {"data": typed("hello 0", "name-u1"), "error": None}},
        {"next": {"data": typed("hello 1", "name-u2"), "error": None}},
        {"complete": True},
    ]


async def test_apollo_client_gets_the_refusal(apollo_dir: Path, router: Router) -> None:
    refused, done = await apollo_client(apollo_dir, router, query="subscription { nope }")
    error = refused["next"]["error"]
    assert error["name"] == "CombinedGraphQLErrors"
    assert error["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert done == {"complete": True}


async def test_apollo_client_gets_a_mid_stream_failure_as_protocol_errors(
    apollo_dir: Path, router: Router
) -> None:
    first, failed, done = await apollo_client(
        apollo_dir, router, query=SUBSCRIPTION, variables={"room": "fails"}
    )
    assert first["next"]["data"] == typed("hello 0", "name-u1")
    assert failed["next"]["error"]["name"] == "CombinedProtocolErrors"  # the transport error
    assert done == {"complete": True}


async def test_apollo_client_unsubscribing_stops_the_upstream(
    apollo_dir: Path, router: Router
) -> None:
    STOPPED.clear()
    rows = await apollo_client(
        apollo_dir, router, query=SUBSCRIPTION, variables={"room": "endless"}, take=3
    )
    assert rows[-1] == {"unsubscribed": True}
    await router.wait_stopped("endless")
