"""The ``supergraph`` command: run the platform, the router, composition and plans.

Each subcommand imports only what it needs, so ``supergraph plan`` starts fast and
``supergraph router`` never loads subgraph code.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supergraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from supergraph.dev import add_dev_arguments

    dev = commands.add_parser("dev", help="run the whole platform on embedded defaults")
    add_dev_arguments(dev)
    dev.set_defaults(handler=_dev)

    router = commands.add_parser("router", help="serve a supergraph")
    router.add_argument("--supergraph", required=True, help="supergraph SDL file")
    router.add_argument("--host", default=None)
    router.add_argument("--port", type=int, default=None)
    router.set_defaults(handler=_router)

    compose = commands.add_parser("compose", help="compose the subgraphs of supergraph.yaml")
    compose.add_argument("--config", type=Path, default=Path("supergraph.yaml"))
    compose.add_argument("--output", type=Path, default=Path("schema/supergraph.graphql"))
    compose.set_defaults(handler=_compose)

    plan = commands.add_parser("plan", help="print the query plan of an operation")
    plan.add_argument("query", help="the operation text, @FILE to read it, or - for stdin")
    plan.add_argument("--supergraph", default="schema/supergraph.graphql")
    plan.add_argument("--operation-name", default=None)
    plan.set_defaults(handler=_plan)

    export = commands.add_parser("export-sdl", help="write each subgraph's SDL from its code")
    export.add_argument("--output-dir", type=Path, default=Path("schema/subgraphs"))
    export.set_defaults(handler=_export_sdl)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


def _dev(args: argparse.Namespace) -> int:
    from supergraph.dev import options_from_arguments, run_dev

    return run_dev(options_from_arguments(args))


def _router(args: argparse.Namespace) -> int:
    import uvicorn

    from router.http.app import create_app
    from router.settings import RouterSettings

    overrides: dict[str, object] = {"supergraph_path": args.supergraph}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = RouterSettings(**overrides)  # type: ignore[arg-type]
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    return 0


def _compose(args: argparse.Namespace) -> int:
    from router.settings import RouterSettings
    from schema.composition import compose_from_config
    from schema.config import load_supergraph_config
    from schema.errors import SchemaError

    secret = RouterSettings().internal_secret
    try:
        config = load_supergraph_config(args.config)
        result = asyncio.run(compose_from_config(config, internal_secret=secret))
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for hint in result.hints:
        print(f"hint[{hint.code}]: {hint.message}", file=sys.stderr)
    for error in result.errors:
        print(f"error[{error.code}]: {error.message}", file=sys.stderr)
    if result.supergraph_sdl is None:
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(result.supergraph_sdl, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from router.engine import RouterEngine
    from router.errors import RouterError
    from router.supergraph.parse import load_supergraph
    from router.transports.subgraph import HttpSubgraphTransport

    query = args.query
    if query == "-":
        query = sys.stdin.read()
    elif query.startswith("@"):
        query = Path(query[1:]).read_text(encoding="utf-8")
    supergraph = load_supergraph(args.supergraph)
    engine = RouterEngine(supergraph, HttpSubgraphTransport({}))
    try:
        print(engine.plan_text(query, args.operation_name))
    except RouterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _export_sdl(args: argparse.Namespace) -> int:
    from subgraphs.common.sdl import write_all

    for path in write_all(args.output_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
