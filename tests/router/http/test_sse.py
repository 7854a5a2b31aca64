"""GraphQL over SSE through the real router on a socket, in front of the stand-ins of
``live.py``: the protocol's details with httpx, then the real client, npm ``graphql-sse``
2.6.0, in both of its modes."""

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

from router.http.app import create_app
from router.protocols.graphql_sse.messages import TOKEN_HEADER, Event, EventParser
from router.settings import RouterSettings
from tests.harness.asgi_server import serve
from tests.harness.node_packages import installed
from tests.router.http.live import STARTED, STOPPED, SUBSCRIPTION, Router, live_router

CLIENT = Path(__file__).parent / "graphql_sse_client"
STREAM = {"accept": "text/event-stream"}
JSON_BODY = {"content-type": "application/json"}


@pytest.fixture(scope="module")
async def router(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Router]:
    async with live_router(tmp_path_factory.mktemp("sse"), sse_keep_alive_seconds=0.2) as live:
        yield live


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def operation(room: str = "r1", query: str = SUBSCRIPTION, **extensions: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query, "variables": {"room": room}}
    if extensions:
        body["extensions"] = extensions
    return body


async def events(response: httpx.Response, *, until: int | None = None) -> list[Event]:
    """The stream's events (comments dropped), to its end or the ``until``-th event."""
    parser, seen = EventParser(), []
    async for chunk in response.aiter_bytes():
        seen += parser.feed(chunk)
        if until is not None and len(seen) >= until:
            break
    return seen


def message(body: str, author: str) -> dict[str, Any]:
    return {
        "data": {"messageAdded": {"body": body, "author": {"profile": {"displayName": author}}}}
    }


# distinct connections mode, with httpx


async def test_events_arrive_completed_with_profiles_data_then_complete(
    router: Router, http: httpx.AsyncClient
) -> None:
    headers = {**STREAM, "authorization": f"Bearer {router.token()}"}
    async with http.stream("POST", router.http_url, json=operation(), headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert await events(response) == [
            Event("next", message("hello 0", "name-u1")),
            Event("next", message("hello 1", "name-u2")),
            Event("complete", None),
        ]


async def test_a_get_subscription_streams_when_preflighted(
    router: Router, http: httpx.AsyncClient
) -> None:
    params = {"query": SUBSCRIPTION, "variables": json.dumps({"room": "r1"})}
    headers = {**STREAM, "apollo-require-preflight": "true"}
    async with http.stream("GET", router.http_url, params=params, headers=headers) as response:
        assert [e.event for e in await events(response)] == ["next", "next", "complete"]
    refused = await http.get(router.http_url, params=params, headers=STREAM)  # as EventSource sends
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"


async def test_a_query_is_one_next_then_complete(router: Router, http: httpx.AsyncClient) -> None:
    async with http.stream(
        "POST", router.http_url, json={"query": "{ __typename }"}, headers=STREAM
    ) as response:
        assert await events(response) == [
            Event("next", {"data": {"__typename": "Query"}}),
            Event("complete", None),
        ]


async def test_a_pipeline_refusal_is_a_next_with_the_errors_in_the_stream(
    router: Router, http: httpx.AsyncClient
) -> None:
    """PROTOCOL.md: validation errors go through an accepted stream, not a 4xx."""
    body = {"query": "subscription { nope }"}
    async with http.stream("POST", router.http_url, json=body, headers=STREAM) as response:
        assert response.status_code == 200
        refused, done = await events(response)
    assert refused.event == "next"
    assert refused.data["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert done == Event("complete", None)


async def test_a_bad_token_is_refused_before_streaming(
    router: Router, http: httpx.AsyncClient
) -> None:
    headers = {**STREAM, "authorization": "Bearer garbage"}
    response = await http.post(router.http_url, json=operation(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_subgraph_failing_mid_stream_is_an_error_event_then_complete(
    router: Router, http: httpx.AsyncClient
) -> None:
    async with http.stream(
        "POST", router.http_url, json=operation("fails"), headers=STREAM
    ) as response:
        first, failed, done = await events(response)
    assert first == Event("next", message("hello 0", "name-u1"))
    assert failed.event == "next"
    assert failed.data["errors"]
    assert "data" not in failed.data or failed.data["data"] is None
    assert done == Event("complete", None)


async def test_an_idle_stream_gets_keep_alive_comments(
    router: Router, http: httpx.AsyncClient
) -> None:
    async with http.stream(
        "POST", router.http_url, json=operation("quiet"), headers=STREAM
    ) as response:
        received = b""
        async for chunk in response.aiter_bytes():
            received += chunk
            if received.count(b":\n\n") >= 3 and b"event: next" in received:
                break
    assert received.startswith(b":\n\n")  # before any event: the response has started
    assert received.count(b":\n\n") >= 3


async def test_the_client_going_away_stops_the_upstream(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    async with http.stream(
        "POST", router.http_url, json=operation("endless"), headers=STREAM
    ) as response:
        await events(response, until=3)
        assert router.open_upstreams() == 1
    await router.wait_stopped("endless")


# single connection mode, with httpx


async def reserve(http: httpx.AsyncClient, router: Router, **headers: str) -> str:
    response = await http.put(router.http_url, headers=headers)
    assert response.status_code == 201
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_single_connection_reserve_stream_run_and_stop(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    token = await reserve(http, router)
    posted = await http.post(
        router.http_url, json=operation(operationId="a"), headers={TOKEN_HEADER: token}
    )
    assert posted.status_code == 202  # before the stream opens: its events wait for it
    async with http.stream(
        "GET", router.http_url, params={"token": token}, headers=STREAM
    ) as stream:
        assert stream.status_code == 200
        parser = EventParser()
        chunks = stream.aiter_bytes()
        seen: list[Event] = []
        while len(seen) < 3:
            seen += parser.feed(await anext(chunks))
        assert seen == [
            Event("next", {"id": "a", "payload": message("hello 0", "name-u1")}),
            Event("next", {"id": "a", "payload": message("hello 1", "name-u2")}),
            Event("complete", {"id": "a"}),
        ]
        second = await http.get(router.http_url, headers={**STREAM, TOKEN_HEADER: token})
        assert second.status_code == 409  # one stream per reservation

        again = await http.post(
            router.http_url,
            json=operation("endless", operationId="b"),
            headers={TOKEN_HEADER: token},
        )
        assert again.status_code == 202
        while not any(e.data["id"] == "b" for e in seen if e.event == "next"):
            seen += parser.feed(await anext(chunks))
        stopped = await http.delete(
            router.http_url, params={"operationId": "b"}, headers={TOKEN_HEADER: token}
        )
        assert stopped.status_code == 200
        await router.wait_stopped("endless")


async def test_single_connection_refusals(router: Router, http: httpx.AsyncClient) -> None:
    unknown = await http.post(
        router.http_url, json=operation(operationId="a"), headers={TOKEN_HEADER: "nope"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["extensions"]["code"] == "STREAM_NOT_FOUND"
    token = await reserve(http, router, authorization=f"Bearer {router.token()}")
    theirs = await http.post(  # another subject (here: anonymous) holding the token
        router.http_url, json=operation(operationId="a"), headers={TOKEN_HEADER: token}
    )
    assert theirs.status_code == 404
    mine = {TOKEN_HEADER: token, "authorization": f"Bearer {router.token()}"}
    no_id = await http.post(router.http_url, json=operation(), headers=mine)
    assert no_id.status_code == 400
    invalid_body = {"query": "subscription { nope }", "extensions": {"operationId": "x"}}
    invalid = await http.post(router.http_url, json=invalid_body, headers=mine)
    assert invalid.status_code == 400  # not 200 even for application/json: only 202 is success
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    no_stream = await http.delete(router.http_url, params={"operationId": "a"}, headers=mine)
    assert no_stream.status_code == 200
    missing = await http.delete(router.http_url, headers=mine)
    assert missing.status_code == 400


async def test_closing_the_single_stream_stops_its_operations(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    token = await reserve(http, router)
    async with http.stream(
        "GET", router.http_url, headers={**STREAM, TOKEN_HEADER: token}
    ) as stream:
        posted = await http.post(
            router.http_url,
            json=operation("endless", operationId="e"),
            headers={TOKEN_HEADER: token},
        )
        assert posted.status_code == 202
        parser, chunks = EventParser(), stream.aiter_bytes()
        while not parser.feed(await anext(chunks)):
            pass
    await router.wait_stopped("endless")
    sse = router.app.state.router.sse
    assert token not in sse.reservations.by_token
    assert token not in sse._streams  # no queue or task left behind
    gone = await http.post(
        router.http_url, json=operation(operationId="f"), headers={TOKEN_HEADER: token}
    )
    assert gone.status_code == 404  # the reservation ended with its stream


# the real client: npm graphql-sse


@pytest.fixture(scope="module")
def client_dir() -> Path:
    return installed(CLIENT, "graphql-sse-client")


async def graphql_sse(client_dir: Path, router: Router, **scenario: Any) -> list[dict[str, Any]]:
    """What graphql-sse's client reported, one row per callback, for ``scenario``."""
    process = await asyncio.create_subprocess_exec(
        "node",
        str(CLIENT / "client.cjs"),
        router.http_url,
        json.dumps(scenario),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(client_dir / "node_modules")},
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()[-2000:]
    return [json.loads(line) for line in stdout.decode().splitlines()]


@pytest.mark.parametrize("single", [False, True], ids=["distinct", "single"])
async def test_graphql_sse_client_receives_completed_events(
    client_dir: Path, router: Router, single: bool
) -> None:
    rows = await graphql_sse(
        client_dir,
        router,
        singleConnection=single,
        headers={"authorization": f"Bearer {router.token()}"},
        operations=[operation("r1"), operation("r2")],
    )
    for op in (0, 1):
        assert [r for r in rows if r["op"] == op] == [
            {"op": op, "next": message("hello 0", "name-u1")},
            {"op": op, "next": message("hello 1", "name-u2")},
            {"op": op, "complete": True},
        ]


async def test_graphql_sse_client_distinct_gets_the_refusal_as_a_result(
    client_dir: Path, router: Router
) -> None:
    rows = await graphql_sse(client_dir, router, operations=[{"query": "subscription { nope }"}])
    refused, done = rows
    assert refused["next"]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert done == {"op": 0, "complete": True}


async def test_graphql_sse_client_single_gets_the_refusal_as_an_error(
    client_dir: Path, router: Router
) -> None:
    rows = await graphql_sse(
        client_dir, router, singleConnection=True, operations=[{"query": "subscription { nope }"}]
    )
    (refused,) = rows  # the client aborts the request before its body can be read
    assert refused["error"]["status"] == 400


@pytest.mark.parametrize("single", [False, True], ids=["distinct", "single"])
async def test_graphql_sse_client_gets_a_mid_stream_failure(
    client_dir: Path, router: Router, single: bool
) -> None:
    rows = await graphql_sse(
        client_dir, router, singleConnection=single, operations=[operation("fails")]
    )
    first, failed, done = rows
    assert first["next"] == message("hello 0", "name-u1")
    assert failed["next"]["errors"]
    assert done == {"op": 0, "complete": True}


@pytest.mark.parametrize("single", [False, True], ids=["distinct", "single"])
async def test_graphql_sse_client_unsubscribing_stops_the_upstream(
    client_dir: Path, router: Router, single: bool
) -> None:
    STARTED.clear()
    STOPPED.clear()
    rows = await graphql_sse(
        client_dir,
        router,
        singleConnection=single,
        operations=[{**operation("endless"), "take": 3}],
    )
    assert {"op": 0, "unsubscribed": True} in rows
    await router.wait_stopped("endless")
    assert STARTED == ["endless"]


async def test_a_listed_origin_may_use_the_single_connection_mode(
    router: Router, http: httpx.AsyncClient
) -> None:
    """Development allows loopback origins; the preflight of the mode's PUT, DELETE and token
    header must pass, or a browser page cannot use it."""
    for method, header in (("PUT", "authorization"), ("DELETE", TOKEN_HEADER)):
        preflight = await http.options(
            router.http_url,
            headers={
                "origin": "http://localhost:5173",
                "access-control-request-method": method,
                "access-control-request-headers": header,
            },
        )
        assert preflight.status_code == 200, preflight.text


@pytest.mark.parametrize(
    "accept",
    ["text/event-stream", "multipart/mixed;subscriptionSpec=1.0"],
    ids=["sse", "multipart"],
)
async def test_a_mutation_over_get_is_refused_on_the_streaming_paths(
    offline_supergraph: Path, http: httpx.AsyncClient, accept: str
) -> None:
    """``subscribe`` runs any operation kind, so the streaming paths refuse GET mutations
    themselves, before any subgraph (here at a closed port) is asked."""
    settings = RouterSettings(supergraph_path=str(offline_supergraph))
    async with serve(create_app(settings)) as url:
        response = await http.get(
            f"{url}/graphql",
            params={"query": "mutation { logout }"},
            headers={"accept": accept, "apollo-require-preflight": "true"},
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_stream_ends_when_its_token_expires(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    expires = int(time.time()) + 2
    headers = {**STREAM, "authorization": f"Bearer {router.token(exp=expires)}"}
    async with http.stream(
        "POST", router.http_url, json=operation("endless"), headers=headers
    ) as response:
        seen = await events(response)
    assert time.time() >= expires
    *ticks, expired, done = seen
    assert ticks
    assert expired.data["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert done == Event("complete", None)
    await router.wait_stopped("endless")


async def test_a_single_connection_operation_ends_when_its_token_expires(
    router: Router, http: httpx.AsyncClient
) -> None:
    STOPPED.clear()
    expires = int(time.time()) + 2
    auth = {"authorization": f"Bearer {router.token(exp=expires)}"}
    token = await reserve(http, router, **auth)
    async with http.stream(
        "GET", router.http_url, headers={**STREAM, **auth, TOKEN_HEADER: token}
    ) as stream:
        posted = await http.post(
            router.http_url,
            json=operation("endless", operationId="x"),
            headers={**auth, TOKEN_HEADER: token},
        )
        assert posted.status_code == 202
        parser, chunks, seen = EventParser(), stream.aiter_bytes(), []
        while not seen or seen[-1].event != "complete":
            seen += parser.feed(await anext(chunks))
    *ticks, expired, done = seen
    assert ticks
    assert expired.data["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert done == Event("complete", {"id": "x"})
    await router.wait_stopped("endless")
