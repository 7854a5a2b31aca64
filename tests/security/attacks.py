"""The hostile documents of issue 8, as generators, shared by the in-process stage tests and
the end-to-end tests through the real router. Each takes a size so tests can also check that
the router's work grows linearly with it."""

from __future__ import annotations

import itertools


def fragment_bomb(fragments: int, *, disguised: bool = True) -> str:
    """Each fragment spreads the next twice: 2**fragments fields once expanded. Plain, the two
    spreads are identical siblings (which the parse stage merges); disguised, the second sits
    in an inline fragment, so only the limits can stop it."""
    second = "... on User {{ ...F{} }}" if disguised else "...F{}"
    parts = ["query Bomb { me { ...F0 } }"]
    for i in range(fragments):
        if i == fragments - 1:
            parts.append(f"fragment F{i} on User {{ id email }}")
        else:
            spread = second.format(i + 1)
            parts.append(f"fragment F{i} on User {{ id ...F{i + 1} {spread} }}")
    return "\n".join(parts)


def repeated_fields(count: int) -> str:
    return "{" + " me { id }" * count + " }"


def aliased_logins(count: int) -> str:
    fields = " ".join(
        f'a{i}: login(email: "victim@example.com", password: "guess-{i}") {{ accessToken }}'
        for i in range(count)
    )
    return "mutation {" + fields + " }"


def aliases(count: int) -> str:
    return "{" + " ".join(f"a{i}: me {{ id }}" for i in range(count)) + " }"


def deep_nesting(levels: int) -> str:
    return "{ me " + "{ profile " * levels + "}" * levels + " }"


def many_tokens(count: int) -> str:
    return "{ me { " + "id " * count + "} }"


def many_directives(count: int) -> str:
    return "{ me { id" + " @include(if: true)" * count + " } }"


def distinct_variants(count: int) -> str:
    """The same response key with a different sub-selection each time: nothing to merge, and
    validation compares every pair of them."""
    keys = ("id", "email", "__typename", "profile { displayName }", "profile { bio }")
    orders = list(itertools.permutations(keys, 3))
    variants = [" ".join(orders[i % len(orders)]) for i in range(count)]
    return "{ " + " ".join(f"me {{ {variant} }}" for variant in variants) + " }"
