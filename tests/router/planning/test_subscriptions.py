"""Subscriptions plan as one streaming fetch to the subgraph that owns the root field, plus
the plan that completes each event (entity fetches to other subgraphs).

The fixture ``live`` is composed by our composer from ``fixtures/live_subgraphs/`` (a chat
subgraph owning ``Subscription``, a profiles subgraph owning ``User.profile``).
"""

from __future__ import annotations

from pathlib import Path

from router.engine import GraphQLRequest, RouterEngine
from router.planning.plan import Fetch, Subscription
from tests.harness.fake_transport import FakeTransport, answer_nothing
from tests.router.planning.harness import FIXTURES, dedent, fixture_supergraph, plan_text


def test_the_fixture_is_what_our_composer_makes_of_its_subgraphs() -> None:
    from schema.composition import SubgraphSource, compose

    urls = {"chat": "http://127.0.0.1:4601/graphql", "profiles": "http://127.0.0.1:4602/graphql"}
    folder = Path(FIXTURES) / "live_subgraphs"
    sources = [SubgraphSource(n, u, (folder / f"{n}.graphql").read_text()) for n, u in urls.items()]
    assert compose(sources).supergraph_sdl == (Path(FIXTURES) / "live.graphql").read_text()


def test_each_event_is_completed_by_entity_fetches_to_other_subgraphs() -> None:
    query = """subscription ($room: ID!) {
      messageAdded(roomId: $room) { id body author { profile { displayName } } }
    }"""
    assert plan_text("live", query) == dedent("""
        QueryPlan {
          Subscription {
            Primary: {
              Fetch(service: "chat") {
                subscription ($room: ID!) { messageAdded(roomId: $room) { id body author { __typename id } } }
              }
            },
            Rest: {
              Flatten(path: "messageAdded.author") {
                Fetch(service: "profiles") {
                  { ... on User { id } } =>
                  query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { profile { displayName } } } }
                }
              }
            }
          }
        }
    """)


def test_a_subscription_one_subgraph_answers_whole_has_no_rest() -> None:
    query = "subscription { roomEvents(roomId: 1) { kind message { body } } }"
    assert plan_text("live", query) == dedent("""
        QueryPlan {
          Subscription {
            Primary: {
              Fetch(service: "chat") {
                subscription { roomEvents(roomId: 1) { kind message { body } } }
              }
            }
          }
        }
    """)


def test_plan_fetches_list_the_primary_first() -> None:
    from graphql import parse

    from router.planning.operation import normalize, select_operation
    from router.planning.planner import build_query_plan

    document = parse(
        "subscription { messageAdded(roomId: 1) { author { profile { displayName } } } }"
    )
    plan = build_query_plan(
        fixture_supergraph("live"), normalize(document, select_operation(document, None), {})
    )
    assert isinstance(plan.node, Subscription)
    fetches = plan.fetches()
    assert isinstance(fetches[0], Fetch)
    assert fetches[0].operation_kind == "subscription"
    assert [f.service for f in fetches] == ["chat", "profiles"]


async def test_a_subscription_over_a_single_json_response_is_refused_before_any_fetch() -> None:
    transport = FakeTransport(answer_nothing)
    router = RouterEngine(fixture_supergraph("live"), transport)
    response = await router.handle(
        GraphQLRequest("subscription { roomEvents(roomId: 1) { kind } }")
    )
    assert response.status == 406
    assert response.body["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_BAD_HEADER"
    assert transport.sent == []
