"""start_os_thread gives a real OS thread, also once gevent has patched the standard library.

In a subprocess: monkey-patching is for the whole process and must not reach pytest's.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, os, sys
from gevent import monkey
if sys.argv[1] == "patched":
    monkey.patch_all()
import threading, time
from service.os_threads import start_os_thread

real_sleep = monkey.get_original("time", "sleep")
started = threading.Event()

def hold():
    started.set()
    real_sleep(1.0)  # blocks its own thread; a greenlet would block the caller's loop here

def tasks():
    return len(os.listdir("/proc/self/task"))

before = tasks()
if sys.argv[2] == "os_thread":
    start_os_thread(hold, "probe")
else:
    threading.Thread(target=hold, daemon=True).start()
started.wait(5)
print(json.dumps({"before": before, "during": tasks()}))
"""


def os_threads_seen(patched: bool, how: str) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "patched" if patched else "plain", how],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("patched", [False, True])
def test_start_os_thread_adds_an_os_thread(patched: bool) -> None:
    seen = os_threads_seen(patched, "os_thread")
    assert seen["during"] == seen["before"] + 1


def test_a_patched_threading_thread_is_a_greenlet() -> None:
    """Why os_threads exists: after patch_all, threading.Thread adds no OS thread."""
    seen = os_threads_seen(True, "threading")
    assert seen["during"] == seen["before"]
