"""Field arguments in the supergraph: only those every subgraph defining the field accepts.

A router may send the argument to any of them, so an argument only some subgraphs know
cannot be offered to clients.
"""

from __future__ import annotations

from graphql import InputValueDefinitionNode

from schema.composition.emit.nodes import (
    applied_directives,
    decoration_directives,
    description,
    name,
    type_reference,
)
from schema.composition.merge.state import FieldState


def argument_nodes(merged: FieldState) -> tuple[InputValueDefinitionNode, ...]:
    return tuple(
        InputValueDefinitionNode(
            description=description(arg.decorations.description),
            name=name(arg.name),
            type=type_reference(arg.type),
            default_value=arg.default,
            directives=(
                *applied_directives(arg.decorations),
                *decoration_directives(arg.decorations),
            ),
        )
        for arg in merged.arguments.values()
        if len(arg.by_graph) == len(merged.by_graph)
    )
