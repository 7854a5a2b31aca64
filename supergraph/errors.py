"""Why `supergraph dev` could not start or keep the platform running.

    DevError
     ├── NotReady            a part did not become ready (exited, or timed out)
     ├── ChildExited         a running part died while being supervised
     └── CompositionFailed   the running subgraphs do not compose into a supergraph

Each carries the part's name; the orchestrator prints it with the part's log tail and exits
non-zero. Third-party failures are mapped to these at the boundary.
"""

from __future__ import annotations


class DevError(Exception):
    """A part of the dev platform failed; ``part`` names it (a service, "postgres", "kafka")."""

    def __init__(self, part: str, reason: str) -> None:
        super().__init__(f"{part}: {reason}")
        self.part = part
        self.reason = reason


class NotReady(DevError):
    """The part exited or did not answer its readiness check in time."""


class ChildExited(DevError):
    """The part's process ended while the platform was running."""


class CompositionFailed(DevError):
    """Composition returned errors; ``reason`` lists them."""
