"""Access tokens (RS256 JWTs the router verifies via JWKS) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from subgraphs.identity.keys import SigningKey, public_jwk


@dataclass(frozen=True, slots=True)
class AccessTokens:
    """Issues short-lived access tokens: iss, aud, sub, iat, exp, scope; ``kid`` in the header."""

    key: SigningKey
    issuer: str
    audience: str
    ttl_seconds: int
    previous: tuple[rsa.RSAPublicKey, ...] = ()
    """Keys that signed earlier tokens, published until those expire (rotation)."""

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
        """The current key first, then the previous ones (a key is listed once)."""
        keys = [self.key.public_jwk()]
        for previous in self.previous:
            jwk = public_jwk(previous)
            if jwk["kid"] not in {k["kid"] for k in keys}:
                keys.append(jwk)
        return {"keys": keys}


def new_refresh_token() -> str:
    """A random refresh token; the client keeps it, the database keeps only its hash."""
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
