"""Print a supergraph document in the layout composers print it.

graphql-core's ``print_ast`` is close but not the same: composers always print descriptions
as block strings, keep directive applications on the definition line, and break argument
lists over several lines only when they are longer than 80 characters. Matching that layout
makes our supergraph diffable against theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    ConstDirectiveNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    EnumValueNode,
    FieldDefinitionNode,
    FloatValueNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectTypeDefinitionNode,
    ObjectValueNode,
    OperationTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
)
from graphql.language import Node

_MAX_ARGUMENTS_LINE = 80


def print_supergraph(document: DocumentNode) -> str:
    return "\n\n".join(_print(d) for d in document.definitions)


def _print(node: Node | None) -> str:
    match node:
        case None:
            return ""
        case SchemaDefinitionNode():
            return _join(["schema", _directives(node.directives), _block(node.operation_types)])
        case OperationTypeDefinitionNode():
            return f"{node.operation.value}: {_print(node.type)}"
        case ScalarTypeDefinitionNode():
            return _described(
                node, _join(["scalar", node.name.value, _directives(node.directives)])
            )
        case ObjectTypeDefinitionNode() | InterfaceTypeDefinitionNode():
            keyword = "type" if isinstance(node, ObjectTypeDefinitionNode) else "interface"
            interfaces = " & ".join(i.name.value for i in node.interfaces or ())
            line = [keyword, node.name.value, _wrap("implements ", interfaces)]
            line += [_directives(node.directives), _block(node.fields)]
            return _described(node, _join(line))
        case InputObjectTypeDefinitionNode():
            line = ["input", node.name.value, _directives(node.directives), _block(node.fields)]
            return _described(node, _join(line))
        case UnionTypeDefinitionNode():
            members = " | ".join(t.name.value for t in node.types or ())
            line = ["union", node.name.value, _directives(node.directives), _wrap("= ", members)]
            return _described(node, _join(line))
        case EnumTypeDefinitionNode():
            line = ["enum", node.name.value, _directives(node.directives), _block(node.values)]
            return _described(node, _join(line))
        case EnumValueDefinitionNode():
            return _described(node, _join([node.name.value, _directives(node.directives)]))
        case FieldDefinitionNode():
            text = f"{node.name.value}{_arguments(node.arguments)}: {_print(node.type)}"
            return _described(node, text + _wrap(" ", _directives(node.directives)))
        case InputValueDefinitionNode():
            text = f"{node.name.value}: {_print(node.type)}"
            default = _wrap("= ", _print(node.default_value))
            return _described(node, _join([text, default, _directives(node.directives)]))
        case DirectiveDefinitionNode():
            repeatable = " repeatable" if node.repeatable else ""
            locations = " | ".join(loc.value for loc in node.locations)
            text = f"directive @{node.name.value}{_arguments(node.arguments)}{repeatable}"
            return _described(node, f"{text} on {locations}")
        case DirectiveNode():
            return f"@{node.name.value}{_arguments(node.arguments)}"
        case ArgumentNode() | ObjectFieldNode():
            return f"{node.name.value}: {_print(node.value)}"
        case NamedTypeNode():
            return node.name.value
        case ListTypeNode():
            return f"[{_print(node.type)}]"
        case NonNullTypeNode():
            return f"{_print(node.type)}!"
        case StringValueNode():
            return _block_string(node.value) if node.block else _string(node.value)
        case BooleanValueNode():
            return "true" if node.value else "false"
        case IntValueNode() | FloatValueNode() | EnumValueNode():
            return node.value
        case NullValueNode():
            return "null"
        case ListValueNode():
            return "[" + ", ".join(_print(v) for v in node.values) + "]"
        case ObjectValueNode():
            return "{" + ", ".join(_print(f) for f in node.fields) + "}"
    raise TypeError(f"cannot print {type(node).__name__} in a supergraph")


def _described(node: Node, text: str) -> str:
    described = getattr(node, "description", None)
    return _wrap("", _print(described), "\n") + text


def _directives(directives: Iterable[ConstDirectiveNode] | None) -> str:
    return " ".join(_print(d) for d in directives or ())


def _arguments(arguments: Sequence[Node] | None) -> str:
    if not arguments:
        return ""
    printed = [_print(a) for a in arguments]
    line = "(" + ", ".join(printed) + ")"
    if len(line) <= _MAX_ARGUMENTS_LINE:
        return line
    return "(\n  " + "\n".join(printed).replace("\n", "\n  ") + "\n)"


def _block(items: Sequence[Node] | None) -> str:
    printed = "\n".join(_print(i) for i in items or ())
    return _wrap("{\n", _indent(printed), "\n}")


def _indent(text: str) -> str:
    return _wrap("  ", text.replace("\n", "\n  "))


def _wrap(start: str, text: str, end: str = "") -> str:
    return f"{start}{text}{end}" if text else ""


def _join(parts: Sequence[str], separator: str = " ") -> str:
    return separator.join(p for p in parts if p)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _block_string(value: str) -> str:
    return '"""\n' + value.replace('"""', '\\"""') + '\n"""'
