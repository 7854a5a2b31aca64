"""Subgraphs answer only requests that carry the router's signed claims header, minted for
them (their own audience), not expired beyond the clock leeway."""

from __future__ import annotations

import time

import pytest

from contracts.internal_claims import HEADER, LEEWAY_S, LIFETIME_S, Claims, sign
from subgraphs.common.testing import RunningSubgraph

UNAUTHENTICATED_CODES = ["UNAUTHENTICATED"]
USER = Claims(sub="00000000-0000-0000-0000-000000000001")


def forged() -> str:
    return sign(USER, "an-attacker-secret-that-is-long-enough-to-sign", service="identity")


def expired(secret: str, seconds_ago: float = 600) -> str:
    """A token for identity whose expiry passed ``seconds_ago``."""
    return sign(USER, secret, service="identity", now=time.time() - LIFETIME_S - seconds_ago)


@pytest.mark.parametrize(
    "kind", ["missing", "empty", "garbage", "forged", "expired", "beyond-leeway", "for-profiles"]
)
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
        "beyond-leeway": {HEADER: expired(secret, LEEWAY_S + 2)},
        "for-profiles": {HEADER: sign(USER, secret, service="profiles")},
    }[kind]

    response = await identity.client.graphql("{ me { id } }", headers=headers)

    assert response.status == 401
    assert set(response.body) == {"errors"}
    assert response.codes == UNAUTHENTICATED_CODES
    assert response.errors[0]["message"]


async def test_a_token_just_past_expiry_is_accepted_within_the_clock_leeway(
    identity: RunningSubgraph,
) -> None:
    header = expired(identity.client.secret, seconds_ago=LEEWAY_S - 2)

    response = await identity.client.graphql("{ me { id } }", headers={HEADER: header})

    assert response.status == 200


async def test_a_token_for_identity_opens_identity_only(
    identity: RunningSubgraph, profiles: RunningSubgraph
) -> None:
    """Subgraphs share the secret, so the audience is what stops a replay across them."""
    token = sign(USER, identity.client.secret, service="identity")
    query = "{ _service { sdl } }"

    at_identity = await identity.client.graphql(query, headers={HEADER: token})
    at_profiles = await profiles.client.graphql(query, headers={HEADER: token})

    assert at_identity.status == 200
    assert (at_profiles.status, at_profiles.codes) == (401, UNAUTHENTICATED_CODES)


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
