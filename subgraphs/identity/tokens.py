"""Access tokens (RS256 JWTs the router verifies via JWKS) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from subgraphs.identity.keys import SigningKey


@dataclass(frozen=True, slots=True)
class AccessTokens:
    """Issues short-lived access tokens: iss, aud, sub, iat, exp, scope; ``kid`` in the header."""

    key: SigningKey
    issuer: str
    audience: str
    ttl_seconds: int

    def issue(self, subject: str, scope: str = "", *, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": issued,
            "exp": issued + self.ttl_seconds,
            "scope": scope,
        }
        return jwt.encode(
            claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.kid}
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk()]}


def new_refresh_token() -> str:
    """A random refresh token; the client keeps it, the database keeps only its hash."""
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
