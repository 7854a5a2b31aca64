"""The parse stage: budgets checked by a linear scan that agrees with graphql-core's lexer,
and identical sibling selections merged."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    Lexer,
    Source,
    TokenKind,
    get_introspection_query,
    parse,
    print_ast,
)

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
        assert scan(text, UNLIMITED).tokens == lexer_tokens(text), text


def test_scan_measures_nesting_outside_strings_and_comments() -> None:
    assert scan('{ a(b: "{{{{") { c } # {{{{\n }', UNLIMITED).depth == 2
    assert scan(attacks.deep_nesting(40), UNLIMITED).depth == 41


def random_operation(rng: random.Random) -> str:
    """A single-operation document with aliases, arguments with object and list values,
    variable definitions with defaults and directives, and fragments spread once or more."""

    def selection(depth: int) -> str:
        alias = rng.choice(["", "a: ", "b: "])
        directive = rng.choice(["", " @include(if: $flag)", " @skip(if: false) @x"])
        args = rng.choice(["", '(x: {k: [1, {z: "@:"}]}, y: $v)', "(n: 1)"])
        inner = ""
        if depth < 3 and rng.random() < 0.6:
            inner = " { " + " ".join(selection(depth + 1) for _ in range(rng.randrange(1, 4)))
            inner += rng.choice(["", " ...F", " ... on T @y { id }"]) + " }"
        return f"{alias}f{rng.randrange(9)}{args}{directive}{inner}"

    head = rng.choice(["", "query Q($v: In = {a: {b: 2}} @d, $flag: Boolean!) @op "])
    body = "{ " + " ".join(selection(0) for _ in range(rng.randrange(1, 4))) + " ...F }"
    fragment = "fragment F on T @fd { c: id ...G } fragment G on T { d: id }"
    return f"{head}{body} {fragment}"


def test_the_lexical_screen_never_counts_more_than_the_operation_holds() -> None:
    """Refusing before parsing is sound only if the scan's alias and directive counts are at
    most what the limits stage measures on the parsed operation (of a document that uses all
    its fragments: one that does not is refused by validation anyway)."""
    from router.pipeline.limits import measure
    from router.planning.operation import select_operation

    rng = random.Random(3)
    for _ in range(400):
        text = random_operation(rng)
        lexed = scan(text, UNLIMITED)
        document = parse(text)  # as written: repeats count, as in Apollo Router's limits
        measured = measure(document, select_operation(document, None), max_selections=10**9)
        assert lexed.operations == 1
        assert lexed.aliases <= measured.aliases, text
        assert lexed.directives <= measured.directives, text


def test_documents_with_several_operations_are_not_screened() -> None:
    text = attacks.aliases(40) + " query Other { me { id } }"
    assert scan(text, UNLIMITED).operations == 2
    limits = ParserLimits(max_aliases=30)
    assert isinstance(parse_document(text, limits), DocumentNode)
    refusal = parse_document(attacks.aliases(40), limits)
    assert isinstance(refusal, RequestError)
    assert refusal.code == "MAX_ALIASES_LIMIT"


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
