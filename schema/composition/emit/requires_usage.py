"""Which fields some ``@requires`` needs, per subgraph, and whether only overridden code does.

A field an entity's ``@requires`` selects must stay reachable in that subgraph (its
``@join__field`` keeps ``external: true``), unless the only ``@requires`` using it sits on a
field that another subgraph ``@override``s: that code never runs, so the usage does not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from schema.composition.merge.state import InterfaceState, ObjectState, SupergraphState
from schema.composition.subgraph.field_sets import parse_field_set
from schema.composition.subgraph.model import bare_type

Coordinate = tuple[str, str]


@dataclass(slots=True)
class Usage:
    active: bool = False
    only_overridden: bool = False


@dataclass(slots=True)
class RequiresUsage:
    usage: dict[Coordinate, dict[str, Usage]] = field(default_factory=dict)

    def effectively_required(self, coordinate: Coordinate, graph: str, fallback: bool) -> bool:
        usage = self.usage.get(coordinate, {}).get(graph)
        if usage is not None and usage.active:
            return True
        if usage is not None and usage.only_overridden:
            return False
        return fallback

    def only_overridden(self, coordinate: Coordinate, graph: str) -> bool:
        usage = self.usage.get(coordinate, {}).get(graph)
        return usage is not None and usage.only_overridden and not usage.active


def requires_usage(state: SupergraphState) -> RequiresUsage:
    index = RequiresUsage()
    for obj in state.objects.values():
        for merged in obj.fields.values():
            overridden = {
                source
                for f in merged.by_graph.values()
                if f.override is not None and (source := state.graph_id_of(f.override))
            }
            for graph, in_graph in merged.by_graph.items():
                if in_graph.requires is None:
                    continue
                selection = parse_field_set(in_graph.requires)
                if isinstance(selection, str):
                    continue
                _mark(state, index, obj, selection, graph, graph in overridden)
    return index


def _mark(
    state: SupergraphState,
    index: RequiresUsage,
    current: ObjectState | InterfaceState,
    selection_set: SelectionSetNode,
    graph: str,
    overridden: bool,
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = _composite(state, condition.name.value) if condition else current
            if target is not None:
                _mark(state, index, target, selection.selection_set, graph, overridden)
            continue
        if not isinstance(selection, FieldNode):
            continue
        merged = current.fields.get(selection.name.value)
        if merged is None:
            continue
        usage = index.usage.setdefault((current.name, merged.name), {}).setdefault(graph, Usage())
        if overridden:
            usage.only_overridden = True
        else:
            usage.active = True
        if selection.selection_set is not None:
            nested = _composite(state, bare_type(merged.type))
            if nested is not None:
                _mark(state, index, nested, selection.selection_set, graph, overridden)


def _composite(state: SupergraphState, name: str) -> ObjectState | InterfaceState | None:
    return state.objects.get(name) or state.interfaces.get(name)
