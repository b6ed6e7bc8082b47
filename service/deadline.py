"""A time budget for the CPU-heavy work of one request, checked cooperatively.

The HTTP layer opens a budget per request (`budget`); extraction, alignment and batches call
`check` at their loop points. Over budget, `check` raises `DeadlineExceeded`, which the API turns
into a 503 telling the client what to send instead. A worker is therefore never busy long enough
for gunicorn's timeout to kill it, and one request cannot hold an event-loop worker (gevent) for
more than the budget. Outside a budget (the command line, benchmarks, the background refresher)
`check` does nothing.

The budget lives in a context variable: per OS thread and per greenlet, so concurrent requests of
one worker each keep their own. No Flask import: the engines call `check` with nothing but a name.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# Seconds of CPU-heavy work one request may spend when VERBATIM_REQUEST_BUDGET is unset: a
# 100-item batch of real quotes takes a second or two on a busy core, gunicorn kills a worker at
# 30, and a gevent worker serves nobody else while one request computes, so a few seconds.
DEFAULT_REQUEST_BUDGET = 5.0


@dataclass(frozen=True)
class _Deadline:
    expires: float  # time.monotonic() value
    seconds: float


_current: ContextVar[_Deadline | None] = ContextVar("verbatim_deadline", default=None)


class DeadlineExceeded(Exception):
    """The request's budget ran out during `stage` (e.g. "extraction", "alignment")."""

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(f"{stage} ran past the request budget of {seconds:g} s")
        self.stage = stage
        self.seconds = seconds


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Bound the work inside the block to `seconds` from now (None or <= 0: unbounded).

    A budget inside a budget never extends the outer one: the earlier deadline holds.
    """
    outer = _current.get()
    if seconds is None or seconds <= 0:
        token = _current.set(outer)
    else:
        inner = _Deadline(time.monotonic() + seconds, seconds)
        token = _current.set(inner if outer is None or inner.expires < outer.expires else outer)
    try:
        yield
    finally:
        _current.reset(token)


def start(seconds: float | None) -> None:
    """Open a budget for the rest of this context (a request: see `clear`)."""
    bounded = seconds is not None and seconds > 0
    _current.set(_Deadline(time.monotonic() + seconds, seconds) if bounded else None)


def clear() -> None:
    """End the budget `start` opened (the context outlives the request in a pooled worker)."""
    _current.set(None)


def check(stage: str) -> None:
    """Raise DeadlineExceeded when the current budget has run out; else return at once."""
    deadline = _current.get()
    if deadline is not None and time.monotonic() > deadline.expires:
        raise DeadlineExceeded(stage, deadline.seconds)


def remaining() -> float | None:
    """Seconds left in the current budget, or None without one."""
    deadline = _current.get()
    return None if deadline is None else deadline.expires - time.monotonic()
