"""supergraph.yaml against the registry of services: the same subgraphs, URLs and SDL files.

supergraph.yaml stays in rover's format, written by hand, so that rover and other tools can
read it; ``contracts.services`` is the source. ``supergraph check`` reports every difference as
drift, naming the subgraph, so one can be changed without the other only by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contracts.services import Service
from schema.config import FileSchema, SupergraphConfig


def config_drift(
    config: SupergraphConfig, subgraphs: Sequence[Service], sdl_dir: Path, *, where: str
) -> list[str]:
    """What ``config`` (read from ``where``) says differently from ``subgraphs``, whose SDL
    files live in ``sdl_dir``."""
    declared = {s.name: s for s in subgraphs}
    listed = {s.name: s for s in config.subgraphs}
    problems = [
        f"{where}: subgraph {name!r} is missing (contracts/services.py declares it)"
        for name in declared
        if name not in listed
    ]
    problems += [
        f"{where}: subgraph {name!r} is not in contracts/services.py"
        for name in listed
        if name not in declared
    ]
    for name, service in declared.items():
        entry = listed.get(name)
        if entry is None:
            continue
        if entry.routing_url != service.routing_url():
            problems.append(
                f"{where}: subgraph {name!r} has routing_url {entry.routing_url}, "
                f"contracts/services.py says {service.routing_url()}"
            )
        expected = sdl_dir / f"{name}.graphql"
        if not isinstance(entry.schema, FileSchema) or entry.schema.path != expected.resolve():
            problems.append(f"{where}: subgraph {name!r} should read its schema from {expected}")
    return problems
