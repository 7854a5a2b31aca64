"""Subgraph selection sets under construction, and the field sets (``@key``, ``@provides``)
the planner adds to them. Pure string building: no schema, no I/O."""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, SelectionSetNode, parse

from router.planning.plan import KEY_ALIAS_PREFIX, KeyField

ProvidedTree = dict[str, "ProvidedTree"]


def response_key(head: str) -> str:
    """``alias: name(args) @dir`` -> ``alias``; ``name @dir`` -> ``name``; fragments unchanged."""
    if head.startswith("..."):
        return head
    before_args = head.split("(", 1)[0].split("@", 1)[0]
    return before_args.split(":", 1)[0].strip()


class MergeScope:
    """The fields a subgraph's validator merges (``OverlappingFieldsCanBeMerged``): those of
    one selection set and of every fragment in it, and, one level down, the selections of all
    the fields that share a response key there, whichever fragment holds them. Two fields
    with one response key in one scope must have the same type in the subgraph."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}
        """Response key -> the field's type in this subgraph."""
        self._below: dict[str, MergeScope] = {}

    def below(self, key: str) -> MergeScope:
        """The scope of the selections of the fields answering as ``key``."""
        return self._below.setdefault(key, MergeScope())


class SelectionBuilder:
    """A subgraph selection set under construction; identical selections merge."""

    def __init__(self, scope: MergeScope | None = None) -> None:
        self._items: dict[str, SelectionBuilder | None] = {}
        self.scope = scope or MergeScope()
        """Shared with its fragments, and below with same-key fields of sibling fragments."""

    def leaf(self, head: str) -> None:
        key = response_key(head)
        if head != key and key in self._items and self._items[key] is None:
            # A key leaf the planner added earlier now collides with a client alias: move it.
            del self._items[key]
            self._items.setdefault(f"{KEY_ALIAS_PREFIX}{key}: {key}", None)
        self._items.setdefault(head, None)

    def taken_by_other(self, name: str) -> bool:
        """Whether a selection other than the plain field ``name`` answers as ``name``."""
        return any(response_key(h) == name and h != name for h in self._items)

    def branch(self, head: str) -> SelectionBuilder:
        child = self._items.get(head)
        if child is None:
            fragment = head.startswith("...")
            child = SelectionBuilder(
                self.scope if fragment else self.scope.below(response_key(head))
            )
            self._items[head] = child
        return child

    def print(self) -> str:
        """GraphQL text. Selections emptied because every field went to other fetches stay
        valid: an empty fragment is dropped, an empty field selection keeps ``__typename``."""
        parts = []
        for head, child in self._items.items():
            if child is None:
                parts.append(head)
            elif child:
                parts.append(f"{head} {child.print()}")
            elif not head.startswith("..."):
                parts.append(f"{head} {{ __typename }}")
        return "{ " + " ".join(parts or ["__typename"]) + " }"

    def leads_only_to(self, ends: list[SelectionBuilder]) -> bool:
        """Whether every selection here is one of ``ends`` or leads only to them."""
        if any(self is end for end in ends):
            return True
        return bool(self._items) and all(
            child is not None and child.leads_only_to(ends) for child in self._items.values()
        )

    def __bool__(self) -> bool:
        return bool(self._items)


@lru_cache(maxsize=1024)
def key_fields(field_set: str) -> tuple[KeyField, ...]:
    """Parse a ``@key``/``@requires`` field set such as ``id org { id }``."""
    document = parse("{" + field_set + "}")
    operation = document.definitions[0]
    selection_set: SelectionSetNode = operation.selection_set  # type: ignore[attr-defined]
    return _key_selection(selection_set)


def _key_selection(selection_set: SelectionSetNode) -> tuple[KeyField, ...]:
    fields = []
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            inner = _key_selection(node.selection_set) if node.selection_set else ()
            fields.append(KeyField(node.name.value, inner))
    return tuple(fields)


def add_key_fields(out: SelectionBuilder, fields: tuple[KeyField, ...]) -> None:
    """Select a key; where the client uses its name for another field, under a reserved
    alias that representations read first (``KEY_ALIAS_PREFIX``)."""
    for key_field in fields:
        head = key_field.name
        if out.taken_by_other(key_field.name):
            head = f"{KEY_ALIAS_PREFIX}{key_field.name}: {key_field.name}"
        if key_field.selections:
            add_key_fields(out.branch(head), key_field.selections)
        else:
            out.leaf(head)


def provided_tree(field_set: str) -> ProvidedTree:
    def tree(fields: tuple[KeyField, ...]) -> ProvidedTree:
        return {f.name: tree(f.selections) for f in fields}

    return tree(key_fields(field_set))
