"""Argument values that hit the audit's data, read from the audit's own test queries.

The audit's subgraphs answer fixed data (products ``p1``, authors ``a1``...): a random ID finds
nothing and every gateway answers null alike, which judges nothing. Each suite's tests show
which values its data holds, so the generator takes them first: by field coordinate
(``Query.product.upc``), then by input type (``ID``) for other arguments of that type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    ArgumentNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    value_from_ast_untyped,
    visit,
)
from graphql.language import VariableNode

from tests.router.differential.generator import Hints


def argument_hints(schema: GraphQLSchema, queries: Iterable[str]) -> Hints:
    """Literal argument values of ``queries``, keyed by coordinate and by input type name."""
    found: dict[str, list[Any]] = {}
    for query in queries:
        try:
            document = parse(query)
        except GraphQLError:
            continue
        info = TypeInfo(schema)
        visit(document, TypeInfoVisitor(info, _Collect(info, found)))
    return {key: tuple(values) for key, values in found.items()}


class _Collect(Visitor):
    def __init__(self, info: TypeInfo, found: dict[str, list[Any]]) -> None:
        super().__init__()
        self.info = info
        self.found = found

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        argument, parent = self.info.get_argument(), self.info.get_parent_type()
        definition = self.info.get_field_def()
        if argument is None or definition is None or isinstance(node.value, VariableNode):
            return
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        names = [n for n, f in parent.fields.items() if f is definition]
        if not names:
            return
        value = value_from_ast_untyped(node.value)
        self._add(f"{parent.name}.{names[0]}.{node.name.value}", value)
        self._add(get_named_type(argument.type).name, value)

    def _add(self, key: str, value: Any) -> None:
        values = self.found.setdefault(key, [])
        if value not in values:
            values.append(value)
