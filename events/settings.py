"""Typed settings for producers, consumers and outbox relays, read when a service starts.

Built explicitly (``EventSettings()`` reads the environment) and passed to what needs them;
nothing in ``events`` reads the environment at import. Defaults suit the embedded broker of
``supergraph dev``; production points ``KAFKA_BOOTSTRAP_SERVERS`` at its cluster.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from events.backoff import Backoff


class EventSettings(BaseSettings):
    """Where the broker is and how hard to retry; every field has an environment variable."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    """Comma-separated ``host:port`` list of the Kafka-protocol broker."""
    kafka_client_id: str = "supergraph"
    """Prefix of the client id the broker logs for producers and consumers."""
    kafka_idempotence: bool = True
    """Idempotent producer (no duplicates from the client's own retries). The embedded tansu
    0.6 refuses it (``InitProducerId``), so ``supergraph dev`` turns it off; order per key
    does not depend on it (the relay waits for each acknowledgement of a key)."""
    kafka_request_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long one publish may wait for the broker's acknowledgement."""
    kafka_session_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a silent consumer stays in its group; heartbeats go every third of it. The
    embedded tansu also waits about this long before giving a departed member's partitions to
    the others, so shorter means faster hand-overs (real Kafka refuses under 6 s by default)."""
    events_max_attempts: int = Field(default=5, ge=1)
    """Handler attempts before an event goes to its dead-letter topic."""
    events_retry_initial_seconds: float = Field(default=0.5, gt=0)
    """First delay between attempts (handlers) and after a failed publish (relay)."""
    events_retry_max_seconds: float = Field(default=30.0, gt=0)
    """Ceiling of the doubling delay."""
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    """Relay's fallback poll when no commit woke it (a NOTIFY lost, another process)."""
    outbox_batch_size: int = Field(default=100, ge=1)
    """Rows one relay claims per round."""

    @model_validator(mode="after")
    def _ceiling_above_start(self) -> Self:
        if self.events_retry_max_seconds < self.events_retry_initial_seconds:
            raise ValueError("EVENTS_RETRY_MAX_SECONDS is below EVENTS_RETRY_INITIAL_SECONDS")
        return self

    def backoff(self) -> Backoff:
        return Backoff(self.events_retry_initial_seconds, self.events_retry_max_seconds)
