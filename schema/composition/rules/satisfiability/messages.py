"""The report: the query that cannot be resolved, printed as a client would write it, and why.

Worded and laid out as the oracle's ``SATISFIABILITY_ERROR``, so a message can be compared
with The Guild's composer and rover's documentation of the code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from schema.composition.merge.state import FieldState, SupergraphState
from schema.composition.rules.satisfiability.errors import SatisfiabilityError
from schema.composition.rules.satisfiability.graph import BUILTIN_SCALARS
from schema.composition.rules.satisfiability.paths import Step
from schema.composition.rules.satisfiability.selection import Unsupported
from schema.composition.subgraph.model import bare_type


def satisfiability_message(
    state: SupergraphState, steps: Sequence[Step], errors: Sequence[SatisfiabilityError]
) -> str | None:
    """The oracle's multi-line message, or None when there is no reason to give."""
    by_graph: dict[str, list[str]] = {}
    for error in errors:
        by_graph.setdefault(error.source_graph_name, []).append(error.message)
    if not by_graph:
        return None
    reasons = [
        f'- from subgraph "{graph}": {messages[0]}'
        if len(messages) == 1
        else f'- from subgraph "{graph}":\n' + "\n".join(f"  - {m}" for m in messages)
        for graph, messages in by_graph.items()
    ]
    return "\n".join(
        [
            "The following supergraph API query:",
            print_query_path(state, steps),
            "cannot be satisfied by the subgraphs because:",
            *reasons,
        ]
    )


def _line(text: str, indent: int) -> str:
    return "  " * (indent + 1) + text


def _field_of(state: SupergraphState, step: Step) -> FieldState:
    object_state = state.objects.get(step.type_name)
    if object_state is None or step.field_name is None:
        raise Unsupported(f"no object type {step.type_name}")
    field = object_state.fields.get(step.field_name)
    if field is None:
        for interface_name in object_state.interfaces:
            interface = state.interfaces.get(interface_name)
            if interface is None:
                raise Unsupported(f"no interface {interface_name}")
            field = interface.fields.get(step.field_name)
            if field is not None:
                break
    if field is None:
        raise Unsupported(f"no field {step.type_name}.{step.field_name}")
    return field


def print_query_path(state: SupergraphState, steps: Sequence[Step]) -> str:
    """``{ a { b { ... } } }`` over several lines, arguments given placeholder values."""
    lines: list[str] = []
    ends_with_scalar = False
    for i, step in enumerate(steps):
        if step.field_name is None:
            lines.append(_line(f"... on {step.type_name} {{", i))
            continue
        field = _field_of(state, step)
        arguments = ", ".join(
            f"{name}: {_empty_value(state, argument.type)}"
            for name, argument in field.arguments.items()
            if len(argument.by_graph) == len(field.by_graph)
        )
        printed = f"{step.field_name}({arguments})" if arguments else step.field_name
        if i == len(steps) - 1:
            output = bare_type(field.type)
            ends_with_scalar = (
                output in state.scalars or output in state.enums or output in BUILTIN_SCALARS
            )
        lines.append(_line(printed if ends_with_scalar else f"{printed} {{", i))
    if not ends_with_scalar:
        lines.append(_line("...", len(lines)))
    opened = len(lines) - 1
    lines += [_line("}", opened - i - 1) for i in range(opened)]
    root = steps[0].type_name if steps else "Query"
    opening = {"Query": "{", "Mutation": "mutation {"}.get(root, "subscription {")
    return "\n".join([opening, *lines, "}"])


def _empty_value(state: SupergraphState, type_ref: str) -> str:
    """A placeholder value of the type, printed as graphql-js prints values."""
    if type_ref.endswith("]"):
        return "[]"
    if type_ref.endswith("!"):
        return _empty_value(state, type_ref[:-1])
    enum = state.enums.get(type_ref)
    if enum is not None:
        return next(iter(enum.values), "")
    if type_ref in state.scalars or type_ref == "String":
        return json.dumps("A string value")
    input_type = state.inputs.get(type_ref)
    if input_type is not None:
        fields = ", ".join(
            f"{name}: {_empty_value(state, field.type)}"
            for name, field in input_type.fields.items()
            if field.type.endswith("!")
        )
        return "{" + fields + "}"
    if type_ref in ("Int", "Float"):
        return "0"
    if type_ref == "Boolean":
        return "true"
    if type_ref == "ID":
        return json.dumps("<any id>")
    raise Unsupported(f"type {type_ref} is not defined")
