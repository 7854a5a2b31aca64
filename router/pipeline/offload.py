"""Running CPU-heavy, cacheable work (parsing, validation, planning) off the event loop.

The router serves every client from one event loop, so a stage that computes for 100 ms on
it stalls everyone. Work on a cache miss for a large input goes to a small thread pool
instead: Python's GIL is still shared, but the interpreter hands it back to the loop every
switch interval (5 ms), so other clients keep being answered while one document is checked.
Small inputs stay inline, where a thread hop would cost more than the work.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class CpuOffload:
    """A bounded pool for heavy work; ``workers`` threads, so a flood of heavy documents
    queues behind itself instead of multiplying threads."""

    def __init__(self, *, workers: int = 2, inline_below: int = 1024) -> None:
        self.inline_below = inline_below
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="router-cpu")

    async def run(self, size: int, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``, in the pool when ``size`` (bytes of input) is large."""
        if size < self.inline_below:
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
