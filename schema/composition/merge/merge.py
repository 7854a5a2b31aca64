"""Merge subgraphs, in graph order, into one ``SupergraphState``.

Merging never fails: conflicts are kept side by side in ``by_graph`` for the validation rules
to report. What merging decides is the supergraph's view of each element: output field types
take the most nullable variant (any subgraph may return null), input field types the least
nullable one (every subgraph must accept the value), arguments the non-null variant.
"""

from __future__ import annotations

from collections.abc import Sequence

from schema.composition.graphs import Graph
from schema.composition.merge.access import propagate_access
from schema.composition.merge.cost import settle_slicing_arguments
from schema.composition.merge.state import (
    ArgumentState,
    DirectiveArgumentState,
    DirectiveState,
    EnumState,
    EnumValueState,
    FieldState,
    InputFieldState,
    InputState,
    InterfaceState,
    ObjectState,
    ScalarState,
    SupergraphState,
    UnionState,
)
from schema.composition.specs.federation import FED1
from schema.composition.subgraph import model


def merge_subgraphs(
    graphs: Sequence[Graph], subgraphs: Sequence[model.Subgraph]
) -> SupergraphState:
    by_id = {s.graph_id: s for s in subgraphs}
    state = SupergraphState(
        graphs={g.id: g for g in graphs}, subgraphs={g.id: by_id[g.id] for g in graphs}
    )
    for subgraph in state.subgraphs.values():
        for named in subgraph.types.values():
            _merge_type(state, subgraph, named)
        for definition in subgraph.directives.values():
            _merge_directive(state, subgraph.graph_id, definition)
    propagate_access(state)
    settle_slicing_arguments(state)
    _widen_to_abstract_types(state)
    return state


def _widen_to_abstract_types(state: SupergraphState) -> None:
    """A field returning a union or interface in one subgraph and one of its members in
    another returns the union or interface in the supergraph: that is what clients may get.

    (Apollo's composer does this; The Guild's keeps the member type, which promises clients
    less than the subgraphs may return.)"""
    for obj in state.objects.values():
        for field in obj.fields.values():
            names = {model.bare_type(f.type) for f in field.by_graph.values()}
            if len(names) < 2:
                continue
            abstract = [n for n in names if n in state.unions or n in state.interfaces]
            if len(abstract) != 1:
                continue
            (wide,) = abstract
            members = set(state.unions[wide].members) if wide in state.unions else set()
            if wide in state.interfaces:
                members |= set(state.interfaces[wide].implemented_by)
            if names - {wide} <= members:
                field.type = field.type.replace(model.bare_type(field.type), wide)


def _merge_type(state: SupergraphState, subgraph: model.Subgraph, named: model.NamedType) -> None:
    graph = subgraph.graph_id
    match named:
        case model.ObjectType():
            _merge_object(
                state.objects.setdefault(named.name, ObjectState(named.name)), subgraph, named
            )
        case model.InterfaceType():
            _merge_interface(
                state.interfaces.setdefault(named.name, InterfaceState(named.name)), graph, named
            )
        case model.UnionType():
            union = state.unions.setdefault(named.name, UnionState(named.name))
            union.decorations.absorb(named.decorations)
            union.by_graph[graph] = named
            union.members.update(dict.fromkeys(named.members))
        case model.EnumType():
            _merge_enum(state.enums.setdefault(named.name, EnumState(named.name)), graph, named)
        case model.InputObjectType():
            _merge_input(state.inputs.setdefault(named.name, InputState(named.name)), graph, named)
        case model.ScalarType():
            scalar = state.scalars.setdefault(named.name, ScalarState(named.name))
            scalar.decorations.absorb(named.decorations)
            scalar.specified_by = scalar.specified_by or named.specified_by
            scalar.by_graph[graph] = named


def _merge_directive(
    state: SupergraphState, graph: str, definition: model.DirectiveDefinition
) -> None:
    merged = state.directives.setdefault(definition.name, DirectiveState(definition.name))
    merged.locations.update(dict.fromkeys(definition.locations))
    merged.repeatable = merged.repeatable or definition.repeatable
    merged.executable = merged.executable or definition.executable
    merged.composed = merged.composed or definition.composed
    merged.by_graph[graph] = definition
    for arg in definition.arguments.values():
        arg_state = merged.arguments.setdefault(
            arg.name, DirectiveArgumentState(arg.name, arg.type)
        )
        if arg.type.endswith("!"):
            arg_state.type = arg.type
        if arg.default is not None:
            arg_state.default = arg.default
        arg_state.by_graph[graph] = arg.type


def is_federation_extension(type_in_graph: model.ObjectType, version: tuple[int, int]) -> bool:
    """Does this subgraph only extend the type (so its ``@join__type`` says ``extension``)?

    In Federation 1 only ``@extends`` counts: ``extend type`` was the ordinary way to write an
    entity there."""
    if not type_in_graph.extension:
        return False
    extends = type_in_graph.extension_kind == "@extends"
    if version == FED1 and not extends:
        return False
    return extends or not type_in_graph.is_definition


def _merge_object(state: ObjectState, subgraph: model.Subgraph, named: model.ObjectType) -> None:
    graph = subgraph.graph_id
    state.decorations.absorb(named.decorations)
    state.has_definition = state.has_definition or named.is_definition
    state.interfaces.update(dict.fromkeys(named.interfaces))
    state.is_entity = state.is_entity or bool(named.keys)
    state.by_graph[graph] = named
    extension = is_federation_extension(named, subgraph.version)
    for field in named.fields.values():
        merged = state.fields.setdefault(field.name, FieldState(field.name, field.type))
        merged.used_as_key = merged.used_as_key or field.used_as_key
        external = field.external and (extension if subgraph.is_fed1 else True)
        first_resolver = not field.used_as_key and not external and not merged.seen_non_external
        more_nullable = not external and merged.type.rfind("!") > field.type.rfind("!")
        if first_resolver or more_nullable:
            merged.type = field.type
        merged.seen_non_external = merged.seen_non_external or not external
        merged.decorations.absorb(field.decorations)
        if field.override is not None:
            merged.override = field.override
        merged.by_graph[graph] = field
        _merge_arguments(merged, graph, field)


def _merge_arguments(merged: FieldState, graph: str, field: model.Field) -> None:
    for argument in field.arguments.values():
        arg = merged.arguments.setdefault(
            argument.name, ArgumentState(argument.name, argument.type)
        )
        if argument.type.endswith("!"):
            arg.type = argument.type
        if argument.default is not None:
            arg.default = argument.default
        arg.decorations.absorb(argument.decorations)
        arg.by_graph[graph] = argument


def _merge_interface(state: InterfaceState, graph: str, named: model.InterfaceType) -> None:
    state.decorations.absorb(named.decorations)
    state.has_interface_object = state.has_interface_object or named.is_interface_object
    state.interfaces.update(dict.fromkeys(named.interfaces))
    state.implemented_by.update(dict.fromkeys(named.implemented_by))
    state.by_graph[graph] = named
    for field in named.fields.values():
        merged = state.fields.setdefault(field.name, FieldState(field.name, field.type))
        if not field.type.endswith("!") and merged.type.endswith("!"):
            merged.type = field.type
        merged.used_as_key = merged.used_as_key or field.used_as_key
        merged.decorations.absorb(field.decorations)
        merged.by_graph[graph] = field
        _merge_arguments(merged, graph, field)


def _merge_enum(state: EnumState, graph: str, named: model.EnumType) -> None:
    state.decorations.absorb(named.decorations)
    state.input_reference = state.input_reference or named.input_reference
    state.output_reference = state.output_reference or named.output_reference
    state.by_graph[graph] = named
    for value in named.values.values():
        merged = state.values.setdefault(value.name, EnumValueState(value.name))
        merged.decorations.absorb(value.decorations)
        merged.graphs[graph] = None


def _merge_input(state: InputState, graph: str, named: model.InputObjectType) -> None:
    state.decorations.absorb(named.decorations)
    state.by_graph[graph] = named
    for field in named.fields.values():
        merged = state.fields.setdefault(field.name, InputFieldState(field.name, field.type))
        if field.type.endswith("!") and not merged.type.endswith("!"):
            merged.type = field.type
        if field.default is not None:
            merged.default = field.default
        merged.decorations.absorb(field.decorations)
        merged.by_graph[graph] = field
