"""Subgraphs answer only requests that carry the router's signed claims header."""

from __future__ import annotations

import time

import pytest

from router.edge.internal_claims import HEADER, Claims, sign
from subgraphs.common.testing import RunningSubgraph

UNAUTHENTICATED_CODES = ["UNAUTHENTICATED"]


def forged() -> str:
    return sign(
        Claims(sub="00000000-0000-0000-0000-000000000001"),
        "an-attacker-secret-that-is-long-enough-to-sign",
    )


def expired(secret: str) -> str:
    return sign(Claims(sub="00000000-0000-0000-0000-000000000001"), secret, now=time.time() - 600)


@pytest.mark.parametrize("kind", ["missing", "empty", "garbage", "forged", "expired"])
async def test_graphql_without_valid_claims_is_401_unauthenticated(
    identity: RunningSubgraph, kind: str
) -> None:
    secret = identity.client.secret
    headers = {
        "missing": {},
        "empty": {HEADER: ""},
        "garbage": {HEADER: "not.a.jwt"},
        "forged": {HEADER: forged()},
        "expired": {HEADER: expired(secret)},
    }[kind]

    response = await identity.client.graphql("{ me { id } }", headers=headers)

    assert response.status == 401
    assert set(response.body) == {"errors"}
    assert response.codes == UNAUTHENTICATED_CODES
    assert response.errors[0]["message"]


async def test_anonymous_claims_are_accepted(identity: RunningSubgraph) -> None:
    response = await identity.client.graphql("{ me { id } }")

    assert response.status == 200
    assert response.body == {"data": {"me": None}}


async def test_probes_and_well_known_need_no_claims(identity: RunningSubgraph) -> None:
    health = await identity.http.get("/health")
    ready = await identity.http.get("/ready")
    jwks = await identity.http.get("/.well-known/jwks.json")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    assert jwks.status_code == 200


async def test_other_paths_need_claims_too(profiles: RunningSubgraph) -> None:
    response = await profiles.http.get("/docs")

    assert response.status_code == 401
