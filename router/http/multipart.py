"""Apollo's multipart subscriptions at ``/graphql``, around ``RouterEngine.subscribe``.

A subscription's events go out as parts (``router/protocols/multipart``) with a ``{}``
heartbeat part when the stream is idle; a query or a refusal sent with the multipart
``Accept`` gets the ordinary JSON response, as Apollo Router answers. A failure that ends the
subscription (the subgraph's stream broke, so the event has no ``data``) is the protocol's
transport-level error part, ``{"payload": null, "errors": [...]}``, and the last one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator

from starlette.responses import Response

from router.engine import GraphQLResponse
from router.errors import INTERNAL_SERVER_ERROR, SHUTTING_DOWN, error_entry
from router.http.media_types import ResponseMediaType
from router.http.responses import graphql_response
from router.http.streaming import StreamedResponse
from router.protocols.multipart.messages import (
    CONTENT_TYPE,
    END,
    HEARTBEAT,
    OPEN,
    error_part,
    payload_part,
)

_log = logging.getLogger("router.multipart")
_FAREWELL = (
    error_part([error_entry("The router is shutting down; subscribe again.", SHUTTING_DOWN)]) + END
)


class MultipartSubscriptions:
    def __init__(self, heartbeat_s: float = 5.0, closing: asyncio.Event | None = None) -> None:
        self.heartbeat_s = heartbeat_s
        """Apollo's clients and routers expect a heartbeat part every 5 s."""
        self.closing = closing or asyncio.Event()
        """Set when the router shuts down: every stream ends with a ``SHUTTING_DOWN``
        transport error."""

    def respond(
        self,
        result: GraphQLResponse | AsyncIterator[GraphQLResponse],
        media: ResponseMediaType,
    ) -> Response:
        if isinstance(result, GraphQLResponse):
            return graphql_response(result, media, well_formed=True)
        return StreamedResponse(
            _parts(result),
            media_type=CONTENT_TYPE,
            heartbeat=HEARTBEAT,
            heartbeat_s=self.heartbeat_s,
            closing=self.closing,
            farewell=_FAREWELL,
            headers={"cache-control": "no-cache", "x-accel-buffering": "no", "vary": "Accept"},
        )


async def _parts(events: AsyncIterator[GraphQLResponse]) -> AsyncGenerator[bytes, None]:
    yield OPEN + HEARTBEAT  # the response starts now, before the first event
    try:
        async for response in events:
            body = response.body
            if body.get("data") is None and body.get("errors"):
                yield error_part(list(body["errors"]))
                break
            yield payload_part(body)
    except Exception:  # a router bug: log it, end the stream as a transport error
        _log.exception("unexpected error in a multipart subscription")
        yield error_part([error_entry("Internal server error.", INTERNAL_SERVER_ERROR)])
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
    yield END
