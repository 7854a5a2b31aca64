"""Schema type helpers the planning stages share (pure, over graphql-core types)."""

from __future__ import annotations

from graphql import (
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
)


def unwrap(type_: GraphQLOutputType | GraphQLInputType) -> tuple[str, int]:
    depth = 0
    current: object = type_
    while isinstance(current, GraphQLNonNull | GraphQLList):
        if isinstance(current, GraphQLList):
            depth += 1
        current = current.of_type
    """The named type of a wrapped type, and how many lists wrap it."""
    return getattr(current, "name"), depth  # noqa: B009 - named types all have a name


def is_abstract(schema: GraphQLSchema, type_name: str) -> bool:
    return isinstance(schema.get_type(type_name), GraphQLInterfaceType | GraphQLUnionType)


def possible_types(schema: GraphQLSchema, type_name: str) -> list[str]:
    named = schema.get_type(type_name)
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return [t.name for t in schema.get_possible_types(named)]
    return [type_name]
