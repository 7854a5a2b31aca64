"""The router's HTTP edge, served by uvicorn, against stand-in subgraphs on real sockets.

The stand-ins are small Starlette apps that answer like subgraphs (and record what they get),
so these tests pin the router's own behaviour: request parsing, JWT verification, the
signed claims header, partial data when a subgraph is down, slow or returns garbage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from contracts.internal_claims import DEVELOPMENT_SECRET, HEADER, Claims, verify
from router.http.app import create_app
from router.settings import RouterSettings
from tests.harness.asgi_server import free_port, serve

FIXTURE = Path(__file__).parent / "fixtures" / "accounts.graphql"
ISSUER, AUDIENCE = "test-issuer", "test-audience"


@dataclass
class Recorder:
    claims: list[Claims] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)


def identity_app(recorder: Recorder) -> Starlette:
    async def graphql(request: Request) -> Response:
        claims = verify(request.headers.get(HEADER), DEVELOPMENT_SECRET, service="identity")
        recorder.claims.append(claims)
        body = await request.json()
        recorder.bodies.append(body)
        user = {"__typename": "User", "id": "u1", "email": "ada@example.com"}
        users = [{"__typename": "User", "id": i} for i in ("u1", "u2", "u1")]
        return JSONResponse({"data": {"me": user, "users": users, "savePreferences": True}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def profiles_app(recorder: Recorder, mode: dict[str, str]) -> Starlette:
    async def graphql(request: Request) -> Response:
        claims = verify(request.headers.get(HEADER), DEVELOPMENT_SECRET, service="profiles")
        recorder.claims.append(claims)
        body = await request.json()
        recorder.bodies.append(body)
        if mode["kind"] == "slow":
            await asyncio.sleep(2)
        if mode["kind"] == "garbage":
            return PlainTextResponse("<html>oops</html>", status_code=502)
        data = {}
        for name, representations in body["variables"].items():
            alias = "_entities" if name == "representations" else f"_e{name[-1]}"
            data[alias] = [{"profile": {"displayName": f"name-{r['id']}"}} for r in representations]
        return JSONResponse({"data": data})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


@dataclass
class Edge:
    url: str
    identity: Recorder
    profiles: Recorder
    profiles_mode: dict[str, str]
    key: rsa.RSAPrivateKey

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "iat": now, "exp": now + 60}
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="module")
async def edge(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Edge]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    async def jwks_endpoint(_: Request) -> Response:
        return JSONResponse(jwks)

    identity, profiles, mode = Recorder(), Recorder(), {"kind": "ok"}
    jwks_app = Starlette(routes=[Route("/jwks", jwks_endpoint)])
    async with (
        serve(identity_app(identity)) as identity_url,
        serve(profiles_app(profiles, mode)) as profiles_url,
        serve(jwks_app) as jwks_url,
    ):
        supergraph = tmp_path_factory.mktemp("edge") / "supergraph.graphql"
        supergraph.write_text(
            FIXTURE.read_text()
            .replace("http://127.0.0.1:4001/graphql", f"{identity_url}/graphql")
            .replace("http://127.0.0.1:4002/graphql", f"{profiles_url}/graphql")
        )
        settings = RouterSettings(
            supergraph_path=str(supergraph),
            jwks_url=f"{jwks_url}/jwks",
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            subgraph_timeout_seconds=0.5,
        )
        async with serve(create_app(settings)) as router_url:
            yield Edge(f"{router_url}/graphql", identity, profiles, mode, key)


async def post(edge: Edge, payload: Any, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(edge.url, json=payload, **kwargs)


async def test_query_across_subgraphs_with_one_request_each(edge: Edge) -> None:
    before = len(edge.identity.bodies), len(edge.profiles.bodies)
    response = await post(edge, {"query": "{ me { id email profile { displayName } } }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "me": {"id": "u1", "email": "ada@example.com", "profile": {"displayName": "name-u1"}}
        }
    }
    assert (len(edge.identity.bodies), len(edge.profiles.bodies)) == (before[0] + 1, before[1] + 1)


async def test_entity_fetches_at_several_paths_are_one_deduplicated_request(edge: Edge) -> None:
    calls = len(edge.profiles.bodies)
    response = await post(
        edge, {"query": "{ me { profile { displayName } } users { profile { displayName } } }"}
    )
    names = [u["profile"]["displayName"] for u in response.json()["data"]["users"]]
    assert names == ["name-u1", "name-u2", "name-u1"]
    assert response.json()["data"]["me"] == {"profile": {"displayName": "name-u1"}}
    assert len(edge.profiles.bodies) == calls + 1
    sent = edge.profiles.bodies[-1]["variables"]["representations0"]
    assert sent == [{"__typename": "User", "id": "u1"}, {"__typename": "User", "id": "u2"}]


async def test_variables_reach_a_subgraph_without_input_fields_it_lacks(edge: Edge) -> None:
    query = "mutation ($p: [Preferences!]!) { savePreferences(all: $p) }"
    variables = {"p": [{"theme": "dark", "locale": "fr"}, {"locale": "de"}]}
    response = await post(edge, {"query": query, "variables": variables})
    assert response.json() == {"data": {"savePreferences": True}}
    assert edge.identity.bodies[-1]["variables"] == {"p": [{"theme": "dark"}, {}]}


async def test_anonymous_callers_reach_subgraphs_with_signed_anonymous_claims(edge: Edge) -> None:
    await post(edge, {"query": "{ me { id } }"})
    assert edge.identity.claims[-1].sub is None


async def test_a_verified_token_becomes_signed_claims(edge: Edge) -> None:
    token = edge.token(sub="user-42", scope="profiles:admin")
    response = await post(
        edge, {"query": "{ me { id } }"}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert edge.identity.claims[-1] == Claims(
        sub="user-42", scopes=("profiles:admin",), extra={"client_address": "127.0.0.1"}
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-jwt", "malformed"),
        ("expired", "expired"),
        ("forged", "Signature verification failed"),
        ("wrong-audience", "Audience"),
    ],
)
async def test_bad_tokens_are_refused_with_unauthenticated(
    edge: Edge, token: str, message: str
) -> None:
    if token == "expired":
        token = edge.token(exp=int(time.time()) - 3600)
    elif token == "forged":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "exp": now + 60}
        token = jwt.encode(claims, other, algorithm="RS256", headers={"kid": "k1"})
    elif token == "wrong-audience":
        token = edge.token(aud="someone-else")
    calls = len(edge.identity.bodies)
    response = await post(
        edge, {"query": "{ me { id } }"}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert message in error["message"]
    assert len(edge.identity.bodies) == calls


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"query": "{ me { id "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ me { nope } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query ($b: Boolean!) { me { id @include(if: $b) } }"}, "BAD_USER_INPUT"),
        (
            {"query": "query A { me { id } } query B { me { id } }"},
            "GRAPHQL_UNKNOWN_OPERATION_NAME",
        ),
    ],
)
@pytest.mark.parametrize(
    ("accept", "status"),
    [("application/graphql-response+json", 400), ("application/json", 200)],
)
async def test_request_errors_get_coded_errors_and_no_data(
    edge: Edge, payload: Any, code: str, accept: str, status: int
) -> None:
    """GraphQL over HTTP: 4xx for request errors with its own media type, 200 for legacy
    ``application/json`` clients (the request itself was well-formed)."""
    response = await post(edge, payload, headers={"accept": accept})
    assert response.status_code == status
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"nothing": 1}, "BAD_REQUEST"),
        ({"query": "{ me { id } }", "variables": 0}, "BAD_REQUEST"),
        ([{"query": "{ me { id } }"}], "BATCHING_NOT_ENABLED"),
    ],
)
@pytest.mark.parametrize("accept", ["application/graphql-response+json", "application/json"])
async def test_malformed_requests_are_400_under_either_media_type(
    edge: Edge, payload: Any, code: str, accept: str
) -> None:
    response = await post(edge, payload, headers={"accept": accept})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_malformed_json_body_is_a_bad_request(edge: Edge) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            edge.url, content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_get_serves_queries_and_graphiql_but_refuses_mutations(edge: Edge) -> None:
    preflight = {"apollo-require-preflight": "true"}  # router/http/csrf.py
    async with httpx.AsyncClient() as client:
        query = await client.get(edge.url, params={"query": "{ me { id } }"}, headers=preflight)
        mutation = await client.get(
            edge.url, params={"query": "mutation { logout }"}, headers=preflight
        )
        page = await client.get(edge.url, headers={"accept": "text/html"})
    assert query.json() == {"data": {"me": {"id": "u1"}}}
    assert mutation.status_code == 405
    assert "GraphiQL" in page.text


async def test_expose_query_plan_header_returns_the_plan(edge: Edge) -> None:
    response = await post(
        edge,
        {"query": "{ me { profile { displayName } } }"},
        headers={"apollo-expose-query-plan": "true"},
    )
    assert 'Flatten(path: "me")' in response.json()["extensions"]["queryPlan"]


@pytest.mark.parametrize(
    ("mode", "code"),
    [("slow", "SUBREQUEST_TIMEOUT"), ("garbage", "SUBREQUEST_HTTP_ERROR")],
)
async def test_failing_subgraph_gives_partial_data_and_a_coded_error(
    edge: Edge, mode: str, code: str
) -> None:
    edge.profiles_mode["kind"] = mode
    try:
        response = await post(edge, {"query": "{ me { id profile { displayName } } }"})
    finally:
        edge.profiles_mode["kind"] = "ok"
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": {"id": "u1", "profile": None}}
    assert body["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    ("accept", "status"),
    [("application/graphql-response+json", 294), ("application/json", 200)],
)
async def test_partial_data_is_294_with_the_graphql_response_media_type(
    edge: Edge, accept: str, status: int
) -> None:
    """GraphQL over HTTP: 294 tells intermediaries "partial success"; legacy clients get 200."""
    edge.profiles_mode["kind"] = "garbage"
    try:
        response = await post(
            edge, {"query": "{ me { id profile { displayName } } }"}, headers={"accept": accept}
        )
    finally:
        edge.profiles_mode["kind"] = "ok"
    assert response.status_code == status
    assert response.json()["data"] == {"me": {"id": "u1", "profile": None}}


async def test_subgraph_down_gives_partial_data(tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    closed = free_port()
    supergraph.write_text(FIXTURE.read_text().replace("127.0.0.1:4001", f"127.0.0.1:{closed}"))
    settings = RouterSettings(supergraph_path=str(supergraph))
    async with serve(create_app(settings)) as url, httpx.AsyncClient() as client:
        response = await client.post(f"{url}/graphql", json={"query": "{ me { id } }"})
        health = await client.get(f"{url}/health")
        metrics = await client.get(f"{url}/metrics")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR",
        "service": "identity",
    }
    assert health.json() == {"status": "UP"}
    assert 'router_subgraph_requests_total{subgraph="identity"} 1' in metrics.text


async def test_an_unplannable_operation_is_a_coded_error_not_a_500(edge: Edge) -> None:
    response = await post(
        edge,
        {"query": "{ orphan { secret } }"},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"


async def test_jwks_unreachable_is_503_with_retry_after_not_401(edge: Edge, tmp_path: Path) -> None:
    """A client told 401 logs its user out; the platform's outage is a 503 to retry."""
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(FIXTURE.read_text())
    settings = RouterSettings(
        supergraph_path=str(supergraph),
        jwks_url=f"http://127.0.0.1:{free_port()}/jwks",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    token = edge.token()
    async with serve(create_app(settings)) as url, httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/graphql",
            json={"query": "{ __typename }"},
            headers={"authorization": f"Bearer {token}"},
        )
        anonymous = await client.post(f"{url}/graphql", json={"query": "{ __typename }"})
        metrics = await client.get(f"{url}/metrics")
    assert response.status_code == 503
    assert "router_jwks_fetch_failures_total 1\n" in metrics.text
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["errors"][0]["extensions"]["code"] == "JWKS_UNAVAILABLE"
    assert anonymous.json() == {"data": {"__typename": "Query"}}
