"""How ``requires`` and ``provides`` are printed in ``@join__field``.

Composers print them without insignificant whitespace and without the top-level key fields
the subgraph already gets in every entity representation (``@requires(fields: "id weight")``
on an entity keyed by ``id`` becomes ``requires: "weight"``).
"""

from __future__ import annotations

from graphql import FieldNode, SelectionSetNode

from schema.composition.subgraph import model
from schema.composition.subgraph.field_sets import normalize_field_set, parse_field_set


def trimmed(text: str, keys: tuple[model.Key, ...]) -> str | None:
    """The field set without key fields common to all ``keys``; None if nothing is left."""
    selection = parse_field_set(text)
    if isinstance(selection, str):
        return text
    common = _common_key_leaves(keys)
    kept = tuple(
        s
        for s in selection.selections
        if not (isinstance(s, FieldNode) and s.selection_set is None and s.name.value in common)
    )
    printed = normalize_field_set(SelectionSetNode(selections=kept))
    return printed if printed.strip() else None


def _common_key_leaves(keys: tuple[model.Key, ...]) -> set[str]:
    common: set[str] | None = None
    for key in keys:
        selection = parse_field_set(key.fields)
        if isinstance(selection, str):
            continue
        leaves = {
            s.name.value
            for s in selection.selections
            if isinstance(s, FieldNode) and s.selection_set is None
        }
        common = leaves if common is None else common & leaves
    return common or set()
