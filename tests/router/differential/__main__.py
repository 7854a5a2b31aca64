"""``python -m tests.router.differential --seed 1 --queries N [--suite ID]``: rates per suite."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.router.differential.runner import (
    REPO,
    ReferenceGateways,
    SuiteResult,
    audit_server,
    cache_dir,
    install_gateways,
    run_suite,
    suites,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.router.differential")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=30, help="generated queries per suite")
    parser.add_argument("--suite", action="append", help="one suite id (repeatable); all if unset")
    parser.add_argument(
        "--audit-git-dir",
        type=Path,
        default=os.environ.get("AUDIT_GIT_DIR"),
        help="a git repository of graphql-hive/federation-gateway-audit, when :4200 is idle",
    )
    parser.add_argument(
        "--differences",
        type=Path,
        default=cache_dir() / "differences.jsonl",
        help="where each differing query and both answers are written (JSON lines)",
    )
    parser.add_argument(
        "--router-source",
        type=Path,
        default=REPO,
        help="the checkout whose router is tested (default: this one), to compare branches",
    )
    args = parser.parse_args(argv)
    folder = install_gateways()
    results: list[SuiteResult] = []
    with (
        audit_server(args.audit_git_dir),
        tempfile.TemporaryDirectory() as work,
        (cache_dir() / "gateways.log").open("a") as log,
        args.differences.open("w") as differences,
    ):
        gateways = ReferenceGateways(folder, log)
        try:
            for suite in args.suite or suites():
                result = run_suite(
                    suite,
                    args.queries,
                    args.seed,
                    gateways,
                    Path(work),
                    differences,
                    args.router_source,
                )
                results.append(result)
                print(_line(result), flush=True)
        finally:
            gateways.close()
    total = SuiteResult("total")
    for result in results:
        for verdict, count in result.counts.items():
            total.counts[verdict] += count
    print(_line(total))
    print(f"seed {args.seed}, {datetime.now(UTC):%Y-%m-%d}; differences in {args.differences}")
    return 0


def _line(result: SuiteResult) -> str:
    counts = result.counts
    return (
        f"{result.suite:40} judged {result.judged:5}  differ {counts['differ']:4}"
        f"  ({result.rate:6.1%})  unjudged {counts['unjudged']:4}"
    )


if __name__ == "__main__":
    sys.exit(main())
