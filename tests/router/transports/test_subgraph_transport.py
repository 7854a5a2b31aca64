"""The HTTP transport signs claims at send time, so a long request is never refused later."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts.internal_claims import (
    HEADER,
    Claims,
    InternalClaimsSigner,
    InvalidInternalClaims,
    verify,
)
from router.transports.subgraph import HttpSubgraphTransport
from tests.harness.asgi_server import serve

SECRET = "a-test-secret-long-enough-for-hs256-0123456789"
ADA = Claims(sub="ada")


def strict_subgraph(tokens: list[str]) -> Starlette:
    """A stand-in that, unlike ours, allows no clock leeway at all."""

    async def graphql(request: Request) -> Response:
        token = request.headers.get(HEADER, "")
        tokens.append(token)
        try:
            claims = verify(token, SECRET, service="identity", leeway_s=0)
        except InvalidInternalClaims as exc:
            return JSONResponse({"errors": [{"message": str(exc)}]}, status_code=401)
        return JSONResponse({"data": {"sub": claims.sub}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


async def test_a_fetch_after_the_first_tokens_lifetime_still_gets_through() -> None:
    tokens: list[str] = []
    async with serve(strict_subgraph(tokens)) as url:
        transport = HttpSubgraphTransport(
            {"identity": f"{url}/graphql"}, signer=InternalClaimsSigner(SECRET, lifetime_s=2)
        )
        try:
            first = await transport.send("identity", {"query": "{ a }"}, ADA)
            await asyncio.sleep(2.2)  # the first token has expired by now
            later = await transport.send("identity", {"query": "{ a }"}, ADA)
        finally:
            await transport.aclose()
    assert first == later == {"data": {"sub": "ada"}}
    assert tokens[0] != tokens[1]
    try:
        verify(tokens[0], SECRET, service="identity", leeway_s=0)
    except InvalidInternalClaims:
        pass
    else:
        raise AssertionError("the first token should have expired: the test proves nothing")
