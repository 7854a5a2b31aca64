"""Every supergraph we produce is valid GraphQL, and so is the API schema clients get."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, build_ast_schema, parse

from contracts.api_schema import EXECUTABLE_LOCATIONS
from router.supergraph.parse import parse_supergraph
from schema.composition import SubgraphSource, compose
from tests.schema.harness import Case, case, success_cases


@pytest.mark.parametrize("fixture", success_cases(), ids=lambda c: c.name)
def test_supergraph_is_valid_sdl(fixture: Case) -> None:
    sdl = fixture.compose().supergraph_sdl
    assert sdl is not None

    schema = build_ast_schema(parse(sdl))

    assert schema.query_type is not None
    assert "join__Graph" in schema.type_map


@pytest.mark.parametrize("fixture", success_cases(), ids=lambda c: c.name)
def test_api_schema_has_no_federation_machinery(fixture: Case) -> None:
    sdl = fixture.compose().supergraph_sdl
    assert sdl is not None

    api = parse_supergraph(sdl).api_schema

    machinery = [n for n in api.type_map if n.startswith(("join__", "link__"))]
    assert machinery == []
    built_in = {"include", "skip", "deprecated", "specifiedBy", "oneOf"}
    own = [d for d in api.directives if d.name not in built_in]
    # Only directives clients may send remain: subgraph-defined executable ones.
    assert all(loc.name in EXECUTABLE_LOCATIONS for d in own for loc in d.locations)


def test_api_schema_leaves_out_inaccessible_elements() -> None:
    sdl = case("inaccessible_tag").compose().supergraph_sdl
    assert sdl is not None

    api = parse_supergraph(sdl).api_schema

    user = api.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    assert set(user.fields) == {"id", "plan", "name", "role"}
    assert "AuditEntry" not in api.type_map
    assert api.mutation_type is not None
    assert set(api.mutation_type.fields) == {"ping"}
    assert api.query_type is not None
    assert set(api.query_type.fields["users"].args) == {"filter"}
    role = api.get_type("Role")
    assert role is not None
    assert set(getattr(role, "values", {})) == {"MEMBER", "ADMIN"}
    user_filter = api.get_type("UserFilter")
    assert set(getattr(user_filter, "fields", {})) == {"nameContains"}


def test_api_schema_keeps_interface_object_fields_on_implementations() -> None:
    sdl = case("interface_union").compose().supergraph_sdl
    assert sdl is not None

    api = parse_supergraph(sdl).api_schema

    post = api.get_type("Post")
    assert isinstance(post, GraphQLObjectType)
    assert "views" in post.fields
    assert api.subscription_type is not None


def test_type_system_metadata_directives_stay_out_of_the_api_schema() -> None:
    """The cost spec defines ``@listSize`` even when a subgraph only uses ``@cost``, and a
    composed directive keeps its definition: neither is for clients."""
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@cost"])\n'
        "type Query { a: String @cost(weight: 3) }"
    )
    supergraph = compose([SubgraphSource("a", "http://a.example/graphql", sdl)]).supergraph_sdl
    assert supergraph is not None
    assert "directive @listSize(" in supergraph

    api = parse_supergraph(supergraph).api_schema

    assert {d.name for d in api.directives} == {
        "include",
        "skip",
        "deprecated",
        "specifiedBy",
        "oneOf",
    }
    composed = parse_supergraph(case("compose_directive").expected_supergraph or "").api_schema
    assert "audit" not in {d.name for d in composed.directives}
    assert {d.name for d in composed.directives} >= {"lower", "trace"}
