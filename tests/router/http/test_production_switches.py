"""What a stranger can reach follows ENVIRONMENT: GraphiQL, introspection, query plans and
``/metrics`` are on in development, off the public listener in production, and each can be
switched on explicitly. Served by uvicorn on loopback, through the real listener wiring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http.listeners import build_servers, serve_all
from router.settings import RouterSettings
from tests.harness.asgi_server import free_port

FIXTURE = Path(__file__).parents[1] / "fixtures" / "accounts.graphql"
REAL_SECRET = "a-production-secret-of-forty-characters!"
INTROSPECTION = {"query": "{ __schema { queryType { name } } }"}
PLANNED = {"query": "{ me { id } }"}  # no identity is running: the plan is made all the same


@dataclass(frozen=True)
class Router:
    public: str
    metrics: str | None
    """The metrics listener's URL, when it has one."""


@asynccontextmanager
async def router(**settings: Any) -> AsyncIterator[Router]:
    """The router as ``supergraph router`` runs it: its listeners, in this event loop."""
    port, metrics_port = free_port(), free_port()
    config = RouterSettings(
        supergraph_path=str(FIXTURE),
        port=port,
        metrics_port=metrics_port,
        internal_secret=REAL_SECRET,
        **settings,
    )
    servers = build_servers(config)
    task = asyncio.create_task(serve_all(servers))
    while not all(server.started for server in servers):
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    metrics = f"http://127.0.0.1:{metrics_port}" if len(servers) > 1 else None
    try:
        yield Router(f"http://127.0.0.1:{port}", metrics)
    finally:
        servers[0].should_exit = True
        await task


async def surface(url: str) -> dict[str, Any]:
    """What each switch shows a client of the public listener."""
    async with httpx.AsyncClient(base_url=url) as client:
        graphiql = await client.get("/graphql", headers={"accept": "text/html"})
        introspection = await client.post("/graphql", json=INTROSPECTION)
        plan = await client.post(
            "/graphql", json=PLANNED, headers={"apollo-expose-query-plan": "true"}
        )
        metrics = await client.get("/metrics")
    return {
        "graphiql": "GraphiQL" in graphiql.text,
        "introspection": "data" in introspection.json(),
        "plan": "queryPlan" in plan.json().get("extensions", {}),
        "metrics": metrics.status_code == 200,
    }


async def test_development_shows_everything_on_the_public_listener() -> None:
    async with router(environment="development") as running:
        assert await surface(running.public) == dict.fromkeys(
            ("graphiql", "introspection", "plan", "metrics"), True
        )
        assert running.metrics is None


async def test_production_hides_everything_from_the_public_listener() -> None:
    async with router(environment="production") as running:
        assert await surface(running.public) == dict.fromkeys(
            ("graphiql", "introspection", "plan", "metrics"), False
        )
        async with httpx.AsyncClient() as client:
            refused = await client.post(f"{running.public}/graphql", json=INTROSPECTION)
        assert refused.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_production_serves_metrics_on_their_own_listener() -> None:
    async with router(environment="production") as running:
        assert running.metrics is not None
        async with httpx.AsyncClient() as client:
            await client.post(f"{running.public}/graphql", json=PLANNED)
            metrics = await client.get(f"{running.metrics}/metrics")
            graphql = await client.post(f"{running.metrics}/graphql", json=PLANNED)
    assert metrics.status_code == 200
    assert 'router_subgraph_requests_total{subgraph="identity"} 1' in metrics.text
    assert graphql.status_code == 404  # the metrics listener serves nothing else


@pytest.mark.parametrize("switch", ["graphiql", "introspection", "plan", "metrics"])
async def test_production_switches_can_be_turned_on_one_by_one(switch: str) -> None:
    setting = {
        "graphiql": {"graphiql": True},
        "introspection": {"introspection": True},
        "plan": {"expose_query_plan": True},
        "metrics": {"metrics_listener": "main"},
    }[switch]
    async with router(environment="production", **setting) as running:
        shown = await surface(running.public)
    assert shown == {name: name == switch for name in shown}


async def test_metrics_can_be_switched_off() -> None:
    async with router(environment="production", metrics_listener="off") as running:
        assert running.metrics is None
        assert (await surface(running.public))["metrics"] is False
