"""Background work on a real OS thread, started the one way the rest of the service uses.

Kept to one function so the worker model can change under it: with gevent workers this module
is the one place that must create a thread the event loop does not own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def start_os_thread(target: Callable[[], None], name: str) -> None:
    """Run `target` on a daemon OS thread (it never keeps the process from exiting)."""
    threading.Thread(target=target, name=name, daemon=True).start()
