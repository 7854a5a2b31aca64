"""Settings are safe by default and refuse development secrets in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from contracts.internal_claims import DEVELOPMENT_SECRET
from subgraphs.common.settings import ServiceSettings
from subgraphs.identity.settings import IdentitySettings

URL = "postgresql+asyncpg://postgres@/x?host=/tmp"
REAL_SECRET = "a-production-secret-of-forty-characters!"


def test_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    for name in ("INTERNAL_SECRET", "ENVIRONMENT", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)

    settings = ServiceSettings.from_environment()

    assert settings.database_url == URL
    assert settings.internal_secret.get_secret_value() == DEVELOPMENT_SECRET
    assert settings.environment == "development"
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "short-secret"])
def test_production_refuses_a_development_or_short_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="INTERNAL_SECRET"):
        ServiceSettings(
            database_url=URL, environment="production", internal_secret=SecretStr(secret)
        )


def test_production_accepts_a_real_secret() -> None:
    settings = ServiceSettings(
        database_url=URL, environment="production", internal_secret=SecretStr(REAL_SECRET)
    )

    assert settings.production


def test_identity_production_requires_an_explicit_key_file() -> None:
    with pytest.raises(ValidationError, match="JWT_PRIVATE_KEY_FILE"):
        IdentitySettings(
            database_url=URL, environment="production", internal_secret=SecretStr(REAL_SECRET)
        )
    settings = IdentitySettings(
        database_url=URL,
        environment="production",
        internal_secret=SecretStr(REAL_SECRET),
        jwt_private_key_file=Path("/run/secrets/jwt.pem"),
    )
    assert str(settings.jwt_private_key_file) == "/run/secrets/jwt.pem"


@pytest.mark.parametrize("environment", ["development", "production"])
def test_a_weak_secret_may_only_listen_on_loopback(environment: str) -> None:
    weak = ServiceSettings(database_url=URL, internal_secret=SecretStr("short-secret"))
    real = ServiceSettings(
        database_url=URL, environment=environment, internal_secret=SecretStr(REAL_SECRET)
    )
    for host in ("127.0.0.1", "::1", "localhost"):
        weak.check_listen_host(host)
    for host in ("0.0.0.0", "10.1.2.3", "profiles"):
        with pytest.raises(ValueError, match="refusing to listen"):
            weak.check_listen_host(host)
        real.check_listen_host(host)
