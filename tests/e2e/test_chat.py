"""Chat end to end: a frontend talks to the router over HTTP and graphql-transport-ws; chat
answers rooms and messages, identity and profiles complete the authors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.e2e.test_accounts import codes, gql, new_account
from tests.harness.platform import Platform

pytestmark = pytest.mark.e2e

CREATE = "mutation ($name: String!) { createRoom(name: $name) { id } }"
ADD = "mutation ($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }"
SEND = "mutation ($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }"
NAME = "mutation ($n: String!) { updateProfile(input: {displayName: $n}) { displayName } }"
HISTORY = """query ($r: ID!) { room(id: $r) { name messages(first: 5) {
  edges { node { body author { id profile { displayName } } } } } } }"""
LIVE = """subscription ($r: ID!) { messageAdded(roomId: $r) {
  body author { profile { displayName } } } }"""


async def first_event(platform: Platform, token: str, room: str, post: Any) -> dict[str, Any]:
    """Subscribe through the router as ``token``'s user, run ``post()``, return the event."""
    url = platform.graphql.replace("http", "ws", 1)
    async with connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        payload = {"query": LIVE, "variables": {"r": room}}
        await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        async with asyncio.timeout(20):
            while True:
                await asyncio.sleep(0.2)  # the subscription reaches chat asynchronously
                await asyncio.to_thread(post)
                message = json.loads(await asyncio.wait_for(socket.recv(), 2))
                if message["type"] == "next":
                    event: dict[str, Any] = message["payload"]
                    return event


async def test_a_member_receives_a_message_with_its_authors_display_name(
    platform: Platform,
) -> None:
    _, alice = new_account(platform)
    _, bob = new_account(platform)
    _, eve = new_account(platform)
    token = alice["accessToken"]
    gql(platform, NAME, {"n": "Alice"}, token)
    room = gql(platform, CREATE, {"name": "Maths"}, token).json()["data"]["createRoom"]["id"]
    gql(platform, ADD, {"r": room, "u": bob["user"]["id"]}, token)

    event = await first_event(
        platform,
        bob["accessToken"],
        room,
        lambda: gql(platform, SEND, {"r": room, "b": "hi"}, token),
    )

    assert event == {
        "data": {"messageAdded": {"body": "hi", "author": {"profile": {"displayName": "Alice"}}}}
    }
    history = gql(platform, HISTORY, {"r": room}, bob["accessToken"]).json()["data"]["room"]
    assert history["name"] == "Maths"
    assert history["messages"]["edges"][0]["node"]["author"] == {
        "id": alice["user"]["id"],
        "profile": {"displayName": "Alice"},
    }
    assert codes(gql(platform, HISTORY, {"r": room}, eve["accessToken"])) == ["FORBIDDEN"]
