"""The signed header that carries verified claims from the router to subgraphs.

Only the router is public. It verifies the client's JWT and forwards what it learned in a
short-lived HS256 token signed with a secret shared with the subgraphs, so a subgraph never
trusts a raw client header. Every request the router sends carries this header, also for
anonymous callers (``sub`` is then ``None``); a subgraph refuses requests without a valid one.

This module is the whole contract: subgraphs import ``verify`` from here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt

HEADER = "x-supergraph-claims"
AUDIENCE = "supergraph-subgraphs"
ISSUER = "supergraph-router"
DEVELOPMENT_SECRET = "development-only-internal-secret-change-me"
"""Default for local runs; ``check_production_secret`` refuses it."""
MIN_SECRET_LENGTH = 32
"""HS256 wants a key at least as long as its 256-bit hash."""

_ALGORITHM = "HS256"
_LIFETIME_S = 60


class InvalidInternalClaims(Exception):
    """The header is missing, forged, expired or malformed."""


@dataclass(frozen=True, slots=True)
class Claims:
    """Who is calling, as the router verified it. ``sub`` is None for anonymous callers."""

    sub: str | None = None
    scopes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.sub is not None


ANONYMOUS = Claims()


def check_production_secret(secret: str) -> None:
    """Raise ``ValueError`` unless ``secret`` is fit for production (router and subgraphs)."""
    if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"INTERNAL_SECRET must be a real secret of at least {MIN_SECRET_LENGTH} "
            "characters in production"
        )


def sign(claims: Claims, secret: str, *, now: float | None = None) -> str:
    """Return the header value for ``claims``; valid for one minute."""
    issued = int(time.time() if now is None else now)
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + _LIFETIME_S,
        "scopes": list(claims.scopes),
        "extra": claims.extra,
    }
    if claims.sub is not None:  # JWT requires a string subject; anonymous callers have none
        payload["sub"] = claims.sub
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


def verify(value: str | None, secret: str) -> Claims:
    """Return the claims in a header value, or raise ``InvalidInternalClaims``."""
    if not value:
        raise InvalidInternalClaims("missing internal claims header")
    try:
        payload = jwt.decode(
            value,
            secret,
            algorithms=[_ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "aud", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidInternalClaims(f"invalid internal claims header: {exc}") from exc
    sub = payload.get("sub")
    scopes = payload.get("scopes") or []
    extra = payload.get("extra") or {}
    if not (sub is None or isinstance(sub, str)) or not isinstance(scopes, list):
        raise InvalidInternalClaims("invalid internal claims header: bad claim types")
    return Claims(
        sub=sub,
        scopes=tuple(str(s) for s in scopes),
        extra=extra if isinstance(extra, dict) else {},
    )
