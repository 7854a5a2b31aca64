"""The repository's own subgraphs compose, through supergraph.yaml."""

from __future__ import annotations

from pathlib import Path

from contracts.internal_claims import DEVELOPMENT_SECRET
from router.supergraph.parse import parse_supergraph
from schema.composition import compose_from_config
from schema.config import load_supergraph_config

REPO = Path(__file__).resolve().parents[2]


async def test_identity_profiles_and_chat_share_the_user_entity() -> None:
    config = load_supergraph_config(REPO / "supergraph.yaml")

    result = await compose_from_config(config, internal_secret=DEVELOPMENT_SECRET)

    assert result.errors == ()
    sdl = result.supergraph_sdl
    assert sdl is not None
    assert (
        'type User @join__type(graph: CHAT, key: "id") @join__type(graph: IDENTITY, key: "id")'
        ' @join__type(graph: PROFILES, key: "id")' in sdl
    )
    assert 'IDENTITY @join__graph(name: "identity", url: "http://127.0.0.1:4001/graphql")' in sdl
    api = parse_supergraph(sdl).api_schema
    assert api.query_type is not None
    assert "me" in api.query_type.fields
    assert api.subscription_type is not None
    assert {"messageAdded", "roomEvents"} <= set(api.subscription_type.fields)
