"""Federation directives are recognised under whatever names the subgraph links them."""

from __future__ import annotations

from schema.composition import SubgraphSource, compose

BASE = """
type Query { order(id: ID!): Order @SHAREABLE }
type Order @KEY(fields: "id") { id: ID! total: Int @SHAREABLE }
"""
OTHER = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { order(id: ID!): Order @shareable }
type Order @key(fields: "id") { id: ID! total: Int @shareable note: String }
"""


def _compose(link: str, key: str, shareable: str) -> str | None:
    first = link + BASE.replace("KEY", key).replace("SHAREABLE", shareable)
    result = compose(
        [
            SubgraphSource("a", "http://a/graphql", first),
            SubgraphSource("b", "http://b/graphql", OTHER),
        ]
    )
    assert result.errors == ()
    return result.supergraph_sdl


def test_imported_aliased_and_namespaced_names_compose_alike() -> None:
    imported = _compose(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
        ' import: ["@key", "@shareable"])',
        "key",
        "shareable",
    )
    aliased = _compose(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
        ' import: [{name: "@key", as: "@id"}, {name: "@shareable", as: "@shared"}])',
        "id",
        "shared",
    )
    namespaced = _compose(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3")',
        "federation__key",
        "federation__shareable",
    )
    renamed_namespace = _compose(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", as: "fed")',
        "fed__key",
        "fed__shareable",
    )

    assert imported is not None
    assert '@join__type(graph: A, key: "id")' in imported
    assert aliased == imported
    assert namespaced == imported
    assert renamed_namespace == imported


def test_a_directive_that_was_not_imported_is_unknown() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        "type Query { a: Int @shareable }"
    )

    result = compose([SubgraphSource("a", "http://a/graphql", sdl)])

    assert [(e.code, e.message) for e in result.errors] == [
        ("INVALID_GRAPHQL", "[a] Unknown directive '@shareable'.")
    ]


def test_features_not_implemented_yet_are_refused_not_dropped() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",'
        ' import: ["@context"])\n'
        'type Query @context(name: "q") { a: Int }'
    )

    result = compose([SubgraphSource("a", "http://a/graphql", sdl)])

    assert [e.code for e in result.errors] == ["UNSUPPORTED_FEATURE"]


def test_subgraphs_linking_federation_2_10_and_2_11_compose() -> None:
    """Beyond the oracle (which stops at 2.9): 2.10 and 2.11 add nothing composition emits,
    so they compose like 2.9, with the join spec of 2.8 and later."""
    newer = [
        SubgraphSource(
            f"s{minor}",
            f"http://s{minor}/graphql",
            f'extend schema @link(url: "https://specs.apollo.dev/federation/v2.{minor}",'
            ' import: ["@key", "@shareable"])\n'
            'type Query { a: Int @shareable }\ntype User @key(fields: "id") { id: ID! }',
        )
        for minor in (0, 10, 11)
    ]

    result = compose(newer)

    assert result.errors == ()
    assert result.supergraph_sdl is not None
    assert '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)' in (
        result.supergraph_sdl
    )
