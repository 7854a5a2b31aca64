"""The ``supergraph`` command: run the platform, the router, composition and plans.

Each subcommand imports only what it needs, so ``supergraph plan`` starts fast and
``supergraph router`` never loads subgraph code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supergraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from supergraph.dev_options import add_dev_arguments

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

    check = commands.add_parser(
        "check", help="drift, composition and breaking changes against the registry"
    )
    _add_check_arguments(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=_check)

    publish = commands.add_parser("publish", help="add the composed supergraph to the registry")
    _add_check_arguments(publish)
    publish.add_argument("--changelog", required=True, help="what changed, for the registry")
    publish.add_argument(
        "--acknowledge-breaking",
        metavar="REASON",
        default=None,
        help="publish despite breaking changes; the reason is recorded with them",
    )
    publish.set_defaults(handler=_publish)

    codes = commands.add_parser("error-codes", help="print the composition error codes page")
    codes.add_argument("--write", type=Path, default=None, metavar="FILE")
    codes.set_defaults(handler=_error_codes)

    export = commands.add_parser("export-sdl", help="write each subgraph's SDL from its code")
    export.add_argument("--output-dir", type=Path, default=Path("schema/subgraphs"))
    export.set_defaults(handler=_export_sdl)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


def _dev(args: argparse.Namespace) -> int:
    from contracts.internal_claims import check_listen_secret
    from supergraph.dev import run_dev
    from supergraph.dev_options import options_from_arguments
    from supergraph.layout import internal_secret

    options = options_from_arguments(args)
    try:  # the router and subgraphs would refuse one by one; say it once, before starting
        check_listen_secret(internal_secret(), options.host)
    except ValueError as exc:
        print(f"supergraph dev: error: {exc}", file=sys.stderr)
        return 2
    return run_dev(options)


def _router(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from router.http.listeners import build_servers, serve_all
    from router.settings import RouterSettings

    overrides: dict[str, object] = {"supergraph_path": args.supergraph}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    try:
        settings = RouterSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:  # a refused setting is an operator's error, not a traceback
        for error in exc.errors():
            print(f"router: error: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops, as uvicorn.run
        asyncio.run(serve_all(build_servers(settings)))
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
    from contracts.internal_claims import InternalClaimsSigner
    from router.engine import RouterEngine
    from router.errors import RouterError
    from router.settings import RouterSettings
    from router.supergraph.parse import load_supergraph
    from router.transports.subgraph import HttpSubgraphTransport

    query = args.query
    if query == "-":
        query = sys.stdin.read()
    elif query.startswith("@"):
        query = Path(query[1:]).read_text(encoding="utf-8")
    supergraph = load_supergraph(args.supergraph)
    signer = InternalClaimsSigner(RouterSettings().internal_secret)  # plans never fetch
    engine = RouterEngine(supergraph, HttpSubgraphTransport({}, signer=signer))
    try:
        print(engine.plan_text(query, args.operation_name))
    except RouterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("supergraph.yaml"))
    parser.add_argument("--supergraph", type=Path, default=Path("schema/supergraph.graphql"))
    parser.add_argument("--subgraphs-dir", type=Path, default=Path("schema/subgraphs"))
    parser.add_argument("--registry", type=Path, default=Path("schema/registry"))
    parser.add_argument("--operations", type=Path, default=Path("schema/operations"))
    parser.add_argument("--event-schemas", type=Path, default=Path("events/schemas"))
    parser.add_argument(
        "--persisted-queries",
        type=Path,
        default=Path("schema/registry/persisted-queries.json"),
        help="the safelist manifest of the operations (publish writes it, check compares it)",
    )
    parser.add_argument(
        "--compose-file",
        type=Path,
        default=Path("compose.yaml"),
        help="checked against the registry of services (contracts/services.py) if it exists",
    )


def _run_checks(
    args: argparse.Namespace,
    acknowledged: frozenset[str] = frozenset(),
    *,
    check_manifest: bool = True,
) -> Any:
    """Read everything the checks need, then run them (pure) on it."""
    from events.compatibility import check_event_schemas
    from router.settings import RouterSettings
    from schema.checks import check_schema
    from schema.composition import compose_from_config
    from schema.config import load_supergraph_config
    from schema.registry import Registry
    from subgraphs.common.sdl import drifted

    config = load_supergraph_config(args.config)
    composition = asyncio.run(
        compose_from_config(config, internal_secret=RouterSettings().internal_secret)
    )
    registry = Registry(args.registry)
    latest = registry.latest()
    committed = args.supergraph.read_text(encoding="utf-8") if args.supergraph.is_file() else None
    manifest: str | None = None
    if check_manifest:
        path = args.persisted_queries
        manifest = path.read_text(encoding="utf-8") if path.is_file() else ""
    return check_schema(
        drifted=drifted(args.subgraphs_dir),
        composition=composition,
        committed_supergraph=committed,
        published_supergraph=registry.sdl(latest) if latest else None,
        acknowledged=acknowledged,
        operations=_operations(args),
        event_problems=[str(problem) for problem in check_event_schemas(args.event_schemas)],
        persisted_manifest=manifest,
        service_problems=_service_problems(args, config),
    )


def _service_problems(args: argparse.Namespace, config: Any) -> list[str]:
    """Where supergraph.yaml and compose.yaml disagree with ``contracts.services``."""
    import yaml

    from contracts import services
    from schema.service_drift import config_drift
    from supergraph.compose_drift import compose_drift

    problems = [f"contracts/services.py: {p}" for p in services.problems(services.SERVICES)]
    problems += config_drift(config, services.SUBGRAPHS, args.subgraphs_dir, where=str(args.config))
    path: Path = args.compose_file
    if path.is_file():
        compose = yaml.safe_load(path.read_text(encoding="utf-8"))
        problems += compose_drift(compose, services.SERVICES, where=str(path))
    return problems


def _operations(args: argparse.Namespace) -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(args.operations.glob("*.graphql"))
    }


def _check(args: argparse.Namespace) -> int:
    from schema.checks import render_json, render_text
    from schema.errors import SchemaError

    try:
        report = _run_checks(args)
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render_json(report) if args.format == "json" else render_text(report))
    return 0 if report.ok else 1


def _publish(args: argparse.Namespace) -> int:
    import datetime

    from schema.checks import render_text
    from schema.registry import Registry

    report = _run_checks(args, check_manifest=False)
    breaking = report.breaking()
    if args.acknowledge_breaking:
        report = _run_checks(args, acknowledged=frozenset(breaking), check_manifest=False)
    if not report.ok or report.supergraph_sdl is None:
        print(render_text(report), file=sys.stderr)
        if breaking and not args.acknowledge_breaking:
            print("breaking changes need --acknowledge-breaking REASON", file=sys.stderr)
        return 1
    _write_manifest(args)
    registry = Registry(args.registry)
    latest = registry.latest()
    if latest is not None and registry.sdl(latest) == report.supergraph_sdl:
        print(f"unchanged: the registry's latest version v{latest.version} is this supergraph")
        return 0
    version = registry.publish(
        report.supergraph_sdl,
        date=datetime.date.today().isoformat(),
        changelog=args.changelog,
        acknowledged=breaking if args.acknowledge_breaking else (),
        reason=args.acknowledge_breaking or "",
    )
    print(f"published v{version.version} ({version.sha256[:12]}) to {args.registry}")
    return 0


def _write_manifest(args: argparse.Namespace) -> None:
    """The safelist of exactly the operations the checks just validated."""
    from schema.persisted import ManifestProblem, manifest_text

    try:
        text = manifest_text(_operations(args))
    except ManifestProblem as exc:  # publish skips the drift check, so it surfaces here
        raise SystemExit(f"error: {exc}") from exc
    path: Path = args.persisted_queries
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


def _error_codes(args: argparse.Namespace) -> int:
    from schema.composition.errors import error_codes_markdown

    page = error_codes_markdown()
    if args.write is None:
        print(page, end="")
    else:
        args.write.write_text(page, encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


def _export_sdl(args: argparse.Namespace) -> int:
    from subgraphs.common.sdl import write_all

    for path in write_all(args.output_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
