"""W3C Trace Context ``traceparent`` values: checked when read, made when none is given.

Events carry the producer's trace context in a header so a consumer's spans join the trace
of the request that caused the event. Per the W3C spec an invalid value is ignored, never
an error: a malformed header must not make an event unprocessable.
"""

from __future__ import annotations

import re
import secrets

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def valid_traceparent(value: str) -> bool:
    """True when ``value`` is a traceparent a W3C-compliant reader accepts."""
    match = _TRACEPARENT.match(value)
    if match is None:
        return False
    version, trace_id, parent_id, _flags = match.groups()
    return version != "ff" and trace_id != "0" * 32 and parent_id != "0" * 16


def new_traceparent(*, sampled: bool = True) -> str:
    """A fresh root trace context, for events started outside any traced request."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-{'01' if sampled else '00'}"
