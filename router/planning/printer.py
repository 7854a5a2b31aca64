"""Readable text for plans, in the style of Apollo's ``QueryPlan { ... }`` printout.

Tests snapshot this text and ``supergraph plan`` prints it, so it must stay stable.
"""

from __future__ import annotations

from router.planning.operation import Field, InlineFragment, Selection
from router.planning.plan import (
    BatchFetch,
    Fetch,
    Flatten,
    KeyField,
    Parallel,
    PlanNode,
    QueryPlan,
    Representation,
    Sequence,
    Subscription,
)

_INDENT = "  "


def print_plan(plan: QueryPlan) -> str:
    if plan.node is None:
        return "QueryPlan {}"
    return "QueryPlan {\n" + _node(plan.node, 1) + "\n}"


def _node(node: PlanNode, depth: int) -> str:
    pad = _INDENT * depth
    match node:
        case Fetch():
            return _fetch(node, depth)
        case BatchFetch():
            return _batch_fetch(node, depth)
        case Flatten(path=path, node=fetch):
            inner = _fetch(fetch, depth + 1)
            return f'{pad}Flatten(path: "{".".join(path)}") {{\n{inner}\n{pad}}}'
        case Sequence(nodes=nodes):
            body = ",\n".join(_node(n, depth + 1) for n in nodes)
            return f"{pad}Sequence {{\n{body}\n{pad}}}"
        case Parallel(nodes=nodes):
            body = ",\n".join(_node(n, depth + 1) for n in nodes)
            return f"{pad}Parallel {{\n{body}\n{pad}}}"
        case Subscription(primary=primary, rest=rest):
            inner = _INDENT * (depth + 1)
            parts = [f"{inner}Primary: {{\n{_fetch(primary, depth + 2)}\n{inner}}}"]
            if rest is not None:
                parts.append(f"{inner}Rest: {{\n{_node(rest, depth + 2)}\n{inner}}}")
            body = ",\n".join(parts)
            return f"{pad}Subscription {{\n{body}\n{pad}}}"


def _fetch(fetch: Fetch, depth: int) -> str:
    pad = _INDENT * depth
    lines = [f'{pad}Fetch(service: "{fetch.service}") {{']
    if fetch.representations:
        lines.append(f"{pad}{_INDENT}{_representations(fetch.representations)} =>")
    lines.append(f"{pad}{_INDENT}{fetch.operation}")
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def _batch_fetch(fetch: BatchFetch, depth: int) -> str:
    pad = _INDENT * depth
    lines = [f'{pad}BatchFetch(service: "{fetch.service}") {{']
    for batch in fetch.batches:
        paths = ", ".join(f'"{".".join(p)}"' for p in batch.paths)
        reps = _representations(batch.representations)
        lines.append(f"{pad}{_INDENT}{batch.alias}: paths [{paths}] {reps} =>")
    lines.append(f"{pad}{_INDENT}{fetch.operation}")
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def _representations(representations: tuple[Representation, ...]) -> str:
    parts = []
    for r in representations:
        fields = _key_fields(r.fields)
        if r.requires:
            fields += " " + _selections(r.requires)
        parts.append(f"... on {r.type_name} {{ {fields} }}")
    return f"{{ {' '.join(parts)} }}"


def _selections(selections: tuple[Selection, ...]) -> str:
    parts = []
    for selection in selections:
        match selection:
            case Field(selections=()):
                parts.append(f"{selection.name}{selection.arguments}")
            case Field():
                below = _selections(selection.selections)
                parts.append(f"{selection.name}{selection.arguments} {{ {below} }}")
            case InlineFragment(type_condition=condition, selections=inner):
                parts.append(f"... on {condition} {{ {_selections(inner)} }}")
    return " ".join(parts)


def _key_fields(fields: tuple[KeyField, ...]) -> str:
    parts = []
    for field in fields:
        if field.selections:
            parts.append(f"{field.name} {{ {_key_fields(field.selections)} }}")
        else:
            parts.append(field.name)
    return " ".join(parts)
