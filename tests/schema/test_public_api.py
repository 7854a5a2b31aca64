"""The public surface of schema.composition, pinned so changes to it are deliberate."""

from __future__ import annotations

import schema.composition


def test_exported_members() -> None:
    assert sorted(schema.composition.__all__) == [
        "CompositionError",
        "CompositionHint",
        "CompositionResult",
        "ErrorCode",
        "HintCode",
        "SubgraphSource",
        "compose",
        "compose_from_config",
        "load_subgraph_sources",
    ]


def test_every_error_and_hint_code_is_documented() -> None:
    for code in schema.composition.ErrorCode:
        assert code.doc
        assert code.value == code.name
    for hint in schema.composition.HintCode:
        assert hint.doc


def test_the_error_codes_page_is_generated_from_the_registry() -> None:
    from pathlib import Path

    from schema.composition.errors import error_codes_markdown

    page = Path(__file__).parents[2] / "docs" / "composition-errors.md"
    assert page.read_text(encoding="utf-8") == error_codes_markdown(), (
        "run `supergraph error-codes --write docs/composition-errors.md`"
    )
