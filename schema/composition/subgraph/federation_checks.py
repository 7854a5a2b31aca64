"""Subgraph rules about what the federation directives imply together, beyond each field set.

- An interface's ``@key`` must be repeated on each implementation in the subgraph
  (``INTERFACE_KEY_NOT_ON_IMPLEMENTATION``): the router resolves the interface's entities
  through them.
- An ``@external`` field must be of use (``EXTERNAL_UNUSED``): selected by a ``@key``,
  ``@provides`` or ``@requires``, or there to satisfy an interface.
"""

from __future__ import annotations

from schema.composition.errors import ErrorCode
from schema.composition.specs.federation import FED1
from schema.composition.subgraph.groups import SubgraphDocument, named_type
from schema.composition.subgraph.marks import Marks

Problem = tuple[ErrorCode, str]


def interface_key_problems(subgraph: SubgraphDocument, marks: Marks) -> list[Problem]:
    if subgraph.names.version == FED1:
        return []
    problems: list[Problem] = []
    for interface in subgraph.groups.values():
        if interface.kind != "interface" or interface.is_interface_object:
            continue
        for key in marks.keys.get(interface.name, ()):
            for implementation in subgraph.groups.values():
                if (
                    implementation.kind != "object"
                    or interface.name not in implementation.interfaces
                ):
                    continue
                own = {k.fields for k in marks.keys.get(implementation.name, ())}
                if key.fields not in own:
                    problems.append(
                        (
                            ErrorCode.INTERFACE_KEY_NOT_ON_IMPLEMENTATION,
                            f'Key @key(fields: "{key.fields}") on interface type'
                            f' "{interface.name}" is missing on implementation type'
                            f' "{implementation.name}".',
                        )
                    )
    return problems


def unused_external_problems(subgraph: SubgraphDocument, marks: Marks) -> list[Problem]:
    if subgraph.names.version == FED1:
        return []
    directives = subgraph.directives
    used = marks.key_anywhere | marks.provided | marks.required
    problems: list[Problem] = []
    for group in subgraph.groups.values():
        if group.kind != "object" and not group.is_interface_object:
            continue
        if any(directives.has(n, "extends") for n in group.nodes):
            continue  # every field of an @extends type counts as used
        interface_fields = {
            f.name.value
            for name in group.interfaces
            if (interface := subgraph.groups.get(name)) is not None
            for _, f in interface.field_nodes()
        }
        seen: dict[str, None] = {}
        for node, field_node in group.field_nodes():
            name = field_node.name.value
            if not (directives.has(field_node, "external") or directives.has(node, "external")):
                continue
            if name in seen or (group.name, name) in used:
                continue
            seen[name] = None
            if not group.is_interface_object:
                output = subgraph.groups.get(subgraph.canonical(named_type(field_node.type)))
                if (
                    output is not None
                    and output.kind == "object"
                    and any(directives.has(n, "shareable") for n in output.nodes)
                ):
                    continue
                if name in interface_fields:
                    continue
            problems.append(
                (
                    ErrorCode.EXTERNAL_UNUSED,
                    f'Field "{group.name}.{name}" is marked @external but is not used in any'
                    " federation directive (@key, @provides, @requires) or to satisfy an"
                    " interface; the field declaration has no use and should be removed (or the"
                    " field should not be @external).",
                )
            )
    return problems
