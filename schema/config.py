"""supergraph.yaml, in rover's format: which subgraphs, where they run, where their SDL is.

    federation_version: =2.9.0
    subgraphs:
      identity:
        routing_url: http://127.0.0.1:4001/graphql
        schema:
          file: ./schema/subgraphs/identity.graphql    # relative to this file
      profiles:
        routing_url: http://127.0.0.1:4002/graphql
        schema:
          subgraph_url: http://127.0.0.1:4002/graphql  # ask the running subgraph
          introspection_headers: {x-example: value}

``routing_url`` may be left out when ``subgraph_url`` is given; it then defaults to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from schema.errors import SupergraphConfigError


@dataclass(frozen=True, slots=True)
class FileSchema:
    """SDL read from a file."""

    path: Path


@dataclass(frozen=True, slots=True)
class SubgraphUrlSchema:
    """SDL fetched from the running subgraph with ``{ _service { sdl } }``."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


SchemaSource = FileSchema | SubgraphUrlSchema


@dataclass(frozen=True, slots=True)
class SubgraphConfig:
    name: str
    routing_url: str
    schema: SchemaSource


@dataclass(frozen=True, slots=True)
class SupergraphConfig:
    subgraphs: tuple[SubgraphConfig, ...]
    federation_version: str | None = None


def load_supergraph_config(path: str | Path) -> SupergraphConfig:
    """Read and check supergraph.yaml; relative file paths are resolved against its folder."""
    config_path = Path(path)
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SupergraphConfigError(f"cannot read {config_path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SupergraphConfigError(f"{config_path} is not valid YAML: {exc}") from exc
    return parse_supergraph_config(raw, base_dir=config_path.parent)


def parse_supergraph_config(raw: Any, *, base_dir: Path) -> SupergraphConfig:
    if not isinstance(raw, dict) or not isinstance(raw.get("subgraphs"), dict):
        raise SupergraphConfigError("supergraph config needs a 'subgraphs' mapping")
    version = raw.get("federation_version")
    subgraphs = tuple(
        _subgraph(str(name), entry, base_dir) for name, entry in raw["subgraphs"].items()
    )
    if not subgraphs:
        raise SupergraphConfigError("supergraph config lists no subgraphs")
    return SupergraphConfig(subgraphs, str(version) if version is not None else None)


def _subgraph(name: str, entry: Any, base_dir: Path) -> SubgraphConfig:
    if not isinstance(entry, dict) or not isinstance(entry.get("schema"), dict):
        raise SupergraphConfigError(f"subgraph {name!r} needs a 'schema' mapping")
    schema = entry["schema"]
    source: SchemaSource
    if isinstance(schema.get("file"), str):
        source = FileSchema((base_dir / schema["file"]).resolve())
    elif isinstance(schema.get("subgraph_url"), str):
        headers = schema.get("introspection_headers") or {}
        if not isinstance(headers, dict):
            raise SupergraphConfigError(f"subgraph {name!r}: introspection_headers is not a map")
        source = SubgraphUrlSchema(
            schema["subgraph_url"], {str(k): str(v) for k, v in headers.items()}
        )
    else:
        raise SupergraphConfigError(
            f"subgraph {name!r}: schema needs 'file' or 'subgraph_url' (graph refs are not"
            " supported)"
        )
    routing_url = entry.get("routing_url")
    if routing_url is None and isinstance(source, SubgraphUrlSchema):
        routing_url = source.url
    if not isinstance(routing_url, str) or not routing_url:
        raise SupergraphConfigError(f"subgraph {name!r} needs a 'routing_url'")
    return SubgraphConfig(name, routing_url, source)
