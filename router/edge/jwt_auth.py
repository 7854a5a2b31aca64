"""Verifies client bearer tokens at the edge against the identity service's JWKS.

A request without ``Authorization`` is anonymous; a request with a token that is expired,
forged, for another audience or issuer, or unverifiable is refused with UNAUTHENTICATED
(HTTP 401), as Apollo Router does. Keys are cached and refreshed when an unknown ``kid``
appears, at most once per ``min_refresh_s`` so a flood of forged kids cannot hammer identity.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt

from router.edge.internal_claims import ANONYMOUS, Claims
from router.errors import UNAUTHENTICATED, RequestError

_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


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
        leeway_s: float = 5.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.min_refresh_s = min_refresh_s
        self.leeway_s = leeway_s
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

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
            return key
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.min_refresh_s:
                await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise _unauthenticated("Invalid token: unknown signing key.")
        return key

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._client.get(self.jwks_url)
            response.raise_for_status()
            key_set = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise RequestError(
                "Cannot verify token: the key set is unavailable.", UNAUTHENTICATED, status=401
            ) from exc
        self._keys = {k.key_id: k.key for k in key_set.keys if k.key_id}

    async def aclose(self) -> None:
        await self._client.aclose()


def _unauthenticated(message: str) -> RequestError:
    return RequestError(message, UNAUTHENTICATED, status=401)
