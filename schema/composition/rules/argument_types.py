"""FIELD_ARGUMENT_TYPE_MISMATCH: an argument has the same type in every subgraph, up to being
required (the supergraph then requires it: every subgraph must be able to take the value)."""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            for arg in field.arguments.values():
                by_type: dict[str, list[str]] = {}
                required = arg.type.endswith("!")
                for graph, in_graph in arg.by_graph.items():
                    local = in_graph.type
                    if required and local.removesuffix("!") == arg.type.removesuffix("!"):
                        local = arg.type
                    by_type.setdefault(local, []).append(state.graph_name(graph))
                if len(by_type) < 2:
                    continue
                groups = [
                    f'type "{t}" in subgraph{"s" if len(names) > 1 else ""} "'
                    + '", "'.join(names)
                    + '"'
                    for t, names in by_type.items()
                ]
                first, second, *rest = groups
                more = f" and {' and '.join(rest)}" if rest else ""
                yield CompositionError(
                    ErrorCode.FIELD_ARGUMENT_TYPE_MISMATCH,
                    f'Type of argument "{obj.name}.{field.name}({arg.name}:)" is incompatible'
                    f" across subgraphs: it has {first} but {second}{more}",
                )
