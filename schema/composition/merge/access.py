"""Copy access requirements between interfaces and their implementations.

A client may reach an implementation's field through its interface, so the interface (and
its field) must demand at least what every implementation demands; and an
``@interfaceObject``'s field, resolved for every implementation, carries its requirements
down to them. Objects take from interface objects first, then interfaces from their
implementations, as composers do.
"""

from __future__ import annotations

from schema.composition.merge.state import DecorationsState, SupergraphState


def propagate_access(state: SupergraphState) -> None:
    for obj in state.objects.values():
        for interface_name in obj.interfaces:
            interface = state.interfaces.get(interface_name)
            if interface is None or not interface.has_interface_object:
                continue
            for name, interface_field in interface.fields.items():
                field = obj.fields.get(name)
                if field is not None:
                    _take(field.decorations, interface_field.decorations)
    for interface in state.interfaces.values():
        implementations = [
            state.objects[name] for name in interface.implemented_by if name in state.objects
        ]
        for implementation in implementations:
            _take(interface.decorations, implementation.decorations)
        for name, interface_field in interface.fields.items():
            for implementation in implementations:
                field = implementation.fields.get(name)
                if field is not None:
                    _take(interface_field.decorations, field.decorations)


def _take(target: DecorationsState, source: DecorationsState) -> None:
    target.absorb_access(source.authenticated, source.scopes, source.policies)
