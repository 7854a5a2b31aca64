"""Event schemas evolve BACKWARD compatibly: new readers still read old events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from events.compatibility import backward_problems, check_event_schemas

V1: dict[str, Any] = {
    "type": "object",
    "properties": {
        "file_id": {"type": "string"},
        "size_bytes": {"type": "integer"},
        "meta": {"type": "object", "properties": {"pages": {"type": "integer"}}},
    },
    "required": ["file_id", "size_bytes"],
}


def evolve(**changes: Any) -> dict[str, Any]:
    schema = json.loads(json.dumps(V1))
    schema.update(changes)
    return schema


def test_adding_an_optional_field_is_compatible() -> None:
    properties = {**V1["properties"], "language": {"type": "string"}}
    assert backward_problems(V1, evolve(properties=properties)) == []


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (
            evolve(properties={"file_id": {"type": "string"}}, required=["file_id"]),
            "required field 'size_bytes' was removed",
        ),
        (
            evolve(properties={**V1["properties"], "size_bytes": {"type": "string"}}),
            "field 'size_bytes' changed type from ('integer',) to ('string',)",
        ),
        (
            evolve(
                properties={**V1["properties"], "lang": {"type": "string"}},
                required=["file_id", "size_bytes", "lang"],
            ),
            "field 'lang' is required but older events may not have it",
        ),
        (
            evolve(
                properties={
                    **V1["properties"],
                    "meta": {"type": "object", "properties": {"pages": {"type": "string"}}},
                }
            ),
            "field 'meta.pages' changed type from ('integer',) to ('string',)",
        ),
    ],
)
def test_incompatible_changes_are_named(new: dict[str, Any], problem: str) -> None:
    assert backward_problems(V1, new) == [problem]


def test_versions_of_a_topic_are_checked_in_order(tmp_path: Path) -> None:
    topic = tmp_path / "file.uploaded"
    topic.mkdir()
    (topic / "v1.json").write_text(json.dumps(V1))
    (topic / "v2.json").write_text(json.dumps(evolve(required=["file_id"])))
    retyped = evolve(properties={**V1["properties"], "file_id": {"type": "integer"}})
    (topic / "v10.json").write_text(json.dumps(retyped))
    assert [str(p) for p in check_event_schemas(tmp_path)] == [
        "file.uploaded v10: field 'file_id' changed type from ('string',) to ('integer',)",
        # v2 made it optional, so v2 events may lack it: v10 may not require it again.
        "file.uploaded v10: field 'size_bytes' is required but older events may not have it",
    ]


def test_the_committed_event_schemas_are_compatible() -> None:
    assert check_event_schemas() == []
