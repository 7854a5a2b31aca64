"""Identity's settings: the shared ones plus the token signing key and lifetimes."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import PositiveInt, model_validator

from subgraphs.common.settings import ServiceSettings

DEVELOPMENT_KEY_FILE = Path(".data/identity/jwt-private-key.pem")


class IdentitySettings(ServiceSettings):
    jwt_private_key_file: Path = DEVELOPMENT_KEY_FILE
    """PEM RSA private key signing access tokens; generated here in development if missing."""
    jwt_previous_public_key_file: Path | None = None
    """PEM of the key that signed tokens before the last rotation (public, or the old private
    key file): published in the JWKS so those tokens verify until they expire."""
    jwt_issuer: str = "supergraph-identity"
    jwt_audience: str = "supergraph"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 2_592_000
    login_max_failures_per_email: PositiveInt = 5
    """Failed logins (and sign-ups of an existing email) per email per window."""
    login_max_failures_per_address: PositiveInt = 50
    """Failed attempts per client address per window; high because schools share a NAT."""
    login_failure_window_seconds: PositiveInt = 900
    max_credential_fields: PositiveInt = 1
    """login/signUp fields one operation may carry (aliases and fragments count)."""

    @model_validator(mode="after")
    def _require_key_file_in_production(self) -> Self:
        if self.production and "jwt_private_key_file" not in self.model_fields_set:
            raise ValueError("JWT_PRIVATE_KEY_FILE must be set in production")
        return self
