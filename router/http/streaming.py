"""A streamed HTTP response that ends its producer when the client goes away.

Starlette's ``StreamingResponse`` cancels its body inside an anyio cancel scope, where the
generator's own clean-up (closing the engine's iterator, and so the upstream subscription)
is cancelled again at its first ``await``. Here the body runs as a plain asyncio task:
cancelled once when ``http.disconnect`` arrives, its ``finally`` blocks then run to the end.
Between items a heartbeat is written every ``heartbeat_s`` seconds.

When the router shuts down, uvicorn waits for every response to finish, and a subscription's
never does: ``closing`` (set by ``RouterApp.begin_shutdown`` when the server starts to stop)
ends each stream after writing the protocol's ``farewell``, closing its upstream the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


class StreamedResponse(StreamingResponse):
    def __init__(
        self,
        body: AsyncGenerator[bytes, None],
        *,
        media_type: str,
        heartbeat: bytes,
        heartbeat_s: float,
        closing: asyncio.Event,
        farewell: bytes = b"",
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(body, status_code, dict(headers or {}), media_type)
        self.events = body
        self.heartbeat = heartbeat
        self.heartbeat_s = heartbeat_s
        self.closing = closing
        self.farewell = farewell

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = asyncio.create_task(self._write(send))
        watcher = asyncio.create_task(_client_gone(receive))
        try:
            await asyncio.wait({writer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await writer

    async def _write(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        body = self.events
        pending: asyncio.Task[bytes] | None = None
        closing = asyncio.create_task(self.closing.wait())
        last = b""
        try:
            while True:
                pending = asyncio.create_task(_next(body))
                while True:
                    await asyncio.wait(
                        {pending, closing},
                        timeout=self.heartbeat_s,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    if pending.done() or closing.done():
                        break
                    await send(
                        {"type": "http.response.body", "body": self.heartbeat, "more_body": True}
                    )
                if not pending.done():  # the router is shutting down
                    last = self.farewell
                    break
                try:
                    chunk = pending.result()
                except StopAsyncIteration:
                    pending = None
                    break
                pending = None
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            closing.cancel()
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await body.aclose()
        await send({"type": "http.response.body", "body": last, "more_body": False})


async def _next(body: AsyncGenerator[bytes, None]) -> bytes:
    return await anext(body)


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
