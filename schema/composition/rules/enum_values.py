"""ENUM_VALUE_MISMATCH: an enum used as input and output has the same values everywhere.

An output-only enum merges to the union of its values (a client just sees more values), an
input-only enum to the intersection (only values every subgraph accepts). An enum used both
ways can do neither safely, so its values must agree, ``@inaccessible`` values excepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for enum in state.enums.values():
        if enum.input_reference is None or enum.output_reference is None:
            continue
        for value in enum.values.values():
            if len(value.graphs) == len(enum.by_graph) or value.decorations.inaccessible:
                continue
            defined = [state.graph_name(g) for g in value.graphs]
            missing = [state.graph_name(g) for g in enum.by_graph if g not in value.graphs]
            yield CompositionError(
                ErrorCode.ENUM_VALUE_MISMATCH,
                f'Enum type "{enum.name}" is used as both input type (for example, as type of'
                f' "{enum.input_reference}") and output type (for example, as type of'
                f' "{enum.output_reference}"), but value "{value.name}" is not defined in all'
                f' the subgraphs defining "{enum.name}": "{value.name}" is defined in'
                f" {_subgraphs(defined)} but not in {_subgraphs(missing)}",
            )


def _subgraphs(names: list[str]) -> str:
    return f'subgraph{"s" if len(names) > 1 else ""} "' + '", "'.join(names) + '"'
