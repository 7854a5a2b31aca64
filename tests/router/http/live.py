"""A live router for the subscription transports' tests: a Strawberry chat stand-in owns the
subscription (the library's own graphql-transport-ws server, behind the subgraphs' claims
middleware), a profiles stand-in answers ``_entities``, a JWKS stand-in signs tokens; our
router in front, all on loopback sockets. ``STARTED``/``STOPPED`` record the rooms the chat
stand-in's generators began and ended, to count upstream subscriptions.

The room id chooses the stand-in's behaviour: two messages then the end (any room),
``endless`` (a tick every 50 ms), ``quiet`` (one message, then nothing), ``fails`` (one
message, then the resolver raises)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import strawberry
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import Info

from contracts.internal_claims import DEVELOPMENT_SECRET, Claims
from router.http.app import create_app
from router.settings import RouterSettings
from subgraphs.common.auth import CLAIMS_STATE_KEY, InternalClaimsMiddleware
from tests.harness.asgi_server import serve

FIXTURES = Path(__file__).parents[1] / "fixtures"
ISSUER, AUDIENCE = "test-issuer", "test-audience"
SUBSCRIPTION = """subscription ($room: ID!) {
  messageAdded(roomId: $room) { body author { profile { displayName } } }
}"""
CALLERS: list[Claims] = []
"""The signed claims each upstream subscription arrived with."""
STARTED: list[str] = []
STOPPED: list[str] = []


@strawberry.type
class User:
    id: strawberry.ID


@strawberry.type
class Message:
    id: strawberry.ID
    body: str
    author: User


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def message_added(
        self, room_id: strawberry.ID, info: Info
    ) -> AsyncGenerator[Message, None]:
        STARTED.append(str(room_id))
        CALLERS.append(info.context["request"].scope["state"][CLAIMS_STATE_KEY])
        try:
            if room_id in ("quiet", "fails"):
                yield Message(
                    id=strawberry.ID("m0"), body="hello 0", author=User(id=strawberry.ID("u1"))
                )
                if room_id == "fails":
                    raise RuntimeError("the chat stand-in broke")
                await asyncio.Event().wait()
            for i, author in enumerate(("u1", "u2")):
                yield Message(
                    id=strawberry.ID(f"m{i}"),
                    body=f"hello {i}",
                    author=User(id=strawberry.ID(author)),
                )
            if room_id == "endless":
                while True:
                    await asyncio.sleep(0.05)
                    yield Message(
                        id=strawberry.ID("m"), body="tick", author=User(id=strawberry.ID("u1"))
                    )
        finally:
            STOPPED.append(str(room_id))


def chat_app() -> InternalClaimsMiddleware:
    schema = strawberry.Schema(query=Query, subscription=Subscription)
    app = GraphQL(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])
    routed = Starlette(routes=[Route("/graphql", app), WebSocketRoute("/graphql", app)])
    return InternalClaimsMiddleware(routed, secret=DEVELOPMENT_SECRET, service="chat")


def profiles_app() -> Starlette:
    async def graphql(request: Request) -> Response:
        body = await request.json()
        names = [
            {"profile": {"displayName": f"name-{r['id']}"}}
            for r in body["variables"]["representations"]
        ]
        return JSONResponse({"data": {"_entities": names}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


@dataclass
class Router:
    url: str
    """``ws://127.0.0.1:PORT/graphql``"""
    key: rsa.RSAPrivateKey
    app: Any

    @property
    def http_url(self) -> str:
        """The same endpoint for the HTTP protocols (queries, SSE, multipart)."""
        return "http" + self.url.removeprefix("ws")

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "iat": now, "exp": now + 60}
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def open_upstreams(self) -> int:
        """Sockets open from the router to subgraphs (under the subscription hub)."""
        return int(self.app.state.router.engine.executor.subscriptions.transport.open_connections)

    async def wait_stopped(self, room: str) -> None:
        """Until the stand-in's generator for ``room`` ended and no upstream socket is open."""
        for _ in range(250):
            if room in STOPPED and self.open_upstreams() == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"the upstream for {room!r} still runs: {STOPPED=}")


@contextlib.asynccontextmanager
async def live_router(folder: Path, **settings: Any) -> AsyncIterator[Router]:
    """Stand-ins and the router on free ports; ``folder`` receives the supergraph;
    ``settings`` override the router's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    async def jwks_endpoint(_: Request) -> Response:
        return JSONResponse(jwks)

    async with (
        serve(chat_app()) as chat,
        serve(profiles_app()) as profiles,
        serve(Starlette(routes=[Route("/jwks", jwks_endpoint)])) as jwks_url,
    ):
        supergraph = folder / "supergraph.graphql"
        supergraph.write_text(
            (FIXTURES / "live.graphql").read_text()
            .replace("http://127.0.0.1:4601/graphql", f"{chat}/graphql")
            .replace("http://127.0.0.1:4602/graphql", f"{profiles}/graphql")
        )  # fmt: skip
        router_settings = RouterSettings(
            supergraph_path=str(supergraph),
            jwks_url=f"{jwks_url}/jwks",
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            **{"ws_init_timeout_seconds": 0.5, "ws_keepalive_seconds": 0.3, **settings},
        )
        app = create_app(router_settings)
        async with serve(app) as url:
            yield Router("ws" + url.removeprefix("http") + "/graphql", key, app)
