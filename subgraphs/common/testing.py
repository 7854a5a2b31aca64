"""Calling a subgraph the way the router does, for tests and tools.

It lives in the package (not in a conftest) so that subgraph, router and end-to-end tests
import one typed implementation instead of copying setup.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.internal_claims import HEADER, Claims, sign
from subgraphs.common.database import Database
from subgraphs.common.migrations import upgrade
from subgraphs.common.service import ServiceSpec
from subgraphs.common.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True, slots=True)
class GraphQLResponse:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str]:
        return [error.get("extensions", {}).get("code") for error in self.errors]


@dataclass(frozen=True, slots=True)
class SubgraphClient:
    """POSTs GraphQL to ``/graphql`` with a freshly signed ``x-supergraph-claims`` header,
    for ``service``'s audience as the router would sign it."""

    http: httpx.AsyncClient
    secret: str
    service: str

    def claims_header(self, user: str | None = None, scopes: tuple[str, ...] = ()) -> str:
        return sign(Claims(sub=user, scopes=scopes), self.secret, service=self.service)

    async def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        user: str | None = None,
        scopes: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
    ) -> GraphQLResponse:
        """Run ``query`` as ``user`` (None: anonymous); ``headers`` replace the claims header."""
        sent = {HEADER: self.claims_header(user, scopes)} if headers is None else dict(headers)
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=sent
        )
        return GraphQLResponse(status=response.status_code, body=response.json())


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)


@contextmanager
def recorded_statements(engine: AsyncEngine) -> Iterator[StatementLog]:
    """Record every SQL statement ``engine`` sends while the block runs."""
    log = StatementLog()

    def record(*args: Any) -> None:
        log.statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


@dataclass(frozen=True, slots=True)
class RunningSubgraph:
    """A subgraph app on its migrated database, reachable in-process over ASGI."""

    app: FastAPI
    client: SubgraphClient

    @property
    def database(self) -> Database:
        database: Database = self.app.state.database
        return database

    @property
    def http(self) -> httpx.AsyncClient:
        return self.client.http


@asynccontextmanager
async def running_subgraph(spec: ServiceSpec[S], settings: S) -> AsyncIterator[RunningSubgraph]:
    """Migrate the database, build the app and serve it (with its lifespan) over ASGI."""
    await asyncio.to_thread(upgrade, spec.migrations, settings.database_url)
    app = spec.build_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=f"http://{spec.name}") as http,
    ):
        yield RunningSubgraph(
            app=app,
            client=SubgraphClient(
                http, settings.internal_secret.get_secret_value(), service=spec.name
            ),
        )
