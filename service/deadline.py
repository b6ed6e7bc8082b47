"""A CPU-time budget for the heavy work of one request, checked cooperatively.

The HTTP layer opens a budget per request (`budget`); extraction, alignment and batches call
`check` at their loop points. Over budget, `check` raises `DeadlineExceeded`, which the API turns
into a 503 telling the client what to send instead. A worker is therefore never busy long enough
for gunicorn's timeout to kill it, and one request cannot hold an event-loop worker (gevent) for
more than the budget. Outside a budget (the command line, benchmarks, the background refresher)
`check` does nothing.

The budget is CPU time of the calling thread (`time.thread_time`), not wall-clock time: what it
bounds is how long a request keeps a worker computing, and on a machine busy with other work a
request's wall-clock time can grow tenfold while its CPU time does not, so a legitimate request
is not refused for the machine's load. (Under gevent, time the request spends waiting on I/O
while other greenlets compute counts too, so the HTTP layer opens the budget only once the body
is read; matching and attribution never wait on I/O.)

The budget lives in a context variable: per OS thread and per greenlet, so concurrent requests of
one worker each keep their own. No Flask import: the engines call `check` with nothing but a name.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# CPU seconds one request may spend when VERBATIM_REQUEST_BUDGET is unset: a cold page of 200
# articles (each attributed) takes about 1.3 s, a 100-item batch about 0.5 s; gunicorn kills a
# worker at 30 s, and a gevent worker serves nobody else while one request computes.
DEFAULT_REQUEST_BUDGET = 5.0


@dataclass(frozen=True)
class _Deadline:
    expires: float  # a `_clock()` value
    seconds: float


_clock = time.thread_time

_current: ContextVar[_Deadline | None] = ContextVar("verbatim_deadline", default=None)


class DeadlineExceeded(Exception):
    """The request's budget ran out during `stage` (e.g. "extraction", "alignment")."""

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(f"{stage} ran past the request budget of {seconds:g} CPU seconds")
        self.stage = stage
        self.seconds = seconds


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Bound the work inside the block to `seconds` of CPU from now (None or <= 0: unbounded).

    A budget inside a budget never extends the outer one: the earlier deadline holds.
    """
    outer = _current.get()
    if seconds is None or seconds <= 0:
        token = _current.set(outer)
    else:
        inner = _Deadline(_clock() + seconds, seconds)
        token = _current.set(inner if outer is None or inner.expires < outer.expires else outer)
    try:
        yield
    finally:
        _current.reset(token)


def start(seconds: float | None) -> None:
    """Open a budget for the rest of this context (a request: see `clear`)."""
    bounded = seconds is not None and seconds > 0
    _current.set(_Deadline(_clock() + seconds, seconds) if bounded else None)


def clear() -> None:
    """End the budget `start` opened (the context outlives the request in a pooled worker)."""
    _current.set(None)


def check(stage: str) -> None:
    """Raise DeadlineExceeded when the current budget has run out; else return at once."""
    deadline = _current.get()
    if deadline is not None and _clock() > deadline.expires:
        raise DeadlineExceeded(stage, deadline.seconds)


def allowed() -> float | None:
    """The whole CPU budget of the current context (its `seconds`), or None without one."""
    deadline = _current.get()
    return None if deadline is None else deadline.seconds


def remaining() -> float | None:
    """CPU seconds left in the current budget, or None without one."""
    deadline = _current.get()
    return None if deadline is None else deadline.expires - _clock()
