"""Abstract types whose shape differs per subgraph."""

from __future__ import annotations

from tests.router.planning.harness import plan_text


def test_same_key_with_different_types_in_sibling_fragments_is_aliased() -> None:
    plan = plan_text("media", "{ materials { ... on Video { code } ... on Article { code } } }")
    assert "... on Video { code } ... on Article { code__alias_0: code }" in plan


def test_below_a_shareable_field_only_union_members_common_to_its_subgraphs_are_asked() -> None:
    query = "{ %s { wrapper { items { ... on Note { text } ... on Quiz { score } } } } }"
    # lessons: Note | Quiz, courses: Note only; wrapper is shareable on an entity.
    assert "... on Quiz" not in plan_text("unions", query % "fromCourses")
    # through a field only lessons has, lessons' own members are safe.
    assert "... on Quiz { score }" in plan_text(
        "unions", query.replace("wrapper", "lessonsWrapper") % "fromCourses"
    )


def test_same_key_with_different_types_below_same_key_fields_of_sibling_fragments_is_aliased() -> (
    None
):
    """Found by the differential test (class e): the subgraph merges the selections of both
    `related` fields (same response key, sibling fragments), so `code` is ID! beside ID
    there too, and unaliased the subgraph refuses the whole query."""
    query = """{ materials {
      ... on Video { related { ... on Video { code } } }
      ... on Article { related { ... on Article { code } } }
    } }"""
    plan = plan_text("media", query)
    assert "... on Video { related { __typename ... on Video { code } } }" in plan
    assert (
        "... on Article { related { __typename ... on Article { code__alias_0: code } } }" in plan
    )


def test_fields_of_different_object_types_under_one_key_merge_without_an_alias() -> None:
    """Two object (or abstract) types never conflict in a subgraph's validation; an alias
    there split one object's data in two (the audit's circular-reference-interface)."""
    plan = plan_text("media", "{ materials { similar { id } ... on Video { similar { title } } } }")
    assert "__alias" not in plan
