"""How ``@requiresScopes`` and ``@policy`` requirements combine.

A requirement is a list of alternatives, each a set of scopes (or policies) that must all be
held. When two subgraphs (or a type and its implementation) each put a requirement on the
same element, the router must enforce both: every pair of alternatives becomes one
alternative holding both sets; alternatives implied by a smaller one are dropped. Done the
way composers do it, so our output orders groups as theirs does.
"""

from __future__ import annotations

from schema.composition.subgraph.model import Requirements


def combine(first: Requirements, second: Requirements) -> Requirements:
    if not first or not second:
        return first or second
    groups: dict[str, tuple[str, ...]] = {}
    for left in first:
        for right in second:
            merged = tuple(sorted(set(left) | set(right)))
            groups[",".join(merged)] = merged
    kept: list[tuple[str, ...]] = []
    for candidate in sorted(groups.values(), key=len):
        if not any(set(existing) <= set(candidate) for existing in kept):
            kept.append(candidate)
    return tuple(sorted(kept, key=lambda g: (len(g), ",".join(g))))
