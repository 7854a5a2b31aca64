"""FIELD_ARGUMENT_DEFAULT_MISMATCH, INPUT_FIELD_DEFAULT_MISMATCH: where subgraphs give an
argument or input field a default, they give the same one; otherwise a value left out would
mean different things depending on the subgraph the router picks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import ConstValueNode, print_ast

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            for arg in field.arguments.values():
                if arg.default is None:
                    continue
                groups = _groups(state, ((g, a.default) for g, a in arg.by_graph.items()))
                if groups is not None:
                    yield CompositionError(
                        ErrorCode.FIELD_ARGUMENT_DEFAULT_MISMATCH,
                        f'Argument "{obj.name}.{field.name}({arg.name}:)" has incompatible'
                        f" default values across subgraphs: it has {groups}",
                    )
    for input_type in state.inputs.values():
        for input_field in input_type.fields.values():
            if input_field.default is None:
                continue
            pairs = ((g, f.default) for g, f in input_field.by_graph.items())
            groups = _groups(state, pairs)
            if groups is not None:
                yield CompositionError(
                    ErrorCode.INPUT_FIELD_DEFAULT_MISMATCH,
                    f'Input field "{input_type.name}.{input_field.name}" has incompatible default'
                    f" values across subgraphs: it has {groups}",
                )


def _groups(
    state: SupergraphState, defaults: Iterable[tuple[str, ConstValueNode | None]]
) -> str | None:
    """``default value 1 in subgraph "a" but default value 2 in subgraph "b"``, or None."""
    by_value: dict[str, list[str]] = {}
    for graph, default in defaults:
        if default is not None:
            by_value.setdefault(print_ast(default), []).append(state.graph_name(graph))
    if len(by_value) < 2:
        return None
    groups = [
        f'default value {value} in subgraph{"s" if len(names) > 1 else ""} "'
        + '", "'.join(names)
        + '"'
        for value, names in by_value.items()
    ]
    first, second, *rest = groups
    return f"{first} but {second}" + (f" and {' and '.join(rest)}" if rest else "")
