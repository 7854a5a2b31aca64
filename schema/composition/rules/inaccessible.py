"""REFERENCED_INACCESSIBLE and ONLY_INACCESSIBLE_CHILDREN: hiding stays consistent.

``@inaccessible`` removes an element from the API schema clients see. A visible field (or
argument) cannot then use a hidden type, and a visible type cannot have all of its fields
(or values) hidden: either would leave the API schema invalid.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import DecorationsState, SupergraphState
from schema.composition.subgraph.model import bare_type


def check(state: SupergraphState) -> Iterator[CompositionError]:
    yield from _referenced(state)
    yield from _only_hidden_children(state)


def _referenced(state: SupergraphState) -> Iterator[CompositionError]:
    hidden_outputs = _hidden(
        state.enums, state.objects, state.interfaces, state.unions, state.scalars
    )
    hidden_inputs = _hidden(state.enums, state.inputs)
    for obj in state.objects.values():
        for field in obj.fields.values():
            if field.decorations.inaccessible or obj.decorations.inaccessible:
                continue
            if (output := bare_type(field.type)) in hidden_outputs:
                yield _error(output, f"{obj.name}.{field.name}")
            for arg in field.arguments.values():
                input_type = bare_type(arg.type)
                if not arg.decorations.inaccessible and input_type in hidden_inputs:
                    yield _error(input_type, f"{obj.name}.{field.name}({arg.name}:)")


def _hidden(*kinds: Mapping[str, _Decorated]) -> set[str]:
    return {name for kind in kinds for name, t in kind.items() if t.decorations.inaccessible}


def _only_hidden_children(state: SupergraphState) -> Iterator[CompositionError]:
    parents: list[tuple[str, _Decorated, Iterable[_Decorated]]] = [
        *(("values", e, e.values.values()) for e in state.enums.values()),
        *(("fields", o, o.fields.values()) for o in state.objects.values()),
        *(("fields", i, i.fields.values()) for i in state.interfaces.values()),
        *(("fields", i, i.fields.values()) for i in state.inputs.values()),
    ]
    for children, parent, members in parents:
        hidden = [m.decorations.inaccessible for m in members]
        if not parent.decorations.inaccessible and hidden and all(hidden):
            yield CompositionError(
                ErrorCode.ONLY_INACCESSIBLE_CHILDREN,
                f'Type "{parent.name}" is in the API schema but all of its {children} are'
                " @inaccessible.",
            )


class _Decorated(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def decorations(self) -> DecorationsState: ...


def _error(type_name: str, coordinate: str) -> CompositionError:
    return CompositionError(
        ErrorCode.REFERENCED_INACCESSIBLE,
        f'Type "{type_name}" is @inaccessible but is referenced by "{coordinate}", which is in'
        " the API schema.",
    )
