"""graphql-transport-ws messages as data, and their parsing.

The same types serve the router as a server (clients connect to it) and as a client (it
subscribes at subgraphs). Parsing refuses anything the protocol does not define with
``ProtocolViolation`` carrying close code 4400, as the protocol asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, Literal, NotRequired, TypedDict

import orjson

SUBPROTOCOL = "graphql-transport-ws"


class CloseCode(IntEnum):
    """Close codes the protocol defines (PROTOCOL.md), plus the WebSocket ones we use."""

    NORMAL = 1000
    GOING_AWAY = 1001
    INTERNAL_ERROR = 1011
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406
    CONNECTION_INITIALISATION_TIMEOUT = 4408
    SUBSCRIBER_ALREADY_EXISTS = 4409
    TOO_MANY_INITIALISATION_REQUESTS = 4429


class ConnectionInit(TypedDict):
    type: Literal["connection_init"]
    payload: NotRequired[dict[str, Any] | None]


class ConnectionAck(TypedDict):
    type: Literal["connection_ack"]
    payload: NotRequired[dict[str, Any] | None]


class Ping(TypedDict):
    type: Literal["ping"]
    payload: NotRequired[dict[str, Any] | None]


class Pong(TypedDict):
    type: Literal["pong"]
    payload: NotRequired[dict[str, Any] | None]


class SubscribePayload(TypedDict):
    query: str
    operationName: NotRequired[str | None]
    variables: NotRequired[dict[str, Any] | None]
    extensions: NotRequired[dict[str, Any] | None]


class Subscribe(TypedDict):
    type: Literal["subscribe"]
    id: str
    payload: SubscribePayload


class Next(TypedDict):
    type: Literal["next"]
    id: str
    payload: dict[str, Any]


class Error(TypedDict):
    type: Literal["error"]
    id: str
    payload: list[dict[str, Any]]


class Complete(TypedDict):
    type: Literal["complete"]
    id: str


Message = ConnectionInit | ConnectionAck | Ping | Pong | Subscribe | Next | Error | Complete

_PAYLOAD_OBJECT = frozenset({"connection_init", "connection_ack", "ping", "pong"})
_WITH_ID = frozenset({"subscribe", "next", "error", "complete"})


class ProtocolViolation(Exception):
    """A message the protocol does not allow; the connection closes with ``code``."""

    def __init__(self, reason: str, code: CloseCode = CloseCode.BAD_REQUEST) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def parse_message(data: str | bytes) -> Message:
    """One protocol message from a text frame, or ``ProtocolViolation`` (4400)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ProtocolViolation("Invalid message received: not JSON") from exc
    if not isinstance(value, dict):
        raise ProtocolViolation("Invalid message received: not an object")
    kind = value.get("type")
    if kind in _PAYLOAD_OBJECT:
        payload = value.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise ProtocolViolation(f'Invalid message received: "{kind}" payload is not an object')
        return _typed(value)
    if kind not in _WITH_ID:
        raise ProtocolViolation("Invalid message received: unknown type")
    ident = value.get("id")
    if not isinstance(ident, str) or not ident:
        raise ProtocolViolation(f'Invalid message received: "{kind}" needs a non-empty "id"')
    if kind == "subscribe":
        _check_subscribe_payload(value.get("payload"))
    elif kind == "next" and not isinstance(value.get("payload"), dict):
        raise ProtocolViolation('Invalid message received: "next" payload is not an object')
    elif kind == "error" and not _is_error_list(value.get("payload")):
        raise ProtocolViolation('Invalid message received: "error" payload is not a list')
    return _typed(value)


def encode(message: Message | Mapping[str, Any]) -> str:
    return orjson.dumps(message).decode()


def _check_subscribe_payload(payload: object) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        raise ProtocolViolation('Invalid message received: "subscribe" payload needs a query')
    for key in ("variables", "extensions"):
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            raise ProtocolViolation(f'Invalid message received: "{key}" is not an object')
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ProtocolViolation('Invalid message received: "operationName" is not a string')


def _is_error_list(payload: object) -> bool:
    return isinstance(payload, list) and all(isinstance(e, dict) for e in payload)


def _typed(value: dict[str, Any]) -> Message:
    message: Message = value  # type: ignore[assignment]  # checked field by field above
    return message
