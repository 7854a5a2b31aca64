"""Exponential backoff with jitter, shared by the relay (broker down) and consumers (handler
failures), so a fleet of retrying clients does not hammer a recovering broker in step."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry number ``attempt`` (1-based): doubling from ``initial`` up to
    ``maximum``, each drawn from the upper half so it never collapses to zero."""

    initial: float
    maximum: float
    multiplier: float = 2.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.maximum, self.initial * self.multiplier ** max(0, attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)
