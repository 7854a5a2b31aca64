"""Builds chat's app from its settings, and describes the service to the runner."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from subgraphs.chat.broadcast import InProcessBroadcast
from subgraphs.chat.schema import schema
from subgraphs.chat.store import Chat
from subgraphs.common.app import create_app
from subgraphs.common.database import Database
from subgraphs.common.service import ServiceSpec
from subgraphs.common.settings import ServiceSettings

NAME = "chat"


def build_app(settings: ServiceSettings) -> FastAPI:
    """One instance's app; its live events reach this instance's subscribers only (Kafka
    fan-out across instances plugs in as another ``RoomBroadcast``)."""
    database = Database(settings.database_url)
    chat = Chat(database, InProcessBroadcast())
    return create_app(NAME, schema, settings, services=chat, database=database)


SERVICE = ServiceSpec(
    name=NAME,
    migrations=Path(__file__).parent / "migrations",
    load_settings=ServiceSettings.from_environment,
    build_app=build_app,
)
