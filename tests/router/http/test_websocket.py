"""graphql-transport-ws through the real router on a socket (stand-ins: tests/router/http/live.py);
the client speaks the protocol with the ``websockets`` library. Each close code the protocol
defines is triggered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.router.http.live import CALLERS, STARTED, STOPPED, SUBSCRIPTION, Router, live_router


@pytest.fixture(scope="module")
async def router(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Router]:
    async with live_router(tmp_path_factory.mktemp("ws")) as running:
        yield running


async def open_socket(router: Router) -> ClientConnection:
    return await connect(router.url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]


async def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(orjson.dumps(message).decode())


async def receive(socket: ClientConnection) -> dict[str, Any]:
    """The next message other than the router's keep-alive pings (answered, as clients do)."""
    while True:
        message: dict[str, Any] = orjson.loads(await asyncio.wait_for(socket.recv(), 5))
        if message["type"] != "ping":
            return message
        await send(socket, {"type": "pong"})


async def acknowledged(router: Router, payload: dict[str, Any] | None = None) -> ClientConnection:
    socket = await open_socket(router)
    await send(socket, {"type": "connection_init", "payload": payload or {}})
    assert await receive(socket) == {"type": "connection_ack"}
    return socket


async def close_code(socket: ClientConnection) -> tuple[int, str]:
    """The code and reason the router closed with (messages before it are skipped)."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), 5)
    except ConnectionClosed as closed:
        received = closed.rcvd
    assert received is not None
    return received.code, received.reason


def subscribe(ident: str, room: str = "r1") -> dict[str, Any]:
    return {
        "type": "subscribe",
        "id": ident,
        "payload": {"query": SUBSCRIPTION, "variables": {"room": room}},
    }


async def test_events_arrive_completed_with_other_subgraphs_then_complete(router: Router) -> None:
    socket = await acknowledged(router, {"Authorization": f"Bearer {router.token()}"})
    await send(socket, subscribe("1"))
    first, second, done = [await receive(socket) for _ in range(3)]
    assert first == {
        "type": "next",
        "id": "1",
        "payload": {
            "data": {
                "messageAdded": {
                    "body": "hello 0",
                    "author": {"profile": {"displayName": "name-u1"}},
                }
            }
        },
    }
    assert (
        second["payload"]["data"]["messageAdded"]["author"]["profile"]["displayName"] == "name-u2"
    )
    assert done == {"type": "complete", "id": "1"}
    await socket.close()


async def test_a_query_on_the_socket_is_one_result_and_a_refusal_an_error(router: Router) -> None:
    socket = await acknowledged(router)
    await send(socket, {"type": "subscribe", "id": "q", "payload": {"query": "{ __typename }"}})
    assert await receive(socket) == {
        "type": "next",
        "id": "q",
        "payload": {"data": {"__typename": "Query"}},
    }
    assert await receive(socket) == {"type": "complete", "id": "q"}
    await send(
        socket, {"type": "subscribe", "id": "bad", "payload": {"query": "subscription { nope }"}}
    )
    refused = await receive(socket)
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    await socket.close()


async def test_leaving_stops_the_upstream_subscription(router: Router) -> None:
    STOPPED.clear()
    socket = await acknowledged(router)
    await send(socket, subscribe("1", room="endless"))
    await receive(socket)
    assert router.open_upstreams() == 1
    await socket.close()
    for _ in range(100):
        if "endless" in STOPPED and router.open_upstreams() == 0:
            break
        await asyncio.sleep(0.02)
    assert router.open_upstreams() == 0
    assert "endless" in STOPPED


async def test_complete_from_the_client_stops_only_that_operation(router: Router) -> None:
    socket = await acknowledged(router)
    await send(socket, subscribe("a", room="endless"))
    await send(socket, subscribe("b", room="endless"))
    seen = {(await receive(socket))["id"] for _ in range(4)}
    assert seen == {"a", "b"}
    await send(socket, {"type": "complete", "id": "a"})
    await asyncio.sleep(0.2)
    later = [await receive(socket) for _ in range(3)]
    assert {m["id"] for m in later if m["type"] == "next"} == {"b"}
    await socket.close()


async def test_close_4401_subscribe_before_init(router: Router) -> None:
    socket = await open_socket(router)
    await send(socket, subscribe("1"))
    assert await close_code(socket) == (4401, "Unauthorized")


async def test_close_4403_bad_token(router: Router) -> None:
    socket = await open_socket(router)
    await send(socket, {"type": "connection_init", "payload": {"authorization": "Bearer garbage"}})
    code, _ = await close_code(socket)
    assert code == 4403


async def test_close_4408_no_init_in_time(router: Router) -> None:
    socket = await open_socket(router)
    assert await close_code(socket) == (4408, "Connection initialisation timeout")


async def test_close_4409_id_in_use(router: Router) -> None:
    socket = await acknowledged(router)
    await send(socket, subscribe("same", room="endless"))
    await send(socket, subscribe("same", room="endless"))
    assert await close_code(socket) == (4409, "Subscriber for same already exists")


async def test_close_4429_second_init(router: Router) -> None:
    socket = await acknowledged(router)
    await send(socket, {"type": "connection_init"})
    assert await close_code(socket) == (4429, "Too many initialisation requests")


async def test_close_4400_malformed_message(router: Router) -> None:
    socket = await acknowledged(router)
    await socket.send("{not json")
    code, _ = await close_code(socket)
    assert code == 4400


async def test_close_4406_without_the_subprotocol(router: Router) -> None:
    socket = await connect(router.url)
    code, _ = await close_code(socket)
    assert code == 4406


async def test_a_hundred_identical_subscriptions_share_one_upstream(router: Router) -> None:
    """Counted at the subgraph: one generator for 100 clients; the first leaving keeps the
    other 99 receiving; the last leaving ends it."""
    STARTED.clear()
    STOPPED.clear()
    token = router.token(sub="sharer")
    sockets = [await acknowledged(router, {"authorization": f"Bearer {token}"}) for _ in range(100)]
    for socket in sockets:
        await send(socket, subscribe("s", room="endless"))
    for socket in sockets:
        assert (await receive(socket))["type"] == "next"
    assert STARTED.count("endless") == 1
    assert router.open_upstreams() == 1
    await sockets[0].close()
    for socket in sockets[1:]:
        assert (await receive(socket))["type"] == "next"
    for socket in sockets[1:]:
        await socket.close()
    for _ in range(200):
        if router.open_upstreams() == 0 and "endless" in STOPPED:
            break
        await asyncio.sleep(0.02)
    assert router.open_upstreams() == 0
    assert STOPPED.count("endless") == 1


async def test_the_connection_ends_when_its_token_expires(router: Router) -> None:
    token = router.token(exp=int(time.time()) + 1)
    socket = await acknowledged(router, {"authorization": f"Bearer {token}"})
    await send(socket, subscribe("1", room="endless"))
    assert await close_code(socket) == (4403, "Token expired")


async def test_binary_frames_are_read_like_text_ones(router: Router) -> None:
    socket = await open_socket(router)
    await socket.send(b'{"type": "connection_init"}')
    assert await receive(socket) == {"type": "connection_ack"}
    await socket.close()


async def test_the_router_pings_an_acknowledged_connection(router: Router) -> None:
    socket = await acknowledged(router)
    message = orjson.loads(await asyncio.wait_for(socket.recv(), 5))
    assert message == {"type": "ping"}
    await socket.close()


async def test_subgraphs_see_a_websocket_caller_as_they_see_an_http_one(router: Router) -> None:
    """The verified subject and the client's address, as the HTTP edge signs them."""
    CALLERS.clear()
    socket = await acknowledged(router, {"authorization": f"Bearer {router.token(sub='wsu')}"})
    await send(socket, subscribe("1", room="r-callers"))
    assert (await receive(socket))["type"] == "next"
    await socket.close()
    assert [(c.sub, c.extra.get("client_address")) for c in CALLERS] == [("wsu", "127.0.0.1")]
