"""Query plans: frozen, printable data that the executor walks.

The node vocabulary follows Apollo's and Hive's plans: ``Fetch`` (one subgraph request),
``Flatten`` (run a fetch for every object found at a path, batched into one ``_entities``
call), ``BatchFetch`` (several entity fetches to one subgraph at one plan level, sent as one
request with an aliased ``_entities`` field each, as Hive Router does), ``Sequence`` and
``Parallel``, and ``Subscription``: the primary subscription fetch to the subgraph that owns
the root field, plus the plan that completes each event it yields (entity fetches to other
subgraphs, run as a query plan on the event's data). ``Defer`` joins in a later issue;
executors ``match`` on the union.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.planning.operation import Operation, OperationKind, Selection

KEY_ALIAS_PREFIX = "__key_"
"""Key fields whose name a client alias took travel as ``__key_<name>: <name>``; executors
read that alias first when they build representations."""


@dataclass(frozen=True, slots=True)
class KeyField:
    """A field of an entity representation (``@key`` or ``@requires`` selection)."""

    name: str
    selections: tuple[KeyField, ...] = ()


@dataclass(frozen=True, slots=True)
class Representation:
    """How to build the representation of one entity type for ``_entities``.

    ``fields`` is the ``@key`` (an entity with a null key field is not sent); ``requires`` are the
    ``@requires`` fields the subgraph needs besides the key (null values are sent as null).
    """

    type_name: str
    fields: tuple[KeyField, ...]
    requires: tuple[Selection, ...] = ()
    object_types: tuple[str, ...] = ()
    """``__typename`` values of the objects it applies to when ``type_name`` is an interface
    (an entity interface or ``@interfaceObject``): representations then say the interface."""

    def applies_to(self, typename: object) -> bool:
        return typename == self.type_name or typename in self.object_types


@dataclass(frozen=True, slots=True)
class InputPrune:
    """Input object fields a subgraph does not define, to drop from a variable's value."""

    remove: frozenset[str] = frozenset()
    nested: tuple[tuple[str, InputPrune], ...] = ()


@dataclass(frozen=True, slots=True)
class Fetch:
    """One request to one subgraph. Entity fetches carry the representations to send."""

    service: str
    operation: str
    operation_kind: OperationKind = "query"
    variable_usages: tuple[str, ...] = ()
    representations: tuple[Representation, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()
    """Aliases the operation had to use, and the response keys they stand for."""
    variable_prunes: tuple[tuple[str, InputPrune], ...] = ()
    """Per variable: input fields this subgraph does not know (they exist in another)."""


@dataclass(frozen=True, slots=True)
class Flatten:
    """Apply ``node`` to the objects at ``path`` (``@`` walks into list items)."""

    path: tuple[str, ...]
    node: Fetch


@dataclass(frozen=True, slots=True)
class EntityBatch:
    """One aliased ``_entities`` field of a ``BatchFetch`` and the paths whose objects it takes."""

    alias: str
    variable: str
    paths: tuple[tuple[str, ...], ...]
    representations: tuple[Representation, ...]


@dataclass(frozen=True, slots=True)
class BatchFetch:
    """Entity fetches to one subgraph from several paths, sent as a single request."""

    service: str
    operation: str
    batches: tuple[EntityBatch, ...]
    variable_usages: tuple[str, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()
    variable_prunes: tuple[tuple[str, InputPrune], ...] = ()


@dataclass(frozen=True, slots=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Subscription:
    """Only ever a plan's root: ``primary`` streams events, ``rest`` completes each one."""

    primary: Fetch
    rest: PlanNode | None = None


PlanNode = Fetch | Flatten | BatchFetch | Sequence | Parallel | Subscription


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The plan for one normalized operation; ``node`` is None when nothing must be fetched."""

    operation: Operation
    node: PlanNode | None

    def fetches(self) -> tuple[Fetch | BatchFetch, ...]:
        """Every subgraph request, in plan order."""
        found: list[Fetch | BatchFetch] = []

        def walk(node: PlanNode) -> None:
            match node:
                case Fetch() | BatchFetch():
                    found.append(node)
                case Flatten(node=fetch):
                    found.append(fetch)
                case Sequence(nodes=nodes) | Parallel(nodes=nodes):
                    for child in nodes:
                        walk(child)
                case Subscription(primary=primary, rest=rest):
                    found.append(primary)
                    if rest is not None:
                        walk(rest)

        if self.node is not None:
            walk(self.node)
        return tuple(found)
