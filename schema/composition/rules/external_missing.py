"""EXTERNAL_MISSING_ON_BASE: some subgraph resolves every field others mark ``@external``.

``@external`` says "another subgraph resolves this"; a field external everywhere it is
declared is resolved nowhere. A key field declared ``@external`` in a subgraph that only
extends the type counts as resolved there (Federation 1's way), and an ``@interfaceObject``
that resolves the field resolves it for the implementations.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import FieldState, ObjectState, SupergraphState
from schema.composition.rules.wording import and_list


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            if _external_everywhere(state, obj, field) and not _resolved_by_interface_object(
                state, obj, field.name
            ):
                graphs = [state.graph_name(g) for g in field.by_graph]
                plural = "s" if len(graphs) > 1 else ""
                yield CompositionError(
                    ErrorCode.EXTERNAL_MISSING_ON_BASE,
                    f'Field "{obj.name}.{field.name}" is marked @external on all the subgraphs in'
                    f" which it is listed (subgraph{plural}"
                    f" {and_list(graphs, oxford_comma=True, quote=chr(34))}).",
                )


def _external_everywhere(state: SupergraphState, obj: ObjectState, field: FieldState) -> bool:
    for graph, in_graph in field.by_graph.items():
        if in_graph.used_as_key:
            external = in_graph.external and not obj.by_graph[graph].extension
        elif state.subgraphs[graph].is_fed1:
            used = in_graph.used_as_key or in_graph.provided or in_graph.required
            external = in_graph.external and used
        else:
            external = in_graph.external
        if not external:
            return False
    return True


def _resolved_by_interface_object(state: SupergraphState, obj: ObjectState, name: str) -> bool:
    for interface_name in obj.interfaces:
        interface = state.interfaces.get(interface_name)
        if interface is None or not interface.has_interface_object:
            continue
        field = interface.fields.get(name)
        for graph, in_graph in interface.by_graph.items():
            if not in_graph.is_interface_object or field is None:
                continue
            in_field = field.by_graph.get(graph)
            if in_field is not None and not in_field.external:
                return True
    return False
