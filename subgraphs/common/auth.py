"""Subgraphs trust only the router: every request must carry its signed claims header.

``InternalClaimsMiddleware`` verifies ``x-supergraph-claims`` with the router's contract
(``contracts.internal_claims.verify``) before anything else runs and leaves the ``Claims``
in the request state; the context getter hands them to resolvers. Each subgraph accepts only
tokens minted for its own audience, so a token captured at one subgraph opens no other. Probes and
``/.well-known/*`` stay open because the router and orchestrators call them without claims.
"""

from __future__ import annotations

from uuid import UUID

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.internal_claims import HEADER, Claims, InvalidInternalClaims, verify
from subgraphs.common.errors import Unauthenticated

EXEMPT_PATHS = frozenset({"/health", "/ready"})
EXEMPT_PREFIXES = ("/.well-known/",)
CLAIMS_STATE_KEY = "claims"

_HEADER_BYTES = HEADER.encode("latin-1")
_UNAUTHENTICATED_BODY = orjson.dumps(
    {
        "errors": [
            {
                "message": "Missing or invalid internal claims header; "
                "subgraphs only answer the router.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
)


def is_exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


class InternalClaimsMiddleware:
    """Refuse HTTP requests (401, GraphQL-shaped body) and websockets without valid claims."""

    def __init__(self, app: ASGIApp, *, secret: str, service: str) -> None:
        self.app = app
        self.secret = secret
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or is_exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            claims = verify(_header(scope), self.secret, service=self.service)
        except InvalidInternalClaims:
            if scope["type"] == "http":
                await _send_unauthenticated(send)
            else:  # closing before accept makes the server answer the upgrade with 403
                await send({"type": "websocket.close", "code": 4401})
            return
        scope.setdefault("state", {})[CLAIMS_STATE_KEY] = claims
        await self.app(scope, receive, send)


def _header(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER_BYTES:
            return str(value.decode("latin-1"))
    return None


async def _send_unauthenticated(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_UNAUTHENTICATED_BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _UNAUTHENTICATED_BODY})


def require_user_id(claims: Claims) -> UUID:
    """The caller's user id, or UNAUTHENTICATED for anonymous (or malformed) subjects."""
    if claims.sub is None:
        raise Unauthenticated()
    try:
        return UUID(claims.sub)
    except ValueError as exc:
        raise Unauthenticated("The caller's subject is not a user id.") from exc


def caller_user_id(claims: Claims) -> UUID | None:
    """The caller's user id, or None for anonymous callers."""
    return None if claims.sub is None else require_user_id(claims)
