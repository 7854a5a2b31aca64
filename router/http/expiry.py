"""A subscription lives no longer than the token that started it.

The WebSocket closes 4403 "Token expired" when its ``connection_init`` token expires; an HTTP
stream (SSE, multipart) ends the same way in its own protocol: a last result carrying an
``UNAUTHENTICATED`` error, so the client knows to subscribe again with a fresh token.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator

import jwt

from router.errors import UNAUTHENTICATED, RequestError
from router.pipeline import refusal
from router.pipeline.context import GraphQLResponse


def token_expiry(authorization: str | None) -> float | None:
    """The ``exp`` of a bearer token the verifier has just accepted (so read unverified)."""
    if not authorization:
        return None
    token = authorization.partition(" ")[2].strip()
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) if isinstance(exp, int | float) else None


async def until_expiry(
    events: AsyncIterator[GraphQLResponse], expires_at: float | None
) -> AsyncGenerator[GraphQLResponse, None]:
    """``events`` until the token expires; then a refusal, and ``events`` is closed."""
    pending: asyncio.Task[GraphQLResponse] | None = None
    try:
        while True:
            pending = asyncio.create_task(_next(events))
            timeout = None if expires_at is None else max(0.0, expires_at - time.time())
            done, _ = await asyncio.wait({pending}, timeout=timeout)
            if not done:
                yield refusal(
                    RequestError(
                        "Token expired; subscribe again with a fresh token.",
                        UNAUTHENTICATED,
                        status=401,
                    )
                )
                return
            try:
                response = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            yield response
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()


async def _next(events: AsyncIterator[GraphQLResponse]) -> GraphQLResponse:
    return await anext(events)
