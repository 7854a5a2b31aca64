"""A least-recently-used cache bounded by the weight of its values, for documents and plans.

Caches are bounded in bytes, not entries: a cached syntax tree is about 70 times the size of
its text, so a cap on entries alone lets a client that sends large distinct documents grow
the router's memory without bound. Each cache is given a ``weigh`` function that estimates a
value's bytes; an entry heavier than the whole budget is simply not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


def _one(_: object) -> int:
    return 1


class BoundedCache(Generic[V]):
    """LRU mapping whose values' total weight stays within ``capacity``; not thread-safe (the
    router touches caches on its event loop only). Without ``weigh`` every value weighs 1, so
    ``capacity`` is a number of entries."""

    def __init__(self, capacity: int, weigh: Callable[[V], int] = _one) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.weight = 0
        self._weigh = weigh
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: V, weight: int | None = None) -> None:
        """Keep ``value``; ``weight`` overrides ``weigh`` when the caller knows better (for
        example when the key itself is large)."""
        weight = max(1, self._weigh(value) if weight is None else weight)
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]
        if weight > self.capacity:
            return
        self._items[key] = (value, weight)
        self.weight += weight
        while self.weight > self.capacity:
            _, (_, evicted) = self._items.popitem(last=False)
            self.weight -= evicted

    def __len__(self) -> int:
        return len(self._items)
