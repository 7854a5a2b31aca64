"""Operation limits: what is measured, each limit at and past its value, and linear cost on
documents whose expansion is exponential."""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from typing import Any

import pytest
from graphql import DocumentNode, OperationDefinitionNode

from router.errors import RequestError
from router.pipeline.limits import OperationLimits, OperationMeasure, check, measure
from router.pipeline.parse import ParserLimits, parse_document
from router.planning.operation import Field, InlineFragment, normalize, select_operation
from tests.security import attacks

UNLIMITED = ParserLimits(max_tokens=10**9, max_recursion=10**9)


def parsed(text: str) -> tuple[DocumentNode, OperationDefinitionNode]:
    document = parse_document(text, UNLIMITED)
    assert isinstance(document, DocumentNode)
    return document, select_operation(document, None)


def measured(text: str, max_selections: int = 10_000) -> OperationMeasure:
    return measure(*parsed(text), max_selections=max_selections)


def test_a_hand_counted_operation() -> None:
    text = """
    query Q @a { me { id ...F other: email } a: me { ...F } }
    fragment F on User { profile { displayName @b bio } }
    """
    # expanded: me, id, profile, displayName, bio, email | me, profile, displayName, bio = 10
    # merged tree: me{id profile{displayName bio} other} a{profile{displayName bio}} = 10
    # same-key pairs: none (every merged key has one field selection)
    assert measured(text) == OperationMeasure(
        depth=3, selections=10, aliases=2, directives=3, root_fields=2, height=10, field_merges=0
    )


def test_fields_merged_across_fragments_count_once_in_height_and_as_pairs() -> None:
    text = "{ me { id } ... on Query { me { id email } } ... on Query { me { id } } }"
    result = measured(text)
    assert (result.root_fields, result.height) == (1, 3)
    assert result.field_merges == 3 + 3  # three `me` (3 pairs), three `id` under them (3 pairs)


def test_unknown_and_cyclic_fragments_are_left_to_validation() -> None:
    assert measured("{ me { ...Missing id } }").selections == 2
    cyclic = measured("{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }")
    assert cyclic.selections == 2
    assert (cyclic.height, cyclic.root_fields) == (0, 0)


def wide(n: int) -> str:
    """``me`` and n - 1 distinct fields under it: n fields, all distinct."""
    return "{ me { " + " ".join(f"f{i}" for i in range(n - 1)) + " } }"


def same_key(n: int) -> str:
    """n ``me`` fields with distinct contents: n(n-1)/2 pairs to compare."""
    return "{" + " ".join(f"me {{ f{i} }}" for i in range(n)) + "}"


LIMITED: list[tuple[str, str, Any]] = [
    ("max_depth", "MAX_DEPTH_LIMIT", lambda n: attacks.deep_nesting(n - 1)),
    ("max_aliases", "MAX_ALIASES_LIMIT", attacks.aliases),
    ("max_directives", "MAX_DIRECTIVES_LIMIT", attacks.many_directives),
    ("max_root_fields", "MAX_ROOT_FIELDS_LIMIT", attacks.aliases),
    ("max_selections", "MAX_SELECTIONS_LIMIT", wide),
    ("max_height", "MAX_HEIGHT_LIMIT", wide),
    ("max_field_merges", "MAX_FIELD_MERGES_LIMIT", same_key),
]


@pytest.mark.parametrize(("limit", "code", "document"), LIMITED, ids=[c[0] for c in LIMITED])
def test_each_limit_allows_its_value_and_refuses_past_it(
    limit: str, code: str, document: Any
) -> None:
    loose = OperationLimits(**{name: 10**9 for name in OperationLimits.__slots__})
    limits = replace(loose, **{limit: 40})
    allowed, refused = document(40), document(41)
    if limit == "max_field_merges":  # n fields under one key make n(n-1)/2 pairs
        allowed, refused = document(9), document(10)  # 36 pairs; 45 pairs
    assert check(measure(*parsed(allowed), max_selections=10**9), limits) is None
    error = check(measure(*parsed(refused), max_selections=10**9), limits)
    assert isinstance(error, RequestError)
    assert error.code == code
    assert error.status == 400


def count_objects(selections: tuple[Field | InlineFragment, ...], seen: set[int]) -> None:
    for selection in selections:
        if id(selection) not in seen:
            seen.add(id(selection))
            count_objects(selection.selections, seen)


def normalize_bomb(fragments: int) -> tuple[int, float, int]:
    document, definition = parsed(attacks.fragment_bomb(fragments))
    gc.collect()
    gc.disable()  # a full collection of the test process's heap takes ~0.1 s: not ours to time
    try:
        started = time.perf_counter()
        operation = normalize(document, definition, {})
        size = measure(document, definition, max_selections=0).selections
        elapsed = time.perf_counter() - started
    finally:
        gc.enable()
    objects: set[int] = set()
    count_objects(operation.selections, objects)
    return len(objects), elapsed, size


def test_normalization_and_measurement_stay_linear_on_a_fragment_bomb() -> None:
    small_objects, small_time, _ = normalize_bomb(30)
    large_objects, large_time, large_size = normalize_bomb(300)
    assert large_size > 2**299  # what the expanded operation would be: exponential
    assert 8 <= large_objects / small_objects <= 12  # what is built: linear
    assert large_time / small_time < 40  # exponential would be 2**270 times


def test_normalization_stops_past_its_cap() -> None:
    document, definition = parsed(attacks.fragment_bomb(30))
    with pytest.raises(RequestError) as refused:
        normalize(document, definition, {}, max_selections=10_000)
    assert refused.value.code == "MAX_SELECTIONS_LIMIT"
