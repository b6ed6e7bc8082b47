"""gunicorn.conf.py reads the environment, and command-line flags still win over it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def effective_settings(env: dict[str, str], *flags: str) -> dict[str, str]:
    """Settings as gunicorn resolves them (`--print-config` does not load the app)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "HOST", "WEB_CONCURRENCY"}}
    result = subprocess.run(
        [str(GUNICORN), "-c", "gunicorn.conf.py", *flags, "--print-config", "service:create_app()"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    settings = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_port_host_and_workers_come_from_the_environment() -> None:
    settings = effective_settings({"PORT": "4321", "HOST": "127.0.0.1", "WEB_CONCURRENCY": "3"})
    assert settings["bind"] == "['127.0.0.1:4321']"
    assert settings["workers"] == "3"


def test_defaults_bind_every_interface_on_8000_with_a_worker_per_cpu() -> None:
    settings = effective_settings({})
    assert settings["bind"] == "['0.0.0.0:8000']"
    assert settings["workers"] == str(os.cpu_count())
    assert settings["preload_app"] == "True"
    assert (settings["timeout"], settings["graceful_timeout"]) == ("30", "20")
    assert (settings["max_requests"], settings["max_requests_jitter"]) == ("5000", "500")


def test_command_line_bind_overrides_port() -> None:
    settings = effective_settings({"PORT": "4321"}, "--bind", "127.0.0.1:9999")
    assert settings["bind"] == "['127.0.0.1:9999']"


def test_recycling_can_be_switched_off() -> None:
    settings = effective_settings({"GUNICORN_MAX_REQUESTS": "0"})
    assert settings["max_requests"] == "0"


def test_gevent_workers_hold_slow_connections_by_default() -> None:
    settings = effective_settings({})
    assert settings["worker_class"] == "gevent"
    assert settings["worker_connections"] == "1000"
    # A connection has this long to send its request line and headers.
    assert settings["keepalive"] == "5"


def test_the_worker_class_can_be_chosen_for_comparison() -> None:
    settings = effective_settings({"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4"})
    assert (settings["worker_class"], settings["threads"]) == ("gthread", "4")
