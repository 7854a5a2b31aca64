"""Compose the subgraphs `supergraph dev` is running, from what they serve right now.

The one place that calls the composition API (``schema``), so adapting to it stays a local
change. The SDL comes from each running process (``_service { sdl }``), so a code change
shows up after a restart without exporting SDL files first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from schema.composition import compose_from_config
from schema.config import load_supergraph_config
from schema.errors import SchemaError
from supergraph.errors import CompositionFailed


def dev_supergraph_config(base: Path, routing_urls: Mapping[str, str]) -> dict[str, object]:
    """The rover-format config for the running subgraphs: ``base`` with URLs rewritten.

    Each subgraph's SDL comes from the running process (``_service { sdl }`` at its routing
    URL), and subgraphs in ``base`` that dev does not run are left out.
    """
    loaded = yaml.safe_load(base.read_text()) if base.exists() else None
    config: dict[str, object] = dict(loaded) if isinstance(loaded, dict) else {}
    known = config.get("subgraphs")
    known = known if isinstance(known, dict) else {}
    config["subgraphs"] = {
        name: {**(known.get(name) or {}), "routing_url": url, "schema": {"subgraph_url": url}}
        for name, url in routing_urls.items()
    }
    return config


async def compose_supergraph(
    config_path: Path, routing_urls: Mapping[str, str], secret: str, work_dir: Path
) -> str:
    """Compose the running subgraphs and return the supergraph SDL.

    The config it composes is kept as ``<work_dir>/supergraph.dev.yaml`` to look at.
    """
    dev_config = work_dir / "supergraph.dev.yaml"
    dev_config.write_text(yaml.safe_dump(dev_supergraph_config(config_path, routing_urls)))
    try:
        config = load_supergraph_config(dev_config)
        result = await compose_from_config(config, internal_secret=secret)
    except SchemaError as exc:
        raise CompositionFailed("compose", str(exc)) from exc
    if result.supergraph_sdl is None:
        reasons = "; ".join(f"[{error.code}] {error.message}" for error in result.errors)
        raise CompositionFailed("compose", reasons)
    return result.supergraph_sdl
