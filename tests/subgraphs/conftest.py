"""Subgraph apps on fresh databases, called over HTTP as the router calls them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from subgraphs.chat.app import SERVICE as CHAT
from subgraphs.chat.settings import ChatSettings
from subgraphs.common.settings import ServiceSettings
from subgraphs.common.testing import RunningSubgraph, running_subgraph
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.settings import IdentitySettings
from subgraphs.profiles.app import SERVICE as PROFILES

SECRET = "test-internal-secret-not-the-development-one"


def identity_settings(
    fresh_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory, **overrides: Any
) -> IdentitySettings:
    """Identity on a fresh database with a throwaway key; ``overrides`` set other settings."""
    return IdentitySettings(
        database_url=fresh_database("identity"),
        internal_secret=SecretStr(SECRET),
        jwt_private_key_file=tmp_path_factory.mktemp("identity") / "jwt.pem",
        **overrides,
    )


@pytest.fixture(scope="module")
async def identity(
    fresh_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSubgraph]:
    settings = identity_settings(fresh_database, tmp_path_factory)
    async with running_subgraph(IDENTITY, settings) as running:
        yield running


@pytest.fixture(scope="module")
async def profiles(fresh_database: Callable[[str], str]) -> AsyncIterator[RunningSubgraph]:
    settings = ServiceSettings(
        database_url=fresh_database("profiles"), internal_secret=SecretStr(SECRET)
    )
    async with running_subgraph(PROFILES, settings) as running:
        yield running


@pytest.fixture(scope="module")
async def chat(fresh_database: Callable[[str], str]) -> AsyncIterator[RunningSubgraph]:
    settings = ChatSettings(database_url=fresh_database("chat"), internal_secret=SecretStr(SECRET))
    async with running_subgraph(CHAT, settings) as running:
        yield running
