"""The join directives: which subgraph defines which type, field, member and value.

Values here are what the emitter decided; the functions print them as directive nodes with
arguments in the order composers print them, leaving out arguments at their defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import ConstDirectiveNode

from schema.composition.emit.nodes import Argument, boolean, directive, enum, string


@dataclass(frozen=True, slots=True)
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False

    def node(self) -> ConstDirectiveNode:
        arguments: list[Argument] = [("graph", enum(self.graph))]
        if self.key is not None:
            arguments.append(("key", string(self.key)))
        if not self.resolvable:
            arguments.append(("resolvable", boolean(False)))
        if self.is_interface_object:
            arguments.append(("isInterfaceObject", boolean(True)))
        if self.extension:
            arguments.append(("extension", boolean(True)))
        return directive("join__type", arguments)


@dataclass(frozen=True, slots=True)
class JoinField:
    """``graph`` is None for fields an ``@interfaceObject`` adds to every implementation."""

    graph: str | None
    type: str | None = None
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    external: bool = False
    provides: str | None = None
    requires: str | None = None

    @property
    def says_more_than_graph(self) -> bool:
        return bool(
            self.type
            or self.override
            or self.override_label
            or self.used_overridden
            or self.external
            or self.provides
            or self.requires
        )

    def node(self) -> ConstDirectiveNode:
        arguments: list[Argument] = []
        if self.graph is not None:
            arguments.append(("graph", enum(self.graph)))
        for arg_name, value in (
            ("type", self.type),
            ("override", self.override),
            ("overrideLabel", self.override_label),
        ):
            if value:
                arguments.append((arg_name, string(value)))
        if self.used_overridden:
            arguments.append(("usedOverridden", boolean(True)))
        if self.external:
            arguments.append(("external", boolean(True)))
        for arg_name, value in (("provides", self.provides), ("requires", self.requires)):
            if value:
                arguments.append((arg_name, string(value)))
        return directive("join__field", arguments)


def join_graph(name: str, url: str) -> ConstDirectiveNode:
    return directive("join__graph", [("name", string(name)), ("url", string(url))])


def join_implements(graph: str, interface: str) -> ConstDirectiveNode:
    return directive("join__implements", [("graph", enum(graph)), ("interface", string(interface))])


def join_union_member(graph: str, member: str) -> ConstDirectiveNode:
    return directive("join__unionMember", [("graph", enum(graph)), ("member", string(member))])


def join_enum_value(graph: str) -> ConstDirectiveNode:
    return directive("join__enumValue", [("graph", enum(graph))])
