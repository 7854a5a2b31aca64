"""Why a move between subgraphs fails, worded as the oracle words it.

Errors are built lazily: the walk collects far more failed attempts than it ever reports,
and most of them are dropped as soon as another path succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ErrorKind = Literal["KEY", "REQUIRE", "EXTERNAL", "MISSING_FIELD", "NO_KEY", "NO_IMPLEMENTATION"]


@dataclass(frozen=True, slots=True)
class SatisfiabilityError:
    """One reason, seen from ``source_graph_name``, a step of a query cannot be resolved."""

    kind: ErrorKind
    source_graph_name: str
    type_name: str
    field_name: str | None
    message: str


LazyError = Callable[[], list[SatisfiabilityError]]


def for_key(source: str, target: str, type_name: str, key_fields: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "KEY",
        source,
        type_name,
        None,
        f'cannot move to subgraph "{target}" using @key(fields: "{key_fields}") of'
        f' "{type_name}", the key field(s) cannot be resolved from subgraph "{source}".',
    )


def for_require(source: str, type_name: str, field_name: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "REQUIRE",
        source,
        type_name,
        field_name,
        f'cannot satisfy @require conditions on field "{type_name}.{field_name}".',
    )


def for_external(source: str, type_name: str, field_name: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "EXTERNAL",
        source,
        type_name,
        field_name,
        f'field "{type_name}.{field_name}" is not resolvable because marked @external.',
    )


def for_missing_field(source: str, type_name: str, field_name: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "MISSING_FIELD",
        source,
        type_name,
        field_name,
        f'cannot find field "{type_name}.{field_name}".',
    )


def for_no_key(source: str, target: str, type_name: str, field_name: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "NO_KEY",
        source,
        type_name,
        field_name,
        f'cannot move to subgraph "{target}", which has field "{type_name}.{field_name}",'
        f' because type "{type_name}" has no @key defined in subgraph "{target}".',
    )


def for_no_implementation(source: str, type_name: str) -> SatisfiabilityError:
    return SatisfiabilityError(
        "NO_IMPLEMENTATION",
        source,
        type_name,
        None,
        "no subgraph can be reached to resolve the implementation type of @interfaceObject"
        f' type "{type_name}".',
    )


def lazy(factory: Callable[[], SatisfiabilityError]) -> LazyError:
    return lambda: [factory()]


class LazyErrors:
    """Failed attempts, evaluated only if they end up in a report."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[LazyError] = []

    def add(self, error: LazyError | LazyErrors) -> LazyErrors:
        if isinstance(error, LazyErrors):
            self._items.extend(error._items)
        else:
            self._items.append(error)
        return self

    def is_empty(self) -> bool:
        return not self._items

    def to_list(self) -> list[SatisfiabilityError]:
        return [error for item in self._items for error in item()]
