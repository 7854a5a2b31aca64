"""supergraph.yaml against the registry of services (``supergraph check`` reports it)."""

from __future__ import annotations

from pathlib import Path

import yaml

from contracts import services
from schema.checks import check_schema
from schema.composition import CompositionResult
from schema.config import load_supergraph_config, parse_supergraph_config
from schema.service_drift import config_drift

ROOT = Path(__file__).resolve().parents[2]
SDL_DIR = ROOT / "schema" / "subgraphs"


def test_the_repository_config_agrees_with_the_registry() -> None:
    config = load_supergraph_config(ROOT / "supergraph.yaml")
    assert config_drift(config, services.SUBGRAPHS, SDL_DIR, where="supergraph.yaml") == []


def test_each_difference_names_the_subgraph() -> None:
    raw = yaml.safe_load((ROOT / "supergraph.yaml").read_text(encoding="utf-8"))
    raw["subgraphs"]["profiles"]["routing_url"] = "http://127.0.0.1:4012/graphql"
    raw["subgraphs"]["billing"] = raw["subgraphs"].pop("identity")
    config = parse_supergraph_config(raw, base_dir=ROOT)
    assert config_drift(config, services.SUBGRAPHS, SDL_DIR, where="supergraph.yaml") == [
        "supergraph.yaml: subgraph 'identity' is missing (contracts/services.py declares it)",
        "supergraph.yaml: subgraph 'billing' is not in contracts/services.py",
        "supergraph.yaml: subgraph 'profiles' has routing_url http://127.0.0.1:4012/graphql, "
        "contracts/services.py says http://127.0.0.1:4002/graphql",
    ]


def test_a_schema_read_from_elsewhere_is_drift() -> None:
    raw = yaml.safe_load((ROOT / "supergraph.yaml").read_text(encoding="utf-8"))
    raw["subgraphs"]["identity"]["schema"] = {"file": "./elsewhere/identity.graphql"}
    config = parse_supergraph_config(raw, base_dir=ROOT)
    assert config_drift(config, services.SUBGRAPHS, SDL_DIR, where="supergraph.yaml") == [
        "supergraph.yaml: subgraph 'identity' should read its schema from "
        f"{SDL_DIR / 'identity.graphql'}"
    ]


def test_the_check_fails_on_service_drift() -> None:
    report = check_schema(
        drifted=(),
        composition=CompositionResult("type Query { a: Int }"),
        committed_supergraph="type Query { a: Int }",
        published_supergraph=None,
        service_problems=["compose.yaml: service 'chat' is missing (contracts/services.py)"],
    )
    assert not report.ok
    assert [(f.check, f.code) for f in report.findings] == [("services", "SERVICE_REGISTRY_DRIFT")]
