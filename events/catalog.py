"""The event schemas of ``events/schemas/<topic>/v<N>.json``, loaded once and used to validate.

The schemas use a small subset of JSON Schema (the one ``compatibility.py`` reasons about):
``type``, ``properties``, ``required``, ``enum``, ``items``, ``additionalProperties`` and
``format: date-time``. Loading refuses any other keyword, so a schema can never claim a
constraint that validation silently ignores. A full validator would add four dependencies
(one compiled) for keywords no schema here uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from events.compatibility import SCHEMAS_DIR
from events.errors import InvalidEvent, UnknownSchema

_VERSION = re.compile(r"^v(\d+)\.json$")
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "examples", "default"})
_CHECKED = frozenset(
    {"type", "properties", "required", "enum", "items", "additionalProperties", "format"}
)
_TYPES: Mapping[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _refuse_unknown_keywords(schema: Mapping[str, Any], where: str) -> None:
    unknown = set(schema) - _ANNOTATIONS - _CHECKED
    if unknown:
        raise UnknownSchema(f"{where}: unsupported JSON Schema keywords {sorted(unknown)}")
    if schema.get("format", "date-time") != "date-time":
        raise UnknownSchema(f"{where}: unsupported format {schema['format']!r}")
    for name, sub in schema.get("properties", {}).items():
        _refuse_unknown_keywords(sub, f"{where}.{name}")
    if isinstance(schema.get("items"), Mapping):
        _refuse_unknown_keywords(schema["items"], f"{where}[]")


def problems(schema: Mapping[str, Any], value: Any, at: str = "$") -> list[str]:
    """What makes ``value`` invalid under ``schema``; empty when it is valid."""
    declared = schema.get("type")
    if declared is not None:
        names = [declared] if isinstance(declared, str) else list(declared)
        # JSON has no bool-as-integer: True is not an integer here, unlike in Python.
        if not any(
            isinstance(value, _TYPES[n]) and not (isinstance(value, bool) and n != "boolean")
            for n in names
        ):
            return [f"{at}: expected {' or '.join(names)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} is not one of {schema['enum']}"]
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return [f"{at}: {value!r} is not an RFC 3339 date-time"]
        if parsed.tzinfo is None:
            return [f"{at}: {value!r} has no time zone"]
    found: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{at}.{n}: required" for n in schema.get("required", ()) if n not in value]
        for name, item in value.items():
            if name in properties:
                found += problems(properties[name], item, f"{at}.{name}")
            elif schema.get("additionalProperties", True) is False:
                found.append(f"{at}.{name}: not allowed")
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            found += problems(schema["items"], item, f"{at}[{index}]")
    return found


@dataclass(frozen=True, slots=True)
class SchemaCatalog:
    """Every topic's schema versions: ``{topic: {version: schema}}``."""

    schemas: Mapping[str, Mapping[int, Mapping[str, Any]]]

    @classmethod
    def load(cls, directory: Path = SCHEMAS_DIR) -> SchemaCatalog:
        schemas: dict[str, dict[int, Mapping[str, Any]]] = {}
        for topic_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
            for path in topic_dir.iterdir():
                if match := _VERSION.match(path.name):
                    schema = json.loads(path.read_text(encoding="utf-8"))
                    _refuse_unknown_keywords(schema, f"{topic_dir.name}/{path.name}")
                    schemas.setdefault(topic_dir.name, {})[int(match.group(1))] = schema
        return cls(schemas)

    def latest(self, topic: str) -> int:
        """The newest schema version of ``topic``: what producers write by default."""
        if topic not in self.schemas:
            raise UnknownSchema(f"no event schema for topic {topic!r}")
        return max(self.schemas[topic])

    def validate(self, topic: str, version: int, document: Any) -> None:
        """Raise ``InvalidEvent`` naming every problem of ``document`` under that schema."""
        schema = self.schemas.get(topic, {}).get(version)
        if schema is None:
            raise UnknownSchema(f"no schema v{version} for topic {topic!r}")
        found = problems(schema, document)
        if found:
            raise InvalidEvent(f"{topic} v{version}: " + "; ".join(found))


@cache
def default_catalog() -> SchemaCatalog:
    """The committed schemas, read on first use (not at import)."""
    return SchemaCatalog.load()
