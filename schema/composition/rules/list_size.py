"""LIST_SIZE_INVALID_SLICING_ARGUMENT: a ``@listSize`` whose slicing arguments all vanished.

A slicing argument some subgraph lacks is dropped from the supergraph (a router could not
rely on it); when that drops every one of them, the size of the list is unknown and the
reference composer refuses the field rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.cost import slicing_arguments_in_every_graph
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            list_size = field.decorations.list_size
            if list_size is None or not list_size.slicing_arguments:
                continue
            if not slicing_arguments_in_every_graph(field):
                yield CompositionError(
                    ErrorCode.LIST_SIZE_INVALID_SLICING_ARGUMENT,
                    "All arguments for @listSize(slicingArguments:) on field"
                    f' "{obj.name}.{field.name}" were disregarded. For an argument to be'
                    " valid, it must be defined in every subgraph where the field exists.",
                )
