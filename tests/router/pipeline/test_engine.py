"""The whole pipeline in process, against an in-memory subgraph transport (no sockets)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from contracts.internal_claims import Claims
from router.engine import EngineConfig, GraphQLRequest, RouterEngine
from router.pipeline.limits import OperationLimits
from router.pipeline.parse import ParseStage
from router.supergraph.parse import load_supergraph
from tests.harness.fake_transport import FakeTransport
from tests.security import attacks

ACCOUNTS = Path(__file__).parents[1] / "fixtures" / "accounts.graphql"


def identity(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"data": {"me": {"__typename": "User", "id": "u1", "email": "ada@example.com"}}}


def engine(**config: Any) -> tuple[RouterEngine, FakeTransport]:
    transport = FakeTransport(identity)
    return RouterEngine(
        load_supergraph(str(ACCOUNTS)), transport, EngineConfig(**config)
    ), transport


async def test_a_query_flows_through_every_stage() -> None:
    router, transport = engine()
    caller = Claims(sub="u1", scopes=("read",))
    response = await router.handle(GraphQLRequest("{ me { id email } }"), claims=caller)
    assert response.status == 200
    assert response.body == {"data": {"me": {"id": "u1", "email": "ada@example.com"}}}
    assert [(service, claims) for service, _, claims in transport.sent] == [("identity", caller)]


async def test_get_may_not_run_a_mutation() -> None:
    router, transport = engine()
    response = await router.handle(GraphQLRequest("mutation { logout }"), allow_mutations=False)
    assert response.status == 405
    assert response.headers == {"allow": "POST"}
    assert response.body["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert transport.sent == []


async def test_introspection_can_be_switched_off_but_typename_stays() -> None:
    router, _ = engine(introspection=False)
    refused = await router.handle(GraphQLRequest("{ __schema { queryType { name } } }"))
    assert refused.status == 400
    assert refused.body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    allowed = await router.handle(GraphQLRequest("{ __typename }"))
    assert allowed.body == {"data": {"__typename": "Query"}}


async def test_a_refusal_is_never_sent_to_a_subgraph() -> None:
    router, transport = engine()
    for document in (attacks.aliased_logins(300), attacks.fragment_bomb(40), attacks.aliases(31)):
        response = await router.handle(GraphQLRequest(document))
        assert response.status == 400
        assert "data" not in response.body
    assert transport.sent == []


async def test_a_cached_refusal_is_raised_anew_each_time() -> None:
    router, _ = engine()
    first = await router.handle(GraphQLRequest(attacks.aliases(31)))
    second = await router.handle(GraphQLRequest(attacks.aliases(31)))
    assert first.body == second.body
    cached = [stage.cache for stage in router.stages if hasattr(stage, "cache")]
    for cache in cached:
        for value, _ in cache._items.values():
            assert getattr(value, "__traceback__", None) is None  # holds no request


@pytest.mark.parametrize("budget", [8 * 1024, 512 * 1024])
async def test_caches_stay_within_their_byte_budget(budget: int) -> None:
    """200 distinct documents of 215 characters, about 15 KB each once parsed: the small budget
    keeps none of them, the large one some; neither grows past its budget."""
    router, _ = engine(document_cache_bytes=budget, plan_cache_bytes=budget)
    for i in range(200):
        await router.handle(GraphQLRequest(f"{{ me {{ id }} }} # {i:3} " + "x" * 200))
    parse_cache = next(s.cache for s in router.stages if isinstance(s, ParseStage))
    assert (len(parse_cache) > 0) == (budget > 15_000)
    for stage in router.stages:
        cache = getattr(stage, "cache", None)
        if cache is not None:
            assert cache.weight <= cache.capacity


async def test_large_documents_are_parsed_off_the_event_loop() -> None:
    router, _ = engine(offload_above_bytes=100)
    seen: list[str] = []
    import threading

    from router.pipeline import parse as parse_module

    original = parse_module.parse_document

    def spy(text: str, limits: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(text, limits)

    parse_module.parse_document = spy  # type: ignore[assignment]
    try:
        await router.handle(GraphQLRequest("{ me { id } }"))
        await router.handle(GraphQLRequest("{ me { id } } # " + "x" * 200))
    finally:
        parse_module.parse_document = original
    assert seen[0] == threading.current_thread().name
    assert seen[1].startswith("router-cpu")


async def test_validation_errors_point_at_the_field_though_trees_are_cached_without_locations() -> (
    None
):
    router, _ = engine()
    for _ in range(2):  # the second answer comes from the cached refusal
        response = await router.handle(GraphQLRequest("{\n  me { nope }\n}"))
        assert response.status == 400
        error = response.body["errors"][0]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert error["locations"] == [{"line": 2, "column": 8}]


async def test_large_variables_are_coerced_off_the_event_loop() -> None:
    import threading

    from router.pipeline import variables as variables_module

    router, _ = engine(offload_above_bytes=1000)
    seen: list[str] = []
    original = variables_module.get_variable_values

    def spy(*args: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(*args)

    query = "mutation ($all: [Preferences!]!) { savePreferences(all: $all) }"
    small = GraphQLRequest(query, variables={"all": []}, size=100)
    large = GraphQLRequest(query, variables={"all": [{"theme": "dark"}] * 200}, size=4000)
    variables_module.get_variable_values = spy  # type: ignore[assignment]
    try:
        await router.handle(small)
        await router.handle(large)
    finally:
        variables_module.get_variable_values = original
    assert seen[0] == threading.current_thread().name
    assert seen[1].startswith("router-cpu")


async def test_a_value_the_schema_does_not_allow_is_null_and_reported_apart() -> None:
    """A subgraph answering an enum value the API schema hides: null, not an error in
    ``errors``, and the failure under ``extensions.valueCompletion`` (Apollo Router's shape)."""

    def people(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
        users = [{"__typename": "User", "id": "u1", "kind": "ANONYMOUS"}]
        return {"data": {"users": users}}

    supergraph = load_supergraph(str(ACCOUNTS.parent / "hidden_values.graphql"))
    router = RouterEngine(supergraph, FakeTransport(people))
    response = await router.handle(GraphQLRequest("{ users { id kind } }"))
    assert response.body["data"] == {"users": [{"id": "u1", "kind": None}]}
    assert "errors" not in response.body
    completion = response.body["extensions"]["valueCompletion"]
    assert [entry["path"] for entry in completion] == [["users", 0, "kind"]]


async def test_a_costly_operation_beside_the_named_one_is_refused_too() -> None:
    """Validation reads every operation of a document, so limits measure every one."""
    router, transport = engine()
    costly = "query Costly {" + " ".join(f"me {{ f{i}: id }}" for i in range(150)) + "}"
    document = "query Cheap { me { id } } " + costly
    response = await router.handle(GraphQLRequest(document, operation_name="Cheap"))
    assert response.status == 400
    assert response.body["errors"][0]["extensions"]["code"] in (
        "MAX_FIELD_MERGES_LIMIT",
        "MAX_ALIASES_LIMIT",
    )
    assert transport.sent == []


async def test_operations_cannot_add_up_to_more_fields_than_one_may_select() -> None:
    router, _ = engine(operation=OperationLimits(max_selections=50))
    operations = " ".join(f"query Q{i} {{ me {{ id email }} }}" for i in range(20))  # 60 fields
    response = await router.handle(GraphQLRequest(operations, operation_name="Q0"))
    assert response.body["errors"][0]["extensions"]["code"] == "MAX_SELECTIONS_LIMIT"
    few = " ".join(f"query Q{i} {{ me {{ id email }} }}" for i in range(10))  # 30 fields
    allowed = await router.handle(GraphQLRequest(few, operation_name="Q0"))
    assert allowed.status == 200
