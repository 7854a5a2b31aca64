"""The persisted-operations and demand-control stages in the engine's pipeline, in process with
an in-memory subgraph transport: where they go in the list, and what a client gets back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contracts.persisted import query_hash
from router.engine import EngineConfig, build_stages
from router.errors import COST_ESTIMATED_TOO_EXPENSIVE, PERSISTED_QUERY_NOT_FOUND
from router.execution.executor import PlanExecutor
from router.pipeline import run_pipeline
from router.pipeline.context import GraphQLRequest, GraphQLResponse, RequestContext, Stage
from router.pipeline.demand_control import DemandControl, DemandControlStage
from router.pipeline.offload import CpuOffload
from router.pipeline.parse import ParseStage
from router.pipeline.persisted import PersistedStage
from router.pipeline.validate import ValidateStage
from router.pipeline.variables import VariablesStage
from router.supergraph.parse import parse_supergraph
from tests.harness.fake_transport import FakeTransport

SUPERGRAPH = parse_supergraph(
    (Path(__file__).parent / "fixtures" / "library.graphql").read_text(encoding="utf-8")
)
QUERY = "{ shelves(first: 1) { books { id } } }"  # 1 x (Shelf 1 + 10 x Book 1) = 11


def library(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"data": {"shelves": [{"books": [{"id": "b1"}]}]}}


def pipeline(demand: DemandControl, transport: FakeTransport) -> list[Stage]:
    """The engine's stages, persisted operations before parse and demand control after
    validation (before variables)."""
    offload = CpuOffload(workers=1)
    config = EngineConfig(demand_control=demand)
    stages = build_stages(SUPERGRAPH, PlanExecutor(transport), offload, config)
    kinds = [type(stage) for stage in stages]
    assert kinds.index(PersistedStage) < kinds.index(ParseStage)
    assert kinds.index(ValidateStage) < kinds.index(DemandControlStage)
    assert kinds.index(DemandControlStage) < kinds.index(VariablesStage)
    return stages


async def answer(
    stages: list[Stage], query: str | None, extensions: Mapping[str, Any], **context: Any
) -> GraphQLResponse:
    request = GraphQLRequest(query, extensions=extensions)
    return await run_pipeline(stages, RequestContext(request, query=query or "", **context))


async def test_apq_registers_then_serves_by_hash_through_the_pipeline() -> None:
    transport = FakeTransport(library)
    stages = pipeline(DemandControl(), transport)
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": query_hash(QUERY)}}
    missing = await answer(stages, None, extensions)
    assert missing.status == 200
    assert missing.body["errors"][0]["extensions"]["code"] == PERSISTED_QUERY_NOT_FOUND
    assert missing.headers["cache-control"] == "private, no-cache, must-revalidate"
    assert transport.sent == []

    registered = await answer(stages, QUERY, extensions)
    by_hash = await answer(stages, None, extensions)
    expected = {"data": {"shelves": [{"books": [{"id": "b1"}]}]}}
    assert registered.body == by_hash.body == expected
    assert len(transport.sent) == 2


async def test_an_operation_over_the_maximum_is_refused_before_any_subgraph_fetch() -> None:
    transport = FakeTransport(library)
    refused = await answer(pipeline(DemandControl(max_cost=10), transport), QUERY, {})
    assert refused.status == 400
    assert refused.body == {
        "errors": [
            {
                "message": "query estimated cost 11 exceeded configured maximum 10",
                "extensions": {
                    "cost.estimated": 11,
                    "cost.max": 10,
                    "code": COST_ESTIMATED_TOO_EXPENSIVE,
                },
            }
        ]
    }
    assert transport.sent == []


async def test_the_cost_is_in_the_response_when_the_client_asks() -> None:
    transport = FakeTransport(library)
    stages = pipeline(DemandControl(max_cost=11), transport)
    asked = await answer(stages, QUERY, {}, expose_cost=True)
    assert asked.body["extensions"] == {
        "cost": {"estimated": 11, "max": 11, "mode": "enforce", "result": "COST_OK"}
    }
    assert "extensions" not in (await answer(stages, QUERY, {})).body
