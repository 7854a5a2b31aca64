"""The parse stage: budgets checked by a linear scan that agrees with graphql-core's lexer,
and identical sibling selections merged."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from graphql import DocumentNode, Lexer, Source, TokenKind, get_introspection_query, print_ast

from router.errors import RequestError
from router.pipeline.parse import ParserLimits, merge_identical_selections, parse_document, scan
from tests.security import attacks

UNLIMITED = ParserLimits(max_tokens=10**9, max_recursion=10**9)
OPERATIONS = Path(__file__).parents[3] / "schema" / "operations"


def lexer_tokens(text: str) -> int:
    lexer, count = Lexer(Source(text)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def random_document(rng: random.Random) -> str:
    """Text built from every kind of token, with strings and comments that contain brackets."""
    pieces = [
        "{", "}", "(", ")", "[", "]", "...", "$v", "@skip", "!", ":", "=", "|", "&",
        "name", "_x1", "-12", "3.5e-2", "0", '"a { b"', '"esc \\" ( "', '"""block { ] """',
        '"""with \\""" inside"""', "# comment { [ (\n", ",", " ", "\n", "\t",
    ]  # fmt: skip
    return " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 60)))


def test_scan_counts_tokens_exactly_as_the_lexer_does() -> None:
    texts = [get_introspection_query(descriptions=True)]
    texts += [p.read_text() for p in sorted(OPERATIONS.glob("**/*.graphql"))]
    texts += [attacks.fragment_bomb(5), attacks.aliased_logins(3)]
    rng = random.Random(8)
    texts += [random_document(rng) for _ in range(500)]
    for text in texts:
        assert scan(text, UNLIMITED)[0] == lexer_tokens(text), text


def test_scan_measures_nesting_outside_strings_and_comments() -> None:
    assert scan('{ a(b: "{{{{") { c } # {{{{\n }', UNLIMITED)[1] == 2
    assert scan(attacks.deep_nesting(40), UNLIMITED)[1] == 41


def test_too_many_tokens_are_refused_before_parsing() -> None:
    refusal = parse_document(attacks.many_tokens(100), ParserLimits(max_tokens=50))
    assert isinstance(refusal, RequestError)
    assert refusal.code == "MAX_TOKENS_LIMIT"
    assert isinstance(
        parse_document(attacks.many_tokens(40), ParserLimits(max_tokens=50)), DocumentNode
    )


def test_nesting_past_the_limit_is_refused_without_recursing() -> None:
    refusal = parse_document(attacks.deep_nesting(5000), ParserLimits(max_tokens=10**6))
    assert isinstance(refusal, RequestError)
    assert refusal.code == "MAX_RECURSION_LIMIT"


def test_syntax_errors_keep_their_location() -> None:
    refusal = parse_document("{ me { id }", ParserLimits())
    assert isinstance(refusal, RequestError)
    assert refusal.code == "GRAPHQL_PARSE_FAILED"
    assert refusal.locations == [{"line": 1, "column": 12}]


@pytest.mark.parametrize(
    ("written", "merged"),
    [
        ("{ me { id } me { id } }", "{ me { id } }"),
        ("{ me { id id email id } }", "{ me { id email } }"),
        ("{ a: me { id } me { id } a: me { id } }", "{ a: me { id } me { id } }"),
        ("{ me { id } me { email } }", "{ me { id } me { email } }"),
        ("{ ...F ...F ... on Query { me { id } } ... on Query { me { id } } }",
         "{ ...F ... on Query { me { id } } }"),
        ("{ me { profile { bio bio } } me { profile { bio } } }", "{ me { profile { bio } } }"),
    ],
)  # fmt: skip
def test_identical_siblings_are_merged_in_order(written: str, merged: str) -> None:
    document = parse_document(written + " fragment F on Query { me { id } }", UNLIMITED)
    assert isinstance(document, DocumentNode)
    expected = parse_document(merged + " fragment F on Query { me { id } }", UNLIMITED)
    assert isinstance(expected, DocumentNode)
    assert print_ast(document) == print_ast(expected)


def test_a_document_without_repeats_is_returned_as_is() -> None:
    document = parse_document("{ me { id email } }", UNLIMITED)
    assert isinstance(document, DocumentNode)
    assert merge_identical_selections(document) is document
