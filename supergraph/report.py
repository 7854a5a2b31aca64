"""The status lines `supergraph dev` prints: one per step, with readiness and timing."""

from __future__ import annotations

import sys
from collections.abc import Callable

from supergraph.errors import DevError


class Report:
    """Readable status lines: one per step, with its readiness and how long it took."""

    def __init__(self, write: Callable[[str], object] = print) -> None:
        self._write = write

    def say(self, text: str = "") -> None:
        self._write(text)
        sys.stdout.flush()

    def step(self, mark: str, part: str, detail: str, seconds: float | None = None) -> None:
        timing = f"{seconds:5.1f} s" if seconds is not None else " " * 7
        self.say(f"  {mark:<4} {part:<9} {timing}  {detail}")

    def failure(self, error: DevError, tail: str) -> None:
        self.step("FAIL", error.part, error.reason)
        if tail:
            self.say(f"  --- last lines of {error.part}'s log ---")
            self.say("\n".join(f"  | {line}" for line in tail.splitlines()))
