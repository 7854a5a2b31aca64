"""Router configuration, from the environment (and CLI flags, which win).

Subgraph URLs come from the supergraph; ``SUBGRAPH_URL_<NAME>`` overrides one (for example
``SUBGRAPH_URL_IDENTITY=http://identity:4001/graphql`` in compose.yaml), as Apollo Router's
``override_subgraph_url`` does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.internal_claims import (
    DEVELOPMENT_SECRET,
    check_listen_secret,
    check_production_secret,
)
from contracts.services import DEV_HOST, service
from router.edge.rate_limit import EdgeRateLimits, RateRule, build_edge_rate_limits
from router.engine import EngineConfig
from router.http.cors import DEVELOPMENT_ORIGIN_REGEX, CorsPolicy, parse_origins
from router.http.csrf import DEFAULT_REQUIRED_HEADERS, CsrfPolicy, parse_required_headers
from router.http.sse import SseSettings
from router.pipeline.demand_control import DEFAULT_MAX_COST, DemandControl
from router.pipeline.limits import OperationLimits
from router.pipeline.parse import ParserLimits
from router.pipeline.persisted import DEFAULT_APQ_MAX_BYTES, PersistedConfig
from router.supergraph.cost import DEFAULT_LIST_SIZE

_URL_OVERRIDE_PREFIX = "SUBGRAPH_URL_"
_PARSER, _LIMITS = ParserLimits(), OperationLimits()


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    supergraph_path: str = "schema/supergraph.graphql"
    host: str = "127.0.0.1"
    port: int = 4000
    environment: Literal["development", "production"] = "development"
    internal_secret: str = DEVELOPMENT_SECRET
    jwks_url: str = f"http://{DEV_HOST}:{service('identity').port}/.well-known/jwks.json"
    """Identity's JWKS where `supergraph dev` runs it (``contracts.services``)."""
    jwt_issuer: str = "supergraph-identity"
    jwt_audience: str = "supergraph"
    subgraph_timeout_seconds: float = 30.0
    max_request_bytes: int = 2_000_000
    max_get_query_bytes: int = 32_768
    # limits: defaults live beside the code that enforces them (docs/configuration.md)
    parser_max_tokens: int = _PARSER.max_tokens
    parser_max_recursion: int = _PARSER.max_recursion
    max_depth: int = _LIMITS.max_depth
    max_height: int = _LIMITS.max_height
    max_aliases: int = _LIMITS.max_aliases
    max_root_fields: int = _LIMITS.max_root_fields
    max_selections: int = _LIMITS.max_selections
    max_directives: int = _LIMITS.max_directives
    max_field_merges: int = _LIMITS.max_field_merges
    document_cache_mb: int = 64
    plan_cache_mb: int = 64
    introspection: bool | None = None
    """None: on in development, off in production."""
    graphiql: bool | None = None
    """None: on in development, off in production."""
    expose_query_plan: bool | None = None
    """None: the ``apollo-expose-query-plan`` header works in development only."""
    metrics_listener: Literal["main", "separate", "off"] | None = None
    """Where ``/metrics`` is served. None: on the public listener in development, on its own
    listener (``metrics_host``:``metrics_port``) in production, where the public one must
    not tell strangers what the router does."""
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9090
    demand_control_mode: Literal["off", "measure", "enforce"] = "enforce"
    demand_control_max_cost: int = DEFAULT_MAX_COST
    demand_control_list_size: int = DEFAULT_LIST_SIZE
    apq_enabled: bool = True
    apq_max_bytes: int = DEFAULT_APQ_MAX_BYTES
    safelist_path: str | None = None
    safelist_require_id: bool = False
    rate_limit_enabled: bool | None = None
    """None: on in production, off in development (benchmarks and audits run from loopback)."""
    rate_limit_per_address: str = "50/s burst 100"
    rate_limit_per_user: str = "20/s burst 40"
    rate_limit_redis_url: str | None = None
    rate_limit_redis_failure: Literal["open", "closed"] = "open"
    rate_limit_max_keys: int = 100_000
    trusted_proxies: str = ""
    ws_init_timeout_seconds: float = 10.0
    """graphql-transport-ws: close 4408 when no ``connection_init`` was acknowledged by then."""
    ws_max_operations: int = 100
    ws_keepalive_seconds: float = 12.0
    ws_compression: bool = False
    """permessage-deflate on the WebSocket (off: it costs a quarter of fan-out CPU)."""
    max_subscriptions: int = 10_000
    max_subscriptions_per_caller: int = 100
    """graphql-transport-ws: operations one connection may run at once."""
    sse_keep_alive_seconds: float = 12.0
    """GraphQL over SSE: a comment line (``:``) when a stream was idle this long."""
    sse_reservation_timeout_seconds: float = 30.0
    """graphql-sse single connection mode: a reservation (PUT) nobody connects to expires."""
    sse_max_operations: int = 100
    """graphql-sse single connection mode: operations one stream may run at once."""
    sse_max_reservations: int = 10
    """graphql-sse single connection mode: open reservations per user (anonymous: per address)."""
    multipart_heartbeat_seconds: float = 5.0
    """Multipart subscriptions: a ``{}`` part when a stream was idle this long (Apollo: 5 s)."""
    # HTTP conventions (router/http/): CSRF prevention and CORS, docs/graphql-over-http.md.
    csrf_prevention: bool = True
    csrf_required_headers: str = ",".join(DEFAULT_REQUIRED_HEADERS)
    cors_allow_origins: str | None = None
    """Comma-separated origins. None (with no regex): loopback origins in development only."""
    cors_allow_origin_regex: str | None = None
    cors_allow_credentials: bool = False

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> RouterSettings:
        if self.environment == "production":
            check_production_secret(self.internal_secret)
        check_listen_secret(self.internal_secret, self.host)
        return self

    @model_validator(mode="after")
    def _check_http_conventions(self) -> RouterSettings:
        self.csrf_policy()
        self.cors_policy()
        return self

    def csrf_policy(self) -> CsrfPolicy:
        return CsrfPolicy(
            enabled=self.csrf_prevention,
            required_headers=parse_required_headers(self.csrf_required_headers),
        )

    def cors_policy(self) -> CorsPolicy:
        origins, regex = self.cors_allow_origins, self.cors_allow_origin_regex
        if origins is None and regex is None and self.environment == "development":
            regex = DEVELOPMENT_ORIGIN_REGEX
        return CorsPolicy(
            allow_origins=parse_origins(origins or ""),
            allow_origin_regex=regex or None,
            allow_credentials=self.cors_allow_credentials,
            extra_allowed_headers=self.csrf_policy().required_headers,
        )

    def sse_settings(self) -> SseSettings:
        return SseSettings(
            keep_alive_s=self.sse_keep_alive_seconds,
            reservation_ttl_s=self.sse_reservation_timeout_seconds,
            max_operations=self.sse_max_operations,
            max_reservations=self.sse_max_reservations,
        )

    def development_default(self, value: bool | None) -> bool:
        """An on/off switch left unset follows the environment: on only in development."""
        return self.environment == "development" if value is None else value

    def metrics_on(self) -> Literal["main", "separate", "off"]:
        """Where ``/metrics`` is served, once the environment's default is applied."""
        if self.metrics_listener is not None:
            return self.metrics_listener
        return "main" if self.environment == "development" else "separate"

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            parser=ParserLimits(
                max_tokens=self.parser_max_tokens, max_recursion=self.parser_max_recursion
            ),
            operation=OperationLimits(
                max_depth=self.max_depth,
                max_height=self.max_height,
                max_aliases=self.max_aliases,
                max_root_fields=self.max_root_fields,
                max_selections=self.max_selections,
                max_directives=self.max_directives,
                max_field_merges=self.max_field_merges,
            ),
            document_cache_bytes=self.document_cache_mb << 20,
            plan_cache_bytes=self.plan_cache_mb << 20,
            introspection=self.development_default(self.introspection),
            max_subscriptions=self.max_subscriptions,
            max_subscriptions_per_caller=self.max_subscriptions_per_caller,
            demand_control=DemandControl(
                mode=self.demand_control_mode,
                max_cost=self.demand_control_max_cost,
                list_size=self.demand_control_list_size,
            ),
            persisted=PersistedConfig(
                apq=self.apq_enabled,
                safelist_path=self.safelist_path,
                require_id=self.safelist_require_id,
                max_bytes=self.apq_max_bytes,
            ),
        )

    def edge_rate_limits(self) -> EdgeRateLimits | None:
        """The router's rate limits, or None when they are off."""
        enabled = self.rate_limit_enabled
        if not (self.environment == "production" if enabled is None else enabled):
            return None
        return build_edge_rate_limits(
            per_address=RateRule.parse(self.rate_limit_per_address),
            per_user=RateRule.parse(self.rate_limit_per_user),
            redis_url=self.rate_limit_redis_url,
            failure_mode=self.rate_limit_redis_failure,
            max_keys=self.rate_limit_max_keys,
        )


def subgraph_url_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``SUBGRAPH_URL_<NAME>`` variables, keyed by lower-case subgraph name."""
    env = os.environ if environ is None else environ
    return {
        key[len(_URL_OVERRIDE_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(_URL_OVERRIDE_PREFIX) and value
    }
