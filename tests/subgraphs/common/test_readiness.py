"""``/ready`` reports whether the database answers; ``/health`` only that the process runs."""

from __future__ import annotations

import httpx

from subgraphs.common.settings import ServiceSettings
from subgraphs.profiles.app import build_app


async def test_ready_is_503_when_the_database_is_unreachable() -> None:
    settings = ServiceSettings(
        database_url="postgresql+asyncpg://postgres@/nowhere?host=/nonexistent-socket-dir"
    )
    app = build_app(settings)
    transport = httpx.ASGITransport(app=app)

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://profiles") as http,
    ):
        ready = await http.get("/ready")
        health = await http.get("/health")

    assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})
    assert health.status_code == 200
