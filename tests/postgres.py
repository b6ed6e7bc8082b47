"""A throw-away PostgreSQL cluster for tests: initdb in a temp directory, a free loopback port.

Uses Debian's server binaries (`postgresql` package; `.ci/run` installs it). initdb refuses to run
as root, so as root the cluster is created and run as the `postgres` system user (the directory is
handed to it); as anyone else it runs as that user. No mocks: the tests talk to a real server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.server import free_port


def find_bindir() -> Path | None:
    """The newest installed server's binaries (initdb, pg_ctl), or None."""
    if os.environ.get("VERBATIM_PG_BINDIR"):
        return Path(os.environ["VERBATIM_PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _major(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


@dataclass
class PostgresCluster:
    """One running server; `new_database()` gives each test its own empty database."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None = None
    _databases: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://verbatim@127.0.0.1:{self.port}/{dbname}"

    def _cmd(self, *args: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *args]
        return list(args)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            self._cmd(*args), capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            "verbatim",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self, fsync: bool = False) -> None:
        """Start (or restart after `stop`) on the same port. fsync off by default: tests kill
        replicas and stop the server cleanly, never the machine, so nothing relies on it."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c max_connections=200 "
            f"-c fsync={'on' if fsync else 'off'} -c full_page_writes={'on' if fsync else 'off'}"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._databases.append(name)
        return self.url(name)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def destroy(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-m",
            "immediate",
            "stop",
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(fsync: bool = False) -> PostgresCluster:
    """initdb + start on a free loopback port; raises RuntimeError naming what is missing."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found: apt-get install postgresql "
            "(or set VERBATIM_PG_BINDIR to the folder holding initdb and pg_ctl)"
        )
    run_as = None
    if os.geteuid() == 0:
        run_as = os.environ.get("VERBATIM_PG_USER", "postgres")
        try:
            user = pwd.getpwnam(run_as)
        except KeyError as exc:
            raise RuntimeError(f"running as root needs a system user {run_as!r}") from exc
    root = Path(tempfile.mkdtemp(prefix="verbatim-pg-"))
    if run_as:
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PostgresCluster(bindir, root, free_port(), run_as)
    try:
        cluster.init()
        cluster.start(fsync=fsync)
    except subprocess.CalledProcessError as exc:
        log = cluster.log()
        cluster.destroy()
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}\n{log}") from exc
    except BaseException:
        cluster.destroy()
        raise
    return cluster
