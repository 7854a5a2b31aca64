"""The policy hook: asked once, about the operation's policies only, and never trusted further."""

from __future__ import annotations

from graphql import parse

from contracts.internal_claims import ANONYMOUS, Claims
from router.edge.policies import caller_for, grant_no_policies, policies_from_claims
from router.planning.authorization import authorize, required_policies
from router.planning.operation import normalize, select_operation
from router.supergraph.access import build_access_model
from tests.router.planning.harness import fixture_supergraph

ADA = Claims(sub="ada", scopes=("read:ratings",), extra={"policies": ["pii", "unrelated"]})


async def test_the_default_hook_grants_nothing() -> None:
    assert await grant_no_policies(ADA, frozenset({"pii"})) == frozenset()


async def test_policies_from_claims_grants_the_required_ones_the_token_lists() -> None:
    assert await policies_from_claims(ADA, frozenset({"pii", "admin"})) == {"pii"}
    assert await policies_from_claims(ANONYMOUS, frozenset({"pii"})) == frozenset()
    odd = Claims(sub="ada", extra={"policies": "pii"})  # not a list: grants nothing
    assert await policies_from_claims(odd, frozenset({"pii"})) == frozenset()


async def test_the_hook_is_asked_once_about_the_operations_policies_and_cannot_widen_them() -> None:
    asked: list[frozenset[str]] = []

    async def generous(claims: Claims, required: frozenset[str]) -> frozenset[str]:
        asked.append(required)
        return frozenset({"pii", "admin", "reviews:rating"})

    supergraph = fixture_supergraph("access")
    model = build_access_model(supergraph)
    document = parse("{ user(id: 1) { name ssn } }")
    operation = normalize(document, select_operation(document, None), {})
    required = required_policies(model, operation)
    caller = await caller_for(ADA, required, generous)
    assert asked == [frozenset({"pii"})]
    assert caller.policies == {"pii"}
    assert caller.authenticated
    assert caller.scopes == {"read:ratings"}
    assert authorize(model, supergraph.api_schema, operation, caller).errors == []


async def test_operations_naming_no_policy_never_call_the_hook() -> None:
    async def refuse(claims: Claims, required: frozenset[str]) -> frozenset[str]:
        raise AssertionError("the hook must not be called")

    caller = await caller_for(ANONYMOUS, frozenset(), refuse)
    assert not caller.authenticated
    assert caller.policies == frozenset()
