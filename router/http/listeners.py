"""The router's listeners: the public one, and ``/metrics`` on its own when configured.

Both run in one process and one event loop (they share the router's counters), each as a
uvicorn server; when either stops (a signal, a failed bind) the other is told to stop too.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import uvicorn

from router.http.app import create_app, create_metrics_app
from router.settings import RouterSettings


class RouterServer(uvicorn.Server):
    """uvicorn waits at shutdown for every response to finish; a subscription's stream never
    does, so the router is told first (``on_shutdown``) and ends them."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_shutdown()
        await super().shutdown(sockets)


def build_servers(settings: RouterSettings) -> list[uvicorn.Server]:
    """The public server first, then the metrics server when ``/metrics`` has its own."""
    app = create_app(settings)
    public = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        # Compressing every small event costs more CPU than the bytes it saves: a quarter of
        # the router's time when fanning out (docs/benchmarks.md), so it is opt-in.
        ws_per_message_deflate=settings.ws_compression,
    )
    servers: list[uvicorn.Server] = [RouterServer(public, app.state.router.begin_shutdown)]
    if settings.metrics_on() == "separate":
        metrics = uvicorn.Config(
            create_metrics_app(app),
            host=settings.metrics_host,
            port=settings.metrics_port,
            lifespan="off",
            log_level="warning",
            access_log=False,
        )
        servers.append(uvicorn.Server(metrics))
    return servers


async def serve_all(servers: list[uvicorn.Server]) -> None:
    """Serve until one server stops, then stop the others and wait for them."""
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks)
