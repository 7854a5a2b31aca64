"""The demand-control spec (https://specs.apollo.dev/cost/v0.1) the supergraph links when a
subgraph uses ``@cost`` or ``@listSize``; written out the way composers print it."""

from __future__ import annotations

COST_URL = "https://specs.apollo.dev/cost/v0.1"

COST_DEFINITION = """
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION \
| INPUT_FIELD_DEFINITION | OBJECT | SCALAR

directive @listSize(
  assumedSize: Int
  slicingArguments: [String!]
  sizedFields: [String!]
  requireOneSlicingArgument: Boolean = true
) on FIELD_DEFINITION
"""


def cost_imports(uses_list_size: bool) -> tuple[str, ...]:
    """``@cost`` is the spec's own name, so only ``@listSize`` is imported (and only when a
    subgraph uses it, as the reference composer does)."""
    return ("@listSize",) if uses_list_size else ()
