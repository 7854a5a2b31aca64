"""Subgraph SDL from code: what ``_service { sdl }`` returns, written to ``schema/subgraphs/``.

The committed files are the input of composition; a test and ``supergraph check`` compare
them with the code (drift). Which subgraphs there are comes from ``contracts.services``;
schemas are imported lazily, so listing them is cheap.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from strawberry import Schema
from strawberry.printer import print_schema

from contracts import services

SUBGRAPHS: dict[str, str] = {s.name: s.schema for s in services.SUBGRAPHS}
"""Subgraph name -> ``module:attribute`` of its Strawberry schema, from the registry."""


def load_schema(name: str) -> Schema:
    module_name, attribute = SUBGRAPHS[name].split(":")
    schema = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(schema, Schema):
        raise TypeError(f"{SUBGRAPHS[name]} is not a Strawberry schema")
    return schema


def export_sdl(name: str) -> str:
    """The SDL of subgraph ``name``, exactly as its ``_service { sdl }`` field returns it."""
    return print_schema(load_schema(name))


def sdl_file(directory: Path, name: str) -> Path:
    return directory / f"{name}.graphql"


def file_text(sdl: str) -> str:
    """The committed form of an SDL: the SDL plus one final newline."""
    return sdl + "\n"


def write_all(directory: Path) -> list[Path]:
    """Write ``<directory>/<name>.graphql`` for every subgraph; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SUBGRAPHS:
        path = sdl_file(directory, name)
        path.write_text(file_text(export_sdl(name)), encoding="utf-8")
        written.append(path)
    return written


def drifted(directory: Path) -> list[str]:
    """Names of subgraphs whose committed SDL file is missing or differs from the code."""
    stale = []
    for name in SUBGRAPHS:
        path = sdl_file(directory, name)
        if not path.is_file() or path.read_text(encoding="utf-8") != file_text(export_sdl(name)):
            stale.append(name)
    return stale
