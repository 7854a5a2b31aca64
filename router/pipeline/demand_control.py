"""Demand control: refuse an operation whose estimated cost exceeds a maximum, before any
subgraph is asked.

The stage runs after validation (the cost model trusts the document's fields exist) and before
planning. Three modes, as Apollo Router's: ``off`` does nothing, ``measure`` estimates and
reports but never refuses, ``enforce`` refuses above ``max_cost`` with
``COST_ESTIMATED_TOO_EXPENSIVE`` (Apollo's code and message, HTTP 400) and refuses operations
that break a ``@listSize`` rule with ``COST_QUERY_PARSE_FAILURE``.

The estimate goes to the client under ``extensions.cost`` only when it asks with the
``x-supergraph-expose-cost: true`` header (Apollo Router keeps it in telemetry; Hive Router
exposes it only on opt-in), and always in the refusal's own extensions (``cost.estimated``,
``cost.max``, the keys Apollo uses), so a refused client learns how far over it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

import orjson
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

from router.errors import COST_ESTIMATED_TOO_EXPENSIVE, RequestError
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.planning.cache import BoundedCache
from router.supergraph.cost import (
    DEFAULT_LIST_SIZE,
    CostEstimationError,
    CostModel,
    estimate_cost,
)

Mode = Literal["off", "measure", "enforce"]
CostResult = Literal[
    "COST_OK", "COST_ESTIMATED_TOO_EXPENSIVE", "COST_QUERY_PARSE_FAILURE", "COST_NOT_MEASURED"
]

DEFAULT_MAX_COST = 10_000
"""About 10,000 objects resolved: with lists of 10, three nested object lists (1,110) pass with
room to spare and a fourth level (11,110) does not; fragment bombs and unbounded list nesting
reach millions within a kilobyte of query, so the line is far from both."""

EXPOSE_COST_HEADER = "x-supergraph-expose-cost"


@dataclass(frozen=True, slots=True)
class DemandControl:
    """Settings of the stage (``DEMAND_CONTROL_MODE``, ``_MAX_COST``, ``_LIST_SIZE``)."""

    mode: Mode = "enforce"
    max_cost: int = DEFAULT_MAX_COST
    list_size: int = DEFAULT_LIST_SIZE
    """Size assumed for a list field with neither a slicing argument nor ``assumedSize``."""

    def __post_init__(self) -> None:
        if self.mode not in get_args(Mode):
            raise ValueError(f"demand control mode must be one of {get_args(Mode)}")
        if self.max_cost < 0 or self.list_size < 0:
            raise ValueError("demand control max_cost and list_size must not be negative")


class CostTooExpensive(RequestError):
    """Refusal of an operation estimated above the maximum; carries both numbers."""

    def __init__(self, estimated: int, max_cost: int) -> None:
        super().__init__(
            f"query estimated cost {estimated} exceeded configured maximum {max_cost}",
            COST_ESTIMATED_TOO_EXPENSIVE,
            status=400,
        )
        self.estimated = estimated
        self.max_cost = max_cost

    def to_dict(self) -> dict[str, Any]:
        error = super().to_dict()
        error["extensions"] = {
            "cost.estimated": self.estimated,
            "cost.max": self.max_cost,
            **error["extensions"],
        }
        return error


@dataclass(frozen=True, slots=True)
class CostOutcome:
    """What the stage found: the estimate (None when off or not computable), and the error
    to answer with (only ever set in ``enforce`` mode)."""

    mode: Mode
    max_cost: int
    estimated: int | None
    result: CostResult
    error: RequestError | None = None

    def extension(self) -> dict[str, Any]:
        """The ``extensions`` entry for a client that asked for the cost."""
        return {
            "cost": {
                "estimated": self.estimated,
                "max": self.max_cost,
                "mode": self.mode,
                "result": self.result,
            }
        }


def verdict(config: DemandControl, estimated: int) -> RequestError | None:
    """The refusal for an estimate, or None when the mode or the maximum lets it through."""
    if config.mode == "enforce" and estimated > config.max_cost:
        return CostTooExpensive(estimated, config.max_cost)
    return None


def measure(
    config: DemandControl,
    model: CostModel,
    api_schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> CostOutcome:
    """Estimate ``operation`` and decide; never raises (the caller raises ``outcome.error``)."""
    if config.mode == "off":
        return CostOutcome(config.mode, config.max_cost, None, "COST_NOT_MEASURED")
    try:
        estimated = estimate_cost(
            model, api_schema, document, operation, variables, list_size=config.list_size
        )
    except CostEstimationError as exc:
        error = exc if config.mode == "enforce" else None
        return CostOutcome(config.mode, config.max_cost, None, "COST_QUERY_PARSE_FAILURE", error)
    except RecursionError:
        # Variables nested deeper than the interpreter's stack; the operation is hostile.
        error = CostEstimationError("Variables are nested too deeply to estimate their cost.")
        return CostOutcome(
            config.mode,
            config.max_cost,
            None,
            "COST_QUERY_PARSE_FAILURE",
            error if config.mode == "enforce" else None,
        )
    refusal = verdict(config, estimated)
    result: CostResult = (
        "COST_OK" if estimated <= config.max_cost else "COST_ESTIMATED_TOO_EXPENSIVE"
    )
    return CostOutcome(config.mode, config.max_cost, estimated, result, refusal)


def wants_cost(headers: Mapping[str, str]) -> bool:
    """Whether the client asked for ``extensions.cost`` (header names lower-case, as ASGI)."""
    return headers.get(EXPOSE_COST_HEADER, "").strip().lower() == "true"


class DemandControlStage:
    """The pipeline stage, after validation (the model trusts the fields exist) and before
    variable coercion (it reads the request's raw variables, as Apollo Router does)."""

    def __init__(
        self,
        config: DemandControl,
        model: CostModel,
        api_schema: GraphQLSchema,
        offload: CpuOffload | None = None,
        cache_bytes: int = 8 << 20,
    ) -> None:
        self.config = config
        self.model = model
        self.api_schema = api_schema
        self.offload = offload
        self.cache: BoundedCache[CostOutcome] = BoundedCache(cache_bytes)

    async def __call__(self, ctx: RequestContext) -> None:
        if self.config.mode == "off":
            return
        definition = ctx.require_definition()
        # The estimate depends on the text, the operation and the variables (slicing
        # arguments, conditions): repeated requests find it here instead of walking again.
        variables = b""
        if definition.variable_definitions:
            variables = orjson.dumps(ctx.request.variables, option=orjson.OPT_SORT_KEYS)
        key = (ctx.query, ctx.request.operation_name, variables)
        outcome = self.cache.get(key)
        if outcome is None:
            arguments = (
                self.config,
                self.model,
                self.api_schema,
                ctx.require_document(),
                definition,
                ctx.request.variables,
            )
            if self.offload is None:
                outcome = measure(*arguments)
            else:
                outcome = await self.offload.run(len(ctx.query), measure, *arguments)
            self.cache.put(key, outcome, weight=len(ctx.query) + len(variables) + 128)
        if ctx.expose_cost:
            ctx.extensions.update(outcome.extension())
        if outcome.error is not None:
            raise outcome.error.again()
