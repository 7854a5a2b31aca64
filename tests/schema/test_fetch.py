"""compose_from_config reads files and asks running subgraphs for their SDL, signed."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contracts import internal_claims
from schema.composition import compose_from_config
from schema.config import FileSchema, SubgraphConfig, SubgraphUrlSchema, SupergraphConfig
from schema.errors import SchemaSourceError
from tests.harness.asgi_server import serve
from tests.schema.harness import case

SECRET = "test-secret-for-the-sdl-fetch-tests-0123456789"
FIXTURE = case("entity_shared")


def _subgraph_app(
    sdl: str, seen: list[internal_claims.Claims], service: str = "profiles"
) -> Starlette:
    """A stand-in subgraph that, like ours, refuses requests without valid claims for it."""

    async def graphql(request: Request) -> JSONResponse:
        try:
            claims = internal_claims.verify(
                request.headers.get(internal_claims.HEADER), SECRET, service=service
            )
        except internal_claims.InvalidInternalClaims as exc:
            return JSONResponse({"errors": [{"message": str(exc)}]}, status_code=401)
        body = await request.json()
        if "_service" not in body["query"]:
            return JSONResponse({"errors": [{"message": "unexpected query"}]}, status_code=400)
        seen.append(claims)
        return JSONResponse({"data": {"_service": {"sdl": sdl}}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


async def test_fetches_sdl_with_signed_anonymous_claims() -> None:
    sdls = {p.stem: p for p in (FIXTURE.path / "subgraphs").glob("*.graphql")}
    seen: list[internal_claims.Claims] = []
    app = _subgraph_app(sdls["profiles"].read_text(), seen)
    async with serve(app) as base:
        config = SupergraphConfig(
            (
                SubgraphConfig(
                    "identity", "http://identity.example/graphql", FileSchema(sdls["identity"])
                ),
                SubgraphConfig(
                    "profiles",
                    "http://profiles.example/graphql",
                    SubgraphUrlSchema(f"{base}/graphql"),
                ),
            )
        )
        result = await compose_from_config(config, internal_secret=SECRET)

    assert result.errors == ()
    assert result.supergraph_sdl == FIXTURE.expected_supergraph
    assert seen == [internal_claims.ANONYMOUS]


async def test_subgraph_refusing_the_signature_is_a_source_error() -> None:
    app = _subgraph_app("type Query { a: Int }", [])
    async with serve(app) as base:
        config = SupergraphConfig(
            (SubgraphConfig("a", f"{base}/graphql", SubgraphUrlSchema(f"{base}/graphql")),)
        )
        with pytest.raises(SchemaSourceError, match="HTTP 401") as raised:
            await compose_from_config(
                config, internal_secret="not-the-shared-secret-but-long-enough-0123"
            )

    assert raised.value.subgraph == "a"


async def test_missing_sdl_file_is_a_source_error(tmp_path: Path) -> None:
    config = SupergraphConfig(
        (SubgraphConfig("a", "http://a/graphql", FileSchema(tmp_path / "missing.graphql")),)
    )

    with pytest.raises(SchemaSourceError, match="cannot read"):
        await compose_from_config(config, internal_secret=SECRET)
