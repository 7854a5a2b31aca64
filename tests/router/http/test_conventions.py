"""CSRF prevention, CORS and content negotiation through the real router on a real socket.

Each has its allowed and its refused case. The operations are ``{ __typename }`` and a GET
mutation, which the router answers or refuses itself (``offline_supergraph``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http.app import create_app
from router.settings import RouterSettings
from tests.harness.asgi_server import serve

GQL = "application/graphql-response+json"
APP = "https://app.example.com"
PREVIEW = "https://pr-42.preview.example.com"
TYPENAME = {"query": "{ __typename }"}
PREFLIGHT = {"apollo-require-preflight": "true"}


@pytest.fixture(scope="module")
async def router(offline_supergraph: Path) -> AsyncIterator[str]:
    settings = RouterSettings(
        supergraph_path=str(offline_supergraph),
        environment="development",
        cors_allow_origins=f"{APP}, https://admin.example.com",
        cors_allow_origin_regex=r"https://[a-z0-9-]+\.preview\.example\.com",
    )
    async with serve(create_app(settings)) as url:
        yield f"{url}/graphql"


@pytest.fixture(scope="module")
async def lenient_router(offline_supergraph: Path) -> AsyncIterator[str]:
    """CSRF prevention off, credentials on: both settings away from their defaults."""
    settings = RouterSettings(
        supergraph_path=str(offline_supergraph),
        csrf_prevention=False,
        cors_allow_origins=APP,
        cors_allow_credentials=True,
    )
    async with serve(create_app(settings)) as url:
        yield f"{url}/graphql"


async def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.request(method, url, **kwargs)


def code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


# CSRF prevention


async def test_a_get_without_a_preflight_header_is_refused(router: str) -> None:
    response = await request("GET", router, params={"query": "{ __typename }"})
    assert (response.status_code, code(response)) == (400, "CSRF_ERROR")
    assert "data" not in response.json()


@pytest.mark.parametrize(
    "header", [{"apollo-require-preflight": "true"}, {"x-apollo-operation-name": "Typename"}]
)
async def test_a_get_with_a_preflight_header_runs(router: str, header: dict[str, str]) -> None:
    response = await request("GET", router, params={"query": "{ __typename }"}, headers=header)
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"],
)
async def test_a_simple_post_is_refused_before_its_body_is_read(
    router: str, content_type: str
) -> None:
    response = await request(
        "POST",
        router,
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": content_type},
    )
    assert (response.status_code, code(response)) == (400, "CSRF_ERROR")


async def test_what_apollo_upload_client_sends_passes_csrf(router: str) -> None:
    """multipart/form-data with apollo-require-preflight is preflighted; the router serves no
    uploads, so it is refused for its media type (415), not as a forgery."""
    files = {"operations": (None, '{"query": "{ __typename }"}'), "map": (None, "{}")}
    response = await request("POST", router, files=files, headers=PREFLIGHT)
    assert (response.status_code, code(response)) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert "file uploads are not supported" in response.json()["errors"][0]["message"]


async def test_graphiql_still_loads_without_a_preflight_header(router: str) -> None:
    response = await request("GET", router, headers={"accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert "GraphiQL" in response.text


async def test_with_csrf_prevention_off_a_plain_get_runs(lenient_router: str) -> None:
    response = await request("GET", lenient_router, params={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


# CORS


@pytest.mark.parametrize("origin", [APP, PREVIEW])
async def test_a_listed_origin_passes_the_preflight(router: str, origin: str) -> None:
    response = await request(
        "OPTIONS",
        router,
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,authorization,apollo-require-preflight",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in (
        "content-type",
        "authorization",
        "apollo-require-preflight",
        "x-apollo-operation-name",
    ):
        assert header in allowed
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://app.example.com.evil.example",
        "https://preview.example.com",  # the regex wants a subdomain
        "http://localhost:5173",  # loopback is the default only when nothing is configured
        "null",
    ],
)
async def test_an_unlisted_origin_fails_the_preflight(router: str, origin: str) -> None:
    response = await request(
        "OPTIONS",
        router,
        headers={"origin": origin, "access-control-request-method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_listed_origin_may_read_the_answer(router: str) -> None:
    response = await request("POST", router, json=TYPENAME, headers={"origin": APP})
    assert response.headers["access-control-allow-origin"] == APP
    assert "Origin" in response.headers["vary"]
    assert response.headers["access-control-expose-headers"].lower() == "retry-after"


async def test_an_unlisted_origin_may_not_read_the_answer(router: str) -> None:
    response = await request(
        "POST", router, json=TYPENAME, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_credentials_are_allowed_only_when_configured(lenient_router: str) -> None:
    response = await request(
        "OPTIONS",
        lenient_router,
        headers={"origin": APP, "access-control-request-method": "POST"},
    )
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-origin"] == APP


# Content negotiation


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (GQL, GQL),
        (f"{GQL}, application/json;q=0.9", GQL),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
async def test_the_response_media_type_follows_accept(
    router: str, accept: str | None, media: str
) -> None:
    async with httpx.AsyncClient() as client:
        del client.headers["accept"]  # httpx sends */* unless told otherwise
        headers = {"accept": accept} if accept else {}
        response = await client.post(router, json=TYPENAME, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unacceptable_accept_is_406_before_any_work(router: str) -> None:
    response = await request("POST", router, json=TYPENAME, headers={"accept": "application/xml"})
    assert (response.status_code, code(response)) == (406, "NOT_ACCEPTABLE")
    assert response.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    "content_type", ["application/graphql", "application/json; charset=iso-8859-1"]
)
async def test_a_post_body_that_is_not_utf8_json_is_415(router: str, content_type: str) -> None:
    response = await request(
        "POST",
        router,
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": content_type},
    )
    assert (response.status_code, code(response)) == (415, "UNSUPPORTED_MEDIA_TYPE")


async def test_a_post_without_content_type_is_4xx(router: str) -> None:
    response = await request(
        "POST", router, content=b'{"query": "{ __typename }"}', headers=PREFLIGHT
    )
    assert (response.status_code, code(response)) == (415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("accept", [GQL, "application/json"])
async def test_a_mutation_over_get_is_405_under_either_media_type(router: str, accept: str) -> None:
    response = await request(
        "GET",
        router,
        params={"query": "mutation { logout }"},
        headers={**PREFLIGHT, "accept": accept},
    )
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), ("application/json", 200)])
async def test_a_validation_error_over_get_follows_the_media_type(
    router: str, accept: str, status: int
) -> None:
    response = await request(
        "GET", router, params={"query": "{ nope }"}, headers={**PREFLIGHT, "accept": accept}
    )
    assert (response.status_code, code(response)) == (status, "GRAPHQL_VALIDATION_FAILED")
    assert response.headers["content-type"].startswith(accept)
