"""graphql-sse's event stream: ``next`` and ``complete`` events, keep-alive comments, and a
parser for the same format (the tests read the router's streams with it).

In the distinct connections mode an event's data is the execution result itself and
``complete`` carries an empty ``data:`` line (without it ``EventSource`` never fires the
listener); in the single connection mode both carry ``{"id": <operationId>, ...}`` so the
client can route them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import orjson

from router.http.media_types import parse_media_type, quality

EVENT_STREAM: Final = "text/event-stream"
TOKEN_HEADER: Final = "x-graphql-event-stream-token"
TOKEN_QUERY: Final = "token"
OPERATION_ID_QUERY: Final = "operationId"
KEEP_ALIVE: Final = b":\n\n"
"""A comment line: keeps proxies from closing an idle stream, and makes some browsers
(Firefox, Safari) see the response start before the first event."""


def accepts_event_stream(accept: str | None) -> bool:
    """Whether ``Accept`` lists ``text/event-stream`` with a non-zero q."""
    for item in (accept or "").split(","):
        media = parse_media_type(item)
        if media is not None and media.essence == EVENT_STREAM and quality(media) > 0:
            return True
    return False


def next_event(payload: dict[str, Any], operation_id: str | None = None) -> bytes:
    data = payload if operation_id is None else {"id": operation_id, "payload": payload}
    return b"event: next\ndata: " + orjson.dumps(data) + b"\n\n"


def complete_event(operation_id: str | None = None) -> bytes:
    if operation_id is None:
        return b"event: complete\ndata: \n\n"
    return b"event: complete\ndata: " + orjson.dumps({"id": operation_id}) + b"\n\n"


@dataclass(frozen=True, slots=True)
class Event:
    event: str
    data: Any
    """The ``data`` lines parsed as JSON, or ``None`` when empty."""


class EventParser:
    """Incremental SSE parsing (WHATWG "event stream interpretation", the subset graphql-sse
    uses): feed chunks as they arrive, get the complete events; comments are dropped."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[Event]:
        self._buffer += chunk.replace(b"\r\n", b"\n")
        *blocks, self._buffer = self._buffer.split(b"\n\n")
        return [event for block in blocks if (event := _parse_block(block)) is not None]


def _parse_block(block: bytes) -> Event | None:
    name, data_lines = "message", []
    for line in block.decode().split("\n"):
        if not line or line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data_lines.append(value)
    if not data_lines and name == "message":
        return None
    text = "\n".join(data_lines)
    return Event(name, orjson.loads(text) if text.strip() else None)
