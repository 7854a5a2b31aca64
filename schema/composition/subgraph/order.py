"""The order in which composers first meet a subgraph's types and fields.

Composers print supergraph types and fields in the order they first met them, and they meet
some before their definition: a ``@key`` meets its fields before the type's field list, a
``@provides`` meets the fields it provides on another type, a field returning an enum meets
the enum. Replaying that walk keeps our output in the same order as theirs, so the two can
be compared line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
)

from schema.composition.subgraph.field_sets import parse_field_set, walk_field_set
from schema.composition.subgraph.groups import (
    BUILT_IN_SCALARS,
    ObjectLikeNode,
    SubgraphDocument,
    argument,
    named_type,
)


@dataclass(slots=True)
class CreationOrder:
    types: dict[str, None] = field(default_factory=dict)
    fields: dict[str, dict[str, None]] = field(default_factory=dict)

    def type_rank(self, name: str) -> int:
        return list(self.types).index(name) if name in self.types else len(self.types)

    def touch(self, type_name: str, field_name: str | None = None) -> None:
        self.types.setdefault(type_name, None)
        if field_name is not None:
            self.fields.setdefault(type_name, {}).setdefault(field_name, None)


def creation_order(subgraph: SubgraphDocument) -> CreationOrder:
    order = CreationOrder()
    enums = {name for name, group in subgraph.groups.items() if group.kind == "enum"}
    for node in subgraph.type_nodes():
        name = subgraph.canonical(node.name.value)
        if isinstance(node, ScalarTypeExtensionNode):
            continue
        if isinstance(node, ScalarTypeDefinitionNode) and name in BUILT_IN_SCALARS:
            continue
        if isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            if isinstance(node, InputObjectTypeDefinitionNode) or node.fields:
                order.touch(name)
            for input_field in node.fields or ():
                _touch_enum(order, named_type(input_field.type), enums)
            continue
        order.touch(name)
        if isinstance(node, ObjectLikeNode):
            _object_like(order, subgraph, node, name, enums)
    return order


def _object_like(
    order: CreationOrder,
    subgraph: SubgraphDocument,
    node: ObjectLikeNode,
    name: str,
    enums: set[str],
) -> None:
    group = subgraph.groups[name]
    is_object_node = isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
    if group.kind == "object":
        for interface in node.interfaces or ():
            order.touch(interface.name.value)
    for key in subgraph.directives.of(node, "key"):
        _touch_field_set(order, subgraph, argument(key, "fields"), name)
    for field_node in node.fields or ():
        order.touch(name, field_node.name.value)
        _touch_enum(order, named_type(field_node.type), enums)
        if is_object_node:
            for arg in field_node.arguments or ():
                _touch_enum(order, named_type(arg.type), enums)
        _touch_field_directives(order, subgraph, field_node, name)


def _touch_field_directives(
    order: CreationOrder, subgraph: SubgraphDocument, field_node: FieldDefinitionNode, name: str
) -> None:
    for provides in subgraph.directives.of(field_node, "provides"):
        target = named_type(field_node.type)
        _touch_field_set(order, subgraph, argument(provides, "fields"), target)
    for requires in subgraph.directives.of(field_node, "requires"):
        _touch_field_set(order, subgraph, argument(requires, "fields"), name)


def _touch_field_set(
    order: CreationOrder, subgraph: SubgraphDocument, value: object, type_name: str
) -> None:
    text = getattr(value, "value", None)
    if not isinstance(text, str):
        return
    selection = parse_field_set(text)
    if isinstance(selection, str):
        return
    for selected in walk_field_set(selection, type_name, subgraph).selected:
        if selected.type_kind in ("object", "interface"):
            order.touch(selected.type_name, selected.field_name)


def _touch_enum(order: CreationOrder, type_name: str, enums: set[str]) -> None:
    if type_name in enums:
        order.touch(type_name)
