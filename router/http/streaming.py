"""A streamed HTTP response that ends its producer when the client goes away.

Starlette's ``StreamingResponse`` cancels its body inside an anyio cancel scope, where the
generator's own clean-up (closing the engine's iterator, and so the upstream subscription)
is cancelled again at its first ``await``. Here the body runs as a plain asyncio task:
cancelled once when ``http.disconnect`` arrives, its ``finally`` blocks then run to the end.
Between items a heartbeat is written every ``heartbeat_s`` seconds.
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
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(body, status_code, dict(headers or {}), media_type)
        self.events = body
        self.heartbeat = heartbeat
        self.heartbeat_s = heartbeat_s

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
        try:
            while True:
                pending = asyncio.create_task(_next(body))
                while True:
                    done, _ = await asyncio.wait({pending}, timeout=self.heartbeat_s)
                    if done:
                        break
                    await send(
                        {"type": "http.response.body", "body": self.heartbeat, "more_body": True}
                    )
                try:
                    chunk = pending.result()
                except StopAsyncIteration:
                    pending = None
                    break
                pending = None
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await body.aclose()


async def _next(body: AsyncGenerator[bytes, None]) -> bytes:
    return await anext(body)


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
