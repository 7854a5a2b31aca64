"""Subgraph names become ``join__Graph`` enum values, in the order composers list them.

The enum value is the name in CONSTANT_CASE (``user-profiles`` and ``userProfiles`` both give
``USER_PROFILES``; a leading digit gets underscores around it; duplicates get ``_1``, ``_2``),
and graphs are sorted by it. Every later stage visits subgraphs in this order, which is what
makes the output deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SPLIT = (re.compile(r"([a-z0-9])([A-Z])"), re.compile(r"([A-Z])([A-Z][a-z])"))
_STRIP = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Graph:
    name: str
    id: str
    url: str


def graph_id(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]", "_", name)
    for pattern in _SPLIT:
        text = pattern.sub("\\1\0\\2", text)
    text = _STRIP.sub("\0", text).strip("\0")
    proposed = "_".join(word.upper() for word in text.split("\0"))
    return f"_{proposed}_" if name[:1].isdigit() else proposed


def assign_graphs(names_and_urls: Sequence[tuple[str, str]]) -> list[Graph]:
    """One ``Graph`` per subgraph, with unique ids, sorted by id."""
    graphs: list[Graph] = []
    counts: dict[str, int] = {}
    for name, url in names_and_urls:
        proposed = graph_id(name)
        count = counts.get(proposed, 0)
        if count == 0:
            graphs.append(Graph(name, proposed, url))
        else:
            if count == 1:
                index = next(i for i, g in enumerate(graphs) if g.id == proposed)
                first = graphs[index]
                graphs[index] = Graph(first.name, f"{proposed}_1", first.url)
            graphs.append(Graph(name, f"{proposed}_{count + 1}", url))
        counts[proposed] = count + 1
    return sorted(graphs, key=lambda g: _collation_key(g.id))


def _collation_key(text: str) -> tuple[int, ...]:
    """Order like ``localeCompare`` does on these ids: ``_`` before digits before letters."""

    def rank(char: str) -> int:
        if char == "_":
            return 0
        if char.isdigit():
            return 1 + int(char)
        return 11 + ord(char.upper())

    return tuple(rank(c) for c in text)
