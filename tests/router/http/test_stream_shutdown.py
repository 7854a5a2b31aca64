"""A router shutting down ends its HTTP subscription streams instead of waiting for them
forever (uvicorn waits for every response to finish), and closes their upstreams."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import uvicorn

from router.http.listeners import RouterServer
from router.protocols.graphql_sse.messages import EventParser
from router.protocols.multipart.messages import PartParser
from tests.harness.asgi_server import free_port
from tests.router.http.live import STOPPED, SUBSCRIPTION, live_router

ENDLESS = {"query": SUBSCRIPTION, "variables": {"room": "endless"}}


async def test_shutdown_ends_sse_and_multipart_streams(tmp_path: Path) -> None:
    async with live_router(tmp_path) as router:
        port = free_port()
        config = uvicorn.Config(router.app, host="127.0.0.1", port=port, lifespan="off")
        server = RouterServer(config, router.app.state.router.begin_shutdown)
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110  (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{port}/graphql"
        STOPPED.clear()
        async with (
            httpx.AsyncClient(timeout=10) as http,
            http.stream("POST", url, json=ENDLESS, headers={"accept": "text/event-stream"}) as sse,
            http.stream(
                "POST",
                url,
                json=ENDLESS,
                headers={"accept": "multipart/mixed;subscriptionSpec=1.0"},
            ) as multipart,
        ):
            events, parts = EventParser(), PartParser()
            sse_chunks, multipart_chunks = sse.aiter_bytes(), multipart.aiter_bytes()
            seen = events.feed(await anext(sse_chunks)) + events.feed(await anext(sse_chunks))
            while len(parts.feed(await anext(multipart_chunks))) < 1:
                pass
            started = time.monotonic()
            server.should_exit = True
            try:
                async with asyncio.timeout(5):  # without the hook, all of this waits forever
                    async for chunk in sse_chunks:
                        seen += events.feed(chunk)
                    tail = [part async for chunk in multipart_chunks for part in parts.feed(chunk)]
                    await serving
            finally:
                server.force_exit = True
        assert time.monotonic() - started < 3
        # SSE: no ``complete``, so graphql-sse's client (and EventSource) reconnects elsewhere
        assert seen
        assert all(event.event == "next" for event in seen)
        # multipart: Apollo's transport-level error, then the closing delimiter
        assert parts.done
        assert tail[-1]["payload"] is None
        assert tail[-1]["errors"][0]["extensions"]["code"] == "SHUTTING_DOWN"
        await router.wait_stopped("endless")  # both clients shared one upstream (the hub)
