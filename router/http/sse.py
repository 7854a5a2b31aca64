"""GraphQL over SSE at ``/graphql`` (graphql-sse's PROTOCOL.md), around ``RouterEngine.subscribe``.

Distinct connections mode: one request, one event stream of ``next`` events then ``complete``.
A refusal by the pipeline (parse, validation, authorization) is a ``next`` carrying the errors
and a ``complete``, in a 200 stream, as the protocol requires (a 4xx would make ``EventSource``
fail the connection without telling why, and graphql-sse's client retry it).

Single connection mode: ``Reservations`` (``router/protocols/graphql_sse``) decides; this module
holds each reservation's outgoing queue and operation tasks. Operations posted before the
stream opens are queued until it does. The stream closing cancels every operation's task,
which closes its engine iterator and so its upstream subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from contracts.internal_claims import Claims
from router.engine import GraphQLRequest, GraphQLResponse, RouterEngine
from router.errors import INTERNAL_SERVER_ERROR, error_entry
from router.http.expiry import until_expiry
from router.http.streaming import StreamedResponse
from router.protocols.graphql_sse.messages import (
    EVENT_STREAM,
    KEEP_ALIVE,
    OPERATION_ID_QUERY,
    TOKEN_HEADER,
    TOKEN_QUERY,
    complete_event,
    next_event,
)
from router.protocols.graphql_sse.reservations import Reservations

_log = logging.getLogger("router.sse")
_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
"""``x-accel-buffering``: nginx would otherwise hold events back until its buffer fills."""


@dataclass(frozen=True, slots=True)
class SseSettings:
    keep_alive_s: float = 12.0
    """graphql-sse's own server pings every 12 s."""
    reservation_ttl_s: float = 30.0
    max_operations: int = 100
    max_reservations: int = 10
    queue_size: int = 1000
    """Events waiting for one single-connection stream; when full, its operations wait."""


@dataclass
class _Stream:
    queue: asyncio.Queue[bytes]
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)


def stream_token(request: Request) -> str | None:
    """The reservation token, from the header or (for ``EventSource``) the query string."""
    return request.headers.get(TOKEN_HEADER) or request.query_params.get(TOKEN_QUERY) or None


class GraphQLSse:
    """Both modes; one instance serves every client of a router."""

    def __init__(
        self,
        engine: RouterEngine,
        settings: SseSettings | None = None,
        closing: asyncio.Event | None = None,
    ) -> None:
        self.engine = engine
        self.closing = closing or asyncio.Event()
        """Set when the router shuts down: every stream ends without ``complete``, so
        graphql-sse's client (and ``EventSource``) reconnects, to another instance."""
        self.settings = settings = settings or SseSettings()
        self.reservations = Reservations(
            max_operations=settings.max_operations,
            max_reservations=settings.max_reservations,
            ttl_s=settings.reservation_ttl_s,
        )
        self._streams: dict[str, _Stream] = {}

    # distinct connections mode

    def distinct(self, result: GraphQLResponse | AsyncIterator[GraphQLResponse]) -> Response:
        return self._response(self._distinct_events(result))

    async def _distinct_events(
        self, result: GraphQLResponse | AsyncIterator[GraphQLResponse]
    ) -> AsyncGenerator[bytes, None]:
        yield KEEP_ALIVE  # the response starts now, before the first event
        if isinstance(result, GraphQLResponse):
            yield next_event(result.body)
        else:
            try:
                async for response in result:
                    yield next_event(response.body)
            except Exception:  # a router bug: log it, tell the client, end the stream
                _log.exception("unexpected error in an SSE subscription")
                yield next_event({"errors": [_internal_error()]})
            finally:
                await _close(result)
        yield complete_event()

    # single connection mode

    def reserve(self, subject: str) -> Response:
        now = time.monotonic()
        for token in self.reservations.expire(now):
            self._drop(token)
        reservation = self.reservations.reserve(subject, now)
        self._streams[reservation.token] = _Stream(asyncio.Queue(self.settings.queue_size))
        return PlainTextResponse(reservation.token, status_code=201)

    def open_stream(self, token: str, subject: str) -> Response:
        self.reservations.connect(token, subject)
        return self._response(self._single_events(token, self._streams[token]))

    async def start(
        self,
        token: str | None,
        subject: str,
        request: GraphQLRequest,
        claims: Claims,
        client_address: str,
        expires_at: float | None = None,
        *,
        allow_mutations: bool = True,
    ) -> GraphQLResponse | None:
        """Run an operation onto the stream until it ends or the token that started it expires;
        a refusal to answer over HTTP, or None (202)."""
        operation_id = request.extensions.get("operationId")
        self.reservations.start(token, subject, operation_id)
        assert token is not None
        assert isinstance(operation_id, str)
        try:
            result = await self.engine.subscribe(
                request,
                claims=claims,
                client_address=client_address,
                allow_mutations=allow_mutations,
            )
        except BaseException:
            self.reservations.finish(token, operation_id)
            raise
        if isinstance(result, GraphQLResponse) and "data" not in result.body:
            self.reservations.finish(token, operation_id)
            return result
        if not isinstance(result, GraphQLResponse):
            result = until_expiry(result, expires_at)
        stream = self._streams.get(token)
        reservation = self.reservations.by_token.get(token)
        if stream is None or reservation is None or operation_id not in reservation.operations:
            await _close(result)  # stopped (DELETE, or the stream went) while it was prepared
            return None
        task = asyncio.create_task(self._run(token, stream, operation_id, result))
        stream.tasks[operation_id] = task
        return None

    async def stop(self, token: str | None, subject: str, request: Request) -> Response:
        operation_id = request.query_params.get(OPERATION_ID_QUERY)
        self.reservations.stop(token, subject, operation_id)
        stream = self._streams.get(token or "")
        task = stream.tasks.pop(operation_id or "", None) if stream else None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return Response(status_code=200)

    async def _single_events(self, token: str, stream: _Stream) -> AsyncGenerator[bytes, None]:
        try:
            yield KEEP_ALIVE
            while True:
                yield await stream.queue.get()
        finally:
            self.reservations.disconnect(token)
            await self._stop_all(token)

    async def _run(
        self,
        token: str,
        stream: _Stream,
        operation_id: str,
        result: GraphQLResponse | AsyncIterator[GraphQLResponse],
    ) -> None:
        try:
            if isinstance(result, GraphQLResponse):
                await stream.queue.put(next_event(result.body, operation_id))
            else:
                async for response in result:
                    await stream.queue.put(next_event(response.body, operation_id))
        except asyncio.CancelledError:
            raise
        except Exception:  # a router bug: log it, end this operation only
            _log.exception("unexpected error in an SSE subscription")
            await stream.queue.put(next_event({"errors": [_internal_error()]}, operation_id))
        finally:
            await _close(result)
            stream.tasks.pop(operation_id, None)
        if self.reservations.finish(token, operation_id):
            await stream.queue.put(complete_event(operation_id))

    async def _stop_all(self, token: str) -> None:
        stream = self._streams.pop(token, None)
        if stream is None:
            return
        tasks = list(stream.tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _drop(self, token: str) -> None:
        stream = self._streams.pop(token, None)
        for task in stream.tasks.values() if stream else ():
            task.cancel()

    def _response(self, body: AsyncGenerator[bytes, None]) -> Response:
        return StreamedResponse(
            body,
            media_type=f"{EVENT_STREAM}; charset=utf-8",
            heartbeat=KEEP_ALIVE,
            heartbeat_s=self.settings.keep_alive_s,
            closing=self.closing,
            headers=_STREAM_HEADERS,
        )


async def _close(result: GraphQLResponse | AsyncIterator[GraphQLResponse]) -> None:
    aclose = getattr(result, "aclose", None)
    if aclose is not None:
        await aclose()


def _internal_error() -> dict[str, object]:
    return error_entry("Internal server error.", INTERNAL_SERVER_ERROR)
