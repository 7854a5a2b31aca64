"""A minimal graphql-transport-ws client for the chat tests: a real socket to a served app,
with the router's signed claims header, one subscription per connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from contracts.internal_claims import HEADER, Claims, sign
from subgraphs.chat.broadcast import RoomBroadcast

PROTOCOL = "graphql-transport-ws"
TIMEOUT_S = 5.0


@dataclass
class LiveSubscription:
    socket: ClientConnection

    async def message(self) -> dict[str, Any]:
        """The next protocol message other than ping/pong."""
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                message: dict[str, Any] = json.loads(await self.socket.recv())
                if message["type"] == "ping":
                    await self.socket.send(json.dumps({"type": "pong"}))
                elif message["type"] != "pong":
                    return message

    async def next(self) -> dict[str, Any]:
        """The next event's data; fails on anything else."""
        message = await self.message()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def events(self, count: int) -> list[dict[str, Any]]:
        return [await self.next() for _ in range(count)]


@asynccontextmanager
async def subscribed(
    url: str,
    query: str,
    variables: Mapping[str, Any],
    *,
    user: str | None,
    secret: str,
) -> AsyncIterator[LiveSubscription]:
    """Connect as ``user`` (signed claims, as the router sends them) and subscribe; the
    subscription is acknowledged by the server once ``connection_ack`` came back."""
    claims = sign(Claims(sub=user), secret, service="chat")
    async with connect(
        url.replace("http", "ws", 1) + "/graphql",
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        additional_headers={HEADER: claims},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        live = LiveSubscription(socket)
        assert (await live.message())["type"] == "connection_ack"
        payload = {"query": query, "variables": dict(variables)}
        await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        yield live


async def wait_for_subscribers(broadcast: RoomBroadcast, count: int) -> None:
    """Subscribing is asynchronous on the server; wait until it registered ``count`` streams."""
    for _ in range(500):
        if broadcast.subscriber_count >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{broadcast.subscriber_count} subscribers, expected {count}")
