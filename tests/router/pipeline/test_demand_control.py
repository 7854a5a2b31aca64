"""Demand control: static costs worked out by hand on fixture supergraphs, the modes, and
linearity on a fragment bomb.

Fixtures: ``library.graphql`` and ``feed.graphql`` (beside this file, composed from their
``.subgraph.graphql``) and the composition fixtures ``cost_list_size`` and
``cost_mixed_versions``. Default list size 10 unless a test says otherwise. Objects cost 1,
scalars 0, unless ``@cost`` says.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from graphql import DocumentNode, OperationDefinitionNode, parse, validate

from router.errors import COST_ESTIMATED_TOO_EXPENSIVE, COST_QUERY_PARSE_FAILURE
from router.pipeline.context import GraphQLRequest, RequestContext
from router.pipeline.demand_control import (
    CostTooExpensive,
    DemandControl,
    DemandControlStage,
    measure,
    verdict,
    wants_cost,
)
from router.supergraph.cost import CostEstimationError, CostModel, build_cost_model, estimate_cost
from router.supergraph.model import Supergraph
from router.supergraph.parse import parse_supergraph

HERE = Path(__file__).parent
SCHEMA_FIXTURES = HERE.parents[1] / "schema" / "fixtures"


def load(path: Path, *replacements: tuple[str, str]) -> tuple[Supergraph, CostModel]:
    sdl = path.read_text(encoding="utf-8")
    for old, new in replacements:
        sdl = sdl.replace(old, new)
    supergraph = parse_supergraph(sdl)
    return supergraph, build_cost_model(supergraph.schema)


LIBRARY = load(HERE / "fixtures" / "library.graphql")
FEED = load(HERE / "fixtures" / "feed.graphql")
CATALOG = load(SCHEMA_FIXTURES / "cost_list_size" / "supergraph.graphql")
INVENTORY = load(SCHEMA_FIXTURES / "cost_mixed_versions" / "supergraph.graphql")


def operation_of(document: DocumentNode) -> OperationDefinitionNode:
    return next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))


def cost(
    graph: tuple[Supergraph, CostModel],
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    list_size: int = 10,
    check: bool = True,
) -> int:
    supergraph, model = graph
    document = parse(query)
    if check:
        assert validate(supergraph.api_schema, document) == []
    return estimate_cost(
        model,
        supergraph.api_schema,
        document,
        operation_of(document),
        variables or {},
        list_size=list_size,
    )


# --- cost model --------------------------------------------------------------------------


def test_the_model_reads_weights_and_list_sizes_where_they_are_applied() -> None:
    _, model = CATALOG
    assert model.field_weights[("Query", "products")] == 5
    assert model.type_weights == {"Money": 7, "Product": 3, "Color": 1}
    assert model.argument_weights == {("Query", "products", "first"): 2}
    assert model.input_field_weights == {("Filter", "color"): 6}
    (search,) = model.list_sizes[("Query", "search")]
    assert search.slicing_arguments == ("limit",)
    assert search.sized_fields is not None
    assert search.sized_fields.leaves == {"items"}
    assert search.require_one_slicing_argument is False


def test_renamed_directives_are_read_under_their_link_names() -> None:
    renamed = load(
        SCHEMA_FIXTURES / "cost_list_size" / "supergraph.graphql",
        (
            'cost/v0.1", import: ["@listSize"]',
            'cost/v0.1", as: "price", import: [{name: "@listSize", as: "@size"}]',
        ),
        ("@cost(", "@price("),
        ("@listSize(", "@size("),
    )
    assert renamed[1] == CATALOG[1]
    assert cost(renamed, "{ products(first: 5) { id price reviews } }") == 167


def test_directives_of_another_name_are_ignored() -> None:
    # @cost not linked from the cost spec is somebody else's directive.
    unlinked = load(
        SCHEMA_FIXTURES / "cost_list_size" / "supergraph.graphql",
        ('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])', ""),
    )
    assert unlinked[1] == CostModel()
    # products: 10 (list size) x Product 1 = 10
    assert cost(unlinked, "{ products { id } }") == 10


# --- @cost on field, type and argument ---------------------------------------------------


def test_field_weight_wins_over_type_weight_and_arguments_add() -> None:
    # products(first: 5): 5 items x (field @cost 5, not Product's 3,
    #   + id 0 + price @cost 4 (not Money's 7) + reviews 3 (assumedSize) x @cost 8 = 24) = 165
    # + argument first @cost 2                                                      = 167
    assert cost(CATALOG, "{ products(first: 5) { id price reviews } }") == 167


def test_a_slicing_argument_from_a_variable() -> None:
    # products(first: $n = 7): 7 x 5 + first @cost 2 = 37
    query = "query ($n: Int) { products(first: $n) { id } }"
    assert cost(CATALOG, query, {"n": 7}) == 37
    # the default of the variable counts when the request gives none: 3 x 5 + 2 = 17
    assert cost(CATALOG, "query ($n: Int = 3) { products(first: $n) { id } }") == 17


def test_type_weight_applies_when_the_field_has_none() -> None:
    # stats 1 + count @cost 9 + top: 4 (assumedSize, no slicing argument given) x Int 0 = 10
    assert cost(CATALOG, "{ stats { count top } }") == 10
    # stock(sku:) @cost 10 + level @cost 2 + price 0 + argument sku @cost 3 = 15
    assert cost(INVENTORY, '{ stock(sku: "a") { level price } }') == 15


# --- lists -------------------------------------------------------------------------------


def test_sized_fields_take_the_size_of_the_slicing_argument() -> None:
    # search(limit: 4): ProductPage 1 + items sized 4 x Product @cost 3 + cursor 0 = 13
    assert cost(CATALOG, "{ search(limit: 4) { items { id } cursor } }") == 13
    # no limit and no assumedSize: items take the default list size, 1 + 10 x 3 = 31
    assert cost(CATALOG, "{ search { items { id } } }") == 31
    assert cost(CATALOG, "{ search { items { id } } }", list_size=2) == 1 + 2 * 3


def test_sized_fields_reach_through_a_nested_path() -> None:
    # feed(first: 3) @listSize(sizedFields: ["page { posts }"]): Feed 1
    #   + page: Page 1 + posts sized 3 x Post 1 + more (not sized) 10 x 1 = 14  -> 15
    assert cost(FEED, "{ feed(first: 3) { page { posts { id } more { id } } } }") == 15


def test_nested_lists_multiply() -> None:
    # shelves(first: 2): 2 x (Shelf 1 + books 10 x (Book 1 + pages(first: 3) 3 x Page 1)) = 82
    query = "{ shelves(first: 2) { books { pages(first: 3) { number } } } }"
    assert cost(LIBRARY, query) == 82


def test_nested_lists_with_variables_and_the_largest_slicing_argument() -> None:
    # shelves(first: 5, last: 1): max is 5; 5 x (1 + 10 x (1 + 2 x 1)) = 155
    query = """query ($f: Int, $p: Int) {
      shelves(first: $f, last: 1) { books { pages(first: $p) { number } } }
    }"""
    assert cost(LIBRARY, query, {"f": 5, "p": 2}) == 155


def test_assumed_size_when_no_slicing_argument_is_given() -> None:
    # shelves: assumedSize 2; 2 x (1 + books 10 x 1) = 22
    assert cost(LIBRARY, "{ shelves { books { id } } }") == 22


def test_a_list_value_counts_its_items_as_the_size() -> None:
    # shelves(first: $f) with f a list of 3: 3 x (1 + 10) = 33 (Apollo reads list lengths)
    query = "query ($f: Int) { shelves(first: $f) { books { id } } }"
    assert cost(LIBRARY, query, {"f": [1, 2, 3]}, check=True) == 33


def test_the_default_value_of_a_slicing_argument_counts() -> None:
    # search(first: Int = 5): 5 x (Result 1 + max(Book: title 0, Author: books 3 x 1)) = 20
    query = "{ search { ... on Book { title } ... on Author { books { id } } } }"
    assert cost(LIBRARY, query) == 20


def test_a_required_slicing_argument_missing_is_refused() -> None:
    query = '{ node(id: "1") { ... on Book { pages { number } } } }'
    with pytest.raises(CostEstimationError) as caught:
        cost(LIBRARY, query)
    assert caught.value.code == COST_QUERY_PARSE_FAILURE
    with pytest.raises(CostEstimationError):
        cost(INVENTORY, "{ stocks { sku } }")
    # stocks(first: 3): 3 x (Stock 1 + level @cost 2) = 9
    assert cost(INVENTORY, "{ stocks(first: 3) { level } }") == 9


# --- fragments and abstract types ---------------------------------------------------------


def test_fragments_on_an_interface_cost_the_most_expensive_type() -> None:
    # node: Node 1 + max(Book: pages(first: 4) 4 x 1 = 4, Author: books 3 x 1 = 3) = 5
    # (Apollo sums the fragments: 8; a node is one type at a time.)
    query = """{ node(id: "1") {
      id
      ... on Book { pages(first: 4) { number } }
      ... on Author { books { title } }
    } }"""
    assert cost(LIBRARY, query) == 5


def test_named_fragments_across_interface_and_union() -> None:
    # node: 1 + N (Book: B = pages(first: 2) 2 x 1 = 2; Author: 0) = 3
    # search(first: 2): 2 x (Result 1 + R) where R = max(Book: B = 2,
    #   Author: books 3 x (Book 1 + N on a Book = 2) = 9) = 9   -> 2 x 10 = 20
    # total 23
    query = """
      query { node(id: "1") { ...N } search(first: 2) { ...R } }
      fragment N on Node { id ...B }
      fragment B on Book { pages(first: 2) { number } }
      fragment R on Result { ...B ... on Author { books { ...N } } }
    """
    assert cost(LIBRARY, query) == 23


# --- @skip / @include ---------------------------------------------------------------------


def test_skipped_fields_and_fragments_cost_nothing() -> None:
    query = "query ($s: Boolean!) { shelves(first: 2) { books @skip(if: $s) { id } } }"
    assert cost(LIBRARY, query, {"s": True}) == 2  # 2 x Shelf 1
    assert cost(LIBRARY, query, {"s": False}) == 22  # 2 x (1 + 10 x 1)
    spread = """{ node(id: "1") { ...B @include(if: false) } }
      fragment B on Book { pages(first: 9) { number } }"""
    assert cost(LIBRARY, spread) == 1
    inline = (
        '{ node(id: "1") { ... @skip(if: true) { id } ... on Book @include(if: true) { title } } }'
    )
    assert cost(LIBRARY, inline) == 1


# --- mutations and input arguments --------------------------------------------------------


def test_a_mutation_adds_ten_and_input_objects_cost_their_fields() -> None:
    # mutation 10 + addBook @cost 5 (not Book's 1) + input: BookInput 1 + title 0
    #   + tags: list @cost 2 + 3 items x @cost 2 = 8  -> 10 + 5 + 9 = 24
    query = 'mutation { addBook(input: {title: "x", tags: ["a", "b", "c"]}) { id } }'
    assert cost(LIBRARY, query) == 24
    # the same through a variable, one tag: 10 + 5 + (1 + 0 + 2 + 2) = 20
    variable = "mutation ($i: BookInput!) { addBook(input: $i) { id } }"
    assert cost(LIBRARY, variable, {"i": {"title": "x", "tags": ["a"]}}) == 20


def test_typename_and_introspection_are_free() -> None:
    assert cost(LIBRARY, "{ __typename shelves(first: 1) { __typename } }") == 1
    assert cost(LIBRARY, "{ __schema { types { name fields { name } } } }") == 0


# --- linearity ----------------------------------------------------------------------------


def fragment_bomb(depth: int) -> str:
    """``depth`` fragments, each spreading the next twice; the last selects one page."""
    fragments = [
        f"fragment F{i} on Book {{ pages(first: 1) {{ number }} ...F{i + 1} ...F{i + 1} }}"
        for i in range(depth - 1)
    ]
    fragments.append(f"fragment F{depth - 1} on Book {{ pages(first: 1) {{ number }} }}")
    return '{ node(id: "1") { ...F0 } }\n' + "\n".join(fragments)


def test_a_fragment_bomb_gets_its_exact_huge_cost_quickly() -> None:
    # F(last) = 1; F(i) = 1 + 2 F(i+1), so F0 = 2**30 - 1; node adds 1.
    started = time.perf_counter()
    assert cost(LIBRARY, fragment_bomb(30), check=False) == 2**30
    assert time.perf_counter() - started < 0.1


def test_estimation_time_grows_linearly_with_the_document() -> None:
    supergraph, model = LIBRARY

    def best_time(query: str) -> float:
        document = parse(query)
        operation = operation_of(document)
        best = float("inf")
        for _ in range(15):
            started = time.perf_counter()
            estimate_cost(model, supergraph.api_schema, document, operation, {})
            best = min(best, time.perf_counter() - started)
        return best

    small, large = fragment_bomb(25), fragment_bomb(250)
    assert cost(LIBRARY, large, check=False) == 2**250
    ratio = best_time(large) / best_time(small)
    assert ratio < 30, f"x10 document took x{ratio:.1f} time"


def test_a_long_chain_of_fragments_does_not_exhaust_the_stack() -> None:
    # F0 spreads F1 ... spreads F2999, which selects one page: 1 (node) + 1 (page)
    chain = [f"fragment F{i} on Book {{ ...F{i + 1} }}" for i in range(2999)]
    chain.append("fragment F2999 on Book { pages(first: 1) { number } }")
    query = '{ node(id: "1") { ...F0 } }\n' + "\n".join(reversed(chain))
    assert cost(LIBRARY, query, check=False) == 2


# --- the stage ------------------------------------------------------------------------------


def outcome(config: DemandControl, query: str, variables: Mapping[str, Any] | None = None) -> Any:
    supergraph, model = LIBRARY
    document = parse(query)
    return measure(
        config, model, supergraph.api_schema, document, operation_of(document), variables or {}
    )


NESTED = "{ shelves(first: 2) { books { pages(first: 3) { number } } } }"  # costs 82


def test_enforce_refuses_above_the_maximum_with_apollos_code_and_message() -> None:
    refused = outcome(DemandControl(mode="enforce", max_cost=81), NESTED)
    assert refused.estimated == 82
    assert refused.result == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert isinstance(refused.error, CostTooExpensive)
    assert refused.error.status == 400
    assert refused.error.to_dict() == {
        "message": "query estimated cost 82 exceeded configured maximum 81",
        "extensions": {"cost.estimated": 82, "cost.max": 81, "code": COST_ESTIMATED_TOO_EXPENSIVE},
    }


def test_enforce_allows_at_the_maximum() -> None:
    allowed = outcome(DemandControl(mode="enforce", max_cost=82), NESTED)
    assert (allowed.estimated, allowed.result, allowed.error) == (82, "COST_OK", None)
    assert allowed.extension() == {
        "cost": {"estimated": 82, "max": 82, "mode": "enforce", "result": "COST_OK"}
    }


def test_measure_reports_but_never_refuses() -> None:
    measured = outcome(DemandControl(mode="measure", max_cost=1), NESTED)
    assert (measured.estimated, measured.result, measured.error) == (
        82,
        "COST_ESTIMATED_TOO_EXPENSIVE",
        None,
    )
    broken = '{ node(id: "1") { ... on Book { pages { number } } } }'
    assert outcome(DemandControl(mode="measure"), broken).error is None
    refused = outcome(DemandControl(mode="enforce"), broken).error
    assert refused is not None
    assert refused.code == COST_QUERY_PARSE_FAILURE


def test_off_does_not_estimate() -> None:
    off = outcome(DemandControl(mode="off", max_cost=0), NESTED)
    assert (off.estimated, off.result, off.error) == (None, "COST_NOT_MEASURED", None)


def test_the_configured_list_size_is_used() -> None:
    # 2 x (1 + 1 x (1 + 3)) = 10 with lists of unknown size assumed to hold 1
    assert outcome(DemandControl(list_size=1), NESTED).estimated == 10


def test_verdict_and_settings() -> None:
    assert verdict(DemandControl(mode="enforce", max_cost=5), 5) is None
    assert verdict(DemandControl(mode="enforce", max_cost=5), 6) is not None
    assert verdict(DemandControl(mode="measure", max_cost=5), 6) is None
    with pytest.raises(ValueError, match="mode"):
        DemandControl(mode="strict")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        DemandControl(max_cost=-1)


def test_the_client_asks_for_the_cost_with_a_header() -> None:
    assert wants_cost({"x-supergraph-expose-cost": "true"})
    assert not wants_cost({"x-supergraph-expose-cost": "false"})
    assert not wants_cost({})


def context(query: str, *, expose_cost: bool) -> RequestContext:
    document = parse(query)
    return RequestContext(
        GraphQLRequest(query),
        query=query,
        document=document,
        definition=operation_of(document),
        expose_cost=expose_cost,
    )


async def test_the_stage_adds_the_cost_when_asked_and_refuses_in_enforce_mode() -> None:
    supergraph, model = LIBRARY
    allowing = DemandControlStage(DemandControl(max_cost=100), model, supergraph.api_schema)
    asked = context(NESTED, expose_cost=True)
    await allowing(asked)
    assert asked.extensions["cost"]["estimated"] == 82
    silent = context(NESTED, expose_cost=False)
    await allowing(silent)
    assert silent.extensions == {}

    refusing = DemandControlStage(DemandControl(max_cost=50), model, supergraph.api_schema)
    with pytest.raises(CostTooExpensive):
        await refusing(context(NESTED, expose_cost=True))
