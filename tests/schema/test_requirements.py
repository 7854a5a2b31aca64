"""@requiresScopes / @policy requirements from two places combine into one."""

from __future__ import annotations

from schema.composition.requirements import combine


def test_empty_side_keeps_the_other_unchanged() -> None:
    assert combine((), (("b", "a"),)) == (("b", "a"),)
    assert combine((("x",),), ()) == (("x",),)


def test_both_sides_must_hold() -> None:
    assert combine((("read",),), (("write",), ("admin",))) == (
        ("admin", "read"),
        ("read", "write"),
    )


def test_alternatives_implied_by_smaller_ones_are_dropped() -> None:
    assert combine((("a",), ("a", "b")), (("a",),)) == (("a",),)
