"""The shared ``python -m subgraphs.<name>`` entry point: ``serve`` and ``migrate``.

``serve`` applies the subgraph's Alembic migrations (unless ``--no-migrate``), then runs the
app with uvicorn; ``migrate`` only applies them. Settings come from the environment, read
here and handed to the app factory.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import uvicorn
from fastapi import FastAPI

from contracts import services
from subgraphs.common.migrations import upgrade
from subgraphs.common.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True, slots=True)
class ServiceSpec(Generic[S]):
    """What the runner needs to know about one subgraph beyond its registry entry."""

    name: str
    migrations: Path
    load_settings: Callable[[], S]
    build_app: Callable[[S], FastAPI]

    @property
    def default_port(self) -> int:
        """Its port in the registry (``contracts.services``), where `supergraph dev` puts it."""
        return services.service(self.name).port


def parse_args(spec: ServiceSpec[S], argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"python -m subgraphs.{spec.name}", description=f"The {spec.name} subgraph."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply migrations, then serve GraphQL over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=spec.default_port)
    serve.add_argument("--no-migrate", action="store_true", help="skip the migrations")
    serve.add_argument("--log-level", default="info")
    commands.add_parser("migrate", help="apply the migrations (alembic upgrade head)")
    return parser.parse_args(argv)


def main(spec: ServiceSpec[S], argv: Sequence[str] | None = None) -> int:
    args = parse_args(spec, argv)
    settings = spec.load_settings()
    if args.command == "serve":
        try:
            settings.check_listen_host(args.host)
        except ValueError as exc:
            print(f"{spec.name}: error: {exc}", file=sys.stderr)
            return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "migrate" or not args.no_migrate:
        upgrade(spec.migrations, settings.database_url)
    if args.command == "serve":
        uvicorn.run(
            spec.build_app(settings),
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            lifespan="on",
        )
    return 0
