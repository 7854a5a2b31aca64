"""The edge verifier against a real JWKS endpoint on loopback that we can rotate and break.

What is pinned: two keys verify during rotation; a new ``kid`` triggers a (rate-limited)
refresh; when the endpoint is down, cached keys keep working and a token needing a key we
could not fetch gets 503 JWKS_UNAVAILABLE with Retry-After, never a 401; failures back off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.edge.jwt_auth import JwksVerifier
from router.errors import RequestError
from tests.harness.asgi_server import serve

ISSUER, AUDIENCE = "test-issuer", "test-audience"


@dataclass
class Keys:
    """Signing keys by kid, and which of them the endpoint publishes."""

    private: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    up: bool = True
    requests: int = 0

    def add(self, kid: str, *, publish: bool = True) -> None:
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private[kid].public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def token(self, kid: str, sub: str = "u1") -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 60}
        return jwt.encode(claims, self.private[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def keys() -> Keys:
    keys = Keys()
    for kid in ("k1", "k2", "k3"):
        keys.add(kid, publish=False)
    return keys


@pytest.fixture
async def jwks_url(keys: Keys) -> AsyncIterator[str]:
    keys.published, keys.up, keys.requests = ["k1"], True, 0

    async def endpoint(_: Request) -> Response:
        keys.requests += 1
        if not keys.up:
            return JSONResponse({"error": "down"}, status_code=503)
        return JSONResponse(keys.jwks())

    async with serve(Starlette(routes=[Route("/jwks", endpoint)])) as url:
        yield f"{url}/jwks"


Make = Callable[..., JwksVerifier]


@pytest.fixture
async def verifier(jwks_url: str) -> AsyncIterator[Make]:
    """``verifier(**options)``: a verifier on the test JWKS, closed after the test."""
    made: list[JwksVerifier] = []

    def make(**options: Any) -> JwksVerifier:
        made.append(JwksVerifier(jwks_url, issuer=ISSUER, audience=AUDIENCE, **options))
        return made[-1]

    yield make
    for each in made:
        await each.aclose()


async def refused(verifier: JwksVerifier, token: str) -> RequestError:
    with pytest.raises(RequestError) as caught:
        await verifier.verify(token)
    return caught.value


async def test_during_rotation_a_token_signed_by_either_key_verifies(
    keys: Keys, verifier: Make
) -> None:
    keys.published = ["k2", "k1"]
    edge = verifier()
    assert (await edge.verify(keys.token("k1", "old"))).sub == "old"
    assert (await edge.verify(keys.token("k2", "new"))).sub == "new"
    assert keys.requests == 1


async def test_an_unknown_kid_refreshes_once_the_interval_has_passed(
    keys: Keys, verifier: Make
) -> None:
    edge = verifier(min_refresh_s=0.3)
    await edge.verify(keys.token("k1"))
    keys.published = ["k2", "k1"]
    forged = await refused(edge, keys.token("k3"))  # unknown, and too soon to ask again
    assert (forged.code, forged.status, keys.requests) == ("UNAUTHENTICATED", 401, 1)
    await asyncio.sleep(0.35)
    assert (await edge.verify(keys.token("k2"))).sub == "u1"
    assert keys.requests == 2


async def test_cached_keys_keep_verifying_while_the_jwks_is_down(
    keys: Keys, verifier: Make
) -> None:
    edge = verifier(min_refresh_s=0, max_age_s=0)  # every request wants a refresh
    await edge.verify(keys.token("k1"))
    keys.up = False
    for _ in range(3):
        assert (await edge.verify(keys.token("k1"))).sub == "u1"
        await asyncio.sleep(0.05)
    assert keys.requests >= 2  # the background refresh did try, and failed


async def test_a_key_we_could_not_fetch_is_503_with_retry_after_then_backs_off(
    keys: Keys, verifier: Make
) -> None:
    keys.up = False
    edge = verifier(backoff_initial_s=0.3, backoff_max_s=0.6)
    first = await refused(edge, keys.token("k1"))
    assert (first.code, first.status) == ("JWKS_UNAVAILABLE", 503)
    assert int(first.headers["retry-after"]) >= 1
    again = await refused(edge, keys.token("k1"))  # within the backoff: identity not asked
    assert (again.code, keys.requests) == ("JWKS_UNAVAILABLE", 1)
    await asyncio.sleep(0.35)
    await refused(edge, keys.token("k1"))  # second failure: the backoff doubles to 0.6 s
    assert keys.requests == 2
    keys.up = True
    await asyncio.sleep(0.3)
    still = await refused(edge, keys.token("k1"))  # still backing off: identity not asked
    assert (still.code, keys.requests) == ("JWKS_UNAVAILABLE", 2)
    await asyncio.sleep(0.4)
    assert (await edge.verify(keys.token("k1"))).sub == "u1"  # then it recovers
    assert keys.requests == 3
