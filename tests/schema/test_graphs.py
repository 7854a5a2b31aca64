"""Subgraph names become join__Graph values the way composers name and order them."""

from __future__ import annotations

import pytest

from schema.composition.graphs import assign_graphs, graph_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("identity", "IDENTITY"),
        ("user-profiles", "USER_PROFILES"),
        ("userProfiles", "USER_PROFILES"),
        ("HTTPServer", "HTTP_SERVER"),
        ("files.v2", "FILES_V2"),
        ("2fa", "_2FA_"),
    ],
)
def test_graph_id(name: str, expected: str) -> None:
    assert graph_id(name) == expected


def test_graphs_are_sorted_by_id_and_duplicates_numbered() -> None:
    graphs = assign_graphs([("user-profiles", "u1"), ("chat", "c"), ("userProfiles", "u2")])

    assert [(g.name, g.id) for g in graphs] == [
        ("chat", "CHAT"),
        ("user-profiles", "USER_PROFILES_1"),
        ("userProfiles", "USER_PROFILES_2"),
    ]
