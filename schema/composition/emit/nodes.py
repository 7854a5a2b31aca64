"""Small constructors for the GraphQL AST nodes the emitter builds."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import (
    BooleanValueNode,
    ConstArgumentNode,
    ConstDirectiveNode,
    ConstListValueNode,
    ConstValueNode,
    EnumValueNode,
    IntValueNode,
    NamedTypeNode,
    NameNode,
    StringValueNode,
    TypeNode,
    parse_type,
    print_ast,
)

from schema.composition.merge.state import DecorationsState
from schema.composition.subgraph.model import ListSize, Requirements

Argument = tuple[str, ConstValueNode]


def name(value: str) -> NameNode:
    return NameNode(value=value)


def named_type(value: str) -> NamedTypeNode:
    return NamedTypeNode(name=name(value))


def type_reference(printed: str) -> TypeNode:
    return parse_type(printed)


def string(value: str) -> StringValueNode:
    return StringValueNode(value=value)


def description(value: str | None) -> StringValueNode | None:
    return StringValueNode(value=value, block=True) if value is not None else None


def enum(value: str) -> EnumValueNode:
    return EnumValueNode(value=value)


def boolean(value: bool) -> BooleanValueNode:
    return BooleanValueNode(value=value)


def directive(directive_name: str, arguments: Sequence[Argument] = ()) -> ConstDirectiveNode:
    return ConstDirectiveNode(
        name=name(directive_name),
        arguments=tuple(ConstArgumentNode(name=name(k), value=v) for k, v in arguments),
    )


def applied_directives(decorations: DecorationsState) -> list[ConstDirectiveNode]:
    """Composed directives as the subgraphs applied them, each distinct application once;
    composers print them before the join directives."""
    return list({print_ast(d): d for d in decorations.applied}.values())


def decoration_directives(
    decorations: DecorationsState, *, deprecation: bool = True
) -> list[ConstDirectiveNode]:
    """``@tag``s, ``@inaccessible``, access requirements, ``@cost``/``@listSize`` and
    ``@deprecated``, in the order composers print them."""
    applied = [directive("tag", [("name", string(tag))]) for tag in decorations.tags]
    if decorations.inaccessible:
        applied.append(directive("inaccessible"))
    if decorations.authenticated:
        applied.append(directive("authenticated"))
    if decorations.policies:
        applied.append(directive("policy", [("policies", _requirements(decorations.policies))]))
    if decorations.scopes:
        applied.append(directive("requiresScopes", [("scopes", _requirements(decorations.scopes))]))
    applied.extend(cost_directives(decorations.cost, decorations.list_size))
    if deprecation and decorations.deprecated is not None:
        reason = decorations.deprecated.reason
        applied.append(
            directive("deprecated", [("reason", string(reason))] if reason is not None else [])
        )
    return applied


def cost_directives(cost: int | None, list_size: ListSize | None) -> list[ConstDirectiveNode]:
    """``@listSize`` arguments go in the reference composer's order, the default
    ``requireOneSlicingArgument: true`` left out."""
    applied = [directive("cost", [("weight", IntValueNode(value=str(cost)))])] if cost else []
    if list_size is None:
        return applied
    arguments: list[Argument] = []
    if not list_size.require_one_slicing_argument:
        arguments.append(("requireOneSlicingArgument", boolean(False)))
    if list_size.assumed_size is not None:
        arguments.append(("assumedSize", IntValueNode(value=str(list_size.assumed_size))))
    for label, names in (
        ("slicingArguments", list_size.slicing_arguments),
        ("sizedFields", list_size.sized_fields),
    ):
        if names is not None:
            arguments.append((label, ConstListValueNode(values=tuple(string(n) for n in names))))
    return [*applied, directive("listSize", arguments)]


def _requirements(requirements: Requirements) -> ConstListValueNode:
    return ConstListValueNode(
        values=tuple(
            ConstListValueNode(values=tuple(string(item) for item in group))
            for group in requirements
        )
    )
