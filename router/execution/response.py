"""Shapes merged subgraph data into the client's response, as GraphQL execution would.

Walks the client's operation over the API schema: keeps only requested fields in request
order, answers ``__typename``, drops what the planner added (keys, type names), and applies
null propagation (spec section 6.4.4, "Handling Field Errors"): a null in a non-null position
nulls the nearest nullable parent, with exactly one error for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationType,
)

from router.planning.operation import (
    Field,
    InlineFragment,
    Operation,
    Selection,
    collect_fields,
)

Path = list[str | int]


class _Invalid:
    """Marks a null in a non-null position; the enclosing nullable value becomes null."""


_INVALID = _Invalid()

_INTROSPECTION = frozenset({"__schema", "__type"})


class _Entry(NamedTuple):
    """One response key of a selection set on one type, worked out once."""

    key: str
    field: Field
    type: GraphQLOutputType | None
    """None for ``__typename`` and root introspection fields."""
    selections: tuple[Selection, ...]


class SelectionPlans:
    """The entries of each (selection set, type) pair, kept across requests.

    Operations are cached by the engine, so the same selection tuples come back with every
    request of the same operation: keyed by identity (and holding the tuple, so the identity
    cannot be reused), grouping fields per object is paid once, not once per list item."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: dict[tuple[int, str, bool], tuple[tuple[Selection, ...], list[_Entry]]] = {}
        self._max = max_entries

    def entries(
        self,
        schema: GraphQLSchema,
        type_: GraphQLObjectType | GraphQLInterfaceType,
        selections: tuple[Selection, ...],
        at_root: bool,
    ) -> list[_Entry]:
        slot = (id(selections), type_.name, at_root)
        cached = self._entries.get(slot)
        if cached is not None and cached[0] is selections:
            return cached[1]
        entries: list[_Entry] = []
        for key, fields in collect_fields(schema, type_, selections).items():
            first = fields[0]
            if first.name == "__typename" or (first.name in _INTROSPECTION and at_root):
                entries.append(_Entry(key, first, None, ()))
                continue
            definition = type_.fields.get(first.name)
            if definition is not None:
                inner = tuple(s for f in fields for s in f.selections)
                entries.append(_Entry(key, first, definition.type, inner))
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[slot] = (selections, entries)
        return entries


class ResponseShaper:
    """Completes one response; create one per request (``plans`` may be shared)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        errors: list[dict[str, Any]],
        plans: SelectionPlans | None = None,
    ) -> None:
        self.schema = schema
        self.errors = errors
        self.value_completion: list[dict[str, Any]] = []
        """Values a subgraph must not return (an enum value or ``__typename`` the API schema
        lacks, a list or object of the wrong shape), answered null. Apollo Gateway and Hive
        Gateway keep these out of ``errors`` (Apollo lists them under
        ``extensions.valueCompletion``): the client asked nothing wrong, and the subgraph's
        value is often one the schema hides on purpose (``@inaccessible``)."""
        self.plans = plans or SelectionPlans()
        self._pathless_error = any("path" not in e for e in errors)

    def shape(self, operation: Operation, data: Mapping[str, Any]) -> dict[str, Any] | None:
        root = self.schema.get_root_type(OperationType(operation.kind))
        if root is None:
            return None
        result = self._object(root, operation.selections, data, [])
        return None if result is _INVALID else result  # type: ignore[return-value]

    def _object(
        self,
        type_: GraphQLObjectType | GraphQLInterfaceType,
        selections: tuple[Selection, ...],
        value: Mapping[str, Any],
        path: Path,
    ) -> dict[str, Any] | object:
        result: dict[str, Any] = {}
        for key, first, field_type, subselections in self.plans.entries(
            self.schema, type_, selections, not path
        ):
            if field_type is None:
                # __typename, or root introspection already completed by graphql-core
                result[key] = type_.name if first.name == "__typename" else value.get(key)
                continue
            completed = self._value(
                field_type, subselections, value.get(key), [*path, key], type_.name, first
            )
            if isinstance(completed, _Invalid):
                return _INVALID
            result[key] = completed
        return result

    def _value(
        self,
        type_: GraphQLOutputType,
        selections: tuple[Selection, ...],
        value: Any,
        path: Path,
        parent: str,
        fld: Field,
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            completed = self._value(type_.of_type, selections, value, path, parent, fld)
            if completed is None or completed is _INVALID:
                if completed is None:
                    self._null_error(path, parent, fld.name)
                return _INVALID
            return completed
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return self._type_error(path, f"Expected a list for {parent}.{fld.name}.")
            items = []
            for index, item in enumerate(value):
                completed = self._value(
                    type_.of_type, selections, item, [*path, index], parent, fld
                )
                if completed is _INVALID:
                    return None
                items.append(completed)
            return items
        if isinstance(type_, GraphQLEnumType):
            if isinstance(value, str) and value in type_.values:
                return value
            return self._type_error(path, f"Enum {type_.name} cannot represent value: {value!r}")
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if not isinstance(value, dict):
                return self._type_error(path, f"Expected an object for {parent}.{fld.name}.")
            runtime = self._runtime_type(type_, value, selections)
            if runtime is None:
                return self._type_error(path, f"Could not resolve the type of {parent}.{fld.name}.")
            completed = self._object(runtime, selections, value, path)
            return None if completed is _INVALID else completed
        return value

    def _runtime_type(
        self,
        type_: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        value: Any,
        selections: tuple[Selection, ...],
    ) -> GraphQLObjectType | GraphQLInterfaceType | None:
        if isinstance(type_, GraphQLObjectType):
            return type_
        typename = value.get("__typename")
        runtime = self.schema.get_type(str(typename))
        if isinstance(runtime, GraphQLObjectType) and self.schema.is_sub_type(type_, runtime):
            return runtime
        if (
            isinstance(type_, GraphQLInterfaceType)
            and typename == type_.name
            and not _needs_concrete_type(selections, type_.name)
        ):
            # From an @interfaceObject subgraph, when no concrete type was needed (when one
            # was, the fetch that had to tell it failed: Apollo and Hive answer null).
            return type_
        return None

    def _null_error(self, path: Path, parent: str, field_name: str) -> None:
        if self._pathless_error or any(
            # Accounted for already, by a subgraph's error or by the invalid value it nulls.
            _is_prefix(e.get("path"), path)
            for e in (*self.errors, *self.value_completion)
        ):
            return
        self.errors.append(
            {
                "message": f"Cannot return null for non-nullable field {parent}.{field_name}.",
                "path": path,
                "extensions": {"code": "INVALID_GRAPHQL"},
            }
        )

    def _type_error(self, path: Path, message: str) -> None:
        self.value_completion.append(
            {"message": message, "path": path, "extensions": {"code": "INVALID_GRAPHQL"}}
        )
        return None


def _needs_concrete_type(selections: tuple[Selection, ...], interface: str) -> bool:
    """Whether the selection asks ``__typename`` or has a fragment on another type."""
    for selection in selections:
        match selection:
            case Field(name="__typename"):
                return True
            case InlineFragment(type_condition=condition, selections=inner):
                if condition not in (None, interface) or _needs_concrete_type(inner, interface):
                    return True
    return False


def _is_prefix(prefix: Any, path: Path) -> bool:
    """Whether an error at ``prefix`` already accounts for a null at ``path``."""
    if not isinstance(prefix, list):
        return False
    return path[: len(prefix)] == prefix or prefix[: len(path)] == path
