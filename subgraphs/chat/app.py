"""Builds chat's app from its settings, and describes the service to the runner."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from events.settings import EventSettings
from subgraphs.chat.broadcast import InProcessBroadcast
from subgraphs.chat.fanout import KafkaFanout
from subgraphs.chat.schema import schema
from subgraphs.chat.settings import ChatSettings
from subgraphs.chat.store import Chat
from subgraphs.common.app import create_app
from subgraphs.common.database import Database
from subgraphs.common.service import ServiceSpec

NAME = "chat"


def build_app(settings: ChatSettings, events: EventSettings | None = None) -> FastAPI:
    """One instance's app. With ``CHAT_FANOUT=kafka`` it relays its outbox and reads
    ``chat.messages`` in the background; ``events`` default to the environment's."""
    database = Database(settings.database_url)
    if settings.chat_fanout == "kafka":
        events = events or EventSettings(kafka_bootstrap_servers=settings.kafka_bootstrap_servers)
        fanout = KafkaFanout(database, events)
        chat = Chat(database, fanout, outbox_events=True)
        return create_app(
            NAME, schema, settings, services=chat, database=database, background=[fanout.run]
        )
    chat = Chat(database, InProcessBroadcast())
    return create_app(NAME, schema, settings, services=chat, database=database)


SERVICE = ServiceSpec(
    name=NAME,
    migrations=Path(__file__).parent / "migrations",
    load_settings=ChatSettings.from_environment,
    build_app=build_app,
)
