"""The router's public HTTP surface: GraphQL over HTTP, GraphiQL, health and metrics.

What a stranger may reach follows ``ENVIRONMENT`` (docs/security.md, "Production switches"):
GraphiQL, introspection, query plans and ``/metrics`` are on in development and off the public
listener in production, where ``/metrics`` moves to its own listener (``router/http/listeners``).

``POST /graphql`` takes JSON; ``GET /graphql`` takes queries in the URL (mutations are
refused with 405, as GraphQL over HTTP requires) and serves GraphiQL to browsers. Every
refusal is a GraphQL ``errors`` body with a stable ``extensions.code``, never a bare 500.
Before any GraphQL work an operation passes CSRF prevention (``csrf.py``) and content
negotiation (``media_types.py``); CORS is a middleware. docs/graphql-over-http.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, Literal

import orjson
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from contracts.internal_claims import Claims, InternalClaimsSigner
from router.edge.jwt_auth import JwksVerifier
from router.edge.rate_limit import EdgeRateLimits, client_address, parse_trusted_proxies
from router.engine import GraphQLRequest, GraphQLResponse, RouterEngine
from router.errors import INTERNAL_SERVER_ERROR, RequestError
from router.execution.subscription_hub import SubscriptionHub
from router.http.csrf import check_csrf
from router.http.expiry import token_expiry, until_expiry
from router.http.graphiql import GRAPHIQL_HTML
from router.http.media_types import APPLICATION_JSON, check_json_body, negotiate, not_acceptable
from router.http.multipart import MultipartSubscriptions
from router.http.responses import graphql_response
from router.http.sse import GraphQLSse, stream_token
from router.http.websocket import GraphQLWebSocket, WebSocketSettings
from router.pipeline import refusal
from router.pipeline.demand_control import wants_cost
from router.pipeline.receive import from_json, from_query_params, read_body
from router.protocols.graphql_sse.messages import accepts_event_stream
from router.protocols.multipart.messages import accepts_multipart_subscription
from router.settings import RouterSettings, subgraph_url_overrides
from router.supergraph.parse import load_supergraph
from router.transports.subgraph import HttpSubgraphTransport
from router.transports.subscriptions import WebSocketSubscriptionTransport

_EXPOSE_PLAN_HEADER = "apollo-expose-query-plan"
_log = logging.getLogger("router")


class OrjsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class RouterApp:
    """Holds the engine and edge verifier for one running router."""

    def __init__(
        self,
        settings: RouterSettings,
        engine: RouterEngine,
        transport: HttpSubgraphTransport,
        verifier: JwksVerifier,
        rate_limits: EdgeRateLimits | None = None,
    ) -> None:
        self.settings = settings
        self.rate_limits = rate_limits
        self.engine = engine
        self.transport = transport
        self.verifier = verifier
        self._expose_plan = settings.development_default(settings.expose_query_plan)
        self._trusted_proxies = parse_trusted_proxies(settings.trusted_proxies)
        self._graphiql = settings.development_default(settings.graphiql)
        self._csrf = settings.csrf_policy()
        self.closing = asyncio.Event()
        self.sse = GraphQLSse(engine, settings.sse_settings(), self.closing)
        self.multipart = MultipartSubscriptions(settings.multipart_heartbeat_seconds, self.closing)

    async def graphql(self, request: Request) -> Response:
        limits = self.settings
        if request.method == "GET" and self._graphiql and _wants_graphiql_page(request):
            return HTMLResponse(GRAPHIQL_HTML)
        accept = request.headers.get("accept")
        protocol = _streaming_protocol(accept)
        media = negotiate(accept)
        if protocol is not None or request.method in ("PUT", "DELETE"):
            media = media or APPLICATION_JSON  # for refusals; results go out in the stream
        request.state.media_type = media
        request.state.client_address = self.address_of(request)
        token = stream_token(request)
        try:
            if self.rate_limits is not None:  # before anything costs more than a lookup
                limited = await self.rate_limits.check_address(request.state.client_address)
                if limited is not None:
                    raise limited
            if request.method in ("PUT", "DELETE") or (
                token is not None and protocol == "sse" and request.method == "GET"
            ):  # never simple requests (PUT, DELETE) or running nothing (opening the stream)
                return await self._event_stream_control(request, token)
            check_csrf(request.headers.getlist("content-type"), request.headers, self._csrf)
            if media is None:
                raise not_acceptable(request.headers["accept"])
            if request.method == "GET":
                graphql_request = from_query_params(request, limits.max_get_query_bytes)
            else:
                check_json_body(request.headers.get("content-type"))
                graphql_request = from_json(await read_body(request, limits.max_request_bytes))
        except RequestError as exc:
            return _error_response(request, exc)
        if token is not None:
            return await self._single_connection_operation(request, graphql_request, token)
        if protocol is not None:
            return await self._stream(request, graphql_request, protocol)
        return await self._execute(
            request, graphql_request, allow_mutations=request.method != "GET"
        )

    async def _stream(
        self, request: Request, graphql_request: GraphQLRequest, protocol: _Protocol
    ) -> Response:
        """A subscription over SSE (distinct connections) or multipart; a query sent this way
        gets its single result in the same protocol (SSE) or as plain JSON (multipart)."""
        try:
            claims = await self._claims(request)
            result = await self.engine.subscribe(
                graphql_request,
                claims=claims,
                client_address=request.state.client_address,
                allow_mutations=request.method != "GET",
            )
        except RequestError as exc:
            return _error_response(request, exc)
        except Exception:  # a router bug: log it, answer in GraphQL's shape, leak nothing
            _log.exception("unexpected error while starting a subscription")
            error = RequestError("Internal server error.", INTERNAL_SERVER_ERROR, status=500)
            return _error_response(request, error)
        if isinstance(result, GraphQLResponse) and result.status == 405:
            # a mutation over GET: an HTTP-level refusal on every path (GraphQL over HTTP)
            return graphql_response(result, request.state.media_type, well_formed=False)
        if not isinstance(result, GraphQLResponse):
            result = until_expiry(result, token_expiry(request.headers.get("authorization")))
        if protocol == "sse":
            return self.sse.distinct(result)
        return self.multipart.respond(result, request.state.media_type)

    async def _event_stream_control(self, request: Request, token: str | None) -> Response:
        """graphql-sse's single connection mode: reserve (PUT), open the reserved stream (GET
        with the token), stop one operation (DELETE)."""
        subject = _stream_owner(await self._claims(request), request)
        if request.method == "PUT":
            return self.sse.reserve(subject)
        if request.method == "DELETE":
            return await self.sse.stop(token, subject, request)
        assert token is not None
        return self.sse.open_stream(token, subject)

    async def _single_connection_operation(
        self, request: Request, graphql_request: GraphQLRequest, token: str
    ) -> Response:
        """An operation for a reserved stream: 202, its results go out on the stream."""
        try:
            claims = await self._claims(request)
            owner = _stream_owner(claims, request)
            expires_at = token_expiry(request.headers.get("authorization"))
            refused = await self.sse.start(
                token,
                owner,
                graphql_request,
                claims,
                request.state.client_address,
                expires_at,
                allow_mutations=request.method != "GET",
            )
        except RequestError as exc:
            return _error_response(request, exc)
        if refused is not None:  # keeps its 4xx: here only 202 means the operation runs
            return graphql_response(refused, request.state.media_type, well_formed=False)
        return Response(status_code=202)

    def address_of(self, connection: HTTPConnection) -> str:
        """The client's address (``X-Forwarded-For`` only from trusted proxies)."""
        peer = connection.client.host if connection.client else ""
        return client_address(peer, connection.headers, self._trusted_proxies)

    async def caller(self, authorization: str | None, address: str) -> Claims:
        """The verified caller as subgraphs see it, on every transport: the token's claims
        and the client's address (identity throttles failed logins by it)."""
        claims = await self.verifier.claims_for(authorization)
        return replace(claims, extra={**claims.extra, "client_address": address})

    async def _claims(self, request: Request) -> Claims:
        return await self.caller(request.headers.get("authorization"), request.state.client_address)

    async def _execute(
        self, request: Request, graphql_request: GraphQLRequest, *, allow_mutations: bool
    ) -> Response:
        try:
            claims = await self._claims(request)
        except RequestError as exc:
            return _error_response(request, exc)
        try:
            result = await self.engine.handle(
                graphql_request,
                claims=claims,
                client_address=request.state.client_address,
                expose_cost=wants_cost(request.headers),
                allow_mutations=allow_mutations,
                expose_plan=self._expose_plan
                and request.headers.get(_EXPOSE_PLAN_HEADER, "").lower() == "true",
            )
        except Exception:  # a router bug: log it, answer in GraphQL's shape, leak nothing
            _log.exception("unexpected error while executing a request")
            error = RequestError("Internal server error.", INTERNAL_SERVER_ERROR, status=500)
            return _error_response(request, error)
        return _response(request, result)

    async def health(self, request: Request) -> Response:
        return OrjsonResponse({"status": "UP"})

    async def metrics(self, request: Request) -> Response:
        lines = [
            "# HELP router_subgraph_requests_total Requests sent to each subgraph.",
            "# TYPE router_subgraph_requests_total counter",
        ]
        for service, count in sorted(self.transport.requests.items()):
            lines.append(f'router_subgraph_requests_total{{subgraph="{service}"}} {count}')
        plans = self.engine.plans
        lines += [
            "# HELP router_plan_cache_hits_total Plan cache hits.",
            "# TYPE router_plan_cache_hits_total counter",
            f"router_plan_cache_hits_total {plans.hits}",
            "# HELP router_plan_cache_misses_total Plan cache misses.",
            "# TYPE router_plan_cache_misses_total counter",
            f"router_plan_cache_misses_total {plans.misses}",
            "# HELP router_jwks_fetches_total Attempts to fetch the JWKS.",
            "# TYPE router_jwks_fetches_total counter",
            f"router_jwks_fetches_total {self.verifier.fetches}",
            "# HELP router_jwks_fetch_failures_total JWKS fetches that failed.",
            "# TYPE router_jwks_fetch_failures_total counter",
            f"router_jwks_fetch_failures_total {self.verifier.fetch_failures}",
        ]
        return Response("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    def begin_shutdown(self) -> None:
        """The server stops: end the HTTP subscription streams, which it would wait for."""
        self.closing.set()

    async def aclose(self) -> None:
        self.engine.close()
        if self.rate_limits is not None:
            await self.rate_limits.aclose()
        await self.transport.aclose()
        await self.verifier.aclose()


def build_router_app(settings: RouterSettings) -> RouterApp:
    """Load the supergraph and wire the engine, transport and verifier."""
    supergraph = load_supergraph(settings.supergraph_path)
    overrides = subgraph_url_overrides()
    urls = {g.name: overrides.get(g.name.lower(), g.url) for g in supergraph.graphs.values()}
    signer = InternalClaimsSigner(settings.internal_secret)
    transport = HttpSubgraphTransport(
        urls, signer=signer, timeout_s=settings.subgraph_timeout_seconds
    )
    subscriptions = SubscriptionHub(WebSocketSubscriptionTransport(urls, signer=signer))
    rate_limits = settings.edge_rate_limits()
    engine = RouterEngine(
        supergraph,
        transport,
        settings.engine_config(),
        rate_limits=rate_limits,
        subscriptions=subscriptions,
    )
    verifier = JwksVerifier(
        settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    return RouterApp(settings, engine, transport, verifier, rate_limits)


def create_app(settings: RouterSettings) -> Starlette:
    """The ASGI application; the supergraph is loaded before the first request."""
    router_app = build_router_app(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # The supergraph's schema objects live as long as the process: move them out of the
        # garbage collector's sight, so full collections walk only what requests create.
        gc.collect()
        gc.freeze()
        yield
        await router_app.aclose()

    websocket = GraphQLWebSocket(
        router_app.engine,
        router_app.caller,
        router_app.address_of,
        WebSocketSettings(
            settings.ws_init_timeout_seconds,
            settings.ws_max_operations,
            settings.ws_keepalive_seconds,
        ),
    )
    routes = [
        Route("/graphql", router_app.graphql, methods=["GET", "POST", "PUT", "DELETE"]),
        WebSocketRoute("/graphql", websocket.serve),
        Route("/health", router_app.health, methods=["GET"]),
    ]
    if settings.metrics_on() == "main":
        routes.append(Route("/metrics", router_app.metrics, methods=["GET"]))
    middleware = [settings.cors_policy().middleware()]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.router = router_app
    return app


def create_metrics_app(app: Starlette) -> Starlette:
    """``/metrics`` of the router ``app``, for a listener apart from the public one."""
    router_app: RouterApp = app.state.router
    return Starlette(routes=[Route("/metrics", router_app.metrics, methods=["GET"])])


_Protocol = Literal["sse", "multipart"]


def _streaming_protocol(accept: str | None) -> _Protocol | None:
    """The streaming protocol ``Accept`` asks for, the first listed when it names both."""
    for item in (accept or "").split(","):
        if accepts_event_stream(item):
            return "sse"
        if accepts_multipart_subscription(item):
            return "multipart"
    return None


def _stream_owner(claims: Claims, request: Request) -> str:
    """Whom a single-connection stream belongs to: the user, or an anonymous caller's address
    (so anonymous callers do not share one reservation budget)."""
    return claims.sub or f"anonymous@{request.state.client_address}"


def _wants_graphiql_page(request: Request) -> bool:
    """A browser loading the URL (no operation in it): not an operation, so no CSRF check."""
    return "text/html" in request.headers.get("accept", "") and not request.query_params.get(
        "query"
    )


def _response(request: Request, result: GraphQLResponse) -> Response:
    """A pipeline's answer: the request was well-formed, whatever the GraphQL errors."""
    return graphql_response(result, getattr(request.state, "media_type", None), well_formed=True)


def _error_response(request: Request, error: RequestError) -> Response:
    media = getattr(request.state, "media_type", None)
    return graphql_response(refusal(error), media, well_formed=False)
