"""Abstract types whose shape differs per subgraph."""

from __future__ import annotations

from tests.router.planning.harness import plan_text


def test_same_key_with_different_types_in_sibling_fragments_is_aliased() -> None:
    plan = plan_text("media", "{ materials { ... on Video { code } ... on Article { code } } }")
    assert "... on Video { code } ... on Article { code__alias_0: code }" in plan
