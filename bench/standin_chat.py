"""A stand-in chat subgraph for the subscription benchmark: ``messageAdded(roomId)`` streams
what ``POST /emit`` broadcasts (each message's body is the time it was emitted, so a client
can measure post-to-delivery latency), over Strawberry's own graphql-transport-ws server
behind the subgraphs' claims middleware. It also serves a JWKS for the benchmark's tokens.

    python -m bench.standin_chat PORT JWKS_JSON_FILE
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import AsyncGenerator

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from contracts.internal_claims import DEVELOPMENT_SECRET
from subgraphs.common.auth import InternalClaimsMiddleware
from tests.router.http.live import Message, Query, User  # the live tests' chat types

_listeners: set[asyncio.Queue[str]] = set()
_ids = itertools.count()


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def message_added(self, room_id: strawberry.ID) -> AsyncGenerator[Message, None]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        _listeners.add(queue)
        try:
            while True:
                body = await queue.get()
                author = User(id=strawberry.ID(f"u{next(_ids) % 50}"))
                yield Message(id=strawberry.ID(str(next(_ids))), body=body, author=author)
        finally:
            _listeners.discard(queue)


def app(jwks: dict[str, object]) -> Starlette:
    schema = strawberry.Schema(query=Query, subscription=Subscription)
    served = GraphQL(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])
    graphql = InternalClaimsMiddleware(served, secret=DEVELOPMENT_SECRET, service="chat")

    async def emit(_: Request) -> Response:
        stamp = repr(time.time())
        for queue in list(_listeners):
            queue.put_nowait(stamp)
        return JSONResponse({"listeners": len(_listeners)})

    async def keys(_: Request) -> Response:
        return JSONResponse(jwks)

    routes = [
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/emit", emit, methods=["POST"]),
        Route("/.well-known/jwks.json", keys),
    ]
    return Starlette(routes=routes)  # /emit and the JWKS are the benchmark's, not the router's


def main(argv: list[str]) -> None:
    port, jwks_file = int(argv[0]), argv[1]
    with open(jwks_file) as handle:
        jwks = json.load(handle)
    uvicorn.run(app(jwks), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
