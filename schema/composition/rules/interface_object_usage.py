"""INTERFACE_OBJECT_USAGE_ERROR: an ``@interfaceObject`` stands in for an interface some
subgraph defines; declared as one everywhere, there is no interface and no implementations."""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for interface in state.interfaces.values():
        if interface.has_interface_object and all(
            t.is_interface_object for t in interface.by_graph.values()
        ):
            yield CompositionError(
                ErrorCode.INTERFACE_OBJECT_USAGE_ERROR,
                # "is is" as Apollo's and The Guild's composers word it
                f'Type "{interface.name}" is declared with @interfaceObject in all the subgraphs'
                " in which is is defined",
            )
