"""The router's engine: the request pipeline's stages, in order, over one supergraph.

This is the one place the order is written down (``build_stages``); the stages themselves are
in ``router/pipeline/``, one module each. Everything that depends only on the operation text is
cached by the stage that computes it (documents, limit verdicts, validation, normalized
operations, plans), in caches bounded in bytes, so a repeated operation costs a few dict
lookups before its subgraph fetches.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field, replace

import orjson
from graphql import validate

from contracts.internal_claims import ANONYMOUS, Claims
from router.edge.rate_limit import EdgeRateLimits
from router.errors import (
    GRAPHQL_VALIDATION_FAILED,
    QUERY_PLANNING_FAILED,
    SUBSCRIPTION_LIMIT,
    PlanningError,
    RequestError,
    error_entry,
)
from router.execution.executor import PlanExecutor
from router.execution.stream_hub import StreamHub
from router.execution.subscription_hub import claims_key
from router.pipeline import refusal, run_pipeline
from router.pipeline.authorize import AuthorizeStage
from router.pipeline.context import GraphQLRequest, GraphQLResponse, RequestContext, Stage
from router.pipeline.demand_control import DemandControl, DemandControlStage
from router.pipeline.execute import ExecuteStage
from router.pipeline.limits import OperationLimits, OperationLimitsStage
from router.pipeline.normalize import NormalizeStage
from router.pipeline.offload import CpuOffload
from router.pipeline.parse import DocumentCache, ParserLimits, ParseStage, parse_document
from router.pipeline.persisted import PersistedConfig, PersistedOperations, PersistedStage
from router.pipeline.plan import PlanStage
from router.pipeline.rate_limit import RateLimitStage
from router.pipeline.select import SelectOperationStage
from router.pipeline.shape import ShapeStage
from router.pipeline.validate import ValidateStage
from router.pipeline.variables import VariablesStage
from router.planning.cache import BoundedCache
from router.planning.operation import normalize, select_operation
from router.planning.plan import QueryPlan, Subscription
from router.planning.planner import build_query_plan
from router.planning.printer import print_plan
from router.supergraph.access import build_access_model
from router.supergraph.cost import build_cost_model
from router.supergraph.model import Supergraph
from router.transports.subgraph import SubgraphFetchError, SubgraphTransport
from router.transports.subscriptions import SubscriptionTransport

__all__ = ["EngineConfig", "GraphQLRequest", "GraphQLResponse", "RouterEngine"]

_MB = 1 << 20


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What the pipeline enforces and how much it caches (docs/configuration.md)."""

    parser: ParserLimits = field(default_factory=ParserLimits)
    operation: OperationLimits = field(default_factory=OperationLimits)
    document_cache_bytes: int = 64 * _MB
    plan_cache_bytes: int = 64 * _MB
    introspection: bool = True
    demand_control: DemandControl = field(default_factory=DemandControl)
    persisted: PersistedConfig = field(default_factory=PersistedConfig)
    max_subscriptions: int = 10_000
    """Subscriptions the router runs at once, over every transport."""
    max_subscriptions_per_caller: int = 100
    """Per user (anonymous callers: per address)."""
    offload_workers: int = 2
    offload_above_bytes: int = 1024


class RouterEngine:
    """Serves one supergraph; share one instance across requests."""

    def __init__(
        self,
        supergraph: Supergraph,
        transport: SubgraphTransport,
        config: EngineConfig | None = None,
        *,
        rate_limits: EdgeRateLimits | None = None,
        subscriptions: SubscriptionTransport | None = None,
    ) -> None:
        self.supergraph = supergraph
        self.config = config or EngineConfig()
        self.executor = PlanExecutor(transport, subscriptions)
        self.offload = CpuOffload(
            workers=self.config.offload_workers, inline_below=self.config.offload_above_bytes
        )
        self.stages = build_stages(supergraph, self.executor, self.offload, self.config)
        self.subscriptions = SubscriptionCounts(
            self.config.max_subscriptions, self.config.max_subscriptions_per_caller
        )
        self.shared_events: StreamHub[GraphQLResponse] = StreamHub(name="router")
        if rate_limits is not None:
            self.stages.insert(0, RateLimitStage(rate_limits))
        # For subscriptions: the stages that run once per operation, then those every event
        # goes through (from execution on).
        split = next(i for i, s in enumerate(self.stages) if isinstance(s, ExecuteStage))
        self._prepare, self._respond = self.stages[:split], self.stages[split:]

    @property
    def plans(self) -> BoundedCache[QueryPlan]:
        for stage in self.stages:
            if isinstance(stage, PlanStage):
                return stage.cache
        raise LookupError("no plan stage")

    async def handle(
        self,
        request: GraphQLRequest,
        *,
        claims: Claims = ANONYMOUS,
        client_address: str = "",
        allow_mutations: bool = True,
        expose_plan: bool = False,
        expose_cost: bool = False,
    ) -> GraphQLResponse:
        """Answer one request; refusals come back as GraphQL errors, never as exceptions."""
        ctx = RequestContext(
            request,
            claims=claims,
            client_address=client_address,
            allowed_kinds=_ALL_KINDS if allow_mutations else _QUERIES,
            expose_plan=expose_plan,
            expose_cost=expose_cost,
            query=request.query or "",
        )
        return await run_pipeline(self.stages, ctx)

    async def subscribe(
        self,
        request: GraphQLRequest,
        *,
        claims: Claims = ANONYMOUS,
        client_address: str = "",
        allow_mutations: bool = True,
    ) -> GraphQLResponse | AsyncIterator[GraphQLResponse]:
        """A refusal, a single response (a query or mutation sent on a streaming transport),
        or the responses of a subscription, one per event.

        The stages up to execution run once; each event then goes through the same execute
        and shape stages a query's data does (``ctx.event`` tells the execute stage)."""
        ctx = RequestContext(
            request,
            claims=claims,
            client_address=client_address,
            allowed_kinds=_ALL_KINDS if allow_mutations else _NO_MUTATIONS,
            query=request.query or "",
        )
        prepare, respond = self._prepare, self._respond
        try:
            for stage in prepare:
                await stage(ctx)
        except RequestError as exc:
            return refusal(exc)
        assert ctx.plan is not None, "the plan stage runs before execution"
        if not isinstance(ctx.plan.node, Subscription):
            return await run_pipeline(respond, ctx)
        return self._client_stream(ctx, respond)

    async def _client_stream(
        self, ctx: RequestContext, respond: list[Stage]
    ) -> AsyncGenerator[GraphQLResponse, None]:
        """One client's subscription: counted against the limits, and sharing its completed
        events with every identical subscription (same document, operation, variables and
        caller), so an event's entity fetches and shaping happen once for all of them."""
        caller = ctx.claims.sub or f"address:{ctx.client_address}"
        refused = self.subscriptions.admit(caller)
        if refused is not None:
            yield refusal(refused)
            return
        key = (
            ctx.query,
            ctx.request.operation_name,
            orjson.dumps(ctx.variables, option=orjson.OPT_SORT_KEYS),
            claims_key(ctx.claims),
        )
        shared = self.shared_events.subscribe(key, lambda: self._events(ctx, respond))
        try:
            async for response in shared:
                yield response
        except SubgraphFetchError as exc:  # this client fell behind and was dropped
            error = error_entry(exc.message, exc.code)
            yield GraphQLResponse({"errors": [error], "data": None})
        finally:
            self.subscriptions.leave(caller)
            await shared.aclose()

    async def _events(
        self, ctx: RequestContext, respond: list[Stage]
    ) -> AsyncGenerator[GraphQLResponse, None]:
        """The completed events of one subscription: the executor's states through the same
        execute and shape stages a query uses."""
        assert ctx.plan is not None
        states = self.executor.subscribe(ctx.plan, ctx.variables, ctx.claims)
        try:
            async for state in states:
                event = replace(ctx, event=state, data={}, errors=[], extensions={}, response=None)
                yield await run_pipeline(respond, event)
        finally:
            await states.aclose()

    def plan_text(self, query: str, operation_name: str | None = None) -> str:
        """The readable plan of an operation (for ``supergraph plan``); skip/include as written."""
        document = parse_document(query, self.config.parser)
        if isinstance(document, RequestError):
            raise document
        errors = validate(self.supergraph.api_schema, document)
        if errors:
            raise RequestError(errors[0].message, GRAPHQL_VALIDATION_FAILED)
        definition = select_operation(document, operation_name)
        operation = normalize(document, definition, {})
        try:
            return print_plan(build_query_plan(self.supergraph, operation))
        except PlanningError as exc:
            raise RequestError(str(exc), QUERY_PLANNING_FAILED) from exc

    def close(self) -> None:
        self.offload.close()


_ALL_KINDS = frozenset({"query", "mutation", "subscription"})
_QUERIES = frozenset({"query"})
_NO_MUTATIONS = frozenset({"query", "subscription"})
"""What a GET may run on a streaming transport (SSE, multipart): nothing that changes data."""


class SubscriptionCounts:
    """Running subscriptions, in all and per caller, against their limits."""

    def __init__(self, limit: int, per_caller: int) -> None:
        self.limit = limit
        self.per_caller = per_caller
        self.running = 0
        self._by_caller: dict[str, int] = {}

    def admit(self, caller: str) -> RequestError | None:
        """Count one more for ``caller``, or the refusal when a limit is reached."""
        mine = self._by_caller.get(caller, 0)
        if self.running >= self.limit or mine >= self.per_caller:
            which = "the router" if self.running >= self.limit else "one caller"
            return RequestError(
                f"Too many subscriptions for {which}; end one to start another.",
                SUBSCRIPTION_LIMIT,
                status=429,
            )
        self.running += 1
        self._by_caller[caller] = mine + 1
        return None

    def leave(self, caller: str) -> None:
        self.running -= 1
        left = self._by_caller.get(caller, 1) - 1
        if left:
            self._by_caller[caller] = left
        else:
            self._by_caller.pop(caller, None)


def build_stages(
    supergraph: Supergraph, executor: PlanExecutor, offload: CpuOffload, config: EngineConfig
) -> list[Stage]:
    """The pipeline, in the order a request flows through it."""
    api = supergraph.api_schema
    documents, plans = DocumentCache(config.document_cache_bytes), config.plan_cache_bytes
    limits = config.operation
    costs = build_cost_model(supergraph.schema)
    screened = replace(
        config.parser, max_aliases=limits.max_aliases, max_directives=limits.max_directives
    )
    return [
        PersistedStage(PersistedOperations(config.persisted)),
        ParseStage(screened, offload, documents),
        SelectOperationStage(),
        OperationLimitsStage(limits, offload, documents),
        ValidateStage(api, offload, documents, introspection=config.introspection),
        DemandControlStage(config.demand_control, costs, api, offload),
        VariablesStage(api, offload),
        NormalizeStage(plans // 2, max_selections=limits.max_selections),
        AuthorizeStage(build_access_model(supergraph), api, plans // 4),
        PlanStage(supergraph, offload, plans),
        ExecuteStage(api, executor),
        ShapeStage(api),
    ]
