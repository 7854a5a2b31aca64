"""Subscribing at subgraphs: the ``SubscriptionTransport`` seam and its graphql-transport-ws
implementation over WebSocket.

One upstream connection per subscription, opened with the signed internal claims in the
handshake (so the subgraph's middleware checks them as for HTTP, signed for this subgraph at
connect time); the protocol's messages and rules are in ``router/protocols/``. Events come out
as GraphQL results; every way the subgraph can fail (refused, handshake rejected, closed
mid-stream, protocol broken) ends the stream with a ``SubgraphFetchError`` with a stable code,
so the layer above can decide to reconnect or to tell its clients.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any, Protocol

import websockets
from websockets.asyncio.client import ClientConnection, connect

from contracts.internal_claims import Claims, InternalClaimsSigner
from router.errors import SUBREQUEST_HTTP_ERROR, SUBREQUEST_MALFORMED_RESPONSE, SUBREQUEST_TIMEOUT
from router.protocols.graphql_transport_ws.messages import (
    SUBPROTOCOL,
    ProtocolViolation,
    encode,
    parse_message,
)
from router.transports.endpoints import Endpoints
from router.transports.subgraph import SubgraphFetchError

_OPERATION_ID = "1"


class SubscriptionTransport(Protocol):
    def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[dict[str, Any], None]:
        """The subgraph's results for one subscription, until it completes; closing the
        iterator (``aclose``) ends the upstream subscription."""
        ...


class WebSocketSubscriptionTransport:
    """graphql-transport-ws to each subgraph's GraphQL URL (``http`` becomes ``ws``)."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        signer: InternalClaimsSigner,
        connect_timeout_s: float = 10.0,
        ping_interval_s: float | None = 20.0,
    ) -> None:
        self.endpoints = Endpoints(urls, rewrite=_websocket_url)
        self.signer = signer
        self.connect_timeout_s = connect_timeout_s
        self.ping_interval_s = ping_interval_s
        self.open_connections = 0
        """Upstream sockets open right now (tests count them: none may leak)."""

    async def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[dict[str, Any], None]:
        headers = dict(self.signer.headers_for(service, claims))
        socket = await self._connect(service, headers)
        self.open_connections += 1
        try:
            await _initialise(service, socket, self.connect_timeout_s)
            await socket.send(
                encode({"type": "subscribe", "id": _OPERATION_ID, "payload": dict(body)})
            )
            async for result in _results(service, socket):
                yield result
        finally:
            self.open_connections -= 1
            await _close(socket)

    async def _connect(self, service: str, headers: dict[str, str]) -> ClientConnection:
        """The first instance of ``service`` that accepts the connection."""
        failure: Exception | None = None
        for url in self.endpoints.attempts(service):
            try:
                return await connect(
                    url,
                    subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                    additional_headers=headers,
                    open_timeout=self.connect_timeout_s,
                    ping_interval=self.ping_interval_s,
                )
            except OSError as exc:  # refused or unreachable: the next instance
                failure = exc
            except TimeoutError as exc:
                raise _error(
                    service, f"Timed out connecting to subgraph '{service}'.", exc
                ) from exc
            except websockets.InvalidHandshake as exc:  # it answered, and said no
                failure = exc
                break
        assert failure is not None
        message = f"Subscription to '{service}' failed: {type(failure).__name__}"
        raise _error(service, message, failure) from failure


async def _initialise(service: str, socket: ClientConnection, timeout_s: float) -> None:
    await socket.send(encode({"type": "connection_init", "payload": {}}))
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                message = parse_message(await socket.recv())
                if message["type"] == "connection_ack":
                    return
                if message["type"] == "ping":
                    await socket.send(encode({"type": "pong"}))
    except TimeoutError as exc:
        raise _error(service, f"Subgraph '{service}' did not acknowledge in time.", exc) from exc
    except websockets.ConnectionClosed as exc:
        raise _closed(service, exc) from exc
    except ProtocolViolation as exc:
        raise _malformed(service, exc) from exc


async def _results(service: str, socket: ClientConnection) -> AsyncIterator[dict[str, Any]]:
    try:
        async for frame in socket:
            message = parse_message(frame)
            if message["type"] == "next":
                yield message["payload"]
            elif message["type"] == "error":
                yield {"errors": message["payload"]}  # the operation ended with these
                return
            elif message["type"] == "complete":
                return
            elif message["type"] == "ping":
                await socket.send(encode({"type": "pong"}))
    except websockets.ConnectionClosed as exc:
        raise _closed(service, exc) from exc
    except ProtocolViolation as exc:
        raise _malformed(service, exc) from exc
    raise _closed(service, None)  # the socket ended without the operation completing


async def _close(socket: ClientConnection) -> None:
    """Complete the operation (if the socket still stands) and close, never raising."""
    with contextlib.suppress(websockets.ConnectionClosed):
        await socket.send(encode({"type": "complete", "id": _OPERATION_ID}))
    await socket.close()


def _websocket_url(url: str) -> str:
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    return "ws://" + url.removeprefix("http://")


def _error(service: str, message: str, exc: BaseException) -> SubgraphFetchError:
    code = SUBREQUEST_TIMEOUT if isinstance(exc, TimeoutError) else SUBREQUEST_HTTP_ERROR
    return SubgraphFetchError(service, message, code)


def _closed(service: str, exc: websockets.ConnectionClosed | None) -> SubgraphFetchError:
    reason = f" ({exc.rcvd.code} {exc.rcvd.reason})" if exc is not None and exc.rcvd else ""
    return SubgraphFetchError(
        service, f"Subgraph '{service}' closed the subscription{reason}.", SUBREQUEST_HTTP_ERROR
    )


def _malformed(service: str, exc: ProtocolViolation) -> SubgraphFetchError:
    return SubgraphFetchError(
        service,
        f"Subgraph '{service}' broke the protocol: {exc.reason}",
        SUBREQUEST_MALFORMED_RESPONSE,
    )
