"""Demand control's cost model: ``@cost`` and ``@listSize`` of a supergraph, and the static
cost of an operation estimated from them.

The rules are the IBM GraphQL cost spec's, as Apollo Router applies them
(``plugins/demand_control/cost_calculator/static_cost.rs``): an object, interface or union costs
1 and a scalar or enum 0, unless ``@cost(weight:)`` on the field (else on its type) says
otherwise; a list multiplies its item's cost by its size, taken from the ``@listSize`` slicing
arguments (literal, variable or default; a list value counts its items), else ``assumedSize``,
else the configured default; ``sizedFields`` pass that size to fields below; arguments and
input fields cost their weights (an input object 1 by default); a mutation adds 10.

Two deliberate differences, both keeping the estimate an upper bound of what the response can
hold: fragments on an abstract type cost the max over the concrete types they can apply to
(Apollo sums them; a value has one runtime type), and ``@skip``/``@include`` with a variable
are resolved (Apollo reads only literals). Apollo scores the query plan's subgraph operations;
we score the client operation against the supergraph, so ``@requires`` selections are not added.

The estimate is linear in the document: each named fragment is costed once per list-size
context and reused, so a fragment spread twice by each of 30 fragments is costed 30 times, not
2**30 (its cost, a Python int, is still about 2**30 times its leaf's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    ConstDirectiveNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    parse,
    value_from_ast_untyped,
)
from graphql.error import GraphQLError
from graphql.pyutils import Undefined

from contracts.api_schema import link_imports
from router.errors import COST_QUERY_PARSE_FAILURE, RequestError

COST_SPEC_URL = "https://specs.apollo.dev/cost/"
MUTATION_COST = 10
"""What a mutation operation adds, once per operation (IBM spec operation weight, as Apollo)."""
DEFAULT_LIST_SIZE = 10


class CostEstimationError(RequestError):
    """The operation breaks a cost rule of the schema (e.g. ``requireOneSlicingArgument``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, COST_QUERY_PARSE_FAILURE, status=400)


@dataclass(frozen=True, slots=True)
class SizedFields:
    """``@listSize(sizedFields:)`` as a tree: ``leaves`` are the lists the size applies to,
    ``nested`` the fields to descend through first (``"edges { node }"``)."""

    leaves: frozenset[str] = frozenset()
    nested: tuple[tuple[str, SizedFields], ...] = ()

    def descend(self, name: str) -> SizedFields | None:
        for nested_name, tree in self.nested:
            if nested_name == name:
                return tree
        return None


@dataclass(frozen=True, slots=True)
class ListSize:
    """One ``@listSize`` application on a field."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] | None = None
    sized_fields: SizedFields | None = None
    require_one_slicing_argument: bool = True


@dataclass(frozen=True, slots=True)
class CostModel:
    """The cost directives of one supergraph, read once when it is loaded; read-only after."""

    field_weights: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """``@cost`` on a field definition: (type, field) -> weight."""
    type_weights: Mapping[str, int] = field(default_factory=dict)
    """``@cost`` on an object, scalar or enum type."""
    argument_weights: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    """``@cost`` on an argument definition: (type, field, argument) -> weight."""
    input_field_weights: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """``@cost`` on an input field: (input type, field) -> weight."""
    list_sizes: Mapping[tuple[str, str], tuple[ListSize, ...]] = field(default_factory=dict)
    """``@listSize`` on a field (repeatable in newer cost specs, so a tuple)."""


# --- reading the model ---------------------------------------------------------------------


def build_cost_model(schema: GraphQLSchema) -> CostModel:
    """Read ``@cost``/``@listSize`` from a supergraph schema (with its ``@link``s), under the
    names the cost spec's link gives them (``as:``, ``import:``)."""
    cost_name, list_size_name = _directive_names(schema)
    field_weights: dict[tuple[str, str], int] = {}
    type_weights: dict[str, int] = {}
    argument_weights: dict[tuple[str, str, str], int] = {}
    input_field_weights: dict[tuple[str, str], int] = {}
    list_sizes: dict[tuple[str, str], tuple[ListSize, ...]] = {}
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        weight = _weight(_applied(named), cost_name)
        if weight is not None:
            type_weights[type_name] = weight
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, definition in named.fields.items():
                directives = _node_directives(definition.ast_node)
                weight = _weight(directives, cost_name)
                if weight is not None:
                    field_weights[type_name, field_name] = weight
                sizes = tuple(_list_size(d) for d in directives if d.name.value == list_size_name)
                if sizes:
                    list_sizes[type_name, field_name] = sizes
                for arg_name, argument in definition.args.items():
                    weight = _weight(_node_directives(argument.ast_node), cost_name)
                    if weight is not None:
                        argument_weights[type_name, field_name, arg_name] = weight
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                weight = _weight(_node_directives(input_field.ast_node), cost_name)
                if weight is not None:
                    input_field_weights[type_name, field_name] = weight
    return CostModel(field_weights, type_weights, argument_weights, input_field_weights, list_sizes)


def _directive_names(schema: GraphQLSchema) -> tuple[str | None, str | None]:
    """Local names of ``@cost`` and ``@listSize``; (None, None) without a cost spec link."""
    nodes = [schema.ast_node, *schema.extension_ast_nodes]
    for node in nodes:
        for directive in _node_directives(node):
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = args.get("url")
            if not isinstance(url, StringValueNode) or not url.value.startswith(COST_SPEC_URL):
                continue
            alias = args.get("as")
            prefix = alias.value if isinstance(alias, StringValueNode) else "cost"
            imports = dict(link_imports(args.get("import")))
            return imports.get("cost", prefix), imports.get("listSize", f"{prefix}__listSize")
    return None, None


def _applied(named: GraphQLNamedType) -> list[ConstDirectiveNode]:
    return [
        directive
        for node in (named.ast_node, *named.extension_ast_nodes)
        for directive in _node_directives(node)
    ]


def _node_directives(node: Any) -> tuple[ConstDirectiveNode, ...]:
    return tuple(getattr(node, "directives", None) or ())


def _weight(directives: Iterable[ConstDirectiveNode], cost_name: str | None) -> int | None:
    for directive in directives:
        if directive.name.value != cost_name:
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "weight" and isinstance(argument.value, IntValueNode):
                return int(argument.value.value)
    return None


def _list_size(directive: ConstDirectiveNode) -> ListSize:
    args = {a.name.value: a.value for a in directive.arguments or ()}
    assumed = args.get("assumedSize")
    require_one = args.get("requireOneSlicingArgument")
    return ListSize(
        assumed_size=int(assumed.value) if isinstance(assumed, IntValueNode) else None,
        slicing_arguments=_strings(args.get("slicingArguments")),
        sized_fields=_sized_fields(_strings(args.get("sizedFields"))),
        require_one_slicing_argument=(
            require_one.value if isinstance(require_one, BooleanValueNode) else True
        ),
    )


def _strings(value: ValueNode | None) -> tuple[str, ...] | None:
    if not isinstance(value, ListValueNode):
        return None
    return tuple(v.value for v in value.values if isinstance(v, StringValueNode))


def _sized_fields(field_sets: tuple[str, ...] | None) -> SizedFields | None:
    if not field_sets:
        return None
    selections: list[SelectionSetNode] = []
    for field_set in field_sets:
        try:
            operation = parse("{" + field_set + "}").definitions[0]
        except GraphQLError:
            continue
        if isinstance(operation, OperationDefinitionNode):
            selections.append(operation.selection_set)
    return _sized_tree(selections)


def _sized_tree(selection_sets: list[SelectionSetNode]) -> SizedFields:
    leaves: set[str] = set()
    nested: dict[str, list[SelectionSetNode]] = {}
    for selection_set in selection_sets:
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue
            if selection.selection_set is None:
                leaves.add(selection.name.value)
            else:
                nested.setdefault(selection.name.value, []).append(selection.selection_set)
    return SizedFields(
        frozenset(leaves - nested.keys()),
        tuple((name, _sized_tree(sets)) for name, sets in sorted(nested.items())),
    )


# --- estimating ----------------------------------------------------------------------------


def estimate_cost(
    model: CostModel,
    api_schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    *,
    list_size: int = DEFAULT_LIST_SIZE,
) -> int:
    """The static cost of ``operation`` (validated against ``api_schema``) with the request's
    raw ``variables``; raise ``CostEstimationError`` when it breaks a ``@listSize`` rule."""
    return _Estimator(model, api_schema, document, operation, variables, list_size).operation(
        operation
    )


@dataclass(frozen=True, slots=True)
class _SizedContext:
    """A list size handed down from a field's ``@listSize(sizedFields:)``."""

    expected_size: int | None
    fields: SizedFields


@dataclass(frozen=True, slots=True)
class _Sizing:
    """Sized contexts from the parent field (``own``) and from further up (``inherited``)."""

    own: tuple[_SizedContext, ...] = ()
    inherited: tuple[_SizedContext, ...] = ()


_NO_SIZING = _Sizing()
_UNSIZED = SizedFields()


@dataclass(slots=True)
class _Profile:
    """Cost of a selection set: ``base`` for every runtime type, plus ``extra`` for some
    concrete types (from fragments that apply to only some of them)."""

    base: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class _Estimator:
    """One estimate: holds the fragment memo for the duration of one operation."""

    def __init__(
        self,
        model: CostModel,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        list_size: int,
    ) -> None:
        self.model = model
        self.schema = schema
        self.list_size = list_size
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        values = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in values and definition.default_value is not None:
                values[name] = value_from_ast_untyped(definition.default_value)
        self.variables = values
        self.memo: dict[tuple[str, _Sizing], _Profile] = {}
        self.possible: dict[str, frozenset[str]] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            raise CostEstimationError(f"The schema has no {operation.operation.value} type.")
        cost = MUTATION_COST if operation.operation is OperationType.MUTATION else 0
        for fragment in self.dependencies_first():
            condition = self.schema.get_type(fragment.type_condition.name.value)
            if condition is not None:
                self.fragment(fragment, condition, _NO_SIZING)
        profile = self.selection_set(operation.selection_set, root, _NO_SIZING)
        return cost + self.total(profile, root)

    def dependencies_first(self) -> list[FragmentDefinitionNode]:
        """Fragments ordered so each comes after those it spreads: costing them in this order
        keeps the recursion as deep as one fragment, not as the longest chain of spreads."""
        spreads = {name: _spread_names(f.selection_set) for name, f in self.fragments.items()}
        order: list[FragmentDefinitionNode] = []
        state: dict[str, bool] = {}  # False: being visited, True: done
        for start in self.fragments:
            if start in state:
                continue
            state[start] = False
            stack = [(start, iter(spreads[start]))]
            while stack:
                name, pending = stack[-1]
                child = next((c for c in pending if c in spreads and c not in state), None)
                if child is None:
                    stack.pop()
                    state[name] = True
                    order.append(self.fragments[name])
                else:
                    state[child] = False
                    stack.append((child, iter(spreads[child])))
        return order

    # selections

    def selection_set(
        self, node: SelectionSetNode, scope: GraphQLNamedType, sizing: _Sizing
    ) -> _Profile:
        result = _Profile()
        runtime = self.runtime_types(scope)
        for selection in node.selections:
            if self.skipped(selection.directives):
                continue
            if isinstance(selection, FieldNode):
                result.base += self.field(selection, scope, sizing)
            elif isinstance(selection, InlineFragmentNode):
                condition = scope
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value) or scope
                inner = self.selection_set(selection.selection_set, condition, sizing)
                self.add_fragment(result, inner, condition, runtime)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                spread_type = self.schema.get_type(fragment.type_condition.name.value)
                if spread_type is None:
                    continue
                inner = self.fragment(fragment, spread_type, sizing)
                self.add_fragment(result, inner, spread_type, runtime)
        return result

    def fragment(
        self, fragment: FragmentDefinitionNode, condition: GraphQLNamedType, sizing: _Sizing
    ) -> _Profile:
        key = (fragment.name.value, sizing)
        cached = self.memo.get(key)
        if cached is None:
            self.memo[key] = _Profile()  # a cycle (refused by validation) costs nothing
            cached = self.selection_set(fragment.selection_set, condition, sizing)
            self.memo[key] = cached
        return cached

    def add_fragment(
        self,
        into: _Profile,
        fragment: _Profile,
        condition: GraphQLNamedType,
        runtime: frozenset[str],
    ) -> None:
        applies_to = self.runtime_types(condition)
        if runtime <= applies_to:
            into.base += fragment.base
            for name, extra in fragment.extra.items():
                if name in runtime:
                    into.extra[name] = into.extra.get(name, 0) + extra
            return
        for name in runtime & applies_to:
            into.extra[name] = into.extra.get(name, 0) + fragment.base + fragment.extra.get(name, 0)

    def total(self, profile: _Profile, scope: GraphQLNamedType) -> int:
        if not profile.extra:
            return profile.base
        extra = max(profile.extra.values())
        if len(profile.extra) < len(self.runtime_types(scope)):
            extra = max(extra, 0)
        return profile.base + extra

    def runtime_types(self, scope: GraphQLNamedType) -> frozenset[str]:
        found = self.possible.get(scope.name)
        if found is None:
            if isinstance(scope, GraphQLInterfaceType | GraphQLUnionType):
                found = frozenset(t.name for t in self.schema.get_possible_types(scope))
            else:
                found = frozenset((scope.name,))
            self.possible[scope.name] = found
        return found

    def skipped(self, directives: Iterable[DirectiveNode] | None) -> bool:
        for directive in directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = self.condition(directive)
            if (name == "skip" and condition is True) or (name == "include" and condition is False):
                return True
        return False

    def condition(self, directive: DirectiveNode) -> bool | None:
        for argument in directive.arguments or ():
            if argument.name.value != "if":
                continue
            value = argument.value
            if isinstance(value, BooleanValueNode):
                return value.value
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                return found if isinstance(found, bool) else None
        return None

    # fields

    def field(self, node: FieldNode, scope: GraphQLNamedType, sizing: _Sizing) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(scope, GraphQLObjectType | GraphQLInterfaceType):
            return 0  # __typename is free; introspection is governed by its own switch
        definition = scope.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        own = tuple(
            _SizedContext(
                self.expected_size(list_size, node, definition),
                list_size.sized_fields or _UNSIZED,
            )
            for list_size in self.model.list_sizes.get((scope.name, name), ())
        )
        upstream = _size_for(sizing.own, name)
        if upstream is None:
            upstream = _size_for(sizing.inherited, name)
        descended = tuple(
            _SizedContext(context.expected_size, tree)
            for context in (*sizing.own, *sizing.inherited)
            if (tree := context.fields.descend(name)) is not None
        )
        if not _is_list(definition.type):
            count = 1
        elif upstream is not None:
            count = upstream
        else:
            sizes = [c.expected_size for c in (*own, *descended) if c.expected_size is not None]
            count = max(sizes) if sizes else self.list_size
        type_cost = self.field_weight(scope.name, name, named)
        if node.selection_set is not None:
            child_sizing = _Sizing(tuple(c for c in own if c.fields is not _UNSIZED), descended)
            inner = self.selection_set(node.selection_set, named, child_sizing)
            type_cost += self.total(inner, named)
        arguments_cost = 0
        for argument in node.arguments or ():
            arg_definition = definition.args.get(argument.name.value)
            if arg_definition is None:
                continue
            weight = self.model.argument_weights.get((scope.name, name, argument.name.value))
            if weight is None:
                weight = self.model.type_weights.get(get_named_type(arg_definition.type).name)
            arguments_cost += self.argument(argument.value, arg_definition.type, weight)
        return count * type_cost + arguments_cost

    def field_weight(self, type_name: str, field_name: str, named: GraphQLNamedType) -> int:
        weight = self.model.field_weights.get((type_name, field_name))
        if weight is None:
            weight = self.model.type_weights.get(named.name)
        if weight is None:
            composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            weight = 1 if isinstance(named, composite) else 0
        return weight

    def expected_size(
        self, list_size: ListSize, node: FieldNode, definition: GraphQLField
    ) -> int | None:
        if list_size.slicing_arguments is None:
            return list_size.assumed_size
        given: dict[str, ValueNode | _Json] = {}
        for name, arg in definition.args.items():
            literal = getattr(arg.ast_node, "default_value", None)
            if literal is not None:
                given[name] = literal
            elif arg.default_value is not Undefined:
                given[name] = _Json(arg.default_value)
        given.update({a.name.value: a.value for a in node.arguments or ()})
        sizes = []
        for path in list_size.slicing_arguments:
            first, *rest = path.split(".")
            size = self.size_of(given.get(first), rest)
            if size is not None:
                sizes.append(size)
        if list_size.require_one_slicing_argument and len(sizes) != 1:
            raise CostEstimationError(
                f"Exactly one slicing argument of {node.name.value} "
                f"({', '.join(list_size.slicing_arguments)}) is required, but found {len(sizes)}."
            )
        return max(sizes) if sizes else list_size.assumed_size

    def size_of(self, value: ValueNode | _Json | None, path: list[str]) -> int | None:
        if isinstance(value, VariableNode):
            value = _Json(self.variables.get(value.name.value))
        if isinstance(value, _Json):
            data = value.value
            for segment in path:
                data = data.get(segment) if isinstance(data, dict) else None
            if isinstance(data, list):
                return len(data)
            return data if isinstance(data, int) and not isinstance(data, bool) else None
        for segment in path:
            if not isinstance(value, ObjectValueNode):
                return None
            value = next((f.value for f in value.fields if f.name.value == segment), None)
            if isinstance(value, VariableNode):
                return self.size_of(value, [])
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return len(value.values)
        return None

    # arguments

    def argument(self, value: ValueNode, type_: GraphQLInputType, weight: int | None) -> int:
        named = get_named_type(type_)
        if isinstance(value, VariableNode):
            found = self.variables.get(value.name.value)
            return _json_cost(self.model, found, type_, weight)
        if isinstance(value, NullValueNode):
            return 0
        if isinstance(value, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            cost = 1 if weight is None else weight
            for item in value.fields:
                input_field = named.fields.get(item.name.value)
                if input_field is not None:
                    cost += self.argument(
                        item.value,
                        input_field.type,
                        _input_weight(self.model, named.name, item.name.value, input_field.type),
                    )
            return cost
        if isinstance(value, ListValueNode):
            cost = 0 if weight is None else weight
            return cost + sum(self.argument(item, type_, weight) for item in value.values)
        return 0 if weight is None else weight


def _spread_names(selection_set: SelectionSetNode) -> list[str]:
    """Names of the fragments spread anywhere inside ``selection_set`` (iteratively)."""
    names: list[str] = []
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return names


@dataclass(frozen=True, slots=True)
class _Json:
    """A value already in JSON form (a variable's value, an argument's default)."""

    value: Any


def _size_for(contexts: tuple[_SizedContext, ...], name: str) -> int | None:
    sizes = [
        c.expected_size for c in contexts if c.expected_size is not None and name in c.fields.leaves
    ]
    return max(sizes) if sizes else None


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _input_weight(model: CostModel, type_name: str, field_name: str, type_: Any) -> int | None:
    weight = model.input_field_weights.get((type_name, field_name))
    if weight is None:
        weight = model.type_weights.get(get_named_type(type_).name)
    return weight


def _json_cost(model: CostModel, value: Any, type_: GraphQLInputType, weight: int | None) -> int:
    """An argument given as a variable, scored like the literal it stands for."""
    named = get_named_type(type_)
    if value is None:
        return 0
    if isinstance(value, dict) and isinstance(named, GraphQLInputObjectType):
        cost = 1 if weight is None else weight
        for name, item in value.items():
            input_field = named.fields.get(name)
            if input_field is not None:
                cost += _json_cost(
                    model,
                    item,
                    input_field.type,
                    _input_weight(model, named.name, name, input_field.type),
                )
        return cost
    if isinstance(value, list):
        cost = 0 if weight is None else weight
        return cost + sum(_json_cost(model, item, type_, weight) for item in value)
    return 0 if weight is None else weight
