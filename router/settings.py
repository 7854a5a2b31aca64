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

from router.edge.internal_claims import DEVELOPMENT_SECRET, check_production_secret

_URL_OVERRIDE_PREFIX = "SUBGRAPH_URL_"


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    supergraph_path: str = "schema/supergraph.graphql"
    host: str = "127.0.0.1"
    port: int = 4000
    environment: Literal["development", "production"] = "development"
    internal_secret: str = DEVELOPMENT_SECRET
    jwks_url: str = "http://127.0.0.1:4001/.well-known/jwks.json"
    jwt_issuer: str = "supergraph-identity"
    jwt_audience: str = "supergraph"
    subgraph_timeout_seconds: float = 30.0
    plan_cache_size: int = 1000
    max_request_bytes: int = 1_000_000
    graphiql: bool = True

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> RouterSettings:
        if self.environment == "production":
            check_production_secret(self.internal_secret)
        return self


def subgraph_url_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``SUBGRAPH_URL_<NAME>`` variables, keyed by lower-case subgraph name."""
    env = os.environ if environ is None else environ
    return {
        key[len(_URL_OVERRIDE_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(_URL_OVERRIDE_PREFIX) and value
    }
