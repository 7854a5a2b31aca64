"""The fetch graph and its translation into plan nodes.

The planner collects fetches as ``FetchGroup``s (a subgraph, where its result merges, what it
selects, what it depends on); ``PlanNodeBuilder`` turns that DAG into steps of ``Fetch``,
``Flatten`` and ``BatchFetch`` nodes: one request per subgraph per step.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

from router.errors import PlanningError
from router.planning.operation import (
    InlineFragment,
    Operation,
    Selection,
    field_set_selections,
)
from router.planning.plan import (
    BatchFetch,
    EntityBatch,
    Fetch,
    Flatten,
    InputPrune,
    Parallel,
    PlanNode,
    Representation,
)
from router.planning.plan import Sequence as SequenceNode
from router.planning.selections import SelectionBuilder, key_fields
from router.planning.types import is_abstract, possible_types, unwrap
from router.supergraph.model import Key, Supergraph


@dataclass(eq=False)
class FetchGroup:
    """One future fetch: a subgraph, where its result merges, and what it selects.

    ``requires`` is set on a fetch made for ``@requires`` fields: its representations carry
    those fields, gathered by the groups in ``depends_on`` (besides the parent). All requiring
    fields of one entity in one subgraph share a fetch whose representations carry every
    field set (``requires`` joins them), as Apollo and Hive plan it: a subgraph may read one
    field's requirement while resolving another (``country`` finding ``address.id`` there
    because ``city`` required it).
    """

    graph: str
    path: tuple[str, ...] = ()
    entity_type: str | None = None
    key: Key | None = None
    requires: str | None = None
    selections: SelectionBuilder = field(default_factory=SelectionBuilder)
    variables: set[str] = field(default_factory=set)
    children: list[FetchGroup] = field(default_factory=list)
    depends_on: list[FetchGroup] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)
    """Aliases this fetch had to use (alias -> the client's response key)."""

    def child(
        self,
        graph: str,
        path: tuple[str, ...],
        type_name: str,
        key: Key,
        requires: str | None = None,
    ) -> FetchGroup:
        same = [
            c for c in self.children if (c.graph, c.path, c.entity_type) == (graph, path, type_name)
        ]
        for existing in same:
            if existing.requires == requires:
                return existing
        for existing in same:
            if requires and existing.requires and _joinable(existing.requires, requires):
                existing.requires = join_field_sets(existing.requires, requires)
                return existing
        group = FetchGroup(graph, path, type_name, key, requires)
        self.children.append(group)
        return group

    def carries(self, requires: str) -> bool:
        """Whether this fetch's representations carry the ``requires`` field set."""
        return self.requires is not None and requires in split_field_sets(self.requires)


_FIELD_SET_SEPARATOR = " ,, "
"""Joins the ``@requires`` field sets one fetch carries (never inside a field set: commas
are insignificant in GraphQL, so the joined text still parses as one selection)."""


def join_field_sets(joined: str, field_set: str) -> str:
    parts = split_field_sets(joined)
    return joined if field_set in parts else _FIELD_SET_SEPARATOR.join([*parts, field_set])


def split_field_sets(joined: str) -> list[str]:
    return joined.split(_FIELD_SET_SEPARATOR)


def _joinable(joined: str, field_set: str) -> bool:
    """Field sets with arguments stay apart: a representation holds each field once, by its
    name, so ``price(currency: "USD")`` and ``price(currency: "EUR")`` need two fetches."""
    return "(" not in joined and "(" not in field_set


class PlanNodeBuilder:
    """Turns fetch groups into plan nodes; numbers subgraph operations as it goes."""

    def __init__(self, supergraph: Supergraph, operation: Operation) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.operation = operation
        self._fetch_count = 0

    def levels(self, roots: list[FetchGroup]) -> PlanNode:
        """The fetch DAG as steps: each step one request per subgraph, steps in sequence.

        A group's step comes after its parent's and after those of the groups it depends on
        (the fetches that gather its ``@requires`` fields).
        """
        groups = reachable(roots)
        parents = {id(child): group for group in groups for child in group.children}
        depth: dict[int, int] = {}

        def step_of(group: FetchGroup) -> int:
            known = depth.get(id(group))
            if known is not None:
                return known
            depth[id(group)] = 0  # guards against cycles; a cycle is a planner bug
            before = [*group.depends_on]
            if id(group) in parents:
                before.append(parents[id(group)])
            depth[id(group)] = max((step_of(g) + 1 for g in before), default=0)
            return depth[id(group)]

        steps: dict[int, list[FetchGroup]] = {}
        for group in groups:
            steps.setdefault(step_of(group), []).append(group)
        nodes: list[PlanNode] = []
        for index in sorted(steps):
            level = steps[index]
            if index == 0:
                fetches: list[PlanNode] = [self._fetch(group) for group in level]
            else:
                by_graph: dict[str, list[FetchGroup]] = {}
                for group in level:
                    by_graph.setdefault(group.graph, []).append(group)
                fetches = [self._entity_step(same) for same in by_graph.values()]
            nodes.append(fetches[0] if len(fetches) == 1 else Parallel(tuple(fetches)))
        return sequence(nodes)

    def _entity_step(self, groups: list[FetchGroup]) -> PlanNode:
        if len(groups) == 1:
            return Flatten(groups[0].path, self._fetch(groups[0]))
        return self._batch_fetch(groups)

    def _batch_fetch(self, groups: list[FetchGroup]) -> BatchFetch:
        """One request for entity fetches at several paths; equal selections share a batch."""
        shared: dict[tuple[str, str, str, str], list[FetchGroup]] = {}
        for group in groups:
            if group.entity_type is None or group.key is None:
                raise PlanningError("a root fetch cannot join an entity batch")
            identity = (
                group.entity_type,
                group.key.fields,
                group.requires or "",
                group.selections.print(),
            )
            shared.setdefault(identity, []).append(group)
        used = set().union(*(group.variables for group in groups))
        variables = self._variable_usages(used)
        batches: list[EntityBatch] = []
        fields: list[str] = []
        definitions: list[str] = []
        for index, ((type_name, key, requires, selection), members) in enumerate(shared.items()):
            alias, variable = f"_e{index}", f"representations{index}"
            batches.append(
                EntityBatch(
                    alias=alias,
                    variable=variable,
                    paths=tuple(member.path for member in members),
                    representations=(self._representation(type_name, key, requires),),
                )
            )
            definitions.append(f"${variable}: [_Any!]!")
            fields.append(
                f"{alias}: _entities(representations: ${variable}) "
                f"{{ ... on {type_name} {selection} }}"
            )
        definitions += [self.operation.variable_definition(name) for name in variables]
        service = self.supergraph.graph_name(groups[0].graph)
        header = _operation_header("query", self._operation_name(service), definitions)
        return BatchFetch(
            service=service,
            operation=f"{header}{{ {' '.join(fields)} }}",
            batches=tuple(batches),
            variable_usages=variables,
            renames=tuple(sorted({k: v for g in groups for k, v in g.renames.items()}.items())),
            variable_prunes=self._variable_prunes(variables, groups[0].graph),
        )

    def _representation(self, type_name: str, key: str, requires: str | None) -> Representation:
        required = required_selections(self.schema, type_name, requires) if requires else ()
        implementations = (
            possible_types(self.schema, type_name) if is_abstract(self.schema, type_name) else []
        )
        return Representation(type_name, key_fields(key), required, tuple(implementations))

    def _variable_prunes(
        self, variables: tuple[str, ...], graph: str
    ) -> tuple[tuple[str, InputPrune], ...]:
        """For variables of input object types: the fields ``graph`` does not define."""
        prunes = []
        for name in variables:
            definition = self.operation.variable_definition(name)
            type_text = definition.split(":", 1)[1].split("=", 1)[0]  # `$v: [T!]! = ...`
            prune = self._input_prune(type_text.strip().strip("[]! "), graph, frozenset())
            if prune is not None:
                prunes.append((name, prune))
        return tuple(prunes)

    def _input_prune(self, type_name: str, graph: str, seen: frozenset[str]) -> InputPrune | None:
        input_type = self.schema.get_type(type_name)
        info = self.supergraph.types.get(type_name)
        if not isinstance(input_type, GraphQLInputObjectType) or info is None or type_name in seen:
            return None
        remove = frozenset(
            f for f in input_type.fields if graph not in self.supergraph.field_graphs(type_name, f)
        )
        nested = []
        for field_name, input_field in input_type.fields.items():
            if field_name in remove:
                continue
            inner, _ = unwrap(input_field.type)
            prune = self._input_prune(inner, graph, seen | {type_name})
            if prune is not None:
                nested.append((field_name, prune))
        if not remove and not nested:
            return None
        return InputPrune(remove, tuple(nested))

    def _variable_usages(self, used: set[str]) -> tuple[str, ...]:
        return tuple(name for name, _ in self.operation.variable_definitions if name in used)

    def _operation_name(self, service: str) -> str:
        self._fetch_count += 1
        if not self.operation.name:
            return ""
        return f"{self.operation.name}__{service}__{self._fetch_count - 1}"

    def _fetch(self, group: FetchGroup) -> Fetch:
        service = self.supergraph.graph_name(group.graph)
        variables = self._variable_usages(group.variables)
        definitions = [self.operation.variable_definition(name) for name in variables]
        name = self._operation_name(service)
        if group.entity_type is None or group.key is None:
            header = _operation_header(self.operation.kind, name, definitions)
            return Fetch(
                service=service,
                operation=f"{header}{group.selections.print()}",
                operation_kind=self.operation.kind,
                variable_usages=variables,
                renames=tuple(sorted(group.renames.items())),
                variable_prunes=self._variable_prunes(variables, group.graph),
            )
        header = _operation_header("query", name, ["$representations: [_Any!]!", *definitions])
        body = (
            f"{{ _entities(representations: $representations) "
            f"{{ ... on {group.entity_type} {group.selections.print()} }} }}"
        )
        representation = self._representation(group.entity_type, group.key.fields, group.requires)
        return Fetch(
            service=service,
            operation=f"{header}{body}",
            variable_usages=variables,
            representations=(representation,),
            renames=tuple(sorted(group.renames.items())),
            variable_prunes=self._variable_prunes(variables, group.graph),
        )


def reachable(roots: list[FetchGroup]) -> list[FetchGroup]:
    """Every group under ``roots``, parents before children."""
    found: list[FetchGroup] = []
    queue = list(roots)
    while queue:
        group = queue.pop(0)
        found.append(group)
        queue.extend(group.children)
    return found


def required_selections(
    schema: GraphQLSchema, type_name: str, requires: str
) -> tuple[Selection, ...]:
    """A ``@requires`` field set as it is fetched and read back into representations.

    Fields with arguments get an alias derived from their arguments, so
    ``price(currency: "USD")`` never collides with the client's ``price(...)`` or another
    requirement's in the same selection set (the executor reads the alias and sends the
    field name). Abstract type conditions become one fragment per possible object type,
    since the executor matches conditions against ``__typename``.
    """
    return _prepare_required(schema, field_set_selections(requires), type_name)


def _prepare_required(
    schema: GraphQLSchema, selections: tuple[Selection, ...], parent_type: str
) -> tuple[Selection, ...]:
    result: list[Selection] = []
    for selection in selections:
        if isinstance(selection, InlineFragment):
            condition = selection.type_condition or parent_type
            named = schema.get_type(condition)
            concrete = (
                [t.name for t in schema.get_possible_types(named)]
                if isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
                else [condition]
            )
            for type_name in concrete:
                inner = _prepare_required(schema, selection.selections, type_name)
                result.append(InlineFragment(type_name, inner))
            continue
        inner_selections = selection.selections
        if inner_selections:
            parent = schema.get_type(parent_type)
            assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
            named_type, _ = unwrap(parent.fields[selection.name].type)
            inner_selections = _prepare_required(schema, inner_selections, named_type)
        key = selection.response_key
        if selection.arguments:
            digest = hashlib.sha1(selection.arguments.encode()).hexdigest()[:8]
            key = f"_req_{selection.name}_{digest}"
        result.append(replace(selection, response_key=key, selections=inner_selections))
    return tuple(result)


def sequence(steps: list[PlanNode]) -> PlanNode:
    return steps[0] if len(steps) == 1 else SequenceNode(tuple(steps))


def _operation_header(kind: str, name: str, definitions: list[str]) -> str:
    if not name and not definitions and kind == "query":
        return ""
    args = f"({', '.join(definitions)})" if definitions else ""
    return f"{kind} {name}{args} ".replace("  ", " ")
