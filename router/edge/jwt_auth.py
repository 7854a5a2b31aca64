"""Verifies client bearer tokens at the edge against the identity service's JWKS.

A request without ``Authorization`` is anonymous; a request with a token that is expired,
forged, for another audience or issuer, or signed by a key the JWKS does not hold is refused
with UNAUTHENTICATED (HTTP 401), as Apollo Router does.

The key set is cached by ``kid`` and may hold several keys (identity publishes the current
and the previous one while it rotates). It is fetched again when a token names an unknown
``kid`` (at most once per ``min_refresh_s``, so a flood of forged kids cannot hammer identity)
and in the background once it is older than ``max_age_s`` (so a retired key stops working).

When the JWKS cannot be fetched, that is the platform's fault, not the client's: tokens
signed by cached keys keep verifying (Apollo Router also keeps its last good key set), and a
token that needs a key we could not fetch is answered 503 JWKS_UNAVAILABLE with
``Retry-After`` instead of a 401 that would log the user out. Failed fetches back off
exponentially from ``backoff_initial_s`` to ``backoff_max_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from typing import Any

import httpx
import jwt

from contracts.internal_claims import ANONYMOUS, Claims
from router.errors import JWKS_UNAVAILABLE, UNAUTHENTICATED, RequestError

_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
_log = logging.getLogger("router.jwks")


class JwksVerifier:
    """Verifies RS/ES/PS-signed JWTs; keys come from a JWKS URL."""

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        client: httpx.AsyncClient | None = None,
        min_refresh_s: float = 10.0,
        max_age_s: float = 300.0,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
        leeway_s: float = 5.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.min_refresh_s = min_refresh_s
        self.max_age_s = max_age_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.leeway_s = leeway_s
        self.fetches = 0
        self.fetch_failures = 0
        """Attempts to fetch the JWKS, and those that failed (``/metrics``)."""
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, Any] = {}
        self._loaded_at = float("-inf")
        """When the cached key set was last fetched successfully."""
        self._next_attempt = float("-inf")
        self._failures = 0
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None

    async def claims_for(self, authorization: str | None) -> Claims:
        """Claims of the caller: anonymous without a header, else a verified token's."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("Authorization header must be 'Bearer <token>'.")
        return await self.verify(token.strip())

    async def verify(self, token: str) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthenticated("Invalid token: malformed JWT.") from exc
        if header.get("alg") not in _ALGORITHMS:
            raise _unauthenticated("Invalid token: unsupported algorithm.")
        key = await self._key(str(header.get("kid", "")))
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=_ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise _unauthenticated("Invalid token: expired.") from exc
        except jwt.PyJWTError as exc:
            raise _unauthenticated(f"Invalid token: {exc}.") from exc
        scope = payload.get("scope") or ""
        scopes = tuple(scope.split()) if isinstance(scope, str) else ()
        return Claims(sub=str(payload["sub"]), scopes=scopes)

    async def _key(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            self._refresh_in_background_when_stale()
            return key
        async with self._lock:  # one fetch for a burst of tokens with the same new kid
            if kid not in self._keys and time.monotonic() >= self._next_attempt:
                await self._refresh()
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._failures:
            raise self._unavailable()
        raise _unauthenticated("Invalid token: unknown signing key.")

    def _refresh_in_background_when_stale(self) -> None:
        now = time.monotonic()
        if now - self._loaded_at < self.max_age_s or now < self._next_attempt:
            return
        if self._background is None or self._background.done():
            self._background = asyncio.create_task(self._refresh_locked())

    async def _refresh_locked(self) -> None:
        async with self._lock:
            if time.monotonic() >= self._next_attempt:
                await self._refresh()

    async def _refresh(self) -> None:
        """Fetch the key set; on failure keep the cached keys and back off."""
        self.fetches += 1
        now = time.monotonic()
        try:
            response = await self._client.get(self.jwks_url)
            response.raise_for_status()
            key_set = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            self.fetch_failures += 1
            self._failures += 1
            delay = min(self.backoff_initial_s * 2 ** (self._failures - 1), self.backoff_max_s)
            self._next_attempt = time.monotonic() + delay
            _log.warning(
                "cannot fetch the JWKS from %s (%s: %s); %d cached keys stay in use, "
                "next attempt in %.1f s",
                self.jwks_url,
                type(exc).__name__,
                exc,
                len(self._keys),
                delay,
            )
            return
        self._keys = {k.key_id: k.key for k in key_set.keys if k.key_id}
        self._failures = 0
        self._loaded_at = now
        self._next_attempt = now + self.min_refresh_s

    def _unavailable(self) -> RequestError:
        retry_after = max(1, math.ceil(self._next_attempt - time.monotonic()))
        return RequestError(
            "Cannot verify the token now: the signing keys are unavailable. Retry later.",
            JWKS_UNAVAILABLE,
            status=503,
            headers={"retry-after": str(retry_after)},
        )

    async def aclose(self) -> None:
        if self._background is not None:
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._background
        await self._client.aclose()


def _unauthenticated(message: str) -> RequestError:
    return RequestError(message, UNAUTHENTICATED, status=401)
