"""Rate limits, persisted operations and demand control through the real router on a socket,
each with its allowed and its refused case (the stages' own rules are tested in process
under tests/router/pipeline and tests/router/edge)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http.app import create_app
from router.settings import RouterSettings
from tests.harness.asgi_server import serve

TYPENAME = "{ __typename }"


@pytest.fixture(scope="module")
async def router(offline_supergraph: Path) -> AsyncIterator[str]:
    settings = RouterSettings(
        supergraph_path=str(offline_supergraph),
        rate_limit_enabled=True,
        rate_limit_per_address="1/h burst 3",
        demand_control_max_cost=5,
    )
    async with serve(create_app(settings)) as url:
        yield f"{url}/graphql"


async def post(url: str, payload: dict[str, Any]) -> httpx.Response:
    """As a current client asks: with the GraphQL response media type, refusals are 4xx."""
    async with httpx.AsyncClient() as client:
        headers = {"accept": "application/graphql-response+json"}
        return await client.post(url, json=payload, headers=headers)


async def test_rate_limits_refuse_past_the_burst_with_retry_after(router: str) -> None:
    allowed = [await post(router, {"query": TYPENAME}) for _ in range(3)]
    assert [r.status_code for r in allowed] == [200, 200, 200]
    refused = await post(router, {"query": TYPENAME})
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1
    # refused before its body is read: a body past the size limit is not what answers
    heavy = await post(router, {"query": TYPENAME, "padding": "x" * 3_000_000})
    assert heavy.status_code == 429


@pytest.fixture(scope="module")
async def open_router(offline_supergraph: Path) -> AsyncIterator[str]:
    settings = RouterSettings(supergraph_path=str(offline_supergraph), demand_control_max_cost=5)
    async with serve(create_app(settings)) as url:
        yield f"{url}/graphql"


async def test_automatic_persisted_queries_register_then_serve_by_hash(open_router: str) -> None:
    query = "{ __typename }  # apq"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    missing = await post(open_router, {"extensions": extensions})
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await post(open_router, {"query": query, "extensions": extensions})
    assert registered.json() == {"data": {"__typename": "Query"}}
    by_hash = await post(open_router, {"extensions": extensions})
    assert by_hash.json() == {"data": {"__typename": "Query"}}
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    mismatch = await post(open_router, {"query": query, "extensions": wrong})
    assert mismatch.status_code == 400


async def test_demand_control_refuses_an_operation_over_the_maximum(open_router: str) -> None:
    cheap = await post(open_router, {"query": TYPENAME})
    assert cheap.status_code == 200
    # users: [User!]! (assumed 10 users) x (User 1 + profile: Profile 1) = 20 > 5
    costly = await post(open_router, {"query": "{ users { profile { bio } } }"})
    assert costly.status_code == 400
    assert costly.json()["errors"][0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
