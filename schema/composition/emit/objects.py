"""Object types in the supergraph: which subgraphs define them and resolve each field.

The rules follow what Apollo's and The Guild's composers emit, so routers read our
supergraph the way they read theirs:

- ``@join__type`` once per subgraph and key; ``Query`` gets one for every subgraph. A
  subgraph whose type has no key, no definition and only unused ``@external`` fields is left
  out.
- a field resolvable by every subgraph defining the type, the same way everywhere, gets no
  ``@join__field``; otherwise one per subgraph defining it, saying how (``external``,
  ``requires``, ``provides``, ``override``, a differing ``type``).
- a Federation 1 ``@external`` nobody uses is dropped, as Federation 1 ignored it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from graphql import FieldDefinitionNode, ObjectTypeDefinitionNode

from schema.composition.emit import field_sets
from schema.composition.emit.arguments import argument_nodes
from schema.composition.emit.join import JoinField, JoinType, join_implements
from schema.composition.emit.nodes import (
    applied_directives,
    decoration_directives,
    description,
    name,
    named_type,
    type_reference,
)
from schema.composition.emit.requires_usage import RequiresUsage
from schema.composition.merge.merge import is_federation_extension
from schema.composition.merge.state import FieldState, ObjectState, SupergraphState
from schema.composition.specs.federation import FED1
from schema.composition.subgraph import model


@dataclass(frozen=True, slots=True)
class _GraphFacts:
    """What decides a field's ``@join__field`` in one subgraph."""

    required: bool
    external: bool
    used_overridden: bool


def object_node(
    state: SupergraphState, usage: RequiresUsage, obj: ObjectState
) -> ObjectTypeDefinitionNode:
    return _ObjectEmitter(state, usage, obj).node()


class _ObjectEmitter:
    def __init__(self, state: SupergraphState, usage: RequiresUsage, obj: ObjectState):
        self.state = state
        self.usage = usage
        self.obj = obj
        self.is_query = obj.name == "Query"
        self.interface_graphs = self._interface_field_graphs()
        self.join_types = self._join_types()

    def node(self) -> ObjectTypeDefinitionNode:
        obj = self.obj
        fields = [f for f in (self._field(m) for m in obj.fields.values()) if f is not None]
        fields.extend(self._interface_object_fields())
        implements = [
            join_implements(graph, interface)
            for graph, in_graph in obj.by_graph.items()
            for interface in in_graph.interfaces
        ]
        return ObjectTypeDefinitionNode(
            description=description(obj.decorations.description),
            name=name(obj.name),
            interfaces=tuple(named_type(i) for i in obj.interfaces),
            directives=(
                *applied_directives(obj.decorations),
                *(j.node() for j in self.join_types),
                *implements,
                *decoration_directives(obj.decorations),
            ),
            fields=tuple(fields),
        )

    # -- types -------------------------------------------------------------------------

    def _join_types(self) -> list[JoinType]:
        if self.is_query:
            return [JoinType(graph) for graph in self.state.graphs]
        join_types: list[JoinType] = []
        for graph, in_graph in self.obj.by_graph.items():
            if not self._keeps_type_in(graph, in_graph):
                continue
            if not in_graph.keys:
                join_types.append(JoinType(graph))
                continue
            extension = is_federation_extension(in_graph, self.state.subgraphs[graph].version)
            join_types.extend(
                JoinType(graph, key.fields, extension, key.resolvable) for key in in_graph.keys
            )
        return join_types

    def _keeps_type_in(self, graph: str, in_graph: model.ObjectType) -> bool:
        if in_graph.keys or in_graph.is_definition:
            return True
        for merged in self.obj.fields.values():
            field = merged.by_graph.get(graph)
            if field is None:
                continue
            coordinate = (self.obj.name, merged.name)
            if (
                not field.external
                or field.provided
                or self.usage.effectively_required(coordinate, graph, field.required)
                or (in_graph.extension and not self.usage.only_overridden(coordinate, graph))
                or self._used_overridden(merged, field, graph)
            ):
                return True
        return False

    def _interface_field_graphs(self) -> dict[str, set[str]]:
        graphs: dict[str, set[str]] = {}
        for interface_name in self.obj.interfaces:
            interface = self.state.interfaces.get(interface_name)
            for field_name, merged in interface.fields.items() if interface else ():
                graphs.setdefault(field_name, set()).update(merged.by_graph)
        return graphs

    def _interface_object_fields(self) -> list[FieldDefinitionNode]:
        """Fields an ``@interfaceObject`` adds to every implementation of its interface."""
        added: dict[str, FieldDefinitionNode] = {}
        for interface_name in self.obj.interfaces:
            interface = self.state.interfaces.get(interface_name)
            if interface is None or not interface.has_interface_object:
                continue
            for merged in interface.fields.values():
                if merged.name in self.obj.fields or merged.name in added:
                    continue
                added[merged.name] = _field_node(merged, [JoinField(None)])
        return list(added.values())

    # -- fields ------------------------------------------------------------------------

    def _field(self, merged: FieldState) -> FieldDefinitionNode | None:
        by_graph = self._rewritten(merged)
        if not self.is_query and len(by_graph) == 1:
            ((graph, field),) = by_graph.items()
            if (
                field.external
                and not field.used_as_key
                and not self._required(merged, graph, field)
                and not field.provided
                and not self._used_overridden(merged, field, graph)
                and self._version(graph) == FED1
            ):
                return None
        joins = self._join_fields(merged, by_graph)
        if len(joins) == 1 and len(self.join_types) == 1 and not joins[0].says_more_than_graph:
            joins = []
        return _field_node(merged, joins)

    def _join_fields(self, merged: FieldState, by_graph: dict[str, model.Field]) -> list[JoinField]:
        differs_in_type = any(f.type != merged.type for f in by_graph.values())
        has_override = any(f.override is not None for f in by_graph.values())
        everywhere = len(by_graph) == (
            len(self.state.graphs) if self.is_query else len(self.obj.by_graph)
        )
        if self.is_query:
            if has_override and len(self.state.graphs) > 1:
                return self._override_joins(merged, by_graph, query=True)
            if any(
                model.bare_type(f.type) != model.bare_type(merged.type) for f in by_graph.values()
            ):
                # a member type in some subgraph: the router must know which (Apollo's form)
                return [JoinField(g, type=f.type) for g, f in by_graph.items()]
            if len(self.state.graphs) > 1 and not everywhere:
                with_provides = any(f.provides is not None for f in by_graph.values())
                return [
                    JoinField(g, provides=f.provides if with_provides else None)
                    for g, f in by_graph.items()
                ]
            return []
        if has_override:
            joins = self._override_joins(merged, by_graph, query=False)
            only_owner = (
                len(joins) == 1
                and len(self.join_types) == 1
                and self.join_types[0].graph == joins[0].graph
            )
            return [] if everywhere and only_owner else joins
        if everywhere and not self._differs(merged, by_graph, differs_in_type):
            return []
        return self._plain_joins(merged, by_graph, differs_in_type)

    def _differs(
        self, merged: FieldState, by_graph: dict[str, model.Field], differs_in_type: bool
    ) -> bool:
        external = False
        for graph, field in by_graph.items():
            if field.external:
                # the last external subgraph decides, as in the composers
                external = not merged.used_as_key or self.obj.by_graph[graph].extension is not True
            if field.override_label is not None:
                return True
            if field.provides is not None or field.requires is not None:
                return True
        return external or differs_in_type

    def _plain_joins(
        self, merged: FieldState, by_graph: dict[str, model.Field], differs_in_type: bool
    ) -> list[JoinField]:
        joins: list[JoinField] = []
        for graph, field in by_graph.items():
            facts = self._facts(merged, graph, field)
            join = JoinField(
                graph,
                type=field.type if differs_in_type else None,
                override=field.override,
                override_label=field.override_label,
                used_overridden=facts.used_overridden,
                external=facts.external,
                provides=field.provides,
                requires=field.requires,
            )
            tells_more = (
                bool(join.type or join.override or join.provides or join.requires)
                or join.used_overridden
            )
            required_or_provided = field.provided or facts.required
            in_interface = graph in self.interface_graphs.get(merged.name, set())
            if (
                field.external
                and not field.used_as_key
                and not required_or_provided
                and not facts.used_overridden
                and self._version(graph) == FED1
            ):
                continue
            silent = not tells_more and not required_or_provided and not in_interface
            extends = self.obj.by_graph[graph].extension is True
            if facts.external and extends and silent:
                continue
            only_overridden = self.usage.only_overridden((self.obj.name, merged.name), graph)
            if field.external and not facts.external and only_overridden and silent:
                continue
            joins.append(join)
        return joins

    def _override_joins(
        self, merged: FieldState, by_graph: dict[str, model.Field], *, query: bool
    ) -> list[JoinField]:
        labels: dict[str, str] = {}
        overridden: set[str] = set()
        for target, field in by_graph.items():
            source = self.state.graph_id_of(field.override) if field.override else None
            if source is None:
                continue
            overridden.add(source)
            if field.override_label:
                labels[source] = labels[target] = field.override_label
        differs_in_type = any(f.type != merged.type for f in by_graph.values())
        joins: list[JoinField] = []
        for graph, field in by_graph.items():
            facts = self._facts(merged, graph, field)
            is_source = graph in overridden
            label = labels.get(graph)
            if query:
                if not (field.override is not None or label or (field.shareable and not is_source)):
                    continue
                used_overridden = facts.used_overridden
                external = field.external
                label = field.override_label
            else:
                used_overridden = facts.used_overridden or (
                    is_source and facts.required and not facts.external
                )
                emit = (
                    (facts.external and facts.required)
                    or field.override_label is not None
                    or bool(label)
                    or used_overridden
                    or not is_source
                )
                if not emit:
                    continue
                external = facts.external
            joins.append(
                JoinField(
                    graph,
                    type=field.type if differs_in_type else None,
                    override=field.override,
                    override_label=label,
                    used_overridden=used_overridden,
                    external=external,
                    provides=field.provides,
                    requires=field.requires,
                )
            )
        return joins

    # -- facts -------------------------------------------------------------------------

    def _facts(self, merged: FieldState, graph: str, field: model.Field) -> _GraphFacts:
        return _GraphFacts(
            required=self._required(merged, graph, field),
            external=self._external_on_join(merged, graph, field),
            used_overridden=self._used_overridden(merged, field, graph),
        )

    def _required(self, merged: FieldState, graph: str, field: model.Field) -> bool:
        coordinate = (self.obj.name, merged.name)
        return self.usage.effectively_required(coordinate, graph, field.required)

    def _external_on_join(self, merged: FieldState, graph: str, field: model.Field) -> bool:
        if not field.external:
            return False
        if self.usage.only_overridden((self.obj.name, merged.name), graph):
            return False
        if field.provided:
            return True
        return not (field.used_as_key and self.obj.by_graph[graph].extension)

    def _used_overridden(self, merged: FieldState, field: model.Field, graph: str) -> bool:
        if merged.override is None or self.state.graph_id_of(merged.override) != graph:
            return False
        in_interface = graph in self.interface_graphs.get(merged.name, set())
        return (field.used_as_key and not field.external) or in_interface

    def _version(self, graph: str) -> tuple[int, int]:
        return self.state.subgraphs[graph].version

    def _rewritten(self, merged: FieldState) -> dict[str, model.Field]:
        """The subgraphs' fields with requires/provides as composers print them."""
        rewritten: dict[str, model.Field] = {}
        for graph, field in merged.by_graph.items():
            requires, provides = field.requires, field.provides
            if requires is not None:
                requires = field_sets.trimmed(requires, self.obj.by_graph[graph].keys)
            if provides is not None:
                provides = self._provides(merged, graph, provides)
            rewritten[graph] = _replace_field_sets(field, requires, provides)
        return rewritten

    def _provides(self, merged: FieldState, graph: str, provides: str) -> str:
        target = model.bare_type(merged.type)
        if target in self.state.unions:
            return provides
        target_state = self.state.objects.get(target) or self.state.interfaces.get(target)
        in_graph = target_state.by_graph.get(graph) if target_state is not None else None
        keys: tuple[model.Key, ...] = ()
        if in_graph is not None and in_graph.extension:
            keys = in_graph.keys
        return field_sets.trimmed(provides, keys) or ""


def _field_node(merged: FieldState, joins: Sequence[JoinField]) -> FieldDefinitionNode:
    return FieldDefinitionNode(
        description=description(merged.decorations.description),
        name=name(merged.name),
        arguments=argument_nodes(merged),
        type=type_reference(merged.type),
        directives=(
            *applied_directives(merged.decorations),
            *(j.node() for j in joins),
            *decoration_directives(merged.decorations),
        ),
    )


def _replace_field_sets(
    field: model.Field, requires: str | None, provides: str | None
) -> model.Field:
    if requires == field.requires and provides == field.provides:
        return field
    return replace(field, requires=requires, provides=provides)
