"""What the field sets of a subgraph (``@key``, ``@provides``, ``@requires``) say about its
fields: which are key fields, which are provided or required; and which field sets select
fields that do not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graphql import ConstDirectiveNode, ListValueNode, StringValueNode

from schema.composition.errors import ErrorCode
from schema.composition.subgraph import model
from schema.composition.subgraph.field_sets import Selected, parse_field_set, walk_field_set
from schema.composition.subgraph.groups import (
    SubgraphDocument,
    argument,
    named_type,
    string_argument,
)

Problem = tuple[ErrorCode, str]
Coordinate = tuple[str, str]

_UNKNOWN_FIELD_ADVICE = {
    "key": " (the field should either be added to this subgraph or, if it should not be resolved"
    " by this subgraph, you need to add it to this subgraph with @external).",
    "provides": " (if the field is defined in another subgraph, you need to add it to this"
    " subgraph with @external).",
    "requires": " (if the field is defined in another subgraph, you need to add it to this"
    " subgraph with @external).",
}
_FIELD_SET_CODES = {
    "key": ErrorCode.KEY_INVALID_FIELDS,
    "provides": ErrorCode.PROVIDES_INVALID_FIELDS,
    "requires": ErrorCode.REQUIRES_INVALID_FIELDS,
}


@dataclass(slots=True)
class Marks:
    """What the field sets of the whole subgraph say about individual fields."""

    keys: dict[str, list[model.Key]] = field(default_factory=dict)
    key_top_level: set[Coordinate] = field(default_factory=set)
    key_anywhere: set[Coordinate] = field(default_factory=set)
    provided: set[Coordinate] = field(default_factory=set)
    required: set[Coordinate] = field(default_factory=set)


def field_set_marks(subgraph: SubgraphDocument, problems: list[Problem]) -> Marks:
    marks = Marks()
    directives = subgraph.directives
    for group in subgraph.groups.values():
        if group.kind not in ("object", "interface"):
            continue
        for node in group.nodes:
            for key in directives.of(node, "key"):
                text = _key_fields(key)
                resolvable = argument(key, "resolvable")
                resolves = getattr(resolvable, "value", True) is not False
                if text is None:
                    continue
                walked = _walk(subgraph, "key", text, group.name, group.name, problems)
                if walked is None:
                    continue
                marks.keys.setdefault(group.name, []).append(model.Key(text, resolves))
                for item in walked:
                    if item[2] == 0:
                        marks.key_top_level.add((item[0], item[1]))
                    marks.key_anywhere.add((item[0], item[1]))
        for _, field_node in group.field_nodes():
            label = f"{group.name}.{field_node.name.value}"
            for provides in directives.of(field_node, "provides"):
                target = named_type(field_node.type)
                text = field_set_text([provides])
                for item in _walk(subgraph, "provides", text, target, label, problems) or ():
                    marks.provided.add((item[0], item[1]))
            for requires in directives.of(field_node, "requires"):
                text = field_set_text([requires])
                for item in _walk(subgraph, "requires", text, group.name, label, problems) or ():
                    marks.required.add((item[0], item[1]))
    return marks


def _walk(
    subgraph: SubgraphDocument,
    directive: str,
    text: str | None,
    type_name: str,
    where: str,
    problems: list[Problem],
) -> list[tuple[str, str, int]] | None:
    """Selected object fields as (type, field, depth), or None if the field set is invalid."""
    if text is None:
        return None
    code = _FIELD_SET_CODES[directive]
    prefix = f'On {"type" if directive == "key" else "field"} "{where}", for @{directive}'
    selection = parse_field_set(text)
    if isinstance(selection, str):
        problems.append((code, f'{prefix}(fields: "{text}"): {selection}'))
        return None
    walked = walk_field_set(selection, type_name, subgraph)
    advice = _UNKNOWN_FIELD_ADVICE[directive]
    for problem in walked.problems:
        problems.append((code, f'{prefix}(fields: "{text}"): {problem}{advice}'))
    if walked.problems:
        return None
    if directive == "key" and not _key_selects_valid_fields(
        walked.selected, prefix, text, problems
    ):
        return None
    return [
        (s.type_name, s.field_name, s.depth)
        for s in walked.selected
        if s.type_kind in ("object", "interface")
    ]


def _key_selects_valid_fields(
    selected: Sequence[Selected], prefix: str, text: str, problems: list[Problem]
) -> bool:
    """A key identifies an entity: no field taking arguments, no interface-typed field (its
    value could be of any implementation)."""
    valid = True
    for item in selected:
        where = f'{prefix}(fields: "{text}")'
        if item.has_arguments:
            valid = False
            problems.append(
                (
                    ErrorCode.KEY_FIELDS_HAS_ARGS,
                    f"{where}: field {item.type_name}.{item.field_name} cannot be included"
                    " because it has arguments (fields with argument are not allowed in @key)",
                )
            )
        if item.field_type_kind == "interface":
            valid = False
            problems.append(
                (
                    ErrorCode.KEY_FIELDS_SELECT_INVALID_TYPE,
                    f'{where}: field "{item.type_name}.{item.field_name}" is a Interface type'
                    " which is not allowed in @key",
                )
            )
    return valid


def _key_fields(directive: ConstDirectiveNode) -> str | None:
    """The key's field set; Federation 1 also accepts a list of strings."""
    value = argument(directive, "fields")
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, ListValueNode) and all(
        isinstance(v, StringValueNode) for v in value.values
    ):
        return " ".join(v.value for v in value.values if isinstance(v, StringValueNode))
    return None


def field_set_text(applied: Sequence[ConstDirectiveNode]) -> str | None:
    """The ``fields`` string of the first of these ``@requires``/``@provides``."""
    return string_argument(applied[0], "fields") if applied else None
