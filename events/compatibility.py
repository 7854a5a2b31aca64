"""Event schema evolution: each version must stay BACKWARD compatible with the one before.

Event payloads are JSON, described per topic by versioned JSON Schemas in
``events/schemas/<topic>/v<N>.json``. BACKWARD, as Confluent's schema registry names it: a
consumer on the new schema still reads events written with the old one. So a field required
before may not be removed or retyped, any field kept may not change type, and a new field must
be optional. ``supergraph check`` fails on any violation.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMAS_DIR = Path(__file__).parent / "schemas"
_VERSION = re.compile(r"^v(\d+)\.json$")


@dataclass(frozen=True, slots=True)
class Incompatibility:
    topic: str
    version: int
    problem: str

    def __str__(self) -> str:
        return f"{self.topic} v{self.version}: {self.problem}"


def backward_problems(old: dict[str, Any], new: dict[str, Any], at: str = "") -> list[str]:
    """What stops a reader on ``new`` from reading data written with ``old``."""
    problems: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name, old_field in old_props.items():
        where = f"{at}{name}"
        if name not in new_props:
            if name in old_required:
                problems.append(f"required field '{where}' was removed")
            continue
        new_field = new_props[name]
        if _types(old_field) != _types(new_field):
            problems.append(
                f"field '{where}' changed type from {_types(old_field)} to {_types(new_field)}"
            )
        elif "properties" in old_field or "properties" in new_field:
            problems += backward_problems(old_field, new_field, f"{where}.")
    for name in sorted(new_required - old_required):
        problems.append(f"field '{at}{name}' is required but older events may not have it")
    return problems


def _types(field: dict[str, Any]) -> tuple[str, ...]:
    declared = field.get("type", ())
    return tuple(sorted([declared] if isinstance(declared, str) else declared))


def check_event_schemas(directory: Path = SCHEMAS_DIR) -> list[Incompatibility]:
    """Every topic's versions, each checked against its predecessor."""
    found: list[Incompatibility] = []
    for topic_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
        versions = sorted(
            (int(m.group(1)), path)
            for path in topic_dir.iterdir()
            if (m := _VERSION.match(path.name))
        )
        for (_, before), (number, after) in itertools.pairwise(versions):
            old = json.loads(before.read_text(encoding="utf-8"))
            new = json.loads(after.read_text(encoding="utf-8"))
            found += [
                Incompatibility(topic_dir.name, number, p) for p in backward_problems(old, new)
            ]
    return found
