"""Background work on a real OS thread, started the one way the rest of the service uses.

Kept to one function so the worker model can change under it. gunicorn serves with gevent workers
(gunicorn.conf.py), and gevent's monkey-patching turns `threading.Thread` into a greenlet: a
greenlet shares the event loop with the requests, so the index refresher's CPU work (re-indexing,
waiting for the last reader of a copy) would stall every connection of its worker, and a request
busy in the matcher would stall the refresher. So when `threading` is patched, the thread is
started with the interpreter's own `start_new_thread`, which gevent keeps as the original.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def _original_start_new_thread() -> Callable[..., int] | None:
    """The unpatched `_thread.start_new_thread` when gevent has patched threading, else None."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("threading"):
        return None
    return monkey.get_original("_thread", "start_new_thread")


def start_os_thread(target: Callable[[], None], name: str) -> None:
    """Run `target` on a daemon OS thread (it never keeps the process from exiting)."""
    start_new_thread = _original_start_new_thread()
    if start_new_thread is None:
        threading.Thread(target=target, name=name, daemon=True).start()
        return
    # A raw thread is never joined at exit, like a daemon Thread; it has no Thread object, so
    # its name is only what the logs say it was started for.
    start_new_thread(target, ())
