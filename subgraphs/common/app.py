"""``create_app``: the FastAPI app every subgraph serves.

Routes: ``POST /graphql`` (Strawberry; no GraphiQL, the router serves it) and, for a schema
with subscriptions, graphql-transport-ws on the same path; ``GET /health``
(liveness), ``GET /ready`` (the database answers) and whatever extra routers a subgraph
adds (identity's JWKS). The middleware stack, outermost first: internal claims check.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI
from fastapi.requests import HTTPConnection
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from strawberry.fastapi import GraphQLRouter
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from contracts.internal_claims import Claims
from subgraphs.common.auth import CLAIMS_STATE_KEY, InternalClaimsMiddleware
from subgraphs.common.context import SubgraphContext
from subgraphs.common.database import Database
from subgraphs.common.settings import ServiceSettings

S = TypeVar("S")


def create_app(
    name: str,
    schema: BaseSchema,
    settings: ServiceSettings,
    *,
    services: S,
    database: Database | None = None,
    routers: Sequence[APIRouter] = (),
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> FastAPI:
    """Build subgraph ``name``'s app; ``services`` reach resolvers as ``context.services``;
    each of ``background`` runs as a task while the app serves (chat's Kafka fan-out)."""
    db = database or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = [asyncio.create_task(work()) for work in background]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await db.dispose()

    async def get_context(connection: HTTPConnection) -> SubgraphContext[S]:
        # An HTTP request or a websocket: the claims middleware checked both.
        claims: Claims = getattr(connection.state, CLAIMS_STATE_KEY)
        return SubgraphContext(claims=claims, database=db, services=services)

    app = FastAPI(
        title=name,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        middleware=[
            Middleware(
                InternalClaimsMiddleware,
                secret=settings.internal_secret.get_secret_value(),
                service=name,
            )
        ],
    )
    app.state.database = db
    app.state.services = services

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> JSONResponse:
        if await db.ping():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    for router in routers:
        app.include_router(router)
    app.include_router(
        GraphQLRouter(
            schema,
            path="/graphql",
            graphql_ide=None,
            allow_queries_via_get=False,
            context_getter=get_context,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        )
    )
    return app
