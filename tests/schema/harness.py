"""Composition fixtures: one folder per case under ``fixtures/``.

    fixtures/<case>/subgraphs/<name>.graphql   the subgraphs (routing url http://<name>.example/graphql)
    fixtures/<case>/supergraph.graphql         expected supergraph, or
    fixtures/<case>/errors.txt                 expected errors, one "CODE message" per line
    fixtures/<case>/hints.txt                  expected hints (optional), same format

Expected supergraphs were produced by The Guild's composer (@theguild/federation-composition
0.27) from these subgraphs and read through by hand; the tests stay Node-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schema.composition import CompositionResult, SubgraphSource, compose

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def sources(self) -> list[SubgraphSource]:
        return [
            SubgraphSource(p.stem, f"http://{p.stem}.example/graphql", p.read_text())
            for p in sorted((self.path / "subgraphs").glob("*.graphql"))
        ]

    def compose(self) -> CompositionResult:
        return compose(self.sources())

    @property
    def expected_supergraph(self) -> str | None:
        path = self.path / "supergraph.graphql"
        return path.read_text() if path.exists() else None

    @property
    def expected_errors(self) -> list[tuple[str, str]]:
        return _coded_lines(self.path / "errors.txt")

    @property
    def expected_hints(self) -> list[tuple[str, str]]:
        return _coded_lines(self.path / "hints.txt")


def _coded_lines(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [(code, message) for code, _, message in (line.partition(" ") for line in lines)]


def all_cases() -> list[Case]:
    return [Case(p) for p in sorted(FIXTURES.iterdir()) if p.is_dir()]


def success_cases() -> list[Case]:
    return [c for c in all_cases() if c.expected_supergraph is not None]


def failure_cases() -> list[Case]:
    return [c for c in all_cases() if c.expected_supergraph is None]


def case(name: str) -> Case:
    return Case(FIXTURES / name)
