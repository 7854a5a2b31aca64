"""The schema registry, kept in the repository: every published supergraph, in order.

``schema/registry/`` holds ``vNNNN.graphql`` files and ``index.json`` with each version's
hash, date, changelog and the breaking changes that were acknowledged (with a reason) to
publish it. GraphOS, Hive and Cosmo keep this as a service; ours is reviewed like code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

_INDEX = "index.json"


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    version: int
    file: str
    sha256: str
    date: str
    changelog: str
    acknowledged: tuple[str, ...] = ()
    reason: str = ""


class Registry:
    """Published supergraph versions under one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def versions(self) -> list[PublishedVersion]:
        index = self.directory / _INDEX
        if not index.is_file():
            return []
        entries = json.loads(index.read_text(encoding="utf-8"))["versions"]
        return [
            PublishedVersion(**{**e, "acknowledged": tuple(e.get("acknowledged", ()))})
            for e in entries
        ]

    def latest(self) -> PublishedVersion | None:
        versions = self.versions()
        return versions[-1] if versions else None

    def sdl(self, version: PublishedVersion) -> str:
        return (self.directory / version.file).read_text(encoding="utf-8")

    def publish(
        self,
        sdl: str,
        *,
        date: str,
        changelog: str,
        acknowledged: Sequence[str] = (),
        reason: str = "",
    ) -> PublishedVersion:
        """Add ``sdl`` as the next version (callers run the checks first)."""
        versions = self.versions()
        number = versions[-1].version + 1 if versions else 1
        entry = PublishedVersion(
            version=number,
            file=f"v{number:04d}.graphql",
            sha256=sdl_hash(sdl),
            date=date,
            changelog=changelog,
            acknowledged=tuple(acknowledged),
            reason=reason,
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / entry.file).write_text(sdl, encoding="utf-8")
        index = {"versions": [asdict(v) for v in [*versions, entry]]}
        (self.directory / _INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
        return entry


def sdl_hash(sdl: str) -> str:
    return hashlib.sha256(sdl.encode("utf-8")).hexdigest()
