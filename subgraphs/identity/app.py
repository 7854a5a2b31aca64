"""Builds identity's app from its settings, and describes the service to the runner."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from subgraphs.common.app import create_app
from subgraphs.common.database import Database
from subgraphs.common.service import ServiceSpec
from subgraphs.identity.accounts import Accounts
from subgraphs.identity.credentials import Passwords
from subgraphs.identity.keys import load_public_key, load_signing_key
from subgraphs.identity.schema import build_identity_schema
from subgraphs.identity.settings import IdentitySettings
from subgraphs.identity.throttle import LoginThrottle, ThrottleLimits
from subgraphs.identity.tokens import AccessTokens

NAME = "identity"


def jwks_router(tokens: AccessTokens) -> APIRouter:
    """``GET /.well-known/jwks.json``: the public keys the router verifies access tokens with
    (the current one, and the previous one during a rotation)."""
    router = APIRouter()
    jwks = tokens.jwks()

    @router.get("/.well-known/jwks.json")
    async def get_jwks() -> dict[str, Any]:
        return jwks

    return router


def build_app(settings: IdentitySettings) -> FastAPI:
    key = load_signing_key(settings.jwt_private_key_file, create_if_missing=not settings.production)
    previous = settings.jwt_previous_public_key_file
    tokens = AccessTokens(
        key=key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.access_token_ttl_seconds,
        previous=(load_public_key(previous),) if previous is not None else (),
    )
    database = Database(settings.database_url)
    throttle = LoginThrottle(
        database,
        ThrottleLimits(
            per_email=settings.login_max_failures_per_email,
            per_address=settings.login_max_failures_per_address,
            window=timedelta(seconds=settings.login_failure_window_seconds),
        ),
    )
    accounts = Accounts(
        database,
        Passwords(),
        tokens,
        refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        throttle=throttle,
    )
    return create_app(
        NAME,
        build_identity_schema(settings.max_credential_fields),
        settings,
        services=accounts,
        database=database,
        routers=[jwks_router(tokens)],
    )


SERVICE = ServiceSpec(
    name=NAME,
    migrations=Path(__file__).parent / "migrations",
    load_settings=IdentitySettings.from_environment,
    build_app=build_app,
)
