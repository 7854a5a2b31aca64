"""The query generator and the judge: pure, no Node, no subgraphs."""

from __future__ import annotations

import re

import pytest
from graphql import build_schema, parse, validate
from graphql.utilities import coerce_input_value

from tests.router.differential.generator import GenerationError, QueryGenerator
from tests.router.differential.hints import argument_hints
from tests.router.differential.judge import Answer, judge

SCHEMA = build_schema(
    """
    type Query {
      product(upc: ID!): Product
      products(first: Int = 2, sort: Sort): [Product!]!
      node(id: ID!): Node
      search(filter: Filter!): [Result]
    }
    enum Sort { PRICE NAME }
    input Filter { text: String!, limit: Int, sort: Sort }
    interface Node { id: ID! }
    type Product implements Node { id: ID! upc: ID! name: String price(currency: String): Int
      reviews: [Review!]! seller: Seller }
    type Review implements Node { id: ID! body: String! product: Product author: User }
    type User implements Node { id: ID! name: String reviews: [Review] }
    type Seller { name: String rating: Float }
    union Result = Product | User | Review
    """
)

SEEDS = range(300)


@pytest.fixture(scope="module")
def generated() -> list[tuple[str, dict[str, object]]]:
    generator = QueryGenerator(SCHEMA, {"Query.product.upc": ("p1", "p2")})
    return [(q.query, dict(q.variables)) for q in map(generator.generate, SEEDS)]


def test_the_same_seed_gives_the_same_query() -> None:
    first, second = QueryGenerator(SCHEMA), QueryGenerator(SCHEMA)
    assert [first.generate(s) for s in range(20)] == [second.generate(s) for s in range(20)]


def test_different_seeds_give_different_queries(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    assert len({query for query, _ in generated}) > len(generated) * 0.95


def test_every_query_is_valid_and_its_variables_coerce(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    for query, variables in generated:
        document = parse(query)
        assert validate(SCHEMA, document) == [], query
        operation = document.definitions[0]
        declared = {
            d.variable.name.value
            for d in operation.variable_definitions or ()  # type: ignore[attr-defined]
        }
        assert declared == set(variables), query


@pytest.mark.parametrize(
    ("feature", "pattern"),
    [
        ("an alias", r"\b\w+\d: \w+"),
        ("a named fragment", r"^fragment F\d+ on \w+"),
        ("an inline fragment on an interface", r"\.\.\. on Node"),
        ("an inline fragment on a union member", r"search[^{]*\{[^}]*\.\.\. on (User|Review)"),
        ("a fragment without a type condition", r"\.\.\. (@\w+\([^)]*\) )?\{"),
        ("@skip with a literal", r"@skip\(if: (true|false)\)"),
        ("@include with a variable", r"@include\(if: \$v\d+\)"),
        ("an argument as a variable", r"\(\w+: \$v\d+"),
        ("an enum literal argument", r"sort: (PRICE|NAME)"),
        ("an input object literal", r"filter: \{"),
        ("an entity nested three levels", r"\{ \w+[^{]*\{[^}]*\w+[^{]*\{[^}]*\w+[^{]*\{"),
    ],
)
def test_queries_cover_the_features_the_audit_rarely_asks(
    generated: list[tuple[str, dict[str, object]]], feature: str, pattern: str
) -> None:
    assert any(re.search(pattern, q, re.MULTILINE) for q, _ in generated), feature


def test_some_selections_are_emptied_by_false_conditions(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    """Every selection of a set conditioned false: what a router must still send validly."""
    emptied = re.compile(r"\{ (\w+ @(skip\(if: true\)|include\(if: false\)) )+\}")
    assert any(emptied.search(query) for query, _ in generated)


def test_hinted_argument_values_are_used(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    literals = [q for q, _ in generated if 'product(upc: "' in q]
    variables = [v[m] for q, v in generated for m in re.findall(r"product\(upc: \$(v\d+)", q)]
    assert literals
    assert variables
    assert all(re.search(r'product\(upc: "p[12]"\)', q) for q in literals)
    assert set(variables) == {"p1", "p2"}


def test_variables_hold_values_of_their_declared_type(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    from graphql import type_from_ast

    for query, variables in generated:
        operation = parse(query).definitions[0]
        for definition in operation.variable_definitions or ():  # type: ignore[attr-defined]
            type_ = type_from_ast(SCHEMA, definition.type)
            assert type_ is not None
            coerce_input_value(variables[definition.variable.name.value], type_)  # type: ignore[arg-type]


def test_a_schema_without_query_fields_cannot_generate() -> None:
    with pytest.raises(GenerationError):
        QueryGenerator(build_schema("type Query { _service: String }")).generate(1)


def test_hints_come_from_literal_arguments_of_the_audit_queries() -> None:
    hints = argument_hints(
        SCHEMA,
        [
            '{ product(upc: "p1") { name } products(sort: PRICE) { id } }',
            'query ($u: ID!) { product(upc: $u) { price(currency: "EUR") } }',
            "not graphql",
        ],
    )
    assert hints["Query.product.upc"] == ("p1",)
    assert hints["Query.products.sort"] == ("PRICE",)
    assert hints["Product.price.currency"] == ("EUR",)
    assert hints["ID"] == ("p1",)


def _answer(data: object, *paths: list[object] | None) -> Answer:
    errors = [{"message": "x", **({"path": p} if p is not None else {})} for p in paths]
    return Answer.of({"data": data, **({"errors": errors} if errors else {})})


def test_only_queries_the_references_agree_on_are_judged() -> None:
    ours = _answer({"a": 1})
    assert judge(ours, _answer({"a": 1}), _answer({"a": 2})) == "unjudged"
    assert judge(ours, _answer({"a": 1}), _answer({"a": 1}, ["a"])) == "unjudged"
    assert judge(ours, _answer({"a": 1}), _answer({"a": 1})) == "agree"
    assert judge(_answer({"a": None}), _answer({"a": 1}), _answer({"a": 1})) == "differ"


def test_errors_count_by_presence_and_by_path_where_the_references_agree() -> None:
    apollo = _answer({"a": None}, ["a", 0, "b"])
    hive_same, hive_other = _answer({"a": None}, ["a", 0, "b"]), _answer({"a": None}, ["a", "b"])
    assert judge(_answer({"a": None}, ["a", 0, "b"]), apollo, hive_same) == "agree"
    assert judge(_answer({"a": None}, ["a"]), apollo, hive_same) == "differ"
    assert judge(_answer({"a": None}, ["a"]), apollo, hive_other) == "agree"
    assert judge(_answer({"a": None}), apollo, hive_other) == "differ"
    assert judge(_answer({"a": None}, None), _answer({"a": None}), _answer({"a": None})) == (
        "differ"
    )


def test_no_answer_or_a_shared_refusal_is_no_consensus() -> None:
    ours = _answer({"a": 1})
    assert judge(ours, Answer.of(None), Answer.of(None)) == "unjudged"
    assert judge(ours, _answer(None, None), _answer(None, None)) == "unjudged"
    assert judge(ours, _answer(None, None), _answer(None, ["a"])) == "unjudged"
    assert judge(ours, _answer(None, ["a"]), _answer(None, ["a"])) == "differ"


def test_some_queries_ask_one_field_in_a_fragment_per_possible_type(
    generated: list[tuple[str, dict[str, object]]],
) -> None:
    """What subgraphs merge across fragments, where their field types may differ."""
    from graphql import InlineFragmentNode, SelectionSetNode, visit
    from graphql.language import Visitor

    found: list[str] = []

    class Find(Visitor):
        def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
            seen: dict[str, set[str]] = {}
            for selection in node.selections:
                if isinstance(selection, InlineFragmentNode) and selection.type_condition:
                    for inner in selection.selection_set.selections:
                        name = getattr(inner, "name", None)
                        if name is not None:
                            seen.setdefault(name.value, set()).add(
                                selection.type_condition.name.value
                            )
            found.extend(name for name, types in seen.items() if len(types) > 1)

    for query, _ in generated:
        visit(parse(query), Find())
    assert {"id", "name"} & set(found)
