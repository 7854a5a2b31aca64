"""A small closed-loop HTTP/1.1 load generator: ``concurrency`` keep-alive connections each
send the next request as soon as the previous answer is read, for ``duration`` seconds.

Written on asyncio streams rather than an HTTP client library so that the generator costs
little CPU next to the server it measures (the machines here have no ``wrk`` or ``hey``).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    """Seconds per request, in completion order."""
    errors: int = 0
    elapsed: float = 0.0

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds below which ``p`` percent of the requests finished."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000

    def summary(self) -> str:
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.requests_per_second:8.0f} req/s  mean {mean:6.2f} ms  p50"
            f" {self.percentile(50):6.2f}  p95 {self.percentile(95):6.2f}  p99"
            f" {self.percentile(99):6.2f} ms  errors {self.errors}"
            f"  ({len(self.latencies)} requests)"
        )


def graphql_request(url: str, query: str, headers: dict[str, str] | None = None) -> bytes:
    parts = urlsplit(url)
    body = json.dumps({"query": query}).encode()
    lines = [
        f"POST {parts.path or '/'} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def run_load(
    url: str, request: bytes, *, concurrency: int, duration: float, check: bytes = b'"data"'
) -> LoadResult:
    """Answers not of status 200 or without ``check`` in the body count as errors."""
    result = LoadResult()
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                status, body = await _read_response(reader)
                result.latencies.append(time.perf_counter() - started)
                if status != 200 or check not in body:
                    result.errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        elif name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if not chunked:
        raise ValueError("response without Content-Length or chunked encoding")
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]
