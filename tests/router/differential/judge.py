"""Judging answers: the reference gateways' consensus, and whether ours matches it.

Data is compared exactly (key order aside). Errors are compared by presence, and by path
where both references give the same paths, never by message: gateways word the same failure
differently, and Hive Gateway often drops list indices from error paths where Apollo keeps
them (a path disagreement alone leaves a query judged on data and presence). Apollo Gateway reports
value-completion failures under ``extensions.valueCompletion``, not ``errors``; those do not
count as errors (Hive answers the same nulls without any).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["agree", "differ", "unjudged"]

ErrorPaths = tuple[tuple[str | int, ...], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """What a response body means for the comparison."""

    data: Any
    error_paths: ErrorPaths
    """Sorted and deduplicated; a path-less error is ``()``."""

    responded: bool = True
    """False when the gateway gave no GraphQL response at all (it crashed or hung)."""

    @classmethod
    def of(cls, body: Mapping[str, Any] | None) -> Answer:
        if body is None:
            return cls(None, ((),), responded=False)
        errors = body.get("errors") or []
        paths = set()
        for error in errors if isinstance(errors, list) else [errors]:
            path = error.get("path") if isinstance(error, dict) else None
            paths.add(tuple(path) if isinstance(path, list) else ())
        return cls(body.get("data"), tuple(sorted(paths, key=repr)))

    @property
    def has_errors(self) -> bool:
        return bool(self.error_paths)

    @property
    def refused(self) -> bool:
        """No data and a request-level error: the gateway did not execute the query."""
        return self.data is None and () in self.error_paths


def judge(ours: Answer, apollo: Answer, hive: Answer) -> Verdict:
    """``unjudged`` unless Apollo and Hive agree; then whether ours says the same.

    Both answering no data where one refused the query (an error without a path) is no
    consensus to follow: the generator only makes valid queries, so that is both planners
    failing on it ("This shouldn't have happened").
    """
    refused = apollo.data is None and hive.data is None and (apollo.refused or hive.refused)
    if not (apollo.responded and hive.responded) or refused:
        return "unjudged"
    if apollo.data != hive.data or apollo.has_errors != hive.has_errors:
        return "unjudged"
    if ours.data != apollo.data or ours.has_errors != apollo.has_errors:
        return "differ"
    if apollo.error_paths == hive.error_paths and ours.error_paths != apollo.error_paths:
        return "differ"
    return "agree"
