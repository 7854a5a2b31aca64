"""Router settings: safe development defaults, refused where they are secrets in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from pydantic import ValidationError

from contracts.internal_claims import DEVELOPMENT_SECRET
from router.http.cors import DEVELOPMENT_ORIGIN_REGEX
from router.settings import RouterSettings, subgraph_url_overrides


def test_development_defaults_need_no_configuration() -> None:
    assert RouterSettings().internal_secret == DEVELOPMENT_SECRET


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "too-short"])
def test_production_refuses_default_or_weak_internal_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="INTERNAL_SECRET"):
        RouterSettings(environment="production", internal_secret=secret)


def test_production_accepts_a_real_secret() -> None:
    settings = RouterSettings(environment="production", internal_secret="s" * 40)
    assert settings.environment == "production"


def test_subgraph_url_overrides_come_from_prefixed_variables() -> None:
    environ = {"SUBGRAPH_URL_IDENTITY": "http://identity:4001/graphql", "OTHER": "x"}
    assert subgraph_url_overrides(environ) == {"identity": "http://identity:4001/graphql"}


@pytest.mark.parametrize("environment", ["development", "production"])
@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "too-short"])
def test_a_weak_secret_is_refused_beyond_loopback_in_any_environment(
    environment: str, secret: str
) -> None:
    with pytest.raises(ValidationError, match="INTERNAL_SECRET"):
        RouterSettings(host="0.0.0.0", environment=environment, internal_secret=secret)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_the_development_secret_may_listen_on_loopback(host: str) -> None:
    assert RouterSettings(host=host).internal_secret == DEVELOPMENT_SECRET


def test_a_real_secret_may_listen_anywhere() -> None:
    assert RouterSettings(host="0.0.0.0", internal_secret="s" * 40).host == "0.0.0.0"


def test_supergraph_router_says_why_it_will_not_start() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "supergraph.cli", "router", "--supergraph", "none.graphql",
         "--host", "0.0.0.0"],
        env={**os.environ, "INTERNAL_SECRET": DEVELOPMENT_SECRET, "ENVIRONMENT": "development"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("router: error: refusing to listen on '0.0.0.0'")
    assert "Traceback" not in done.stderr


def test_cors_defaults_to_loopback_origins_in_development_only() -> None:
    development = RouterSettings().cors_policy()
    assert development.allow_origins == ()
    assert development.allow_origin_regex == DEVELOPMENT_ORIGIN_REGEX
    for origin in ("http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"):
        assert re.fullmatch(DEVELOPMENT_ORIGIN_REGEX, origin)
    assert not re.fullmatch(DEVELOPMENT_ORIGIN_REGEX, "http://localhost.evil.example")
    production = RouterSettings(environment="production", internal_secret="s" * 40)
    assert (
        production.cors_policy().allow_origins,
        production.cors_policy().allow_origin_regex,
    ) == (
        (),
        None,
    )
    assert not production.cors_policy().allow_credentials


def test_cors_and_csrf_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com, https://admin.example.com/")
    monkeypatch.setenv("CSRF_REQUIRED_HEADERS", "x-client-name")
    settings = RouterSettings()
    cors = settings.cors_policy()
    assert cors.allow_origins == ("https://app.example.com", "https://admin.example.com")
    assert cors.allow_origin_regex is None  # configured origins replace the loopback default
    assert "x-client-name" in cors.extra_allowed_headers
    assert settings.csrf_policy().required_headers == ("x-client-name",)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cors_allow_origins": "*", "cors_allow_credentials": True}, "CREDENTIALS"),
        ({"cors_allow_origins": "app.example.com"}, "not an origin"),
        ({"cors_allow_origin_regex": "https://(unclosed"}, "missing"),
        ({"csrf_required_headers": ""}, "at least one"),
    ],
)
def test_unsafe_or_broken_http_settings_are_refused(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        RouterSettings(**overrides)  # type: ignore[arg-type]
