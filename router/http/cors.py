"""Which browser origins may call the router, as Starlette's ``CORSMiddleware``.

Nothing is allowed unless listed: exact origins, and optionally one regular expression matched
against the whole origin. Credentials (cookies) are off by default: clients authenticate with
a bearer token, which a page sends explicitly and a browser never attaches on its own. The
allowed request headers include the CSRF ones (router/http/csrf.py), so a listed origin's
multipart or GET requests pass both checks; PUT, DELETE and the stream token header are
graphql-sse's single connection mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from router.pipeline.demand_control import EXPOSE_COST_HEADER
from router.protocols.graphql_sse.messages import TOKEN_HEADER

DEVELOPMENT_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?"
"""Any port on the loopback names: a frontend dev server (Vite, Next, Storybook) wherever it
listens. A site elsewhere cannot have such an origin."""

ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-expose-query-plan",
    EXPOSE_COST_HEADER,
    TOKEN_HEADER,
)
EXPOSED_HEADERS = ("retry-after",)
"""Read by clients on 429 (rate limits)."""


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    allow_origins: tuple[str, ...] = ()
    allow_origin_regex: str | None = None
    allow_credentials: bool = False
    extra_allowed_headers: tuple[str, ...] = ()
    """The CSRF headers, which depend on configuration."""

    def __post_init__(self) -> None:
        if "*" in self.allow_origins and self.allow_credentials:
            raise ValueError(
                "CORS_ALLOW_CREDENTIALS with '*' would let every site act as its visitors;"
                " list the origins instead"
            )
        if self.allow_origin_regex is not None:
            try:
                re.compile(self.allow_origin_regex)
            except re.error as exc:
                raise ValueError(f"CORS_ALLOW_ORIGIN_REGEX does not compile: {exc}") from exc

    def middleware(self) -> Middleware:
        return Middleware(
            CORSMiddleware,
            allow_origins=self.allow_origins,
            allow_origin_regex=self.allow_origin_regex,
            allow_credentials=self.allow_credentials,
            allow_methods=("GET", "POST", "PUT", "DELETE"),  # PUT, DELETE: graphql-sse
            allow_headers=tuple(dict.fromkeys(ALLOWED_HEADERS + self.extra_allowed_headers)),
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )


def parse_origins(raw: str) -> tuple[str, ...]:
    """``CORS_ALLOW_ORIGINS``: comma-separated origins (``https://app.example.com``)."""
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"[a-z][a-z0-9+.-]*://[^/\s]+", origin):
            raise ValueError(
                f"CORS_ALLOW_ORIGINS: {origin!r} is not an origin (scheme://host[:port])"
            )
    return origins
