"""Typed settings every subgraph reads from its environment when its app is built.

Settings are read when the service starts (``ServiceSettings()``), never at import, so tests
and tools build them explicitly. Defaults are safe for development; the shared internal
secret's development default is refused in production, and beyond loopback in any environment
(``check_listen_host``, called by ``serve`` before it binds).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.internal_claims import (
    DEVELOPMENT_SECRET,
    check_listen_secret,
    check_production_secret,
)

Environment = Literal["development", "production"]


class ServiceSettings(BaseSettings):
    """What every subgraph needs: its database, the router's secret, where Kafka is."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str
    """SQLAlchemy asyncpg URL of this subgraph's own database."""
    internal_secret: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    """HS256 secret shared with the router for the ``x-supergraph-claims`` header."""
    environment: Environment = "development"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"

    @classmethod
    def from_environment(cls) -> Self:
        """Read the settings from the environment (what ``python -m subgraphs.<name>`` does)."""
        return cls()  # type: ignore[call-arg]  # required fields come from the environment

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def check_listen_host(self, host: str) -> None:
        """Raise ``ValueError`` when the secret is too weak to listen on ``host`` (anything
        but loopback), whatever ``environment`` says."""
        check_listen_secret(self.internal_secret.get_secret_value(), host)

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> Self:
        if self.production:
            check_production_secret(self.internal_secret.get_secret_value())
        return self
