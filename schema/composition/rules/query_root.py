"""NO_QUERIES: a supergraph needs a query root type with at least one field.

Apollo Federation composition, "Supergraph must have a query root": clients can only start
an operation from a root type, and every graph must be readable.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    query = state.objects.get("Query")
    if query is None or not query.fields:
        yield CompositionError(
            ErrorCode.NO_QUERIES,
            "No queries found in any subgraph: a supergraph must have a query root type.",
        )
