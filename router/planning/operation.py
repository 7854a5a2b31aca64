"""Normalized operations: the planner's input.

A client document is reduced to one operation with fragment spreads inlined and ``@skip`` /
``@include`` already decided from the variables. The result is frozen, hashable data, so it is
both what the planner reads and the key of the plan cache: two documents that differ only in
fragment layout or in skipped parts share a plan. Skipped fields are never fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from router.errors import MAX_SELECTIONS_LIMIT, OPERATION_NOT_FOUND, RequestError

OperationKind = Literal["query", "mutation", "subscription"]

_CONDITIONS = frozenset({"skip", "include"})
"""Decided by the router from the variables, never forwarded."""


@dataclass(frozen=True, slots=True)
class Field:
    """A field as the client asked for it; ``arguments`` is printed GraphQL, e.g. ``(id: $id)``,
    and so is ``directives`` (``@lowercase``): executable directives other than ``@skip`` and
    ``@include`` travel to the subgraphs, which composition made sure define them."""

    response_key: str
    name: str
    arguments: str = ""
    variables: frozenset[str] = frozenset()
    selections: tuple[Selection, ...] = ()
    directives: str = ""

    @property
    def alias(self) -> str | None:
        return self.response_key if self.response_key != self.name else None


@dataclass(frozen=True, slots=True)
class InlineFragment:
    """A type condition around selections (``None``: the enclosing type)."""

    type_condition: str | None
    selections: tuple[Selection, ...]


Selection = Field | InlineFragment


@dataclass(frozen=True, slots=True)
class Operation:
    """One executable operation, ready to plan."""

    kind: OperationKind
    name: str | None
    variable_definitions: tuple[tuple[str, str], ...]
    """(name, printed definition such as ``$id: ID! = "1"``) in document order."""
    selections: tuple[Selection, ...]

    def variable_definition(self, name: str) -> str:
        for variable, definition in self.variable_definitions:
            if variable == name:
                return definition
        raise KeyError(name)


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """The operation the request names, or its only operation."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise RequestError(
                "Must provide operation name if query contains multiple operations.",
                OPERATION_NOT_FOUND,
            )
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise RequestError(f'Unknown operation named "{operation_name}".', OPERATION_NOT_FOUND)


def condition_variables(operation: OperationDefinitionNode, document: DocumentNode) -> list[str]:
    """Variables used by ``@skip``/``@include`` anywhere in the document, in order."""
    names: list[str] = []

    class Collect(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value in ("skip", "include"):
                for argument in node.arguments or ():
                    value = argument.value
                    if isinstance(value, VariableNode) and value.name.value not in names:
                        names.append(value.name.value)

    visit(document, Collect())
    return names


def normalize(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    *,
    max_selections: int | None = None,
) -> Operation:
    """Inline fragments and drop skipped selections; ``variables`` are the coerced values.

    Each fragment is expanded once and its result shared by every spread, so time and memory
    are linear in the document's size. The operation's expanded size (every field it selects,
    counted through each spread) is computed alongside from the same memo; past
    ``max_selections`` normalization stops with ``MAX_SELECTIONS_LIMIT`` before anything walks
    the exponential tree a fragment bomb describes.
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    definitions = tuple(
        (definition.variable.name.value, print_ast(definition))
        for definition in operation.variable_definitions or ()
    )
    normalizer = _Normalizer(fragments, variables, max_selections)
    selections, _ = normalizer.selections(operation.selection_set)
    return Operation(
        kind=operation.operation.value,
        name=operation.name.value if operation.name else None,
        variable_definitions=definitions,
        selections=selections,
    )


def field_set_selections(field_set: str) -> tuple[Selection, ...]:
    """A ``@key``/``@requires`` field set (``id author { name }``) as planner selections."""
    document = parse("{" + field_set + "}")
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return _Normalizer({}, {}, None).selections(operation.selection_set)[0]


class _Normalizer:
    """Builds planner selections; ``selections`` returns them with their expanded field count."""

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_selections: int | None,
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.max_selections = max_selections
        self._expanded: dict[str, tuple[tuple[Selection, ...], int]] = {}

    def selections(
        self, selection_set: SelectionSetNode | None
    ) -> tuple[tuple[Selection, ...], int]:
        if selection_set is None:
            return (), 0
        result: list[Selection] = []
        count = 0
        for node in selection_set.selections:
            if not _included(node.directives, self.variables):
                continue
            if isinstance(node, FieldNode):
                fld, size = self._field(node)
                result.append(fld)
                count += 1 + size
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                inner, size = self.selections(node.selection_set)
                result.append(InlineFragment(condition, inner))
                count += size
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                inner, size = self._fragment(fragment)
                result.append(InlineFragment(fragment.type_condition.name.value, inner))
                count += size
            if self.max_selections is not None and count > self.max_selections:
                raise RequestError(
                    f"The operation selects more than {self.max_selections} fields once its "
                    "fragments are expanded.",
                    MAX_SELECTIONS_LIMIT,
                )
        return tuple(result), count

    def _fragment(self, fragment: FragmentDefinitionNode) -> tuple[tuple[Selection, ...], int]:
        name = fragment.name.value
        expanded = self._expanded.get(name)
        if expanded is None:
            expanded = self.selections(fragment.selection_set)
            self._expanded[name] = expanded
        return expanded

    def _field(self, node: FieldNode) -> tuple[Field, int]:
        used: set[str] = set()
        arguments = ""
        if node.arguments:
            printed = []
            for argument in node.arguments:
                printed.append(print_ast(argument))
                used.update(_variables_in(argument))
            arguments = "(" + ", ".join(printed) + ")"
        forwarded = [d for d in node.directives or () if d.name.value not in _CONDITIONS]
        for directive in forwarded:
            used.update(_variables_in(directive))
        selections, size = self.selections(node.selection_set)
        fld = Field(
            response_key=node.alias.value if node.alias else node.name.value,
            name=node.name.value,
            arguments=arguments,
            variables=frozenset(used),
            selections=selections,
            directives=" ".join(print_ast(d) for d in forwarded),
        )
        return fld, size


def _variables_in(node: Any) -> set[str]:
    found: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            found.add(variable.name.value)

    visit(node, Collect())
    return found


def _included(directives: Any, variables: Mapping[str, Any]) -> bool:
    for directive in directives or ():
        name = directive.name.value
        if name not in _CONDITIONS:
            continue
        value: Any = None
        for argument in directive.arguments or ():
            if argument.name.value == "if":
                node = argument.value
                if isinstance(node, BooleanValueNode):
                    value = node.value
                elif isinstance(node, VariableNode):
                    value = variables.get(node.name.value)
        if (name == "skip" and value is True) or (name == "include" and value is not True):
            return False
    return True


def collect_fields(
    schema: GraphQLSchema,
    type_: GraphQLObjectType | GraphQLInterfaceType,
    selections: tuple[Selection, ...],
) -> dict[str, list[Field]]:
    """Fields by response key, in order, through the fragments that apply to ``type_`` (the
    spec's CollectFields on a normalized operation).

    A fragment spread several times is one shared tuple after normalization: walked once, it
    gives the same fields, so this stays linear in what normalization built."""
    fields: dict[str, list[Field]] = {}
    walked: set[int] = set()

    def walk(items: tuple[Selection, ...]) -> None:
        walked.add(id(items))
        for selection in items:
            match selection:
                case Field(response_key=key):
                    fields.setdefault(key, []).append(selection)
                case InlineFragment(type_condition=condition, selections=inner):
                    applies = condition is None or fragment_applies(schema, condition, type_)
                    if applies and id(inner) not in walked:
                        walk(inner)

    walk(selections)
    return fields


def fragment_applies(
    schema: GraphQLSchema, condition: str, type_: GraphQLObjectType | GraphQLInterfaceType
) -> bool:
    """Whether a fragment on ``condition`` applies to an object of (or field on) ``type_``."""
    if condition == type_.name:
        return True
    conditional = schema.get_type(condition)
    if isinstance(type_, GraphQLObjectType) and isinstance(
        conditional, GraphQLInterfaceType | GraphQLUnionType
    ):
        return schema.is_sub_type(conditional, type_)
    return False
