"""How messages list subgraphs, in the words Apollo's and The Guild's composers use."""

from __future__ import annotations

from collections.abc import Sequence


def and_list(items: Sequence[str], *, oxford_comma: bool = True, quote: str = "") -> str:
    """``"a"``, ``"a" and "b"``, ``"a", "b", and "c"`` (no comma before ``and`` if asked)."""
    quoted = [f"{quote}{item}{quote}" for item in items]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    separator = ", and " if oxford_comma else " and "
    return ", ".join(quoted[:-1]) + separator + quoted[-1]


def subgraphs_phrase(names: Sequence[str]) -> str:
    """``subgraph "a"`` or ``subgraphs "a" and "b"``."""
    plural = "s" if len(names) > 1 else ""
    return f"subgraph{plural} {and_list(names, oxford_comma=False, quote=chr(34))}"
