"""Live chat over graphql-transport-ws: a real websocket client against the served subgraph.

Delivery follows commit order per room; only members subscribe; leaving ends the stream;
room events carry edits, deletions and typing, and typing writes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import websockets
from sqlalchemy import func, select

from subgraphs.chat.models import Message, Room, RoomMember
from subgraphs.common.testing import RunningSubgraph, recorded_statements
from tests.harness.asgi_server import serve
from tests.subgraphs.chat.harness import (
    DELETE,
    EDIT,
    HISTORY,
    LEAVE_ROOM,
    TYPING,
    create_room,
    new_user,
    ok,
    send,
)
from tests.subgraphs.chat.live import subscribed, wait_for_subscribers
from tests.subgraphs.conftest import SECRET

MESSAGE_ADDED = """
subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id body author { id } room { id } } }
"""
ROOM_EVENTS = """
subscription($roomId: ID!) {
  roomEvents(roomId: $roomId) { kind roomId messageId message { body editedAt } user { id } }
}"""


@pytest.fixture(scope="module")
async def url(chat: RunningSubgraph) -> AsyncIterator[str]:
    async with serve(chat.app) as served:
        yield served


async def test_members_receive_messages_in_commit_order(chat: RunningSubgraph, url: str) -> None:
    alice, bob, carol = new_user(), new_user(), new_user()
    room = await create_room(chat, alice, bob, carol)
    other_room = await create_room(chat, alice)
    variables = {"roomId": room}
    async with (
        subscribed(url, MESSAGE_ADDED, variables, user=bob, secret=SECRET) as bobs,
        subscribed(url, MESSAGE_ADDED, variables, user=carol, secret=SECRET) as carols,
    ):
        await wait_for_subscribers(chat.app.state.services.broadcast, 2)
        await asyncio.gather(
            *(send(chat, (alice, bob)[n % 2], room, f"m{n}") for n in range(30)),
            send(chat, alice, other_room, "elsewhere"),
        )
        got_bob, got_carol = await bobs.events(30), await carols.events(30)

    history = ok(await chat.client.graphql(HISTORY, {"id": room, "first": 50}, user=alice))
    committed = [edge["node"]["id"] for edge in history["room"]["messages"]["edges"]][::-1]
    assert [event["messageAdded"]["id"] for event in got_bob] == committed
    assert got_carol == got_bob
    assert {event["messageAdded"]["room"]["id"] for event in got_bob} == {room}
    assert got_bob[0]["messageAdded"]["author"]["id"] in (alice, bob)


@pytest.mark.parametrize("subscription", [MESSAGE_ADDED, ROOM_EVENTS])
async def test_non_members_cannot_subscribe(
    chat: RunningSubgraph, url: str, subscription: str
) -> None:
    owner, outsider = new_user(), new_user()
    room = await create_room(chat, owner)

    async with subscribed(
        url, subscription, {"roomId": room}, user=outsider, secret=SECRET
    ) as live:
        refused = await live.message()

    assert refused["type"] in ("error", "next")
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["FORBIDDEN"]
    assert chat.app.state.services.broadcast.subscriber_count == 0


async def test_anonymous_subscribers_are_unauthenticated(chat: RunningSubgraph, url: str) -> None:
    room = await create_room(chat, new_user())

    async with subscribed(url, MESSAGE_ADDED, {"roomId": room}, user=None, secret=SECRET) as live:
        refused = await live.message()

    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["UNAUTHENTICATED"]


async def test_a_socket_without_the_routers_claims_is_refused(url: str) -> None:
    room = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(websockets.InvalidStatus):
        async with subscribed(url, MESSAGE_ADDED, {"roomId": room}, user="u", secret="x" * 40):
            pass


async def test_room_events_carry_edits_deletions_and_typing_in_order(
    chat: RunningSubgraph, url: str
) -> None:
    alice, bob = new_user(), new_user()
    room = await create_room(chat, alice, bob)
    async with subscribed(url, ROOM_EVENTS, {"roomId": room}, user=bob, secret=SECRET) as live:
        await wait_for_subscribers(chat.app.state.services.broadcast, 1)
        message = await send(chat, alice, room, "helo")
        ok(await chat.client.graphql(TYPING, {"roomId": room}, user=alice))
        ok(await chat.client.graphql(EDIT, {"id": message["id"], "body": "hello"}, user=alice))
        ok(await chat.client.graphql(DELETE, {"id": message["id"]}, user=alice))
        events = [event["roomEvents"] for event in await live.events(4)]

    assert [(e["kind"], e["messageId"], e["user"]["id"]) for e in events] == [
        ("MESSAGE_ADDED", message["id"], alice),
        ("TYPING", None, alice),
        ("MESSAGE_EDITED", message["id"], alice),
        ("MESSAGE_DELETED", message["id"], alice),
    ]
    assert events[0]["message"] == {"body": "helo", "editedAt": None}
    assert events[2]["message"]["body"] == "hello"
    assert events[2]["message"]["editedAt"] is not None
    assert events[3]["message"] is None
    assert {e["roomId"] for e in events} == {room}


async def test_typing_is_never_stored(chat: RunningSubgraph, url: str) -> None:
    alice, bob = new_user(), new_user()
    room = await create_room(chat, alice, bob)

    async def row_counts() -> tuple[int, ...]:
        async with chat.database.sessions() as session:
            return tuple(
                [
                    await session.scalar(select(func.count()).select_from(t)) or 0
                    for t in (Room, RoomMember, Message)
                ]
            )

    before = await row_counts()
    async with subscribed(url, ROOM_EVENTS, {"roomId": room}, user=bob, secret=SECRET) as live:
        await wait_for_subscribers(chat.app.state.services.broadcast, 1)
        with recorded_statements(chat.database.engine) as log:
            for _ in range(3):
                ok(await chat.client.graphql(TYPING, {"roomId": room}, user=alice))
        events = await live.events(3)

    assert [event["roomEvents"]["kind"] for event in events] == ["TYPING"] * 3
    assert all(statement.lstrip().upper().startswith("SELECT") for statement in log.statements)
    assert await row_counts() == before


async def test_leaving_ends_the_members_stream_and_only_theirs(
    chat: RunningSubgraph, url: str
) -> None:
    alice, bob = new_user(), new_user()
    room = await create_room(chat, alice, bob)
    variables = {"roomId": room}
    async with (
        subscribed(url, MESSAGE_ADDED, variables, user=alice, secret=SECRET) as alices,
        subscribed(url, MESSAGE_ADDED, variables, user=bob, secret=SECRET) as bobs,
    ):
        await wait_for_subscribers(chat.app.state.services.broadcast, 2)
        ok(await chat.client.graphql(LEAVE_ROOM, {"roomId": room}, user=bob))
        ended = await bobs.message()
        sent = await send(chat, alice, room, "after bob left")
        received = await alices.next()

    assert ended == {"type": "complete", "id": "1"}
    assert received["messageAdded"]["id"] == sent["id"]
