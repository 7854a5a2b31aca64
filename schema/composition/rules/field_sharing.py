"""INVALID_FIELD_SHARING: a field resolved by several subgraphs is shareable in all of them.

Federation 2 assumes a field has one owner unless every subgraph that resolves it says
``@shareable``; otherwise two teams could return different values for the same field without
noticing. Key fields, ``@external`` fields, fields an ``@override`` takes over, and fields a
Federation 1 subgraph adds to an entity through ``extend type`` count as shareable or as not
resolved. Fields of the subscription root are never shared.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import FieldState, ObjectState, SupergraphState
from schema.composition.rules.wording import and_list


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            error = _field(state, obj, field)
            if error is not None:
                yield error


def _field(state: SupergraphState, obj: ObjectState, field: FieldState) -> CompositionError | None:
    if any(state.subgraphs[g].subscription_type == obj.name for g in obj.by_graph):
        if len(field.by_graph) > 1:
            return CompositionError(
                ErrorCode.INVALID_FIELD_SHARING,
                f'Fields on root level subscription object cannot be marked as shareable: "'
                f'{obj.name}.{field.name}" is defined in several subgraphs',
            )
        return None
    if field.used_as_key and all(f.used_as_key for f in field.by_graph.values()):
        return None
    non_shareable: list[str] = []
    resolving: list[str] = []
    for graph_id, in_graph in field.by_graph.items():
        if in_graph.external:
            continue
        if in_graph.override is not None:
            source = state.graph_id_of(in_graph.override)
            if source is not None and source in field.by_graph:
                continue
        fed1_extension = state.subgraphs[graph_id].is_fed1 and in_graph.in_extension
        resolving.append(graph_id)
        if not (in_graph.shareable or in_graph.used_as_key or (obj.is_entity and fed1_extension)):
            non_shareable.append(graph_id)
    if not non_shareable or len(resolving) < 2:
        return None
    in_all = all(g in non_shareable for g in resolving)
    where = (
        "all of them"
        if in_all
        else f"subgraph{'s' if len(non_shareable) > 1 else ''} "
        + and_list([state.graph_name(g) for g in non_shareable], quote='"')
    )
    names = and_list([state.graph_name(g) for g in resolving], oxford_comma=False, quote='"')
    return CompositionError(
        ErrorCode.INVALID_FIELD_SHARING,
        f'Non-shareable field "{obj.name}.{field.name}" is resolved from multiple subgraphs:'
        f" it is resolved from subgraphs {names} and defined as non-shareable in {where}",
    )
