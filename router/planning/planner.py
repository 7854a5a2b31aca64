"""Builds a query plan from a normalized operation and a supergraph. Pure: data in, data out.

The walk starts at the root fields, grouped by the subgraph that resolves them. Inside a
subgraph's selection, a field that subgraph cannot resolve becomes an *entity jump*: the
current fetch also selects ``__typename`` and a ``@key`` of the parent entity, and a dependent
fetch to a subgraph that owns the field runs ``_entities`` on those representations, merged at
the parent's path. Jumps from the same fetch to the same subgraph at the same path share one
dependent fetch. The resulting tree of fetches runs level by level, and all fetches of one
level to one subgraph travel as one request (a ``BatchFetch``), so each plan step sends one
``_entities`` request per subgraph, never one per path or per entity.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    OperationType,
)

from router.errors import PlanningError
from router.planning.fetch_graph import (
    FetchGroup,
    PlanNodeBuilder,
    reachable,
    required_selections,
    sequence,
)
from router.planning.operation import (
    Field,
    InlineFragment,
    Operation,
    Selection,
    field_set_selections,
)
from router.planning.plan import (
    Fetch,
    KeyField,
    PlanNode,
    QueryPlan,
    Sequence,
    Subscription,
)
from router.planning.selections import (
    ProvidedTree,
    SelectionBuilder,
    add_key_fields,
    key_fields,
    provided_tree,
)
from router.planning.types import is_abstract, possible_types, unwrap
from router.supergraph.model import Key, Supergraph

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type", "__typename"})


def build_query_plan(supergraph: Supergraph, operation: Operation) -> QueryPlan:
    """Plan ``operation``; raise ``PlanningError`` when no subgraph can resolve a field."""
    return _Planner(supergraph, operation).plan()


class _Planner:
    def __init__(self, supergraph: Supergraph, operation: Operation) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.operation = operation
        self._nodes = PlanNodeBuilder(supergraph, operation)
        self._alias_count = 0
        self._touched: list[FetchGroup] | None = None
        """While planning ``@requires`` fields: every group those fields were added to."""
        self._roots: list[FetchGroup] = []
        self._root_type = ""
        self._trail: list[_Frame] = []
        """The fields being planned, outermost first: where to re-fetch from when needed."""
        self._hollow: list[tuple[FetchGroup, SelectionBuilder, _NoObjectHasIt]] = []
        """Selection sets that asked only for fields no object there can have."""

    def plan(self) -> QueryPlan:
        root_type = self.schema.get_root_type(OperationType(self.operation.kind))
        if root_type is None:
            raise PlanningError(f"the supergraph has no {self.operation.kind} type")
        self._root_type = root_type.name
        fields = _root_fields(self.operation.selections, root_type.name)
        groups = self._roots
        for fld in fields:
            if fld.name in _INTROSPECTION_ROOTS:
                continue
            graphs = self.supergraph.field_graphs(root_type.name, fld.name)
            if not graphs:
                raise PlanningError(f"no subgraph resolves {root_type.name}.{fld.name}")
            graph = self._root_graph(root_type.name, fld, graphs, groups)
            group = self._root_group(groups, graph)
            self._plan_field(group, root_type.name, fld, group.selections, (), None)
        self._refuse_hollow(reachable(groups))
        if not groups:
            return QueryPlan(self.operation, None)
        if self.operation.kind == "mutation":
            # Each mutation fetch completes (with its entity fetches) before the next starts.
            return QueryPlan(self.operation, sequence([self._nodes.levels([g]) for g in groups]))
        if self.operation.kind == "subscription":
            return QueryPlan(self.operation, _subscription(self._nodes.levels(groups)))
        return QueryPlan(self.operation, self._nodes.levels(groups))

    def _root_graph(
        self, root_type: str, fld: Field, graphs: tuple[str, ...], groups: list[FetchGroup]
    ) -> str:
        """The subgraph to ask for a root field: the one whose plan for it takes the fewest
        fetches, then selects the least through ``_entities`` (a subgraph that cannot plan it
        at all is out); ties go to a subgraph that already has a root fetch, then to the
        smallest selection (no fragment per implementation where another subgraph has the
        field on the interface, as Apollo's and Hive's planners choose), then to order."""
        if len(graphs) == 1:
            return graphs[0]
        used = [g.graph for g in groups]
        if self.operation.kind == "mutation":
            used = used[-1:]
        best: tuple[int, int, bool, int, int] | None = None
        chosen = graphs[0]
        for index, graph in enumerate(graphs):
            trial = FetchGroup(graph)
            saved, self._roots = self._roots, [*self._roots, trial]
            hollow = len(self._hollow)
            try:
                self._plan_field(trial, root_type, fld, trial.selections, (), None)
                added = self._roots[len(saved) :]  # the trial and the roots it re-fetches from
                self._refuse_hollow(reachable(added))
            except PlanningError:
                continue
            finally:
                self._roots = saved
                del self._hollow[hollow:]
            fetches = reachable(added)
            # Fewest fetches; then the least selected through _entities (what @provides saves).
            moved = sum(len(g.selections.print()) for g in fetches if g.entity_type is not None)
            size = sum(len(g.selections.print()) for g in fetches)
            cost = (len(fetches), moved, graph not in used, size, index)
            if best is None or cost < best:
                best, chosen = cost, graph
        return chosen

    def _root_group(self, groups: list[FetchGroup], graph: str) -> FetchGroup:
        if self.operation.kind == "mutation":
            # Mutations run strictly in document order: only consecutive fields share a fetch.
            if groups and groups[-1].graph == graph:
                return groups[-1]
            groups.append(FetchGroup(graph))
            return groups[-1]
        for group in groups:
            if group.graph == graph:
                return group
        groups.append(FetchGroup(graph))
        return groups[-1]

    # -- selections ---------------------------------------------------------------------

    def _plan_selections(
        self,
        group: FetchGroup,
        parent_type: str,
        selections: tuple[Selection, ...],
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None,
    ) -> None:
        abstract = self._is_abstract(parent_type)
        if abstract:
            out.leaf("__typename")
        vacuous: _NoObjectHasIt | None = None
        planned = False
        for selection in selections:
            match selection:
                case Field():
                    try:
                        self._plan_field(group, parent_type, selection, out, path, provided)
                    except _NoObjectHasIt as exc:
                        vacuous = vacuous or exc
                        continue
                case InlineFragment(type_condition=condition, selections=inner):
                    self._plan_fragment(
                        group, parent_type, condition, inner, out, path, provided, abstract
                    )
            planned = True
        if vacuous is not None and not planned:
            self._hollow.append((group, out, vacuous))

    def _refuse_hollow(self, groups: list[FetchGroup]) -> None:
        """A fetch that would carry nothing but hollow selection sets is refused, as Hive
        refuses it (Apollo answers null without asking); beside anything else it goes out,
        and the subgraph's answer for them (often an error) is the client's."""
        for group in groups:
            hollow = [builder for g, builder, _ in self._hollow if g is group]
            if hollow and group.selections.leads_only_to(hollow):
                raise next(exc for g, _, exc in self._hollow if g is group)

    def _plan_fragment(
        self,
        group: FetchGroup,
        parent_type: str,
        condition: str | None,
        selections: tuple[Selection, ...],
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None,
        abstract_parent: bool,
    ) -> None:
        condition = condition or parent_type
        if not abstract_parent:
            if condition == parent_type or parent_type in self._possible_types(condition):
                self._plan_selections(group, parent_type, selections, out, path, provided)
            return
        if condition == parent_type:
            self._plan_selections(group, parent_type, selections, out, path, provided)
            return
        if not self._type_in_graph(condition, group.graph):
            if self._is_interface_object(parent_type, group.graph):
                # This subgraph does not know the implementations: ask one that does.
                fragment = InlineFragment(condition, selections)
                self._jump_to_real_interface(group, parent_type, fragment, out, path)
            return
        if self._is_interface_object(parent_type, group.graph):
            inner = out.branch(f"... on {condition}")
            self._plan_selections(group, condition, selections, inner, path, provided)
            return
        # The objects this subgraph can return here that the client's condition matches
        # (supergraph semantics), versus what the condition matches in this subgraph.
        wanted = set(self._possible_types(condition))
        runtime = [t for t in self._possible_types_in(parent_type, group.graph) if t in wanted]
        if isinstance(self.schema.get_type(parent_type), GraphQLUnionType):
            runtime = [t for t in runtime if self._member_wherever_resolvable(parent_type, t)]
        if not runtime:
            return
        local = set(self._possible_types_in(condition, group.graph))
        if not self._is_abstract(condition) or local.issuperset(runtime):
            inner = out.branch(f"... on {condition}")
            self._plan_selections(group, condition, selections, inner, path, provided)
            return
        for type_name in runtime:
            inner = out.branch(f"... on {type_name}")
            self._plan_selections(group, type_name, selections, inner, path, provided)

    def _member_wherever_resolvable(self, union: str, member: str) -> bool:
        """Whether ``member`` belongs to ``union`` in every subgraph that could resolve the
        current position (Apollo's rule for unions whose members differ per subgraph: below
        a shareable field only the common members are safe)."""
        candidates: set[str] | None = None
        for frame in self._trail:
            owners = set(self.supergraph.field_graphs(frame.parent_type, frame.fld.name))
            if candidates is None:
                candidates = owners
                continue
            info = self.supergraph.types.get(frame.parent_type)
            if info is not None and any(p.keys for p in info.placements):
                # An entity can be re-entered in any subgraph that has a key for it.
                candidates |= {p.graph for p in info.placements if p.keys}
            candidates &= owners
        return all(member in self._possible_types_in(union, g) for g in candidates or ())

    def _plan_field(
        self,
        group: FetchGroup,
        parent_type: str,
        fld: Field,
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None,
    ) -> None:
        if fld.name == "__typename":
            if self._is_interface_object(parent_type, group.graph):
                # It would answer the interface's name; the concrete type lives elsewhere.
                self._jump_to_real_interface(group, parent_type, fld, out, path)
            out.leaf(_head(fld))
            return
        local, child_provided = self._resolves_locally(group, parent_type, fld, provided)
        if not local:
            route = self._route(group, parent_type, fld, path, provided)
            if route is None and self._is_abstract(parent_type):
                self._explode_abstract(group, parent_type, fld, out, path, provided)
                return
            if route is None and self._refetch_from_ancestor(group, parent_type, fld):
                return
            if route is None:
                raise PlanningError(
                    f"cannot plan {parent_type}.{fld.name}: no subgraph that resolves it can be "
                    f"reached from subgraph {self.supergraph.graph_name(group.graph)} "
                    "through a @key"
                )
            self._jump(group, route, fld, out, path, provided)
            return
        group.variables.update(fld.variables)
        head = self._unambiguous_head(group, parent_type, fld, out)
        field_type = self._field_type(parent_type, fld.name)
        named, depth = unwrap(field_type)
        if not fld.selections:
            if self._is_composite(named):
                # @skip/@include emptied it: an empty branch prints as `{ __typename }`.
                out.branch(head)
            else:
                out.leaf(head)
            return
        child_path = path + (fld.response_key,) + ("@",) * depth
        inner = out.branch(head)
        local_named = self._local_type(parent_type, fld.name, group.graph) or named
        if local_named != named and self._is_abstract(named):
            inner.leaf("__typename")  # the shaper needs it to complete the abstract type
        self._trail.append(_Frame(group, parent_type, fld, path, out))
        try:
            self._plan_selections(
                group, local_named, fld.selections, inner, child_path, child_provided
            )
        finally:
            self._trail.pop()

    def _refetch_from_ancestor(self, group: FetchGroup, parent_type: str, fld: Field) -> bool:
        """Resolve ``fld`` by selecting its whole path again in a subgraph that owns it.

        For fields of value types (no ``@key``): walk up the fields of this fetch to the nearest
        ancestor that another subgraph can start from, either a root field it also resolves
        (shared roots, queries only) or an entity it can be asked for by key, and select the
        chain of fields from there down to ``fld`` in that subgraph.
        """
        frames = [frame for frame in self._trail if frame.group is group]
        owners = list(self.supergraph.field_graphs(parent_type, fld.name))
        # Failing an owner, a subgraph that reaches the field by key from where the chain ends.
        owners += [
            g
            for g in self.supergraph.graphs
            if g not in owners and self._route(FetchGroup(g), parent_type, fld, ()) is not None
        ]
        for start in range(len(frames) - 1, -1, -1):
            chain = frames[start:]
            for graph in owners:
                if graph == group.graph or not all(
                    graph in self.supergraph.field_graphs(f.parent_type, f.fld.name) for f in chain
                ):
                    continue
                selection = _chain_selection(chain, parent_type, fld)
                first = chain[0]
                if first.parent_type == self._root_type and group in self._roots:
                    if self.operation.kind != "query" or any(
                        self._is_abstract(unwrap(self._field_type(f.parent_type, f.fld.name))[0])
                        for f in chain
                    ):
                        # Never repeat a mutation; and two subgraphs answering an abstract
                        # field may pick different concrete types: nothing safe to merge.
                        continue
                    root = FetchGroup(graph)
                    self._roots.append(root)
                    self._plan_selections(
                        root, first.parent_type, (selection,), root.selections, (), None
                    )
                    return True
                info = self.supergraph.types.get(first.parent_type)
                for key in info.resolvable_keys_in(graph) if info else ():
                    echoed = group.entity_type == first.parent_type and group.path == first.path
                    if self._key_available(first.parent_type, key, group.graph, None, echoed):
                        route = _Route(graph, first.parent_type, key)
                        child = self._entity_group(group, route, None, first.out, first.path)
                        self._plan_selections(
                            child,
                            first.parent_type,
                            (selection,),
                            child.selections,
                            first.path,
                            None,
                        )
                        return True
        return False

    def _resolves_locally(
        self, group: FetchGroup, parent_type: str, fld: Field, provided: ProvidedTree | None
    ) -> tuple[bool, ProvidedTree | None]:
        """Whether ``group`` resolves the field here, and what it provides below it."""
        placement = self.supergraph.placement(parent_type, fld.name, group.graph)
        below = provided_tree(placement.provides) if placement and placement.provides else None
        if provided is not None and fld.name in provided:
            return True, provided[fld.name] or below
        if placement is not None and placement.requires:
            # Only a fetch whose representations carry the required fields can resolve it.
            carried = group.entity_type == parent_type and group.carries(placement.requires)
            return carried, below
        if group.graph not in self.supergraph.field_graphs(parent_type, fld.name):
            return False, below
        if self._is_abstract(parent_type) and not self._is_interface_object(
            parent_type, group.graph
        ):
            # An interface field is only local if every implementation this subgraph can
            # return resolves it here (not @external, not overridden away).
            for type_name in self._possible_types_in(parent_type, group.graph):
                if group.graph not in self.supergraph.field_graphs(type_name, fld.name):
                    return False, below
        return True, below

    def _explode_abstract(
        self,
        group: FetchGroup,
        parent_type: str,
        fld: Field,
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None,
    ) -> None:
        """An interface field this subgraph cannot resolve: ask per implementation.

        With no implementation here, no object this subgraph returns can have the field: it
        needs no fetch, and the other fields asked beside it still go to the subgraph, whose
        answer (with its errors) is the client's, as Apollo and Hive answer it."""
        implementations = self._possible_types_in(parent_type, group.graph)
        if not implementations:
            raise _NoObjectHasIt(
                f"cannot plan {parent_type}.{fld.name}: subgraph "
                f"{self.supergraph.graph_name(group.graph)} returns no implementation of "
                f"{parent_type} and no subgraph resolves it through a @key"
            )
        for type_name in implementations:
            inner = out.branch(f"... on {type_name}")
            self._plan_field(group, type_name, fld, inner, path, provided)

    def _jump(
        self,
        group: FetchGroup,
        route: _Route,
        fld: Field,
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None = None,
    ) -> None:
        """Fetch ``fld`` from another subgraph through ``_entities`` on the parent entity."""
        placement = self.supergraph.placement(route.entity_type, fld.name, route.graph)
        requires = placement.requires if placement else None
        child = self._entity_group(group, route, requires, out, path, provided)
        self._plan_field(child, route.entity_type, fld, child.selections, path, None)

    def _jump_to_real_interface(
        self,
        group: FetchGroup,
        interface: str,
        selection: Selection,
        out: SelectionBuilder,
        path: tuple[str, ...],
    ) -> None:
        """Resolve ``selection`` on an ``@interfaceObject`` in a subgraph with the interface."""
        info = self.supergraph.types.get(interface)
        for graph in info.graphs if info else ():
            if info is None or info.is_interface_object_in(graph):
                continue
            for key in info.resolvable_keys_in(graph):
                if self._key_available(interface, key, group.graph):
                    child = self._entity_group(
                        group, _Route(graph, interface, key), None, out, path
                    )
                    self._plan_selections(
                        child, interface, (selection,), child.selections, path, None
                    )
                    return
        raise PlanningError(
            f"cannot resolve the concrete type of {interface}: no subgraph defines it as an "
            "interface with a resolvable @key"
        )

    def _entity_group(
        self,
        group: FetchGroup,
        route: _Route,
        requires: str | None,
        out: SelectionBuilder,
        path: tuple[str, ...],
        provided: ProvidedTree | None = None,
    ) -> FetchGroup:
        """The dependent fetch for ``route``: the current fetch selects the key (and requires).

        A key this subgraph lacks (``route.acquire_key``) is planned like ``@requires`` fields:
        as if the client asked for it here, so it comes from other subgraphs first.
        """
        out.leaf("__typename")
        dependencies: list[FetchGroup] = []
        outer, self._touched = self._touched, dependencies
        if route.acquire_key:
            key_selections = field_set_selections(route.key.fields)
            self._plan_selections(group, route.entity_type, key_selections, out, path, provided)
        else:
            add_key_fields(out, key_fields(route.key.fields))
        if requires:
            # The required fields are planned where the entity is, as if the client asked
            # for them; whatever fetches that takes must run before the requiring fetch.
            required = required_selections(self.schema, route.entity_type, requires)
            self._plan_selections(group, route.entity_type, required, out, path, None)
        self._touched = outer
        child = group.child(route.graph, path, route.entity_type, route.key, requires)
        child.depends_on.extend(d for d in dependencies if d is not child)
        if self._touched is not None:
            self._touched.append(child)
        return child

    def _route(
        self,
        group: FetchGroup,
        parent_type: str,
        fld: Field,
        path: tuple[str, ...],
        provided: ProvidedTree | None = None,
    ) -> _Route | None:
        """Where ``fld`` can be fetched from, as an entity reachable through a ``@key``.

        The entity is the parent type itself or one of its interfaces (an entity interface or
        an ``@interfaceObject`` elsewhere). Subgraphs the fetch already jumps to come first.
        """
        entity_types = [parent_type, *self._interfaces_with_field(parent_type, fld.name)]
        existing = {c.graph for c in group.children if c.path == path}
        routes: list[_Route] = []
        for entity_type in entity_types:
            info = self.supergraph.types.get(entity_type)
            if info is None:
                continue
            for graph in self.supergraph.field_graphs(entity_type, fld.name):
                for key in info.resolvable_keys_in(graph):
                    echoed = group.entity_type == entity_type and group.path == path
                    if self._key_available(entity_type, key, group.graph, provided, echoed):
                        routes.append(_Route(graph, entity_type, key))
                        break
                else:
                    # Key-to-key hop: a key this subgraph lacks, obtainable from another.
                    for key in info.resolvable_keys_in(graph):
                        if self._key_obtainable(entity_type, key, group.graph, provided, 2):
                            routes.append(_Route(graph, entity_type, key, acquire_key=True))
                            break
        routes.sort(key=lambda r: (r.acquire_key, r.graph not in existing))
        return routes[0] if routes else None

    def _key_obtainable(
        self, type_name: str, key: Key, graph: str, provided: ProvidedTree | None, hops: int
    ) -> bool:
        """Whether every top-level key field is here or in a subgraph reachable by key."""
        return self._fields_obtainable(type_name, key_fields(key.fields), graph, provided, hops)

    def _fields_obtainable(
        self,
        type_name: str,
        fields: tuple[KeyField, ...],
        graph: str,
        provided: ProvidedTree | None,
        hops: int,
    ) -> bool:
        info = self.supergraph.types.get(type_name)
        if info is None or hops == 0:
            return False
        for key_field in fields:
            here = graph in self.supergraph.field_graphs(type_name, key_field.name) or (
                provided is not None and key_field.name in provided
            )
            if here and key_field.selections:
                inner = provided.get(key_field.name) if provided is not None else None
                named, _ = unwrap(self._field_type(type_name, key_field.name))
                here = self._fields_obtainable(
                    named, key_field.selections, graph, inner or None, hops
                )
            if here:
                continue
            if not any(
                self._key_available(type_name, other, graph, provided)
                or self._key_obtainable(type_name, other, graph, provided, hops - 1)
                for owner in self.supergraph.field_graphs(type_name, key_field.name)
                for other in info.resolvable_keys_in(owner)
            ):
                return False
        return True

    def _interfaces_with_field(self, type_name: str, field_name: str) -> list[str]:
        named = self.schema.get_type(type_name)
        if not isinstance(named, GraphQLObjectType):
            return []
        return [i.name for i in named.interfaces if field_name in i.fields]

    def _is_interface_object(self, type_name: str, graph: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and info.is_interface_object_in(graph)

    def _key_available(
        self,
        type_name: str,
        key: Key,
        graph: str,
        provided: ProvidedTree | None = None,
        echoed: bool = False,
    ) -> bool:
        """Whether ``graph`` can select ``key`` of ``type_name`` here. ``echoed``: the object is
        the entity the fetch was asked for, so its own key fields come back from the
        representation even when ``@external`` there (Federation 1 style)."""
        own: set[str] = set()
        info = self.supergraph.types.get(type_name)
        if echoed and info is not None:
            own = {f.name for k in info.keys_in(graph) for f in key_fields(k.fields)}
        fields = tuple(f for f in key_fields(key.fields) if f.name not in own)
        return self._fields_available(type_name, fields, graph, provided)

    def _fields_available(
        self,
        type_name: str,
        fields: tuple[KeyField, ...],
        graph: str,
        provided: ProvidedTree | None,
    ) -> bool:
        """Whether ``graph`` resolves a key field set here, nested fields included."""
        for key_field in fields:
            inner = provided.get(key_field.name) if provided is not None else None
            if inner is None and graph not in self.supergraph.field_graphs(
                type_name, key_field.name
            ):
                return False
            if key_field.selections:
                named, _ = unwrap(self._field_type(type_name, key_field.name))
                if not self._fields_available(named, key_field.selections, graph, inner or None):
                    return False
        return True

    # -- schema helpers -----------------------------------------------------------------

    def _field_type(self, parent_type: str, field_name: str) -> GraphQLOutputType:
        parent = self.schema.get_type(parent_type)
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            raise PlanningError(f"{parent_type} has no fields")
        field_type: GraphQLOutputType = parent.fields[field_name].type
        return field_type

    def _is_composite(self, type_name: str) -> bool:
        return isinstance(
            self.schema.get_type(type_name),
            GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        )

    def _is_abstract(self, type_name: str) -> bool:
        return is_abstract(self.schema, type_name)

    def _possible_types(self, type_name: str) -> list[str]:
        return possible_types(self.schema, type_name)

    def _possible_types_in(self, type_name: str, graph: str) -> list[str]:
        """The object types ``type_name`` can be in ``graph`` (its members there)."""
        if not self._is_abstract(type_name):
            return [type_name] if self._type_in_graph(type_name, graph) else []
        info = self.supergraph.types.get(type_name)
        if info is not None and info.members:
            return list(info.members.get(graph, ()))
        return [t for t in self._possible_types(type_name) if self._type_in_graph(t, graph)]

    def _unambiguous_head(
        self, group: FetchGroup, parent_type: str, fld: Field, out: SelectionBuilder
    ) -> str:
        """The field's text in the subgraph query, aliased when a field the subgraph merges
        with it (``MergeScope``) has the same response key with another type there (invalid
        GraphQL); renamed back on merge."""
        head = _head(fld)
        placement = self.supergraph.placement(parent_type, fld.name, group.graph)
        here = placement.type if placement and placement.type else None
        here = self._shape(here or str(self._field_type(parent_type, fld.name)))
        seen = out.scope.types.setdefault(fld.response_key, here)
        if seen == here:
            return head
        self._alias_count += 1
        alias = f"{fld.response_key}__alias_{self._alias_count - 1}"
        group.renames[alias] = fld.response_key
        return f"{alias}: {fld.name}{fld.arguments}{_directives(fld)}"

    def _shape(self, type_text: str) -> str:
        """What must agree between merged fields (GraphQL's ``SameResponseShape``): list and
        non-null wrappers and leaf types; any two object or abstract types are compatible."""
        named = type_text.strip("[]!")
        return type_text.replace(named, "{}") if self._is_composite(named) else type_text

    def _local_type(self, parent_type: str, field_name: str, graph: str) -> str | None:
        """The named type of a field in ``graph`` when ``@join__field(type:)`` says it differs."""
        placement = self.supergraph.placement(parent_type, field_name, graph)
        if placement is None or placement.type is None:
            return None
        return placement.type.strip("[]!")

    def _type_in_graph(self, type_name: str, graph: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is None or not info.placements or graph in info.graphs

    # -- plan nodes ---------------------------------------------------------------------


class _NoObjectHasIt(PlanningError):
    """An interface field that no object the subgraph returns can have."""


def _subscription(node: PlanNode) -> Subscription:
    """Split a subscription's plan: its first fetch streams, the rest completes each event.

    A subscription has one root field (validation guarantees it), so one subgraph owns it and
    the plan's first level is that one fetch."""
    match node:
        case Fetch(operation_kind="subscription"):
            return Subscription(node)
        case Sequence(nodes=(Fetch(operation_kind="subscription") as primary, *rest)):
            return Subscription(primary, sequence(list(rest)))
    raise PlanningError("a subscription must start with one fetch to the subgraph owning it")


@dataclass(frozen=True, slots=True)
class _Frame:
    """A field being planned: in which fetch, on which type, at which path, into which builder."""

    group: FetchGroup
    parent_type: str
    fld: Field
    path: tuple[str, ...]
    out: SelectionBuilder


def _chain_selection(chain: list[_Frame], leaf_parent: str, leaf: Field) -> Selection:
    """The chain's fields nested into one selection ending in ``leaf`` (on ``leaf_parent``).

    Each level is wrapped in a fragment on the type the next field was planned on, so type
    conditions met on the way down are kept; fragments on the field's own type are flattened.
    """
    selection: Selection = leaf
    parent = leaf_parent
    for frame in reversed(chain):
        selection = replace(frame.fld, selections=(InlineFragment(parent, (selection,)),))
        parent = frame.parent_type
    return selection


@dataclass(frozen=True, slots=True)
class _Route:
    """An entity fetch target: the subgraph, the entity type it is asked for, and the key."""

    graph: str
    entity_type: str
    key: Key
    acquire_key: bool = False


def _root_fields(selections: tuple[Selection, ...], root_type: str) -> list[Field]:
    """Root fields in document order, fragments on the root type flattened."""
    fields: list[Field] = []
    for selection in selections:
        match selection:
            case Field():
                fields.append(selection)
            case InlineFragment(type_condition=condition, selections=inner):
                if condition in (None, root_type):
                    fields.extend(_root_fields(inner, root_type))
    return fields


def _head(fld: Field) -> str:
    alias = f"{fld.response_key}: " if fld.alias else ""
    return f"{alias}{fld.name}{fld.arguments}{_directives(fld)}"


def _directives(fld: Field) -> str:
    return f" {fld.directives}" if fld.directives else ""
