"""@authenticated, @requiresScopes and @policy: removed before planning, answered null.

The fixture ``access`` is composed by our composer from ``fixtures/access_subgraphs/``
(accounts and reviews share the ``User`` entity). Expected behaviour follows Apollo Router's
authorization plugin and its snapshot tests (``apollo-router/src/plugins/authorization/``).
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from router.errors import SupergraphError
from router.execution.response import ResponseShaper
from router.planning.authorization import (
    TYPENAME_KEY,
    Authorized,
    Denial,
    apply_denials,
    authorize,
    required_policies,
)
from router.planning.operation import Operation, normalize, select_operation
from router.planning.planner import build_query_plan
from router.planning.printer import print_plan
from router.supergraph.access import AccessModel, Caller, build_access_model, directive_names
from router.supergraph.model import Supergraph
from router.supergraph.parse import parse_supergraph
from tests.router.planning.harness import FIXTURES, dedent, fixture_supergraph

ANONYMOUS = Caller()
USER = Caller(authenticated=True)


def access() -> tuple[Supergraph, AccessModel]:
    supergraph = fixture_supergraph("access")
    return supergraph, build_access_model(supergraph)


def operation(query: str) -> Operation:
    document = parse(query)
    return normalize(document, select_operation(document, None), {})


def run(query: str, caller: Caller, supergraph: Supergraph | None = None) -> Authorized:
    if supergraph is None:
        supergraph, model = access()
    else:
        model = build_access_model(supergraph)
    return authorize(model, supergraph.api_schema, operation(query), caller)


def error_paths(authorized: Authorized) -> list[list[str]]:
    assert all(e["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE" for e in authorized.errors)
    return [e["path"] for e in authorized.errors]


def plan(authorized: Authorized) -> str:
    return print_plan(build_query_plan(fixture_supergraph("access"), authorized.operation))


def respond(query: str, caller: Caller, merged: dict[str, Any]) -> dict[str, Any] | None:
    """What the client gets: ``merged`` (subgraph data as the executor merges it for the
    filtered operation) shaped as the engine does, then the removed fields put back."""
    supergraph, _ = access()
    authorized = run(query, caller)
    shaped = ResponseShaper(supergraph.api_schema, []).shape(authorized.operation, merged)
    return apply_denials(shaped, operation(query), supergraph.api_schema, authorized.denials)


def test_the_fixture_is_what_our_composer_makes_of_its_subgraphs() -> None:
    from schema.composition import SubgraphSource, compose

    urls = {"accounts": "http://127.0.0.1:4501/graphql", "reviews": "http://127.0.0.1:4502/graphql"}
    sources = [
        SubgraphSource(name, url, (FIXTURES / "access_subgraphs" / f"{name}.graphql").read_text())
        for name, url in urls.items()
    ]
    assert compose(sources).supergraph_sdl == (FIXTURES / "access.graphql").read_text()


# -- @authenticated -------------------------------------------------------------------------


def test_anonymous_callers_lose_authenticated_fields_and_the_rest_runs() -> None:
    authorized = run("{ me { name } user(id: 1) { name } }", ANONYMOUS)
    assert error_paths(authorized) == [["me"]]
    assert plan(authorized) == dedent(
        """
        QueryPlan {
          Fetch(service: "accounts") {
            { user(id: 1) { name } }
          }
        }
        """
    )


def test_authenticated_callers_keep_the_operation_as_it_was() -> None:
    query = operation("{ me { name } user(id: 1) { name } }")
    supergraph, model = access()
    authorized = authorize(model, supergraph.api_schema, query, USER)
    assert authorized.operation is query
    assert authorized.errors == []


def test_paths_use_the_response_key_the_client_chose() -> None:
    assert error_paths(run("{ moi: me { name } }", ANONYMOUS)) == [["moi"]]


def test_a_type_requirement_covers_every_field_returning_it_scalars_and_enums_too() -> None:
    authorized = run("{ user(id: 1) { name visibility } }", ANONYMOUS)
    assert error_paths(authorized) == [["user", "visibility"]]
    assert "visibility" not in plan(authorized)


def test_mutation_fields_are_removed_before_any_runs() -> None:
    authorized = run('mutation { rename(name: "x") { id } ping }', ANONYMOUS)
    assert error_paths(authorized) == [["rename"]]
    assert "rename" not in plan(authorized)


# -- @requiresScopes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (set(), False),
        ({"read:email"}, False),  # half of the first alternative
        ({"read:email", "read:profile"}, True),  # all of the first
        ({"admin"}, True),  # or the second
        ({"read:profile", "admin", "other"}, True),
    ],
)
def test_scopes_are_alternatives_of_sets_that_must_all_be_held(
    scopes: set[str], allowed: bool
) -> None:
    # email: @requiresScopes(scopes: [["read:email", "read:profile"], ["admin"]])
    caller = Caller(authenticated=True, scopes=frozenset(scopes))
    authorized = run("{ user(id: 1) { name email } }", caller)
    assert (error_paths(authorized) == []) is allowed
    assert ("email" in plan(authorized)) is allowed


def test_fields_under_lists_report_one_error_with_an_at_sign_per_list_level() -> None:
    # As Apollo's docs: "an error at the /users/@/email path".
    authorized = run("{ users { name email } }", Caller(True, frozenset({"read:users"})))
    assert error_paths(authorized) == [["users", "@", "email"]]


def test_a_requirement_on_a_list_field_itself_reports_the_field() -> None:
    assert error_paths(run("{ users { name } }", USER)) == [["users"]]


# -- @policy --------------------------------------------------------------------------------


def test_required_policies_are_those_the_operation_touches_only() -> None:
    _, model = access()
    assert required_policies(model, operation("{ user(id: 1) { name } }")) == frozenset()
    assert required_policies(model, operation("{ user(id: 1) { ssn } }")) == {"pii"}
    # rating: @policy(policies: [["reviews:rating"], ["admin"]]) -- either may be granted
    touched = operation("{ user(id: 1) { ssn } topReviews { rating } }")
    assert required_policies(model, touched) == {"pii", "reviews:rating", "admin"}


def test_granted_policies_open_fields_and_missing_ones_keep_them_closed() -> None:
    query = "{ user(id: 1) { ssn } topReviews { body rating } }"
    only_pii = Caller(True, frozenset({"read:ratings"}), frozenset({"pii"}))
    assert error_paths(run(query, only_pii)) == [["topReviews", "@", "rating"]]
    both = Caller(True, frozenset({"read:ratings"}), frozenset({"pii", "admin"}))
    assert error_paths(run(query, both)) == []


def test_a_scalar_requirement_adds_to_the_fields_own_policy() -> None:
    # rating's policy is granted, but its type, Rating, asks the read:ratings scope.
    caller = Caller(True, frozenset(), frozenset({"admin"}))
    assert error_paths(run("{ topReviews { body rating } }", caller)) == [
        ["topReviews", "@", "rating"]
    ]
    granted = Caller(True, frozenset({"read:ratings"}), frozenset({"admin"}))
    assert error_paths(run("{ topReviews { body rating } }", granted)) == []


# -- removal keeps the operation valid ------------------------------------------------------


def test_a_selection_emptied_by_removal_removes_its_field_with_the_childs_error_only() -> None:
    # Apollo's transform drops a field whose selections all went; the error stays the child's.
    authorized = run("{ user(id: 1) { email } topReviews { body } }", ANONYMOUS)
    assert error_paths(authorized) == [["user", "email"]]
    assert Denial(("user",), emptied=True) in authorized.denials
    assert "user" not in plan(authorized)
    data = respond(
        "{ user(id: 1) { email } topReviews { body } }",
        ANONYMOUS,
        {"topReviews": [{"body": "fine"}]},
    )
    assert data == {"user": None, "topReviews": [{"body": "fine"}]}


def test_an_operation_emptied_by_removal_asks_only_the_root_typename() -> None:
    authorized = run("{ me { name } }", ANONYMOUS)
    assert plan(authorized) == "QueryPlan {}"
    assert [f.response_key for f in authorized.operation.selections] == [TYPENAME_KEY]
    assert respond("{ me { name } }", ANONYMOUS, {}) == {"me": None}


def test_removed_entity_fields_never_reach_either_subgraph() -> None:
    query = "{ user(id: 1) { name email karma reviews { body author { name ssn } } } }"
    authorized = run(query, ANONYMOUS)
    assert error_paths(authorized) == [
        ["user", "email"],
        ["user", "karma"],
        ["user", "reviews", "@", "author", "ssn"],
    ]
    assert plan(authorized) == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              { user(id: 1) { name __typename id } }
            },
            Flatten(path: "user") {
              Fetch(service: "reviews") {
                { ... on User { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { reviews { body author { __typename id } } } } }
              }
            },
            Flatten(path: "user.reviews.@.author") {
              Fetch(service: "accounts") {
                { ... on User { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { name } } }
              }
            }
          }
        }
        """
    )


# -- the response ---------------------------------------------------------------------------


def test_removed_fields_come_back_null_in_the_order_the_client_asked() -> None:
    data = respond(
        "{ user(id: 1) { name email id } }", ANONYMOUS, {"user": {"name": "Ada", "id": "1"}}
    )
    assert data == {"user": {"name": "Ada", "email": None, "id": "1"}}
    assert data is not None
    assert list(data["user"]) == ["name", "email", "id"]


def test_a_removed_non_null_field_nulls_its_parent() -> None:
    # ssn: String! -- the user object cannot be completed, so user is null (spec 6.4.4).
    data = respond("{ user(id: 1) { name ssn } }", ANONYMOUS, {"user": {"name": "Ada"}})
    assert data == {"user": None}


def test_null_propagation_climbs_non_null_lists_to_data() -> None:
    # karma: Int! in author: User! in [Review!]! in topReviews: [Review!]! -> data is null.
    query = "{ topReviews { body author { karma } } }"
    assert error_paths(run(query, USER)) == [["topReviews", "@", "author", "karma"]]
    merged = {"topReviews": [{"body": "b", "author": {"__typename": "User", "id": "1"}}]}
    assert respond(query, USER, merged) is None


def test_removed_fields_under_lists_are_null_in_every_item() -> None:
    query = "{ users { name email } }"
    caller = Caller(True, frozenset({"read:users"}))
    merged = {"users": [{"name": "Ada"}, {"name": "Alan"}]}
    assert respond(query, caller, merged) == {
        "users": [{"name": "Ada", "email": None}, {"name": "Alan", "email": None}]
    }


# -- abstract types -------------------------------------------------------------------------


def test_a_fragment_on_a_type_the_caller_may_not_read_is_removed() -> None:
    query = '{ search(term: "x") { ... on Review { body } ... on Draft { text } } }'
    authorized = run(query, ANONYMOUS)
    assert error_paths(authorized) == [["search", "@", "... on Draft"]]
    assert "Draft" not in plan(authorized)
    merged = {
        "search": [
            {"__typename": "Review", "body": "good"},
            {"__typename": "Draft"},
        ]
    }
    # The Draft item keeps its place; what the client asked of it is null, as Apollo formats it.
    assert respond(query, ANONYMOUS, merged) == {"search": [{"body": "good"}, {"text": None}]}


def test_an_interface_carrying_its_implementations_requirement_is_removed_whole() -> None:
    # Composition puts PrivatePost's @authenticated on Post (federation 2.9 rules).
    authorized = run("{ user(id: 1) { name posts { title } } }", ANONYMOUS)
    assert error_paths(authorized) == [["user", "posts"]]


INTERFACES = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", import: [{name: "@authenticated", as: "@auth"}], for: SECURITY)
  @link(url: "https://example.com/other/v1.0", import: ["@authenticated"])
{ query: Query }

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @auth on OBJECT | FIELD_DEFINITION | INTERFACE | SCALAR | ENUM
directive @authenticated on OBJECT | FIELD_DEFINITION | INTERFACE | SCALAR | ENUM
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { ONE @join__graph(name: "one", url: "http://127.0.0.1:4601/graphql") }

type Query @join__type(graph: ONE) {
  test: String
  itf: I!
  node: N
  other: String @authenticated
}
interface I @join__type(graph: ONE) { id: ID other: String }
type A implements I @join__type(graph: ONE) @join__implements(graph: ONE, interface: "I") {
  id: ID
  other: String
}
type B implements I @join__type(graph: ONE) @join__implements(graph: ONE, interface: "I") {
  id: ID @auth
  other: String
}
interface N @join__type(graph: ONE) { id: ID }
type C implements N @join__type(graph: ONE) @join__implements(graph: ONE, interface: "N") { id: ID }
type D implements N @join__type(graph: ONE) @join__implements(graph: ONE, interface: "N") @auth {
  id: ID
}
"""


def interfaces() -> Supergraph:
    return parse_supergraph(INTERFACES)


def test_directive_names_follow_link_imports_and_ignore_other_specs() -> None:
    names = directive_names(interfaces().schema)
    assert names.authenticated == "auth"
    # Query.other carries @authenticated from another spec: not ours, so not enforced.
    assert error_paths(run("{ other }", ANONYMOUS, interfaces())) == []


def test_an_interface_field_is_removed_when_an_implementation_asks_more() -> None:
    # Apollo's interface_field snapshot: paths ["/itf/id"] and ["/itf/... on B/id"].
    authorized = run("{ test itf { id other } }", ANONYMOUS, interfaces())
    assert error_paths(authorized) == [["itf", "id"]]
    fragments = "{ itf { ... on A { id other } ... on B { id other } } }"
    assert error_paths(run(fragments, ANONYMOUS, interfaces())) == [["itf", "... on B", "id"]]


def test_an_interface_field_is_removed_whole_when_an_implementation_type_asks_more() -> None:
    # Apollo's interface_type snapshot: the field of the interface type goes, path ["/node"].
    assert error_paths(run("{ test node { id } }", ANONYMOUS, interfaces())) == [["node"]]
    # ...unless it selects only __typename and fragments, checked one by one.
    query = "{ node { __typename ... on C { id } ... on D { id } } }"
    assert error_paths(run(query, ANONYMOUS, interfaces())) == [["node", "... on D"]]


def test_a_fragment_on_the_interface_itself_does_not_bypass_implementations() -> None:
    # Apollo lets `node { ... on N { id } }` through to D's data; we check D there too.
    authorized = run("{ node { ... on N { id } } }", ANONYMOUS, interfaces())
    assert error_paths(authorized) == [["node", "... on N", "id"]]


def test_authenticated_callers_read_every_implementation() -> None:
    query = "{ itf { id } node { id } }"
    assert error_paths(run(query, USER, interfaces())) == []


def test_a_supergraph_without_the_directives_costs_nothing() -> None:
    supergraph = fixture_supergraph("accounts")
    model = build_access_model(supergraph)
    assert not model
    query = operation("{ me { id } }")
    assert authorize(model, supergraph.api_schema, query, ANONYMOUS).operation is query
    assert required_policies(model, query) == frozenset()


# -- fragments ------------------------------------------------------------------------------


def test_a_fragment_spread_twice_reports_its_removals_under_each_spread() -> None:
    query = """
        { user(id: 1) { ...F } other: user(id: 2) { ...F } }
        fragment F on User { name email }
    """
    assert error_paths(run(query, ANONYMOUS)) == [
        ["user", "... on User", "email"],
        ["other", "... on User", "email"],
    ]


def bomb(depth: int) -> str:
    """Each fragment spreads the next twice: 2**depth expanded copies of the last one."""
    fragments = [
        f"fragment F{i} on User {{ name ...F{i + 1} ...F{i + 1} }}" for i in range(depth - 1)
    ]
    fragments.append(f"fragment F{depth - 1} on User {{ name email }}")
    return "{ user(id: 1) { ...F0 } }\n" + "\n".join(fragments)


def test_shared_fragments_are_filtered_once_not_once_per_expanded_copy() -> None:
    # 2**40 expanded copies: only a walk over the shared tuples finishes.
    query = operation(bomb(40))
    supergraph, model = access()
    admin = Caller(True, frozenset({"admin"}))
    assert authorize(model, supergraph.api_schema, query, admin).operation is query
    anonymous = authorize(model, supergraph.api_schema, query, ANONYMOUS)
    assert error_paths(anonymous) == [["user", *["... on User"] * 40, "email"]]
    assert apply_denials(
        {"user": {"name": "Ada"}}, query, supergraph.api_schema, anonymous.denials
    ) == {"user": {"name": "Ada", "email": None}}
    assert required_policies(model, query) == frozenset()


def test_an_unknown_version_of_a_spec_is_refused_rather_than_served_open() -> None:
    sdl = INTERFACES.replace("authenticated/v0.1", "authenticated/v0.2")
    with pytest.raises(SupergraphError, match=r"unsupported authenticated spec version v0\.2"):
        build_access_model(parse_supergraph(sdl))


def test_data_nulled_by_other_errors_stays_null() -> None:
    supergraph, _ = access()
    query = "{ user(id: 1) { name email } }"
    denials = run(query, ANONYMOUS).denials
    assert apply_denials(None, operation(query), supergraph.api_schema, denials) is None
    assert respond(query, ANONYMOUS, {"user": None}) == {"user": None}
