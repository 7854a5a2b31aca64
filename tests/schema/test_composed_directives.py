"""``@composeDirective`` beyond the fixtures: what the oracle reports without an error code."""

from __future__ import annotations

from schema.composition import SubgraphSource, compose

_HEADER = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@composeDirective"])
  @link(url: "https://specs.example.com/custom/v1.0", import: ["@custom"])
  @composeDirective(name: "@custom")
"""


def test_a_composed_directive_needs_a_location_every_subgraph_declares() -> None:
    a = _HEADER + "directive @custom on FIELD_DEFINITION\ntype Query { a: String @custom }"
    b = _HEADER + "directive @custom on OBJECT\ntype Query { b: String }\ntype T @custom { x: Int }"

    result = compose([SubgraphSource("a", "http://a", a), SubgraphSource("b", "http://b", b)])

    # The Guild's composer reports this without a code; ours says which family it belongs to.
    assert [(e.code, e.message) for e in result.errors] == [
        (
            "DIRECTIVE_COMPOSITION_ERROR",
            'Directive "@custom" has no shared locations between subgraphs',
        )
    ]


def test_applications_of_a_directive_that_is_not_composed_are_left_out() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        "directive @internal on FIELD_DEFINITION\n"
        "type Query { a: String @internal }"
    )

    result = compose([SubgraphSource("a", "http://a", sdl)])

    assert result.supergraph_sdl is not None
    assert "@internal" not in result.supergraph_sdl


def test_a_composed_directive_with_differing_arguments_keeps_its_type_system_locations() -> None:
    """The Guild's composer drops the definition here but keeps the applications, which
    leaves the supergraph invalid; we keep the definition without its executable location."""
    a = _HEADER + "directive @custom(x: Int) on FIELD_DEFINITION | FIELD\n"
    a += "type Query { a: String @custom(x: 1) }"
    b = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    b += "directive @custom(y: Int) on FIELD\ntype Query { b: String }"

    result = compose([SubgraphSource("a", "http://a", a), SubgraphSource("b", "http://b", b)])

    assert result.supergraph_sdl is not None
    assert "directive @custom(x: Int, y: Int) on FIELD_DEFINITION\n" in result.supergraph_sdl
    assert "a: String @custom(x: 1) @join__field(graph: A)" in result.supergraph_sdl
