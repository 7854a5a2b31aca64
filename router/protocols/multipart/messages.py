"""Apollo's multipart subscription protocol: the ``Accept`` that asks for it, and the parts.

Every chunk written ends with the boundary's delimiter, so a client (which knows a part is
complete only when the next delimiter arrives) reads each part as soon as it is sent; the
stream opens with a delimiter and ends with ``--`` after the last one. Each part is
``Content-Type: application/json`` with ``{"payload": <execution result>}``;
``{}`` is a heartbeat; ``{"payload": null, "errors": [...]}`` is a transport-level error (the
subscription cannot go on) and is the last part. The stream ends with ``--graphql--``.
Apollo's documentation: "Multipart HTTP protocol for GraphQL subscriptions".
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from router.http.media_types import parse_media_type, quality

BOUNDARY: Final = "graphql"
SUBSCRIPTION_SPEC: Final = "1.0"
CONTENT_TYPE: Final = f'multipart/mixed;boundary="{BOUNDARY}";subscriptionSpec={SUBSCRIPTION_SPEC}'
_DELIMITER: Final = f"\r\n--{BOUNDARY}".encode()
_PART_HEADERS: Final = b"\r\ncontent-type: application/json\r\n\r\n"
OPEN: Final = _DELIMITER
"""The first bytes of the body: the delimiter before the first part."""
END: Final = b"--\r\n"
"""After the last part's delimiter: the closing delimiter's ``--``."""
HEARTBEAT: Final = _PART_HEADERS + b"{}" + _DELIMITER


def accepts_multipart_subscription(accept: str | None) -> bool:
    """Whether ``Accept`` lists ``multipart/mixed`` with ``subscriptionSpec=1.0`` (quoted or
    not, any other parameters such as ``boundary="graphql"`` alongside) with a non-zero q."""
    for item in (accept or "").split(","):
        media = parse_media_type(item)
        if (
            media is not None
            and media.essence == "multipart/mixed"
            and media.params.get("subscriptionspec") == SUBSCRIPTION_SPEC
            and quality(media) > 0
        ):
            return True
    return False


def payload_part(result: dict[str, Any]) -> bytes:
    return _PART_HEADERS + orjson.dumps({"payload": result}) + _DELIMITER


def error_part(errors: list[dict[str, Any]]) -> bytes:
    return _PART_HEADERS + orjson.dumps({"payload": None, "errors": errors}) + _DELIMITER


class PartParser:
    """Incremental reading of the parts, as a client does: feed chunks as they arrive, get the
    JSON bodies of the parts that are complete; ``done`` once the closing delimiter came."""

    def __init__(self) -> None:
        self._buffer = b""
        self.done = False

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        self._buffer += chunk
        parts = []
        while not self.done:
            start = self._buffer.find(_DELIMITER)
            if start < 0:
                break
            if start and self._buffer[:start].strip():
                raise ValueError(f"unexpected bytes between parts: {self._buffer[:100]!r}")
            rest = self._buffer[start + len(_DELIMITER) :]
            if rest.startswith(b"--"):
                self.done = True
                break
            end = rest.find(_DELIMITER)
            if end < 0:
                break
            parts.append(_part_body(rest[:end]))
            self._buffer = rest[end:]
        return parts


def _part_body(part: bytes) -> dict[str, Any]:
    headers, separator, content = part.partition(b"\r\n\r\n")
    if not separator or b"content-type: application/json" not in headers.lower():
        raise ValueError(f"malformed part: {part[:100]!r}")
    body: dict[str, Any] = orjson.loads(content)
    return body
