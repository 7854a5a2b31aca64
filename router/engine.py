"""The request pipeline: parse, validate, coerce variables, plan, execute, shape.

Everything that depends only on the operation text is cached (parse and validation by
document text, plans by the normalized operation), so a repeated operation costs one dict
lookup before its subgraph fetches. No schema work happens per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from router.errors import (
    BAD_REQUEST,
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    QUERY_PLANNING_FAILED,
    PlanningError,
    RequestError,
)
from router.execution.executor import PlanExecutor
from router.execution.response import ResponseShaper, SelectionPlans
from router.planning.cache import BoundedCache
from router.planning.operation import (
    Field,
    Operation,
    condition_variables,
    normalize,
    select_operation,
)
from router.planning.plan import QueryPlan
from router.planning.planner import build_query_plan
from router.planning.printer import print_plan
from router.supergraph.model import Supergraph
from router.transports.subgraph import SubgraphTransport


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphQLResponse:
    body: dict[str, Any]
    status: int = 200


@dataclass(frozen=True, slots=True)
class _Document:
    """A parsed and validated document, cached by its text."""

    node: DocumentNode
    conditions: dict[str | None, tuple[str, ...]]


class RouterEngine:
    """Serves one supergraph; share one instance across requests."""

    def __init__(
        self,
        supergraph: Supergraph,
        transport: SubgraphTransport,
        *,
        cache_size: int = 1000,
    ) -> None:
        self.supergraph = supergraph
        self.executor = PlanExecutor(transport)
        self.documents: BoundedCache[_Document] = BoundedCache(cache_size)
        self.plans: BoundedCache[QueryPlan] = BoundedCache(cache_size)
        self._operations: BoundedCache[Operation] = BoundedCache(cache_size)
        self._selection_plans = SelectionPlans()

    async def handle(
        self,
        request: GraphQLRequest,
        headers: Mapping[str, str],
        *,
        allow_mutations: bool = True,
        expose_plan: bool = False,
    ) -> GraphQLResponse:
        """Answer one request; refusals come back as GraphQL errors, never as exceptions."""
        try:
            document = self._document(request.query)
            definition = select_operation(document.node, request.operation_name)
            if not allow_mutations and definition.operation.value != "query":
                raise RequestError(
                    "Only queries may be sent with GET; use POST.", BAD_REQUEST, status=405
                )
            variables = self._variables(definition, request.variables)
            operation, plan = self._plan(document, definition, request, variables)
        except RequestError as exc:
            return GraphQLResponse({"errors": [exc.to_dict()]}, exc.status)
        except PlanningError as exc:
            error = RequestError(str(exc), QUERY_PLANNING_FAILED)
            return GraphQLResponse({"errors": [error.to_dict()]}, error.status)

        state = await self.executor.execute(plan, variables, headers)
        introspection_keys = _introspection_keys(operation)
        if introspection_keys:
            answers = self._introspect(document.node, request, variables)
            state.data.update({k: answers.get(k) for k in introspection_keys})
        shaper = ResponseShaper(self.supergraph.api_schema, state.errors, self._selection_plans)
        data = shaper.shape(operation, state.data)
        body: dict[str, Any] = {}
        if state.errors:
            body["errors"] = state.errors
        body["data"] = data
        if expose_plan:
            body["extensions"] = {"queryPlan": print_plan(plan)}
        return GraphQLResponse(body)

    def plan_text(self, query: str, operation_name: str | None = None) -> str:
        """The readable plan of an operation (for ``supergraph plan``); skip/include as written."""
        document = self._document(query)
        definition = select_operation(document.node, operation_name)
        request = GraphQLRequest(query, operation_name)
        return print_plan(self._plan(document, definition, request, {})[1])

    def _document(self, query: str) -> _Document:
        cached = self.documents.get(query)
        if cached is not None:
            return cached
        try:
            node = parse(query)
        except GraphQLError as exc:
            raise RequestError(
                exc.message, GRAPHQL_PARSE_FAILED, locations=_locations(exc)
            ) from exc
        errors = validate(self.supergraph.api_schema, node)
        if errors:
            first = errors[0]
            raise RequestError(
                first.message, GRAPHQL_VALIDATION_FAILED, locations=_locations(first)
            )
        conditions: dict[str | None, tuple[str, ...]] = {}
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                name = definition.name.value if definition.name else None
                conditions[name] = tuple(condition_variables(definition, node))
        document = _Document(node, conditions)
        self.documents.put(query, document)
        return document

    def _variables(
        self, definition: OperationDefinitionNode, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        coerced = get_variable_values(
            self.supergraph.api_schema, definition.variable_definitions or (), dict(inputs)
        )
        if isinstance(coerced, list):
            raise RequestError(coerced[0].message, BAD_USER_INPUT, locations=_locations(coerced[0]))
        # Subgraphs get the client's JSON values (defaults filled in) for declared variables.
        return {name: inputs.get(name, value) for name, value in coerced.coerced.items()}

    def _plan(
        self,
        document: _Document,
        definition: OperationDefinitionNode,
        request: GraphQLRequest,
        variables: Mapping[str, Any],
    ) -> tuple[Operation, QueryPlan]:
        name = definition.name.value if definition.name else None
        conditions = tuple(variables.get(v) is True for v in document.conditions.get(name, ()))
        text_key = (request.query, name, conditions)
        operation = self._operations.get(text_key)
        if operation is None:
            operation = normalize(document.node, definition, variables)
            self._operations.put(text_key, operation)
        plan = self.plans.get(operation)
        if plan is None:
            plan = build_query_plan(self.supergraph, operation)
            self.plans.put(operation, plan)
        return operation, plan

    def _introspect(
        self, document: DocumentNode, request: GraphQLRequest, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        result = execute(
            self.supergraph.api_schema,
            document,
            variable_values=dict(variables),
            operation_name=request.operation_name,
        )
        if not isinstance(result, ExecutionResult):  # introspection resolvers are synchronous
            return {}
        return result.data if isinstance(result.data, dict) else {}


def _introspection_keys(operation: Operation) -> set[str]:
    """Response keys of root ``__schema``/``__type`` fields, answered by the router itself."""
    keys: set[str] = set()
    stack = list(operation.selections)
    while stack:
        selection = stack.pop()
        if isinstance(selection, Field):
            if selection.name in ("__schema", "__type"):
                keys.add(selection.response_key)
        else:
            stack.extend(selection.selections)
    return keys


def _locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]
