"""supergraph.yaml in rover's format."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema.config import (
    FileSchema,
    SubgraphUrlSchema,
    load_supergraph_config,
)
from schema.errors import SupergraphConfigError

REPO = Path(__file__).resolve().parents[2]


def test_repository_config_lists_the_registrys_subgraphs() -> None:
    config = load_supergraph_config(REPO / "supergraph.yaml")

    assert [(s.name, s.routing_url) for s in config.subgraphs] == [
        ("identity", "http://127.0.0.1:4001/graphql"),
        ("profiles", "http://127.0.0.1:4002/graphql"),
        ("chat", "http://127.0.0.1:4003/graphql"),
    ]
    assert config.subgraphs[0].schema == FileSchema(REPO / "schema/subgraphs/identity.graphql")
    assert config.federation_version == "=2.9.0"


def test_file_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "supergraph.yaml"
    path.write_text(
        "subgraphs:\n"
        "  a:\n"
        "    routing_url: http://a/graphql\n"
        "    schema:\n"
        "      file: ../sdl/a.graphql\n"
    )

    config = load_supergraph_config(path)

    assert config.subgraphs[0].schema == FileSchema(tmp_path / "sdl" / "a.graphql")


def test_subgraph_url_source_defaults_the_routing_url(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text(
        "subgraphs:\n"
        "  a:\n"
        "    schema:\n"
        "      subgraph_url: http://127.0.0.1:9/graphql\n"
        "      introspection_headers:\n"
        "        x-token: abc\n"
    )

    (subgraph,) = load_supergraph_config(path).subgraphs

    assert subgraph.routing_url == "http://127.0.0.1:9/graphql"
    assert subgraph.schema == SubgraphUrlSchema("http://127.0.0.1:9/graphql", {"x-token": "abc"})


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("subgraphs: []\n", "'subgraphs' mapping"),
        ("subgraphs:\n  a:\n    routing_url: http://a\n", "'schema' mapping"),
        ("subgraphs:\n  a:\n    schema:\n      file: a.graphql\n", "routing_url"),
        (
            "subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      graphref: g@v\n",
            "graph refs are not supported",
        ),
        ("subgraphs: {a: [\n", "not valid YAML"),
    ],
)
def test_invalid_configs_are_refused(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text(text)

    with pytest.raises(SupergraphConfigError, match=complaint):
        load_supergraph_config(path)


def test_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SupergraphConfigError, match="cannot read"):
        load_supergraph_config(tmp_path / "nope.yaml")
