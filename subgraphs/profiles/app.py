"""Builds profiles' app from its settings, and describes the service to the runner."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from subgraphs.common.app import create_app
from subgraphs.common.database import Database
from subgraphs.common.service import ServiceSpec
from subgraphs.common.settings import ServiceSettings
from subgraphs.profiles.schema import schema
from subgraphs.profiles.store import Profiles

NAME = "profiles"


def build_app(settings: ServiceSettings) -> FastAPI:
    database = Database(settings.database_url)
    return create_app(NAME, schema, settings, services=Profiles(database), database=database)


SERVICE = ServiceSpec(
    name=NAME,
    migrations=Path(__file__).parent / "migrations",
    load_settings=ServiceSettings.from_environment,
    build_app=build_app,
)
