"""The persisted query manifest: Apollo's format, and the hash that names an operation.

``supergraph publish`` writes the manifest (``schema/persisted.py``) and the router's safelist
loads it (``router/pipeline/persisted.py``); both read the format and the hash from here, so
what one writes the other accepts. APQ uses the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class ManifestOperation:
    id: str
    name: str
    type: str
    body: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """A persisted query list: bodies by id, and ids by body."""

    operations: tuple[ManifestOperation, ...]
    by_id: Mapping[str, str] = field(init=False)
    by_body: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        by_id: dict[str, str] = {}
        for operation in self.operations:
            if by_id.setdefault(operation.id, operation.body) != operation.body:
                raise ValueError(f"persisted query id {operation.id} has two bodies")
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "by_body", {o.body: o.id for o in self.operations})


def parse_manifest(text: str) -> Manifest:
    """Read Apollo's persisted query manifest format (``format``, ``version`` 1, ``operations``
    of ``id``, ``name``, ``type``, ``body``); raise ``ValueError`` on anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"persisted query manifest is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ValueError(f'persisted query manifest must have "format": "{MANIFEST_FORMAT}"')
    if data.get("version") != MANIFEST_VERSION:
        raise ValueError(f"persisted query manifest version must be {MANIFEST_VERSION}")
    entries = data.get("operations")
    if not isinstance(entries, list):
        raise ValueError('persisted query manifest must have an "operations" list')
    operations = []
    for entry in entries:
        values = entry if isinstance(entry, dict) else {}
        fields = [values.get(key) for key in ("id", "name", "type", "body")]
        if not all(isinstance(value, str) for value in fields):
            raise ValueError(f"persisted query manifest entry is not id/name/type/body: {entry}")
        operations.append(ManifestOperation(*(str(value) for value in fields)))
    return Manifest(tuple(operations))


def query_hash(query: str) -> str:
    """The APQ hash of a query text: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()
