"""`supergraph dev`: the whole platform on one machine, on embedded defaults, one command.

Start order, each step printed with its readiness and timing:

1. the data folder (everything that must survive a restart lives in it),
2. embedded Postgres (pgserver), a database per subgraph that has one in the registry
   (``contracts.services``), unless ``DATABASE_URL_<NAME>`` is set,
3. the Kafka-protocol broker (tansu, in-memory) and the platform's topics, unless
   ``KAFKA_BOOTSTRAP_SERVERS`` is set,
4. each subgraph in its own process, waited for on ``GET /ready``,
5. composition of the running subgraphs into ``<data>/supergraph.graphql``,
6. the router in its own process, waited for on ``GET /health``.

Then it supervises: a part that dies stops everything with its log tail and a non-zero exit;
SIGINT/SIGTERM stop router, subgraphs, broker, then Postgres (fast shutdown keeps committed
data), and exit 0. Children lead their own sessions, so Ctrl-C reaches only this process and
stopping a child's process group leaves no orphans. What a killed run left running is
stopped by the next run before anything else (``supergraph.leftovers``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import TypeVar

from contracts import services
from events.topics import TOPICS
from supergraph.dev_options import DevOptions, add_dev_arguments, options_from_arguments
from supergraph.embedded.kafka import EmbeddedKafka, broker_binary, storage_engines
from supergraph.embedded.postgres import EmbeddedPostgres
from supergraph.errors import ChildExited, DevError
from supergraph.layout import (
    DataLayout,
    configured_database_url,
    internal_secret,
    router_spec,
    subgraph_spec,
)
from supergraph.leftovers import RunRecord
from supergraph.live_composition import compose_supergraph
from supergraph.processes import ChildProcess, log_tail, port_accepts, stop_all, wait_http_ok
from supergraph.report import Report
from supergraph.topics import ensure_topics

T = TypeVar("T")

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class Platform:
    """The parts `supergraph dev` started, in start order, so they stop in reverse."""

    def __init__(self, options: DevOptions, report: Report) -> None:
        self.options = options
        self.report = report
        self.layout = DataLayout(options.data_dir.resolve())
        self.postgres: EmbeddedPostgres | None = None
        self.kafka: EmbeddedKafka | None = None
        self.bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
        self.database_urls: dict[str, str] = {}
        self.subgraphs: dict[str, ChildProcess] = {}
        self.router: ChildProcess | None = None
        self.record = RunRecord(self.layout.children)
        self.forced = False

    # -- start ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self._stop_leftovers()
        self._check_ports()
        self._prepare_data()
        self._start_postgres()
        await self._start_kafka()
        await self._start_subgraphs()
        await self._compose()
        await self._start_router()

    async def _stop_leftovers(self) -> None:
        started = time.monotonic()
        stopped = await self.record.stop_leftovers(STOP_TIMEOUT_S)
        if stopped:
            detail = f"stopped {', '.join(stopped)}, left running by a run that was killed"
            self.report.step("ok", "leftovers", detail, _since(started))

    def _check_ports(self) -> None:
        """Refuse ports someone already answers on, e.g. a second `supergraph dev`.

        Otherwise a readiness check could be answered by that other process.
        """
        wanted = {"router": self.options.router_port, **self.options.subgraph_ports}
        if not self.bootstrap_servers:
            wanted["kafka"] = self.options.kafka_port
        taken = [
            f"{part} {port}"
            for part, port in wanted.items()
            if port_accepts(self.options.host, port)
        ]
        if taken:
            raise DevError(
                "ports",
                f"already in use on {self.options.host}: {', '.join(taken)} "
                "(is another `supergraph dev` running?)",
            )

    def _prepare_data(self) -> None:
        started = time.monotonic()
        reused = self.layout.create()
        state = "reusing the previous run's data" if reused else "new"
        self.report.step(
            "ok", "data", f"{self.layout.root} ({state}; kept across restarts)", _since(started)
        )

    def _start_postgres(self) -> None:
        started = time.monotonic()
        names = [n for n in self.options.subgraph_ports if services.service(n).database]
        configured = {n: url for n in names if (url := configured_database_url(n))}
        embedded = [n for n in names if n not in configured]
        for name, url in configured.items():
            self.database_urls[name] = url
            self.report.step("--", "postgres", f"{name}: DATABASE_URL_{name.upper()} (configured)")
        if not embedded:
            return
        self.postgres = EmbeddedPostgres(self.layout.postgres)
        try:
            self.postgres.release_stale_handles()
            self.postgres.start()
            for name in embedded:
                self.postgres.create_database(name)
                self.database_urls[name] = self.postgres.url(name)
        except Exception as exc:  # pgserver raises plain subprocess/assertion errors
            raise DevError("postgres", f"embedded Postgres did not start: {exc}") from exc
        version = (self.layout.postgres / "PG_VERSION").read_text().strip()
        self.report.step(
            "ok",
            "postgres",
            f"embedded Postgres {version} (pgserver) on socket {self.postgres.socket_dir}, "
            f"databases {', '.join(embedded)}",
            _since(started),
        )

    async def _start_kafka(self) -> None:
        started = time.monotonic()
        if self.bootstrap_servers:
            where = f"{self.bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS, configured)"
        else:
            self.kafka = EmbeddedKafka(
                self.options.host, self.options.kafka_port, self.layout.log("kafka")
            )
            self.record.add(await self.kafka.start())
            self.bootstrap_servers = self.kafka.bootstrap_servers
            engines = ", ".join(storage_engines(broker_binary())) or "unknown"
            where = (
                f"tansu on {self.bootstrap_servers}, in-memory storage (engines in this build: "
                f"{engines}): events do not survive a restart, Postgres data does"
            )
        try:
            created = await ensure_topics(self.bootstrap_servers, TOPICS)
        except Exception as exc:  # aiokafka's errors, mapped at the boundary
            raise DevError("kafka", f"could not create topics: {exc!r}") from exc
        topics = f"{len(TOPICS)} topics ({len(created)} new)"
        self.report.step("ok", "kafka", f"{where}; {topics}", _since(started))

    async def _start_subgraphs(self) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                for name, port in self.options.subgraph_ports.items():
                    group.create_task(self._start_subgraph(name, port))
        except ExceptionGroup as group:
            failures = [e for e in group.exceptions if isinstance(e, DevError)]
            if not failures:
                raise
            raise failures[0] from None

    async def _start_subgraph(self, name: str, port: int) -> None:
        started = time.monotonic()
        spec = subgraph_spec(
            name,
            host=self.options.host,
            port=port,
            database_url=self.database_urls.get(name),
            kafka_bootstrap_servers=self.bootstrap_servers,
            layout=self.layout,
            embedded_broker=self.kafka is not None,
        )
        child = self.subgraphs[name] = ChildProcess.start(spec)
        self.record.add(child)
        await wait_http_ok(child, f"{self._url(port)}/ready", READY_TIMEOUT_S)
        self.report.step("ok", name, f"{self._url(port)}/graphql ready", _since(started))

    async def _compose(self) -> None:
        started = time.monotonic()
        routing_urls = {
            name: f"{self._url(port)}/graphql" for name, port in self.options.subgraph_ports.items()
        }
        sdl = await compose_supergraph(
            self.options.supergraph_config, routing_urls, internal_secret(), self.layout.root
        )
        self.layout.supergraph.write_text(sdl)
        detail = f"{', '.join(routing_urls)} -> {self.layout.supergraph}"
        self.report.step("ok", "compose", detail, _since(started))

    async def _start_router(self) -> None:
        started = time.monotonic()
        spec = router_spec(
            host=self.options.host,
            port=self.options.router_port,
            subgraph_ports=self.options.subgraph_ports,
            layout=self.layout,
        )
        self.router = ChildProcess.start(spec)
        self.record.add(self.router)
        url = self._url(self.options.router_port)
        await wait_http_ok(self.router, f"{url}/health", READY_TIMEOUT_S)
        self.report.step("ok", "router", f"{url}/graphql healthy", _since(started))

    def print_urls(self) -> None:
        rows = [("GraphQL + GraphiQL", f"{self._url(self.options.router_port)}/graphql")]
        rows += [(n, f"{self._url(p)}/graphql") for n, p in self.options.subgraph_ports.items()]
        if self.postgres is not None:
            rows.append(("Postgres socket", self.postgres.socket_dir))
        rows.append(("Kafka bootstrap", self.bootstrap_servers))
        rows.append(("logs", str(self.layout.logs)))
        self.report.say()
        for label, value in rows:
            self.report.say(f"  {label:<19} {value}")
        self.report.say()

    # -- run -----------------------------------------------------------------------------

    def children(self) -> list[ChildProcess]:
        kafka = [self.kafka.child] if self.kafka is not None and self.kafka.child else []
        router = [self.router] if self.router is not None else []
        return [*kafka, *self.subgraphs.values(), *router]

    def first_failure(self) -> ChildExited | None:
        for child in self.children():
            if child.returncode is not None:
                return ChildExited(child.name, child.describe_exit())
        if self.postgres is not None and not self.postgres.is_running():
            return ChildExited("postgres", "the Postgres server stopped")
        return None

    async def supervise(self, stop: asyncio.Event) -> None:
        """Return when ``stop`` is set; raise ``ChildExited`` when a part dies on its own."""
        while not stop.is_set():
            failure = self.first_failure()
            if failure is not None:
                # A terminal Ctrl-C that also reached the children arrives here a moment later.
                if not await _wait_event(stop, 0.5):
                    raise failure
                return
            await _wait_event(stop, 0.25)

    def log_path(self, part: str) -> Path:
        if part == "postgres":
            return self.layout.postgres / "log"
        return self.layout.log(part)

    # -- stop ----------------------------------------------------------------------------

    async def stop(self) -> None:
        """Stop router, subgraphs, broker, then Postgres; report each stage that had work."""
        started = time.monotonic()
        if self.router is not None:
            await self._stage("router", stop_all([self.router], self._timeout()))
        if self.subgraphs:
            await self._stage("subgraphs", stop_all(list(self.subgraphs.values()), self._timeout()))
        if self.kafka is not None:
            await self._stage("kafka", self.kafka.stop(self._timeout()))
        if self.postgres is not None:
            await self._stage("postgres", asyncio.to_thread(self.postgres.stop))
        self.record.clear()
        self.report.say(f"stopped in {_since(started):.1f} s")

    async def _stage(self, part: str, stopping: Awaitable[None]) -> None:
        started = time.monotonic()
        await stopping
        self.report.step("ok", part, "stopped", _since(started))

    def _timeout(self) -> float:
        return 0.0 if self.forced else STOP_TIMEOUT_S

    def _url(self, port: int) -> str:
        return f"http://{self.options.host}:{port}"


def run_dev(options: DevOptions) -> int:
    """Run the platform until SIGINT/SIGTERM (exit 0) or until a part fails (exit 1)."""
    try:
        return asyncio.run(_run(options, Report()))
    except KeyboardInterrupt:  # only before the signal handlers are installed
        return 130


async def _run(options: DevOptions, report: Report) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    platform = Platform(options, report)

    def on_signal(signum: int) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            platform.forced = True
            report.say(f"{name} again: killing what is left")
        else:
            report.say(f"{name}: stopping")
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)
    started = time.monotonic()
    report.say(f"supergraph dev: starting the platform in {platform.layout.root}")
    try:
        if not await _unless_stopped(platform.start(), stop):
            return 0
        platform.print_urls()
        report.say(f"ready in {_since(started):.1f} s (Ctrl-C stops everything)")
        await platform.supervise(stop)
        return 0
    except DevError as error:
        report.failure(error, log_tail(platform.log_path(error.part)))
        report.say("stopping everything")
        return 1
    finally:
        await platform.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> bool:
    """Run ``work`` unless ``stop`` is set first; return whether it ran to completion."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, DevError):
        await task
    return False


async def _wait_event(event: asyncio.Event, timeout_s: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout_s)
    return event.is_set()


def _since(started: float) -> float:
    return time.monotonic() - started


# -- command line ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m supergraph.dev", description="Run the whole platform on one machine."
    )
    add_dev_arguments(parser)
    return run_dev(options_from_arguments(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
