"""The server side of graphql-transport-ws as a state machine, without I/O.

The WebSocket transport feeds it what arrives (``receive``) and what happens elsewhere (the
caller's verdict on ``connection_init``, a timer, an upstream event), and carries out the
actions it returns in order: send a message, close with a code, authenticate a payload, start
or stop an operation. Every rule of graphql-ws's PROTOCOL.md lives here, so each is tested
without a socket:

- the first message is ``connection_init``; anything else first closes 4401, a second one
  4429, none within the timeout 4408; a rejected one 4403;
- ``subscribe`` before the acknowledgement closes 4401, with an id in use 4409;
- a malformed message, or one only servers send, closes 4400;
- ``ping`` is answered with ``pong`` at any time; ``complete`` from the client stops its
  operation, and an operation the server ends is completed (or errored) exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from router.protocols.graphql_transport_ws.messages import (
    CloseCode,
    Message,
    ProtocolViolation,
    SubscribePayload,
    parse_message,
)


@dataclass(frozen=True, slots=True)
class Send:
    message: Message


@dataclass(frozen=True, slots=True)
class Close:
    code: CloseCode
    reason: str


@dataclass(frozen=True, slots=True)
class Authenticate:
    """Check the ``connection_init`` payload, then call ``accepted`` or ``rejected``."""

    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Start:
    id: str
    payload: SubscribePayload


@dataclass(frozen=True, slots=True)
class Stop:
    """Stop the operation's upstream work; nothing more is sent for it."""

    id: str


Action = Send | Close | Authenticate | Start | Stop
State = Literal["awaiting_init", "authenticating", "ready", "closed"]


@dataclass
class ServerSession:
    """One client connection. ``max_operations`` bounds the operations it may run at once;
    one past it is answered with an ``error`` message for that operation only."""

    max_operations: int = 100
    state: State = "awaiting_init"
    active: set[str] = field(default_factory=set)

    def receive(self, data: str | bytes) -> list[Action]:
        if self.state == "closed":
            return []
        try:
            message = parse_message(data)
        except ProtocolViolation as violation:
            return self._close(violation.code, violation.reason)
        if message["type"] == "ping":
            return [Send({"type": "pong"})]
        if message["type"] == "pong":
            return []
        if message["type"] == "connection_init":
            if self.state != "awaiting_init":
                return self._close(
                    CloseCode.TOO_MANY_INITIALISATION_REQUESTS, "Too many initialisation requests"
                )
            self.state = "authenticating"
            return [Authenticate(dict(message.get("payload") or {}))]
        if message["type"] == "subscribe":
            return self._subscribe(message["id"], message["payload"])
        if message["type"] == "complete":
            if message["id"] in self.active:
                self.active.discard(message["id"])
                return [Stop(message["id"])]
            return []
        kind = message["type"]  # connection_ack, next, error: only servers send them
        return self._close(CloseCode.BAD_REQUEST, f'Unexpected message of type "{kind}" received')

    def accepted(self) -> list[Action]:
        """The ``connection_init`` payload is acceptable: acknowledge."""
        if self.state != "authenticating":
            return []
        self.state = "ready"
        return [Send({"type": "connection_ack"})]

    def rejected(self, reason: str = "Forbidden") -> list[Action]:
        if self.state != "authenticating":
            return []
        return self._close(CloseCode.FORBIDDEN, reason)

    def init_timed_out(self) -> list[Action]:
        """The timer started at connection: without an acknowledgement by now, close 4408."""
        if self.state in ("awaiting_init", "authenticating"):
            return self._close(
                CloseCode.CONNECTION_INITIALISATION_TIMEOUT, "Connection initialisation timeout"
            )
        return []

    def deliver(self, ident: str, result: dict[str, Any]) -> list[Action]:
        """An execution result for a running operation."""
        if ident not in self.active:
            return []
        return [Send({"type": "next", "id": ident, "payload": result})]

    def fail(self, ident: str, errors: list[dict[str, Any]]) -> list[Action]:
        """The operation cannot run (or stopped with request errors): it ends here."""
        if ident not in self.active:
            return []
        self.active.discard(ident)
        return [Send({"type": "error", "id": ident, "payload": errors})]

    def finish(self, ident: str) -> list[Action]:
        """The operation's stream ended."""
        if ident not in self.active:
            return []
        self.active.discard(ident)
        return [Send({"type": "complete", "id": ident})]

    def terminate(self, code: CloseCode, reason: str) -> list[Action]:
        """The server ends the connection (shutdown, expired token, slow client)."""
        return self._close(code, reason)

    def disconnected(self) -> list[Action]:
        """The socket is gone: stop whatever still runs for it."""
        stops: list[Action] = [Stop(ident) for ident in sorted(self.active)]
        self.active.clear()
        self.state = "closed"
        return stops

    def _subscribe(self, ident: str, payload: SubscribePayload) -> list[Action]:
        if self.state != "ready":
            return self._close(CloseCode.UNAUTHORIZED, "Unauthorized")
        if ident in self.active:
            return self._close(
                CloseCode.SUBSCRIBER_ALREADY_EXISTS, f"Subscriber for {ident} already exists"
            )
        if len(self.active) >= self.max_operations:
            error = {
                "message": f"At most {self.max_operations} operations may run on one connection.",
                "extensions": {"code": "TOO_MANY_OPERATIONS"},
            }
            return [Send({"type": "error", "id": ident, "payload": [error]})]
        self.active.add(ident)
        return [Start(ident, payload)]

    def _close(self, code: CloseCode, reason: str) -> list[Action]:
        actions: list[Action] = [Stop(ident) for ident in sorted(self.active)]
        self.active.clear()
        self.state = "closed"
        return [*actions, Close(code, reason)]
