"""Enforce ``@authenticated``, ``@requiresScopes`` and ``@policy`` before planning.

As Apollo Router does (``apollo-router/src/plugins/authorization/``): what the caller may not
read is removed from the normalized operation, so no subgraph is ever asked for it; the rest
of the operation runs; each removed field comes back null with one ``UNAUTHORIZED_FIELD_OR_TYPE``
error at its path, and null propagation applies (a removed non-null field nulls its parent).

Which selections are removed (the rules of Apollo's ``AuthenticatedVisitor``,
``ScopeFilteringVisitor`` and ``PolicyFilteringVisitor``, in one pass):

- a field whose effective requirement (its own, its parent type's, its return type's and, on
  an interface, every implementation's; see ``AccessModel``) the caller does not meet;
- a field of interface type that selects interface fields directly (not only ``__typename``
  or fragments) when an implementation of the interface asks more than the caller has;
- a fragment whose type condition the caller may not read;
- a field or fragment whose selections were all removed (its error is its children's).

Error paths, as Apollo builds them: the response keys from the root (Apollo uses field names;
we use the alias, which is what the client's ``data`` holds), ``"@"`` for each list level
*above* the removed element (one error per removed selection, not per list item: the plan is
made before any item exists), and ``"... on T"`` for each typed fragment on the way.

Everything here is pure: no I/O, so it can run (and be cached) beside the planner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationType,
    get_named_type,
)

from router.errors import UNAUTHORIZED_FIELD_OR_TYPE, error_entry
from router.planning.operation import (
    Field,
    InlineFragment,
    Operation,
    Selection,
    collect_fields,
)
from router.supergraph.access import AccessModel, Caller, Requirement

__all__ = [
    "TYPENAME_KEY",
    "Authorized",
    "Caller",
    "Denial",
    "apply_denials",
    "authorize",
    "required_policies",
]

UNAUTHORIZED_MESSAGE = "Unauthorized field or type"

TYPENAME_KEY = "__authz_typename"
"""Response key of the ``__typename`` the filter adds at abstract positions where something
was removed: ``apply_denials`` needs the runtime type there and drops the key afterwards."""

_TYPENAME = Field(TYPENAME_KEY, "__typename")

_Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass(frozen=True, slots=True)
class Denial:
    """One removed selection."""

    path: tuple[str, ...]
    """Response keys from the root, ``"@"`` per list level above, ``"... on T"`` per fragment."""
    emptied: bool = False
    """Removed only because all it selected was removed: no error of its own (as Apollo)."""


@dataclass(frozen=True, slots=True)
class Authorized:
    """The operation a caller may run, and what was taken out of the client's one."""

    operation: Operation
    denials: tuple[Denial, ...] = ()

    @property
    def errors(self) -> list[dict[str, Any]]:
        """One ``UNAUTHORIZED_FIELD_OR_TYPE`` error per removed path, in document order."""
        paths = dict.fromkeys(d.path for d in self.denials if not d.emptied)
        return [
            error_entry(UNAUTHORIZED_MESSAGE, UNAUTHORIZED_FIELD_OR_TYPE, list(p)) for p in paths
        ]


def authorize(
    model: AccessModel, api_schema: GraphQLSchema, operation: Operation, caller: Caller
) -> Authorized:
    """Remove from ``operation`` what ``caller`` may not read.

    The filtered operation is never empty: when every root field goes, it asks the root's
    ``__typename`` (which no subgraph is needed for), so it always plans and shapes.
    """
    if not model:
        return Authorized(operation)
    walk = _Walk(model, api_schema, caller)
    root = _root_type(api_schema, operation)
    selections = walk.selections(root, operation.selections, ())
    if selections is operation.selections:
        return Authorized(operation)
    return Authorized(
        replace(operation, selections=selections or (_TYPENAME,)),
        tuple(dict.fromkeys(walk.denials)),
    )


def required_policies(model: AccessModel, operation: Operation) -> frozenset[str]:
    """Every policy the operation's fields and fragments name: what to ask the hook about.

    Computed before the hook runs so it is asked once per request, about these only (Apollo's
    ``PolicyExtractionVisitor``; we also count interface implementations' policies, which
    the filter checks).
    """
    if model.schema is None or not model:
        return frozenset()
    walk = _Walk(model, model.schema, None)
    walk.selections(_root_type(model.schema, operation), operation.selections, ())
    return frozenset(walk.policies)


@dataclass(frozen=True, slots=True)
class _Done:
    selections: tuple[Selection, ...]
    """Held so its ``id`` cannot be reused while the walk runs."""
    kept: tuple[Selection, ...]
    denials: tuple[Denial, ...]
    """Relative to where the selections were first met."""


class _Walk:
    """One pass over an operation: filter it for ``caller``, or (no caller) collect policies."""

    def __init__(self, model: AccessModel, schema: GraphQLSchema, caller: Caller | None) -> None:
        self.model = model
        self.schema = schema
        self.caller = caller
        self.denials: list[Denial] = []
        self.policies: set[str] = set()
        self._done: dict[tuple[str, int], _Done] = {}
        """Selections already walked on a type. Normalization shares one tuple between every
        spread of a fragment, so each is filtered once, however often it is spread; only
        its denials are repeated, under each spread's path (as Apollo records a fragment's
        errors "at the point of application")."""

    def allowed(self, requirement: Requirement) -> bool:
        if self.caller is None:
            self.policies.update(requirement.policy_names)
            return True
        return requirement.allows(self.caller)

    def selections(
        self, parent: _Composite, selections: tuple[Selection, ...], path: tuple[str, ...]
    ) -> tuple[Selection, ...]:
        """The selections kept; the very same tuple when nothing was removed."""
        done = self._done.get((parent.name, id(selections)))
        if done is not None:
            self.denials.extend(Denial((*path, *d.path), d.emptied) for d in done.denials)
            return done.kept
        start = len(self.denials)
        kept = self._walk(parent, selections, path)
        relative = tuple(
            dict.fromkeys(Denial(d.path[len(path) :], d.emptied) for d in self.denials[start:])
        )
        self._done[parent.name, id(selections)] = _Done(selections, kept, relative)
        return kept

    def _walk(
        self, parent: _Composite, selections: tuple[Selection, ...], path: tuple[str, ...]
    ) -> tuple[Selection, ...]:
        kept: list[Selection] = []
        changed = False
        for selection in selections:
            match selection:
                case Field():
                    result: Selection | None = self.field(parent, selection, path)
                case InlineFragment():
                    result = self.fragment(parent, selection, path)
            if result is not selection:
                changed = True
            if result is not None:
                kept.append(result)
        return tuple(kept) if changed else selections

    def field(self, parent: _Composite, fld: Field, path: tuple[str, ...]) -> Field | None:
        if fld.name == "__typename" or isinstance(parent, GraphQLUnionType):
            return fld
        definition = parent.fields.get(fld.name)
        if definition is None:  # root introspection, answered by the router itself
            return fld
        named = get_named_type(definition.type)
        requirement = self.model.field(parent.name, fld.name)
        if isinstance(named, GraphQLInterfaceType) and _selects_fields(fld.selections):
            requirement &= self.model.implementations_of(named.name)
        key_path = (*path, fld.response_key)
        if not self.allowed(requirement):
            self.denials.append(Denial(key_path))
            return None
        if not fld.selections or not isinstance(named, _Composite):
            return fld
        inner_path = key_path + ("@",) * _list_depth(definition.type)
        inner = self.selections(named, fld.selections, inner_path)
        if inner is fld.selections:
            return fld
        if not inner:
            self.denials.append(Denial(key_path, emptied=True))
            return None
        if not isinstance(named, GraphQLObjectType):
            inner = (*inner, _TYPENAME)
        return replace(fld, selections=inner)

    def fragment(
        self, parent: _Composite, fragment: InlineFragment, path: tuple[str, ...]
    ) -> InlineFragment | None:
        target = parent
        if fragment.type_condition is not None:
            conditional = self.schema.get_type(fragment.type_condition)
            if isinstance(conditional, _Composite):
                target = conditional
            path = (*path, f"... on {fragment.type_condition}")
            if not self.allowed(self.model.type(fragment.type_condition)):
                self.denials.append(Denial(path))
                return None
        inner = self.selections(target, fragment.selections, path)
        if inner is fragment.selections:
            return fragment
        return replace(fragment, selections=inner) if inner else None


def _root_type(schema: GraphQLSchema, operation: Operation) -> GraphQLObjectType:
    root = schema.get_root_type(OperationType(operation.kind))
    if root is None:
        raise ValueError(f"the schema has no {operation.kind} type")
    return root


def _selects_fields(selections: tuple[Selection, ...]) -> bool:
    """Whether fields other than ``__typename`` are selected on the type itself.

    Apollo lets fragments through (they are checked one by one); an inline fragment without
    a type condition selects on the type itself, so its fields count here.
    """
    for selection in selections:
        match selection:
            case Field(name=name) if name != "__typename":
                return True
            case InlineFragment(type_condition=None, selections=inner) if _selects_fields(inner):
                return True
    return False


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    current: Any = type_
    while isinstance(current, GraphQLNonNull | GraphQLList):
        depth += isinstance(current, GraphQLList)
        current = current.of_type
    return depth


# -- response ---------------------------------------------------------------------------


class _Invalid:
    """A null in a non-null position: the nearest nullable parent becomes null."""


_INVALID = _Invalid()

_Trie = dict[str, "_Trie"]
_REBUILD = ""
"""Trie entry (never a response key) marking an object whose fragment was removed."""


def apply_denials(
    data: Mapping[str, Any] | None,
    operation: Operation,
    api_schema: GraphQLSchema,
    denials: Sequence[Denial],
) -> dict[str, Any] | None:
    """Put the removed fields back into shaped ``data`` as nulls, as the client asked them.

    ``data`` is the response shaped for the *filtered* operation; ``operation`` the client's.
    Objects on a removed path are rebuilt in the client's key order, each removed key null;
    a null in a non-null position nulls the nearest nullable parent (spec 6.4.4), without a
    second error: the ``UNAUTHORIZED_FIELD_OR_TYPE`` one already covers it. Other objects are
    passed through untouched.
    """
    if data is None:
        return None
    if not denials:
        return dict(data)
    trie: _Trie = {}
    for denial in denials:
        node = trie
        for element in denial.path:
            if not element.startswith("... on "):
                node = node.setdefault(element, {})
        if denial.path and denial.path[-1].startswith("... on "):
            node.setdefault(_REBUILD, {})
    result = _Rebuild(api_schema).object(
        _root_type(api_schema, operation), operation.selections, data, trie
    )
    return None if isinstance(result, _Invalid) else result


class _Entry(NamedTuple):
    """One response key of a selection set on one type, worked out once per call."""

    key: str
    name: str
    type: GraphQLOutputType | None
    selections: tuple[Selection, ...]


class _Rebuild:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._entries: dict[tuple[str, int], tuple[tuple[Selection, ...], list[_Entry]]] = {}

    def entries(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, selections: tuple[Selection, ...]
    ) -> list[_Entry]:
        """Fields by response key (merged selections), computed once per list, not per item."""
        cached = self._entries.get((type_.name, id(selections)))
        if cached is not None:
            return cached[1]
        entries = []
        for key, fields in collect_fields(self.schema, type_, selections).items():
            definition = type_.fields.get(fields[0].name)
            inner = tuple(s for f in fields for s in f.selections)
            entries.append(
                _Entry(key, fields[0].name, definition.type if definition else None, inner)
            )
        self._entries[type_.name, id(selections)] = (selections, entries)
        return entries

    def object(
        self,
        type_: _Composite,
        selections: tuple[Selection, ...],
        value: Mapping[str, Any],
        trie: _Trie,
    ) -> dict[str, Any] | _Invalid:
        runtime = self._runtime_type(type_, value)
        if runtime is None:
            return {k: v for k, v in value.items() if k != TYPENAME_KEY}
        result: dict[str, Any] = {}
        for key, name, field_type, inner in self.entries(runtime, selections):
            sub = trie.get(key)
            if key in value:
                if not sub or field_type is None:
                    result[key] = value[key]
                    continue
                completed = self.value(field_type, inner, value[key], sub)
                if isinstance(completed, _Invalid):
                    return _INVALID
                result[key] = completed
            elif name == "__typename":
                result[key] = runtime.name
            elif isinstance(field_type, GraphQLNonNull):
                return _INVALID
            else:
                result[key] = None
        return result

    def value(
        self, type_: GraphQLOutputType, selections: tuple[Selection, ...], value: Any, trie: _Trie
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            completed = self.value(type_.of_type, selections, value, trie)
            return _INVALID if completed is None else completed
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return value
            items = []
            for item in value:
                completed = self.value(type_.of_type, selections, item, trie.get("@", {}))
                if isinstance(completed, _Invalid):
                    return None
                items.append(completed)
            return items
        if isinstance(type_, _Composite) and isinstance(value, dict):
            completed = self.object(type_, selections, value, trie)
            return None if isinstance(completed, _Invalid) else completed
        return value

    def _runtime_type(
        self, type_: _Composite, value: Mapping[str, Any]
    ) -> GraphQLObjectType | GraphQLInterfaceType | None:
        if isinstance(type_, GraphQLObjectType):
            return type_
        typename = value.get(TYPENAME_KEY, value.get("__typename"))
        runtime = self.schema.get_type(str(typename))
        if isinstance(runtime, GraphQLObjectType | GraphQLInterfaceType):
            return runtime
        return None
