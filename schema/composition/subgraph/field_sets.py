"""Field sets: the selection strings of ``@key``, ``@requires`` and ``@provides``.

``"id organization { id }"`` is a selection set without its outer braces. Composition needs
to know which fields it selects (a key field is implicitly shareable, a provided external
field gets ``external: true``...) and reports selections of fields the type does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    FieldNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)
from graphql.utilities import strip_ignored_characters

from schema.composition.subgraph.groups import SubgraphDocument, TypeKind, named_type


@dataclass(frozen=True, slots=True)
class Selected:
    """One field a field set selects, with the kind of the type it belongs to."""

    type_name: str
    type_kind: TypeKind
    field_name: str
    depth: int
    has_arguments: bool = False
    field_type_kind: TypeKind | None = None
    """The kind of the field's own (named) type; None for built-in scalars."""


@dataclass(frozen=True, slots=True)
class Walk:
    selected: tuple[Selected, ...]
    problems: tuple[str, ...]


def parse_field_set(text: str) -> SelectionSetNode | str:
    """The selection set, or the syntax error's message."""
    source = text.strip()
    try:
        document = parse(source if source.startswith("{") else f"{{{source}}}")
    except GraphQLSyntaxError as error:
        return error.message
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def normalize_field_set(selection_set: SelectionSetNode) -> str:
    """Print with no insignificant whitespace: ``a b{c}``, as composers print requires."""
    return strip_ignored_characters(print_ast(selection_set)).removeprefix("{").removesuffix("}")


def walk_field_set(
    selection_set: SelectionSetNode, type_name: str, subgraph: SubgraphDocument
) -> Walk:
    """Every field selected, depth first in selection order; unknown fields are problems."""
    selected: list[Selected] = []
    problems: list[str] = []
    for item in _walk(selection_set, type_name, subgraph, 0, problems):
        selected.append(item)
    return Walk(tuple(selected), tuple(problems))


def _walk(
    selection_set: SelectionSetNode,
    type_name: str,
    subgraph: SubgraphDocument,
    depth: int,
    problems: list[str],
) -> Iterator[Selected]:
    group = subgraph.groups.get(subgraph.canonical(type_name))
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = condition.name.value if condition else type_name
            yield from _walk(selection.selection_set, target, subgraph, depth, problems)
            continue
        if not isinstance(selection, FieldNode) or selection.name.value == "__typename":
            continue
        name = selection.name.value
        field_node = group.field_node(name) if group else None
        if group is None or field_node is None:
            problems.append(f'Cannot query field "{name}" on type "{type_name}"')
            return
        nested = named_type(field_node.type)
        nested_group = subgraph.groups.get(subgraph.canonical(nested))
        yield Selected(
            group.name,
            group.kind,
            name,
            depth,
            has_arguments=bool(field_node.arguments),
            field_type_kind=nested_group.kind if nested_group else None,
        )
        if selection.selection_set is not None:
            yield from _walk(selection.selection_set, nested, subgraph, depth + 1, problems)
