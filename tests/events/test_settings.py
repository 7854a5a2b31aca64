"""Event settings come from the environment when built, are validated, and drive backoff."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from events.backoff import Backoff
from events.settings import EventSettings


def test_settings_are_read_from_the_environment_when_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("EVENTS_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("KAFKA_IDEMPOTENCE", "false")
    settings = EventSettings()
    assert settings.kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.events_max_attempts == 7
    assert settings.kafka_idempotence is False


def test_defaults_suit_the_embedded_broker_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("KAFKA_IDEMPOTENCE", raising=False)
    settings = EventSettings.model_validate({})
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert settings.kafka_idempotence is True


@pytest.mark.parametrize(
    "values",
    [
        {"events_max_attempts": 0},
        {"events_retry_initial_seconds": 0},
        {"events_retry_initial_seconds": 5, "events_retry_max_seconds": 1},
        {"outbox_batch_size": 0},
    ],
)
def test_nonsense_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        EventSettings.model_validate(values)


@pytest.mark.parametrize("seed", range(20))
def test_backoff_doubles_within_bounds_and_never_exceeds_the_ceiling(seed: int) -> None:
    backoff = Backoff(0.5, 30.0, rng=random.Random(seed))
    for attempt in range(1, 20):
        ceiling = min(30.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= backoff.delay(attempt) <= ceiling
