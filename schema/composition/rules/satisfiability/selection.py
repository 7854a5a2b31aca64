"""Field sets (``@key``, ``@requires``, ``@provides``) resolved against the supergraph's types.

The walk compares field sets (has this key already been tried on this path?) and follows them
field by field, so each is parsed once into a tree of fields and inline fragments, each item
knowing the type it is selected on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from schema.composition.merge.state import InterfaceState, ObjectState, SupergraphState
from schema.composition.subgraph.field_sets import parse_field_set
from schema.composition.subgraph.model import bare_type


class Unsupported(Exception):
    """The graph cannot be built for a reason composition's other stages should have caught;
    the check then stays silent rather than guess."""


@dataclass(frozen=True, slots=True, eq=False)
class SelectedItem:
    """A field (``field_name`` set) or an inline fragment (``field_name`` None)."""

    type_name: str
    field_name: str | None
    selection_set: tuple[SelectedItem, ...] | None

    @property
    def is_fragment(self) -> bool:
        return self.field_name is None


@dataclass(frozen=True, slots=True, eq=False)
class Selection:
    """A whole field set on ``type_name``; ``source`` is the text as written."""

    type_name: str
    source: str
    selection_set: tuple[SelectedItem, ...]

    def equals(self, other: Selection) -> bool:
        if self.type_name != other.type_name:
            return False
        if self.source == other.source:
            return True
        return _same_items(self.selection_set, other.selection_set)

    def __str__(self) -> str:
        return re.sub(r"\s+", " ", self.source)


def _same_items(left: tuple[SelectedItem, ...], right: tuple[SelectedItem, ...]) -> bool:
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if a.is_fragment != b.is_fragment or a.type_name != b.type_name:
            return False
        if not a.is_fragment and a.field_name != b.field_name:
            return False
        if a.selection_set is not None and b.selection_set is not None:
            if not _same_items(a.selection_set, b.selection_set):
                return False
        elif a.selection_set is not b.selection_set:
            return False
    return True


class SelectionResolver:
    """Parses and caches field sets per (type, text)."""

    def __init__(self, state: SupergraphState) -> None:
        self.state = state
        self._cache: dict[tuple[str, str], Selection] = {}

    def resolve(self, type_name: str, fields: str) -> Selection:
        key = (type_name, fields)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if (
            type_name not in self.state.objects
            and type_name not in self.state.interfaces
            and type_name not in self.state.unions
        ):
            raise Unsupported(f"no composite type {type_name}")
        parsed = parse_field_set(fields)
        if isinstance(parsed, str):
            raise Unsupported(parsed)
        selection = Selection(type_name, fields, self._items(type_name, parsed))
        self._cache[key] = selection
        return selection

    def _fields_of(self, type_name: str) -> ObjectState | InterfaceState:
        found = self.state.objects.get(type_name) or self.state.interfaces.get(type_name)
        if found is None:
            raise Unsupported(f"type {type_name} is not defined")
        return found

    def _items(self, type_name: str, node: SelectionSetNode) -> tuple[SelectedItem, ...]:
        items: list[SelectedItem] = []
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name == "__typename":
                    continue
                owner = self._fields_of(type_name)
                field = owner.fields.get(name)
                if field is None:
                    raise Unsupported(f"{type_name} has no field {name}")
                inner = (
                    self._items(bare_type(field.type), selection.selection_set)
                    if selection.selection_set is not None
                    else None
                )
                items.append(SelectedItem(type_name, name, inner))
            elif isinstance(selection, InlineFragmentNode):
                if selection.type_condition is None:
                    raise Unsupported("inline fragment without a type condition")
                condition = selection.type_condition.name.value
                self._fields_of(condition)
                items.append(
                    SelectedItem(condition, None, self._items(condition, selection.selection_set))
                )
            else:
                raise Unsupported("fragment spread in a field set")
        return tuple(sorted(items, key=_sort_key))


def _sort_key(item: SelectedItem) -> tuple[int, str, str]:
    """Fields before fragments, then by coordinate (the oracle's ``localeCompare`` order)."""
    label = item.type_name if item.is_fragment else f"{item.type_name}.{item.field_name}"
    return (1 if item.is_fragment else 0, label.lower(), label)
