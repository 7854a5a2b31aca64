"""What the ``schema`` package raises: inputs it could not read at all.

    SchemaError
     ├── SupergraphConfigError   supergraph.yaml is missing or not in rover's format
     └── SchemaSourceError       a subgraph's SDL file or endpoint is unavailable

Problems *in* the schemas are not raised: composition reports them as values
(``schema.composition.errors``).
"""

from __future__ import annotations


class SchemaError(Exception):
    """Base of everything the ``schema`` package raises on purpose."""


class SupergraphConfigError(SchemaError):
    """supergraph.yaml cannot be read or is not in rover's format."""


class SchemaSourceError(SchemaError):
    """A subgraph's SDL could not be read from its file or fetched from its endpoint."""

    def __init__(self, subgraph: str, reason: str) -> None:
        super().__init__(f"subgraph {subgraph!r}: {reason}")
        self.subgraph = subgraph
        self.reason = reason
