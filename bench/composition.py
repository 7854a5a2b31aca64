"""Composition time: the repository's own subgraphs and generated supergraphs of growing size.

    python -m bench.composition

Generated graphs are valid federations (every type an entity keyed by ``id``, owned by the
first subgraph, extended by the others with own fields and references to other entities), so
composition runs every stage, satisfiability included. Prints figures; asserts nothing.
"""

from __future__ import annotations

import platform
import random
import time
from collections.abc import Callable
from pathlib import Path

from schema.composition import SubgraphSource, compose
from schema.config import FileSchema, load_supergraph_config

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",'
    ' import: ["@key", "@shareable", "@external", "@requires"])'
)


def generated(subgraph_count: int, type_count: int, seed: int = 7) -> list[SubgraphSource]:
    rng = random.Random(seed)
    types = [f"Entity{i}" for i in range(type_count)]
    owner = [HEADER, "type Query {"]
    owner += [f"  entity{i}(id: ID!): {t}" for i, t in enumerate(types)]
    owner.append("}")
    owner += [f'type {t} @key(fields: "id") {{ id: ID! name: String! }}' for t in types]
    sources = [SubgraphSource("s0", "http://s0.example/graphql", "\n".join(owner))]
    for s in range(1, subgraph_count):
        lines = [HEADER]
        mine = rng.sample(types, k=max(2, type_count // 2))
        for t in mine:
            fields = ["id: ID!", f"score{s}: Int", "name: String! @external"]
            fields.append(f'label{s}: String @requires(fields: "name")')
            fields += [f"link{s}_{other}: {other}" for other in rng.sample(mine, k=2)]
            lines.append(f'type {t} @key(fields: "id") {{ {" ".join(fields)} }}')
        sources.append(SubgraphSource(f"s{s}", f"http://s{s}.example/graphql", "\n".join(lines)))
    return sources


def repository() -> list[SubgraphSource]:
    """The subgraphs of supergraph.yaml, from their committed SDL files."""
    config = load_supergraph_config(ROOT / "supergraph.yaml")
    return [
        SubgraphSource(s.name, s.routing_url, s.schema.path.read_text())
        for s in config.subgraphs
        if isinstance(s.schema, FileSchema)
    ]


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}; best of 3 runs")
    cases = [("repository (supergraph.yaml)", repository())]
    cases += [
        (f"generated: {n} subgraphs, {t} entity types", generated(n, t))
        for n, t in ((3, 20), (5, 50), (10, 100))
    ]
    for label, sources in cases:
        result = compose(sources)
        assert result.ok, result.errors[:3]
        total = best_of(3, lambda s=sources: compose(s))
        print(f"{label}: compose {total * 1000:8.1f} ms", end="")
        print(f"  ({len(result.supergraph_sdl or '') // 1024} KiB of supergraph)")


if __name__ == "__main__":
    main()
