"""Router settings: safe development defaults, refused where they are secrets in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from router.edge.internal_claims import DEVELOPMENT_SECRET
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
