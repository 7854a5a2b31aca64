"""graphql-transport-ws at ``/graphql``: the WebSocket transport around the protocol's state
machine (``router/protocols/graphql_transport_ws``) and ``RouterEngine.subscribe``.

The transport only carries out what the session decides: it verifies the ``connection_init``
payload's ``authorization`` (any key case) as the HTTP edge verifies the header (and closes
the connection with 4403 "Token expired" when that token expires), runs each
started operation as a task feeding results back through the session, and stops them all when
the socket goes. Every operation's task is cancelled on stop, so no upstream subscription
outlives its client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from contracts.internal_claims import ANONYMOUS, Claims
from router.engine import GraphQLRequest, GraphQLResponse, RouterEngine
from router.errors import INTERNAL_SERVER_ERROR, RequestError, error_entry
from router.http.expiry import token_expiry
from router.protocols.graphql_transport_ws.messages import SUBPROTOCOL, CloseCode, encode
from router.protocols.graphql_transport_ws.session import (
    Action,
    Authenticate,
    Close,
    Send,
    ServerSession,
    Start,
    Stop,
)

_log = logging.getLogger("router.websocket")


@dataclass(frozen=True, slots=True)
class WebSocketSettings:
    init_timeout_s: float = 10.0
    """graphql-ws's default ``connectionInitWaitTimeout``: 3 s; ours allows slow networks."""
    max_operations: int = 100
    keepalive_s: float = 12.0
    """A protocol ``ping`` this often once acknowledged (0: none): it keeps proxies from
    closing quiet connections and finds dead ones; graphql-ws clients answer on their own."""


@dataclass
class _Connection:
    socket: WebSocket
    session: ServerSession
    address: str
    claims: Claims = ANONYMOUS
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    expiry: asyncio.Task[None] | None = None
    closed: bool = False


class GraphQLWebSocket:
    """The endpoint; one instance serves every connection."""

    def __init__(
        self,
        engine: RouterEngine,
        caller: Callable[[str | None, str], Awaitable[Claims]],
        address_of: Callable[[WebSocket], str],
        settings: WebSocketSettings | None = None,
    ) -> None:
        """``caller`` and ``address_of`` are the HTTP edge's, so a caller is the same on
        every transport (claims, client address behind trusted proxies)."""
        self.engine = engine
        self.caller = caller
        self.address_of = address_of
        self.settings = settings or WebSocketSettings()

    async def serve(self, socket: WebSocket) -> None:
        """One client connection, from the upgrade to the close."""
        if SUBPROTOCOL not in socket.scope.get("subprotocols", []):
            # Accepted first, so the client reads the protocol's code (as graphql-ws does).
            await socket.accept()
            await socket.close(CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
            return
        await socket.accept(subprotocol=SUBPROTOCOL)
        connection = _Connection(
            socket, ServerSession(self.settings.max_operations), self.address_of(socket)
        )
        timer = asyncio.create_task(self._init_timer(connection))
        keepalive = asyncio.create_task(self._keepalive(connection))
        try:
            while not connection.closed:
                frame = await socket.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                data = frame.get("text")
                if data is None:  # a binary frame: parsed the same (graphql-ws sends text)
                    data = frame.get("bytes") or b""
                await self._carry_out(connection, connection.session.receive(data))
        except WebSocketDisconnect:
            pass
        finally:
            timer.cancel()
            keepalive.cancel()
            if connection.expiry is not None:
                connection.expiry.cancel()
            connection.closed = True
            await self._carry_out(connection, connection.session.disconnected())

    async def _keepalive(self, connection: _Connection) -> None:
        if self.settings.keepalive_s <= 0:
            return
        while not connection.closed:
            await asyncio.sleep(self.settings.keepalive_s)
            if connection.session.state == "ready":
                await self._carry_out(connection, [Send({"type": "ping"})])

    async def _init_timer(self, connection: _Connection) -> None:
        await asyncio.sleep(self.settings.init_timeout_s)
        await self._carry_out(connection, connection.session.init_timed_out())

    async def _carry_out(self, connection: _Connection, actions: list[Action]) -> None:
        for action in actions:
            match action:
                case Send(message=message):
                    if not connection.closed:
                        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                            await connection.socket.send_text(encode(message))
                case Close(code=code, reason=reason):
                    connection.closed = True
                    with contextlib.suppress(RuntimeError):
                        await connection.socket.close(code, reason)
                case Authenticate(payload=payload):
                    await self._authenticate(connection, payload)
                case Start(id=ident, payload=payload):
                    task = asyncio.create_task(self._run(connection, ident, payload))
                    connection.tasks[ident] = task
                case Stop(id=ident):
                    stopped = connection.tasks.pop(ident, None)
                    if stopped is not None and stopped is not asyncio.current_task():
                        stopped.cancel()

    async def _authenticate(self, connection: _Connection, payload: Mapping[str, Any]) -> None:
        authorization = next(
            (str(v) for k, v in payload.items() if k.lower() == "authorization"), None
        )
        try:
            connection.claims = await self.caller(authorization, connection.address)
        except RequestError as exc:
            await self._carry_out(connection, connection.session.rejected(exc.message))
            return
        expires_at = token_expiry(authorization)
        if expires_at is not None:
            connection.expiry = asyncio.create_task(self._expire(connection, expires_at))
        await self._carry_out(connection, connection.session.accepted())

    async def _expire(self, connection: _Connection, expires_at: float) -> None:
        """A connection lives no longer than the token that opened it."""
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        actions = connection.session.terminate(CloseCode.FORBIDDEN, "Token expired")
        await self._carry_out(connection, actions)

    async def _run(self, connection: _Connection, ident: str, payload: Mapping[str, Any]) -> None:
        session = connection.session
        request = GraphQLRequest(
            payload["query"],
            payload.get("operationName"),
            payload.get("variables") or {},
            payload.get("extensions") or {},
        )
        try:
            result = await self.engine.subscribe(
                request, claims=connection.claims, client_address=connection.address
            )
            if isinstance(result, GraphQLResponse):
                await self._single(connection, ident, result)
                return
            async for response in result:
                await self._carry_out(connection, session.deliver(ident, response.body))
            await self._carry_out(connection, session.finish(ident))
        except asyncio.CancelledError:
            raise
        except Exception:  # a router bug: log it, end this operation only
            _log.exception("unexpected error in a subscription")
            error = error_entry("Internal server error.", INTERNAL_SERVER_ERROR)
            await self._carry_out(connection, session.fail(ident, [error]))
        finally:
            connection.tasks.pop(ident, None)

    async def _single(self, connection: _Connection, ident: str, response: GraphQLResponse) -> None:
        """A refusal is the protocol's ``error``; a query's answer is one ``next``."""
        session = connection.session
        body = response.body
        if "data" not in body and body.get("errors"):
            await self._carry_out(connection, session.fail(ident, list(body["errors"])))
            return
        await self._carry_out(connection, session.deliver(ident, body))
        await self._carry_out(connection, session.finish(ident))
