"""The signed header that carries verified claims from the router to subgraphs.

Only the router is public. It verifies the client's JWT and forwards what it learned in a
short-lived HS256 token signed with a secret shared with the subgraphs, so a subgraph never
trusts a raw client header. Every request the router sends carries this header, also for
anonymous callers (``sub`` is then ``None``); a subgraph refuses requests without a valid one.

Tokens are signed per subgraph fetch, at send time, for one audience per subgraph
(``supergraph-subgraph:<name>``): a token a subgraph receives cannot be replayed against
another, and a long request (or a subscription) never carries a token minted when it began.
``InternalClaimsSigner`` keeps signing off the hot path by reusing a token for part of its
lifetime (docs/adr/0002-signed-internal-claims.md).

This module is the whole contract: the router imports ``sign``, subgraphs ``verify``.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
import orjson

HEADER = "x-supergraph-claims"
AUDIENCE_PREFIX = "supergraph-subgraph:"
ISSUER = "supergraph-router"
DEVELOPMENT_SECRET = "development-only-internal-secret-change-me"
"""Default for local runs; refused in production and beyond loopback (``check_secret``)."""
MIN_SECRET_LENGTH = 32
"""HS256 wants a key at least as long as its 256-bit hash."""
LIFETIME_S = 30
"""How long a signed header is valid: long enough for one subgraph fetch to arrive."""
LEEWAY_S = 5
"""Clock skew a subgraph tolerates between its clock and the router's."""

_ALGORITHM = "HS256"


class InvalidInternalClaims(Exception):
    """The header is missing, forged, expired, for another subgraph or malformed."""


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


def audience(service: str) -> str:
    """The audience of tokens for subgraph ``service``; only that subgraph accepts them."""
    return f"{AUDIENCE_PREFIX}{service}"


def check_production_secret(secret: str) -> None:
    """Raise ``ValueError`` unless ``secret`` is fit for production (router and subgraphs)."""
    if not is_real_secret(secret):
        raise ValueError(
            f"INTERNAL_SECRET must be a real secret of at least {MIN_SECRET_LENGTH} "
            "characters in production"
        )


def is_real_secret(secret: str) -> bool:
    return secret != DEVELOPMENT_SECRET and len(secret) >= MIN_SECRET_LENGTH


def is_loopback_host(host: str) -> bool:
    """Whether a listen address only accepts local connections (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name other than localhost, or 0.0.0.0-like wildcards below
        return False


def check_listen_secret(secret: str, host: str) -> None:
    """Raise ``ValueError`` when a weak secret would be served beyond loopback.

    Whatever ``ENVIRONMENT`` says: with the development secret anyone who can reach a
    subgraph can forge claims, so it may only listen where nobody else can connect.
    """
    if not is_real_secret(secret) and not is_loopback_host(host):
        raise ValueError(
            f"refusing to listen on {host!r} with the development (or a short) INTERNAL_SECRET: "
            f"set INTERNAL_SECRET to a random value of at least {MIN_SECRET_LENGTH} characters "
            "(for example `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), "
            "or listen on 127.0.0.1"
        )


def sign(
    claims: Claims,
    secret: str,
    *,
    service: str,
    now: float | None = None,
    lifetime_s: int = LIFETIME_S,
) -> str:
    """Return the header value for ``claims``, for subgraph ``service`` only."""
    issued = int(time.time() if now is None else now)
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": audience(service),
        "iat": issued,
        "exp": issued + lifetime_s,
        "scopes": list(claims.scopes),
        "extra": claims.extra,
    }
    if claims.sub is not None:  # JWT requires a string subject; anonymous callers have none
        payload["sub"] = claims.sub
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


def verify(value: str | None, secret: str, *, service: str, leeway_s: float = LEEWAY_S) -> Claims:
    """Return the claims in a header value meant for ``service``, or raise
    ``InvalidInternalClaims``."""
    if not value:
        raise InvalidInternalClaims("missing internal claims header")
    try:
        payload = jwt.decode(
            value,
            secret,
            algorithms=[_ALGORITHM],
            audience=audience(service),
            issuer=ISSUER,
            leeway=leeway_s,
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


class InternalClaimsSigner:
    """Signs claims for one subgraph at send time, reusing a token for half its lifetime.

    HS256 signing costs about 20 us; a cache hit costs one small ``orjson.dumps`` and a dict
    lookup (docs/adr/0002-signed-internal-claims.md has the figures). A reused token still has
    at least half its lifetime left when sent, so it never expires in flight.
    """

    def __init__(
        self, secret: str, *, lifetime_s: int = LIFETIME_S, max_entries: int = 10_000
    ) -> None:
        self.secret = secret
        self.lifetime_s = lifetime_s
        self.reuse_s = lifetime_s / 2
        self.max_entries = max_entries
        self._cache: dict[tuple[str, str | None, tuple[str, ...], bytes], _Signed] = {}

    def headers_for(
        self, service: str, claims: Claims, *, now: float | None = None
    ) -> Mapping[str, str]:
        """The headers a request to ``service`` on behalf of ``claims`` carries."""
        current = time.time() if now is None else now
        key = (service, claims.sub, claims.scopes, orjson.dumps(claims.extra, option=_SORTED))
        cached = self._cache.get(key)
        if cached is not None and current - cached.issued_at < self.reuse_s:
            return cached.headers
        issued = int(current)  # what ``iat`` says, so the reuse window is exact
        token = sign(claims, self.secret, service=service, now=issued, lifetime_s=self.lifetime_s)
        if cached is not None:
            del self._cache[key]  # re-inserted last: eviction below drops the oldest first
        elif len(self._cache) >= self.max_entries:
            del self._cache[next(iter(self._cache))]
        signed = _Signed({HEADER: token}, issued)
        self._cache[key] = signed
        return signed.headers


_SORTED = orjson.OPT_SORT_KEYS


@dataclass(frozen=True, slots=True)
class _Signed:
    headers: Mapping[str, str]
    issued_at: int
