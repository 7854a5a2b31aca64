"""The options of `supergraph dev` and their command-line flags.

Kept apart from the orchestrator so the `supergraph` command can offer these flags without
importing what `dev` runs (embedded Postgres, the broker, composition).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contracts import services


def _default_subgraph_ports() -> dict[str, int]:
    """Every subgraph of the registry on its own port."""
    return {s.name: s.port for s in services.SUBGRAPHS}


@dataclass(frozen=True, slots=True)
class DevOptions:
    """Where the platform keeps its data and which loopback ports it uses (tests move them)."""

    data_dir: Path = Path(".data")
    host: str = services.DEV_HOST
    router_port: int = services.ROUTER.port
    subgraph_ports: Mapping[str, int] = field(default_factory=_default_subgraph_ports)
    kafka_port: int = 9092
    supergraph_config: Path = Path("supergraph.yaml")


def add_dev_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `supergraph dev` (also usable by the `supergraph` CLI's subparser)."""
    defaults = DevOptions()
    parser.add_argument("--data-dir", type=Path, default=defaults.data_dir)
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--router-port", type=int, default=defaults.router_port)
    parser.add_argument(
        "--subgraph-port",
        action="append",
        default=[],
        metavar="NAME=PORT",
        help="override one subgraph's port (repeatable)",
    )
    parser.add_argument("--kafka-port", type=int, default=defaults.kafka_port)
    parser.add_argument("--supergraph-config", type=Path, default=defaults.supergraph_config)


def options_from_arguments(args: argparse.Namespace) -> DevOptions:
    ports = _default_subgraph_ports()
    for item in args.subgraph_port:
        name, sep, port = item.partition("=")
        if not sep or not port.isdigit() or name not in ports:
            raise SystemExit(
                f"--subgraph-port wants NAME=PORT with NAME in {sorted(ports)}: {item}"
            )
        ports[name] = int(port)
    return DevOptions(
        data_dir=args.data_dir,
        host=args.host,
        router_port=args.router_port,
        subgraph_ports=ports,
        kafka_port=args.kafka_port,
        supergraph_config=args.supergraph_config,
    )
