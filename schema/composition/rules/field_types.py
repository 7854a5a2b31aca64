"""FIELD_TYPE_MISMATCH: a field has compatible types in every subgraph defining it.

Output fields may differ in nullability (``String`` in one subgraph, ``String!`` in another):
the supergraph declares the nullable type and a hint says so. Any other difference is an
error, except a field returning an interface or union in one subgraph and one of its
implementations or members in another. Input fields may differ in nullability too (the
supergraph requires the value).
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, CompositionHint, ErrorCode, HintCode
from schema.composition.merge.state import FieldState, InputFieldState, SupergraphState
from schema.composition.rules.wording import subgraphs_phrase
from schema.composition.subgraph import model

Finding = CompositionError | CompositionHint


def check(state: SupergraphState) -> Iterator[Finding]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            yield from _output_field(state, f"{obj.name}.{field.name}", field)
    for input_type in state.inputs.values():
        for input_field in input_type.fields.values():
            yield from _input_field(state, f"{input_type.name}.{input_field.name}", input_field)


def _output_field(state: SupergraphState, coordinate: str, field: FieldState) -> Iterator[Finding]:
    by_type: dict[str, list[str]] = {}
    possible: dict[str, set[str]] = {}
    for graph_id, in_graph in field.by_graph.items():
        abstract = model.bare_type(in_graph.type)
        named = state.subgraphs[graph_id].types.get(abstract)
        if isinstance(named, model.UnionType):
            possible.setdefault(abstract, set()).update(named.members)
        elif isinstance(named, model.InterfaceType):
            possible.setdefault(abstract, set()).update(named.implemented_by)
        merged, local = _normalize_output(field.type, in_graph.type)
        key = local if merged == local else in_graph.type
        by_type.setdefault(key, []).append(state.graph_name(graph_id))
    if len(by_type) > 1:
        if len(possible) == 1:
            ((abstract, members),) = possible.items()
            if all(model.bare_type(t) in members | {abstract} for t in by_type):
                return
        yield _mismatch(coordinate, by_type)
        return
    yield from _nullability_hint(state, coordinate, field)


def _nullability_hint(
    state: SupergraphState, coordinate: str, field: FieldState
) -> Iterator[CompositionHint]:
    resolving = {g: f for g, f in field.by_graph.items() if not f.external}
    others = [g for g, f in resolving.items() if f.type != field.type]
    if not others:
        return
    same = [state.graph_name(g) for g, f in resolving.items() if f.type == field.type]
    if not same:
        return
    variants: dict[str, list[str]] = {}
    for graph_id in others:
        variants.setdefault(resolving[graph_id].type, []).append(state.graph_name(graph_id))
    described = " and ".join(
        f'subtype "{variant}" in {subgraphs_phrase(names)}' for variant, names in variants.items()
    )
    yield CompositionHint(
        HintCode.INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE,
        f'Type of field "{coordinate}" is inconsistent but compatible across subgraphs: will use'
        f' type "{field.type}" (from {subgraphs_phrase(same)}) in supergraph but "{coordinate}"'
        f" has {described}.",
        coordinate,
    )


def _input_field(
    state: SupergraphState, coordinate: str, field: InputFieldState
) -> Iterator[CompositionError]:
    by_type: dict[str, list[str]] = {}
    for graph_id, in_graph in field.by_graph.items():
        key = in_graph.type
        if field.type.removesuffix("!") == in_graph.type.removesuffix("!"):
            key = field.type
        by_type.setdefault(key, []).append(state.graph_name(graph_id))
    if len(by_type) > 1:
        yield _mismatch(coordinate, by_type)


def _mismatch(coordinate: str, by_type: dict[str, list[str]]) -> CompositionError:
    groups = [
        f'type "{type_}" in subgraph{"s" if len(names) > 1 else ""} '
        + ", ".join(f'"{n}"' for n in names)
        for type_, names in by_type.items()
    ]
    first, second, *rest = groups
    extra = "".join(f" and {group}" for group in rest)
    return CompositionError(
        ErrorCode.FIELD_TYPE_MISMATCH,
        f'Type of field "{coordinate}" is incompatible across subgraphs: it has {first}'
        f" but {second}{extra}",
    )


def _normalize_output(merged: str, local: str) -> tuple[str, str]:
    """Forget the nullability differences the merged (most nullable) type allows."""
    if not merged.endswith("!"):
        local = local.removesuffix("!")
    if merged.startswith("[") and local.startswith("["):
        inner_merged = merged[merged.index("[") + 1 : merged.rindex("]")]
        inner_local = local[local.index("[") + 1 : local.rindex("]")]
        if not inner_merged.endswith("!"):
            inner_local = inner_local.removesuffix("!")
        merged = f"[{inner_merged}]{'!' if merged.endswith('!') else ''}"
        local = f"[{inner_local}]{'!' if local.endswith('!') else ''}"
    return merged, local
