"""Merge ``@cost`` and ``@listSize`` across subgraphs the way the reference composer does.

A router must not under-estimate: the largest weight and assumed size win, and the slicing
arguments and sized fields of every subgraph count. One slicing argument is required only
if every subgraph requires it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from schema.composition.subgraph.model import ListSize

if TYPE_CHECKING:
    from schema.composition.merge.state import FieldState, SupergraphState


def max_weight(left: int | None, right: int | None) -> int | None:
    if left is None or right is None:
        return right if left is None else left
    return max(left, right)


def merge_list_size(left: ListSize | None, right: ListSize | None) -> ListSize | None:
    if left is None or right is None:
        return right if left is None else left
    return ListSize(
        assumed_size=max_weight(left.assumed_size, right.assumed_size),
        slicing_arguments=_union(left.slicing_arguments, right.slicing_arguments),
        sized_fields=_union(left.sized_fields, right.sized_fields),
        require_one_slicing_argument=(
            left.require_one_slicing_argument and right.require_one_slicing_argument
        ),
    )


def _union(left: tuple[str, ...] | None, right: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if left is None and right is None:
        return None
    return tuple(dict.fromkeys((*(left or ()), *(right or ()))))


def slicing_arguments_in_every_graph(field: FieldState) -> tuple[str, ...]:
    """A slicing argument counts only if every subgraph resolving the field defines it."""
    list_size = field.decorations.list_size
    names = list_size.slicing_arguments or () if list_size is not None else ()
    return tuple(
        name
        for name in names
        if (argument := field.arguments.get(name)) is not None
        and len(argument.by_graph) == len(field.by_graph)
    )


def settle_slicing_arguments(state: SupergraphState) -> None:
    """Drop the slicing arguments some subgraph lacks; if none is left the field is left as
    it is, for the ``list_size`` rule to report."""
    for obj in state.objects.values():
        for field in obj.fields.values():
            list_size = field.decorations.list_size
            if list_size is None or not list_size.slicing_arguments:
                continue
            kept = slicing_arguments_in_every_graph(field)
            if kept:
                field.decorations.list_size = replace(list_size, slicing_arguments=kept)
