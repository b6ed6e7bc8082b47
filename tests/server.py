"""Start a real gunicorn process on a loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill9(self) -> None:
        """Kill the whole process group without warning, as a crash or OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()


def launch_server(env: dict[str, str] | None = None, workers: int = 2) -> Server:
    """Run `gunicorn -c gunicorn.conf.py` like `make run` does, without waiting for anything."""
    port = free_port()
    run_env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(workers), **(env or {})}
    run_env.setdefault("VERBATIM_DATA_DIR", str(ROOT / "var" / f"e2e-{port}"))
    log_path = Path(run_env["VERBATIM_DATA_DIR"]) / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "service:create_app()",
            ],
            cwd=ROOT,
            env=run_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(f"http://127.0.0.1:{port}", process, log_path)


def start_server(
    env: dict[str, str] | None = None, workers: int = 2, timeout: float = 60.0
) -> Server:
    """Run gunicorn like `make run` does and wait until /readyz is 200."""
    server = launch_server(env, workers)
    process = server.process
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its workers still waiting for their index
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not become ready in {timeout}s:\n{server.log()}")


@contextmanager
def running_server(data_dir: Path, workers: int = 1) -> Iterator[Server]:
    """A server on its own store in `data_dir`, stopped however the block ends."""
    server = start_server({"VERBATIM_DATA_DIR": str(data_dir)}, workers=workers)
    try:
        yield server
    finally:
        server.stop()
