"""A seeded generator of valid queries over an API schema.

Queries mix what real clients send and what the public audit rarely asks: aliases, named and
inline fragments (on objects, interfaces and unions), ``@skip``/``@include`` with literals and
variables (sometimes emptying a whole selection), arguments as literals or variables, and
nested entities down to ``max_depth``. Argument values come first from ``hints`` (the values
the audit's own tests use, so lookups hit data), then from the argument's type.

Pure and deterministic: the same schema, hints and seed give the same query. Every query is
checked with graphql-core's ``validate``; an invalid draft (fields that cannot merge) is
dropped and the next draft of the same random stream is tried.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    ast_from_value,
    get_named_type,
    is_leaf_type,
    parse,
    print_ast,
    validate,
)
from graphql.utilities import coerce_input_value

Hints = Mapping[str, tuple[Any, ...]]
"""Argument values by coordinate (``Query.product.upc``) and by input type (``ID``)."""

_MAX_DRAFTS = 50


@dataclass(frozen=True, slots=True)
class GeneratedQuery:
    """A valid operation and the variables it declares."""

    seed: int
    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)


class GenerationError(Exception):
    """No valid query came out of a seed's drafts (a schema with nothing to select)."""


class QueryGenerator:
    """Generates queries over ``schema``; share one per schema, call ``generate`` per seed."""

    def __init__(
        self, schema: GraphQLSchema, hints: Hints | None = None, *, max_depth: int = 4
    ) -> None:
        if schema.query_type is None:
            raise GenerationError("the schema has no query type")
        self.schema = schema
        self.hints = dict(hints or {})
        self.max_depth = max_depth

    def generate(self, seed: int) -> GeneratedQuery:
        rng = random.Random(seed)
        for _ in range(_MAX_DRAFTS):
            draft = _Draft(self, rng)
            text = draft.operation()
            if text is None:
                continue
            if not validate(self.schema, parse(text)):
                return GeneratedQuery(seed, text, dict(draft.values))
        raise GenerationError(f"no valid query in {_MAX_DRAFTS} drafts for seed {seed}")


class _Draft:
    """One attempt at a query: the random choices and the variables and fragments they made."""

    def __init__(self, generator: QueryGenerator, rng: random.Random) -> None:
        self.g = generator
        self.schema = generator.schema
        self.rng = rng
        self.definitions: list[str] = []
        self.values: dict[str, Any] = {}
        self.fragments: list[str] = []
        self._arguments: dict[str, str] = {}
        """Arguments chosen per field coordinate: unaliased repeats must agree to merge."""

    def operation(self) -> str | None:
        root = self.schema.query_type
        assert root is not None
        fields = [name for name in root.fields if not name.startswith("_")]
        if not fields:
            return None
        chosen = self.rng.sample(fields, self.rng.randint(1, min(3, len(fields))))
        body = [str(self._field(root, name, 1)) for name in chosen]
        if self.rng.random() < 0.1:
            body.append("__typename")
        name = f" Q{self.rng.randint(0, 999)}" if self.rng.random() < 0.5 else ""
        header = f"({', '.join(self.definitions)})" if self.definitions else ""
        head = f"query{name}{header} " if name or header else ""
        text = head + "{ " + " ".join(body) + " }"
        return "\n".join([text, *self.fragments])

    # -- selections ----------------------------------------------------------------------

    def _selection_set(self, type_: GraphQLNamedType, depth: int) -> str:
        items = self._selections(type_, depth)
        if self.rng.random() < 0.06:
            # Every selection conditional and false: the set is emptied at run time.
            items = [item.conditioned(self._false_condition()) for item in items]
        return "{ " + " ".join(str(item) for item in items) + " }"

    def _selections(self, type_: GraphQLNamedType, depth: int) -> list[_Item]:
        rng = self.rng
        items: list[_Item] = []
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            names = [n for n in type_.fields if not n.startswith("_")]
            if depth >= self.g.max_depth:
                names = [n for n in names if is_leaf_type(get_named_type(type_.fields[n].type))]
            if names:
                count = rng.randint(1, min(4, len(names)))
                items += [self._field(type_, n, depth) for n in rng.sample(names, count)]
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType) and depth < self.g.max_depth:
            possible = [t.name for t in self.schema.get_possible_types(type_)]
            for name in rng.sample(possible, min(len(possible), rng.randint(0, 2))):
                items.append(self._fragment(name, depth))
            if len(possible) > 1 and rng.random() < 0.25:
                items += self._same_field_per_type(possible, depth)
        if isinstance(type_, GraphQLObjectType) and depth < self.g.max_depth:
            abstract = [i.name for i in type_.interfaces]
            abstract += [
                u.name
                for u in self.schema.type_map.values()
                if isinstance(u, GraphQLUnionType) and type_ in u.types
            ]
            if rng.random() < 0.15:
                items.append(self._fragment(rng.choice([type_.name, *abstract]), depth))
        if not items or rng.random() < 0.2:
            items.append(_Item("__typename"))
        rng.shuffle(items)
        return [self._maybe_conditioned(item) for item in items]

    def _same_field_per_type(self, possible: list[str], depth: int) -> list[_Item]:
        """One field that several possible types have, in a fragment on each: what subgraphs
        merge across fragments (and where their field types may differ)."""
        objects = [
            t for t in map(self.schema.get_type, possible) if isinstance(t, GraphQLObjectType)
        ]
        counts: dict[str, int] = {}
        for type_ in objects:
            for name in type_.fields:
                counts[name] = counts.get(name, 0) + 1
        shared = sorted(n for n, count in counts.items() if count > 1 and not n.startswith("_"))
        if not shared:
            return []
        name = self.rng.choice(shared)
        return [
            _Item(f"... on {t.name}", f"{{ {self._field(t, name, depth)} }}")
            for t in objects
            if name in t.fields
        ]

    def _fragment(self, type_name: str, depth: int) -> _Item:
        """An inline fragment or a named fragment spread on ``type_name``."""
        type_ = self.schema.get_type(type_name)
        assert type_ is not None
        body = self._selection_set(type_, depth)
        if self.rng.random() < 0.4:
            name = f"F{len(self.fragments)}"
            self.fragments.append(f"fragment {name} on {type_name} {body}")
            return _Item(f"...{name}")
        if isinstance(type_, GraphQLObjectType) and self.rng.random() < 0.1:
            return _Item("...", body)  # no type condition: only where it is the parent's type
        return _Item(f"... on {type_name}", body)

    def _field(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str, depth: int
    ) -> _Item:
        definition = parent.fields[name]
        coordinate = f"{parent.name}.{name}"
        alias = ""
        if self.rng.random() < 0.15:
            alias = f"{name}{self.rng.randint(0, 9)}: "
        arguments = self._arguments.get(coordinate)
        if arguments is None or alias:
            arguments = self._field_arguments(coordinate, definition)
            if not alias:
                self._arguments[coordinate] = arguments
        named = get_named_type(definition.type)
        head = f"{alias}{name}{arguments}"
        if is_leaf_type(named):
            return _Item(head)
        return _Item(head, self._selection_set(named, depth + 1))

    def _field_arguments(self, coordinate: str, definition: GraphQLField) -> str:
        printed = []
        for arg_name, argument in definition.args.items():
            required = isinstance(argument.type, GraphQLNonNull) and argument.default_value is None
            if not required and self.rng.random() < 0.6:
                continue
            value = self._value(f"{coordinate}.{arg_name}", argument.type)
            if value is _NO_VALUE:
                if required:
                    value = None
                else:
                    continue
            if self.rng.random() < 0.25:
                variable = f"v{len(self.definitions)}"
                self.definitions.append(f"${variable}: {argument.type}")
                self.values[variable] = value
                printed.append(f"{arg_name}: ${variable}")
            else:
                printed.append(f"{arg_name}: {_literal(value, argument.type)}")
        return f"({', '.join(printed)})" if printed else ""

    # -- directives ----------------------------------------------------------------------

    def _maybe_conditioned(self, item: _Item) -> _Item:
        roll = self.rng.random()
        if roll < 0.08:
            return item.conditioned(self._false_condition())
        if roll < 0.16:
            return item.conditioned(self._true_condition())
        return item

    def _false_condition(self) -> str:
        return self._condition(skip_value=True)

    def _true_condition(self) -> str:
        return self._condition(skip_value=False)

    def _condition(self, *, skip_value: bool) -> str:
        """``@skip``/``@include`` that skips when ``skip_value``, as a literal or a variable."""
        directive = self.rng.choice(["skip", "include"])
        value = skip_value if directive == "skip" else not skip_value
        if self.rng.random() < 0.5:
            return f"@{directive}(if: {'true' if value else 'false'})"
        variable = f"v{len(self.definitions)}"
        self.definitions.append(f"${variable}: Boolean!")
        self.values[variable] = value
        return f"@{directive}(if: ${variable})"

    # -- values --------------------------------------------------------------------------

    def _value(self, coordinate: str, type_: GraphQLInputType) -> Any:
        hinted = _fitting(self.g.hints.get(coordinate, ()), type_)
        if hinted:
            return self.rng.choice(hinted)
        if isinstance(type_, GraphQLNonNull):
            return self._value(coordinate, type_.of_type)
        if isinstance(type_, GraphQLList):
            inner = self._value(coordinate, type_.of_type)
            return _NO_VALUE if inner is _NO_VALUE else [inner]
        by_type = _fitting(self.g.hints.get(type_.name, ()), type_)
        if by_type:
            return self.rng.choice(by_type)
        if isinstance(type_, GraphQLEnumType):
            return self.rng.choice(list(type_.values))
        if isinstance(type_, GraphQLInputObjectType):
            value: dict[str, Any] = {}
            for name, input_field in type_.fields.items():
                required = (
                    isinstance(input_field.type, GraphQLNonNull)
                    and input_field.default_value is None
                )
                if required or self.rng.random() < 0.3:
                    inner = self._value(f"{type_.name}.{name}", input_field.type)
                    if inner is _NO_VALUE:
                        return _NO_VALUE
                    value[name] = inner
            return value
        if isinstance(type_, GraphQLScalarType):
            match type_.name:
                case "Int":
                    return self.rng.randint(0, 3)
                case "Float":
                    return self.rng.choice([0.5, 1.0, 2.5])
                case "Boolean":
                    return self.rng.random() < 0.5
                case "String" | "ID":
                    return self.rng.choice(["1", "2", "a"])
        return _NO_VALUE


@dataclass(frozen=True, slots=True)
class _Item:
    """One selection: a field, inline fragment or spread head, and its selection set."""

    head: str
    body: str | None = None

    def conditioned(self, directive: str) -> _Item:
        return _Item(f"{self.head} {directive}", self.body)

    def __str__(self) -> str:
        return self.head if self.body is None else f"{self.head} {self.body}"


class _NoValue:
    """No value fits (a custom scalar nobody gave a hint for)."""


_NO_VALUE: Any = _NoValue()


def _fitting(values: tuple[Any, ...], type_: GraphQLInputType) -> tuple[Any, ...]:
    """The hinted values ``type_`` accepts (the audit also asks for values a schema hides)."""
    fitting = []
    for value in values:
        try:
            if (
                coerce_input_value(value, type_) is Undefined
                or ast_from_value(value, type_) is None
            ):
                continue
        except (GraphQLError, TypeError, ValueError):
            continue
        fitting.append(value)
    return tuple(fitting)


def _literal(value: Any, type_: GraphQLInputType) -> str:
    node = ast_from_value(value, type_)
    return "null" if node is None else print_ast(node)
