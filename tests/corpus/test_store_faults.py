"""Faults of the disk under the store, named instead of ending in a 500 or a traceback.

A full disk is a real small filesystem (tmpfs, mounted by the test: root only, hence the skip
otherwise), filled with a filler file; PostgreSQL's tables sit in a tablespace on one. Writes then
answer 507 problem+json through the real app, the CLI import exits 4, and afterwards the store is
intact, readable and writable again once there is space. A corrupt, unreadable or read-only store
stops `gunicorn` and `verbatim` at start with one line that names the file and the cause.
"""

from __future__ import annotations

import errno
import os
import pwd
import random
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask

from service.api.context import engine_of
from service.cli import main
from service.corpus.store import ArticleStore, store_path
from service.models import Article
from tests.postgres import PostgresCluster
from tests.server import GUNICORN, ROOT, free_port

API_KEY = "faults-test-key-0123456789"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
STORE_FULL_DETAIL = (
    "The store is full: this write was not stored, and nothing stored before it was lost. "
    "Reads still work; retry the write once the operator has freed disk space."
)
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="mounting a small tmpfs (and running as another user) needs root"
)


def made_up_text(seed: str, words: int) -> str:
    """Sentences of made-up words: each article's quotes have exactly one source."""
    rng = random.Random(seed)
    out = []
    for n in range(words):
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(3))
        out.append(word + ("." if n % 12 == 11 else ""))
    return " ".join(out)


@pytest.fixture
def mount_small_fs() -> Iterator[Callable[..., Path]]:
    """mount(size, owner=None) -> a fresh tmpfs of `size` (e.g. '4m'), unmounted at the end.

    Under /tmp in a folder anyone may traverse, so another user (postgres, nobody) can reach it.
    """
    mounted: list[Path] = []

    def mount(size: str, owner: str | None = None) -> Path:
        parent = Path(tempfile.mkdtemp(prefix="verbatim-smallfs-"))
        parent.chmod(0o755)
        point = parent / "fs"
        point.mkdir()
        options = f"size={size},mode=0755"
        if owner:
            user = pwd.getpwnam(owner)
            options += f",uid={user.pw_uid},gid={user.pw_gid},mode=0700"
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], check=True)
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)
        point.rmdir()
        point.parent.rmdir()


def _write_until_error(path: Path, size: int) -> int | None:
    """Append `size`-byte blocks to `path` until a write fails; that write's errno."""
    with path.open("ab", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * size)
        except OSError as exc:
            return exc.errno


def fill(folder: Path) -> Path:
    """Fill the filesystem holding `folder` to the last byte; the filler's path (delete it to
    free the space)."""
    filler = folder / "filler.bin"
    assert _write_until_error(filler, 65536) == errno.ENOSPC
    assert _write_until_error(filler, 1) == errno.ENOSPC  # (a short write leaves a few bytes)
    return filler


def tiny_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "first.txt").write_text(
        "Title: First report\n\n" + made_up_text("seed", 60) + "\n", encoding="utf-8"
    )
    return folder


def check_full_disk_through_the_api(app: Flask, disk: Path) -> None:
    """Writes on a full disk answer 507; reads, the index and the stored texts are untouched;
    once space is freed the same write succeeds."""
    client = app.test_client()
    kept = {f"kept-{n}": made_up_text(f"kept-{n}", 200) for n in range(3)}
    for article_id, text in kept.items():
        response = client.put(
            f"/v1/articles/{article_id}", json={"title": article_id, "text": text}, headers=AUTH
        )
        assert response.status_code == 201, response.get_json()
    total = client.get("/v1/articles").get_json()["total"]
    generation = client.get("/version").get_json()["generation"]

    big = made_up_text("big", 60_000)  # ~0.7 MB: more than any journal has room for
    filler = fill(disk)
    refused = [
        client.put("/v1/articles/too-big", json={"title": "Too big", "text": big}, headers=AUTH),
        client.post(
            "/v1/articles", json={"id": "too-big", "title": "Too big", "text": big}, headers=AUTH
        ),
        client.put("/v1/articles/kept-0", json={"title": "kept-0", "text": big}, headers=AUTH),
    ]
    for response in refused:
        assert response.status_code == 507, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["title"] == "Insufficient Storage"
        assert body["status"] == 507
        assert body["detail"] == STORE_FULL_DETAIL

    # Nothing lost, nothing half-written: the same articles, texts and generation as before.
    assert client.get("/v1/articles/too-big").status_code == 404
    assert client.get("/v1/articles").get_json()["total"] == total
    assert client.get("/version").get_json()["generation"] == generation
    for article_id, text in kept.items():
        assert client.get(f"/v1/articles/{article_id}").get_json()["text"] == text
    quote = " ".join(kept["kept-0"].split()[24:36])
    verified = client.post("/v1/verify", json={"quote": quote}).get_json()
    assert verified["verdict"] == "verbatim"
    assert verified["match"]["article"]["id"] == "kept-0"

    filler.unlink()
    response = client.put(
        "/v1/articles/too-big", json={"title": "Too big", "text": big}, headers=AUTH
    )
    assert response.status_code == 201
    assert client.get("/v1/articles/too-big").get_json()["text"] == big


@needs_root
def test_sqlite_full_disk_answers_507_and_loses_nothing(mount_small_fs, tmp_path):
    disk = mount_small_fs("3m")
    data_dir = disk / "data"
    app = _app(data_dir, tiny_corpus(tmp_path / "corpus"))
    try:
        check_full_disk_through_the_api(app, disk)
    finally:
        assert engine_of(app).stop()
    engine_of(app).store.close()
    with sqlite3.connect(store_path(data_dir)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5


@needs_root
def test_postgres_full_tablespace_answers_507_and_loses_nothing(
    mount_small_fs, tmp_path, pg_cluster: PostgresCluster
):
    owner = pg_cluster.run_as or pwd.getpwuid(os.geteuid()).pw_name
    disk = mount_small_fs("3m", owner=owner)
    url = pg_cluster.new_database()
    tablespace = f"small_{free_port()}"
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {tablespace} LOCATION '{disk}'")
        # Every table the migrations create lands on the small disk; the catalog stays off it.
        dbname = url.rsplit("/", 1)[1]
        conn.execute(f'ALTER DATABASE "{dbname}" SET default_tablespace = {tablespace}')
    (tmp_path / "data").mkdir()  # (the index snapshot lives there)
    app = _app(tmp_path / "data", tiny_corpus(tmp_path / "corpus"), database_url=url)
    try:
        check_full_disk_through_the_api(app, disk)
    finally:
        assert engine_of(app).stop()
        engine_of(app).store.close()
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5
            generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'")
            assert generation.fetchone()[0] == 5
    finally:
        # The cluster is shared by the session and its small disk goes away after this test: a
        # tablespace left pointing at it would stop the cluster's next start.
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{dbname}"')
            conn.execute(f"DROP TABLESPACE {tablespace}")


@needs_root
def test_cli_import_on_a_full_disk_exits_4_and_keeps_every_committed_batch(
    mount_small_fs, tmp_path, capsys
):
    disk = mount_small_fs("2m")
    data_dir = disk / "data"
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    texts = {}
    for n in range(40):  # 40 x ~120 KB: about twice the disk
        texts[f"report-{n:02d}"] = made_up_text(f"report-{n}", 10_000)
        (incoming / f"report-{n:02d}.txt").write_text(
            f"Title: Report {n}\n\n{texts[f'report-{n:02d}']}\n", encoding="utf-8"
        )

    assert main(["--data-dir", str(data_dir), "import", "-q", "--batch-size", "4", str(incoming)])
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"verbatim: The store at {store_path(data_dir)} is full (no space left on its disk): "
        "the write was not stored, and nothing stored before it was lost. Every batch committed "
        "before it is kept: free some space and run the same import again (articles already "
        "stored are skipped)."
    ]
    store = ArticleStore(store_path(data_dir))
    stored = {a.id: a.text for a in store.iter_all()}
    assert 0 < len(stored) < 40
    assert len(stored) % 4 == 0  # whole batches only
    assert all(texts[article_id] + "\n" == text for article_id, text in stored.items())
    assert store._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def _app(data_dir: Path, corpus: Path, **extra: object) -> Flask:
    from service import create_app

    config = {
        "VERBATIM_DATA_DIR": str(data_dir),
        "VERBATIM_CORPUS_DIR": str(corpus),
        "VERBATIM_API_KEY": API_KEY,
        "TESTING": True,
    }
    if "database_url" in extra:
        config["VERBATIM_DATABASE_URL"] = extra["database_url"]
    return create_app(config)


# -- a store that cannot be opened at start ------------------------------------------------------


# Root without the capabilities that let it read and write any file regardless of its mode.
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
NOBODY = pwd.getpwnam("nobody")


def _start(data_dir: Path, unprivileged: bool = False) -> subprocess.CompletedProcess:
    """gunicorn as `make run` starts it, to the end (it must exit by itself)."""
    env = {
        **os.environ,
        "VERBATIM_DATA_DIR": str(data_dir),
        "WEB_CONCURRENCY": "1",
        "PORT": str(free_port()),
        "HOME": "/tmp",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "service:create_app()"]
    if unprivileged:
        command = [*UNPRIVILEGED, *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _cli(data_dir: Path, unprivileged: bool = False) -> subprocess.CompletedProcess:
    command = [str(GUNICORN.with_name("verbatim")), "--data-dir", str(data_dir), "export"]
    if unprivileged:
        command = [*UNPRIVILEGED, *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/tmp")


def _one_line(result: subprocess.CompletedProcess) -> str:
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def _stored_store(data_dir: Path) -> Path:
    store = ArticleStore(store_path(data_dir))
    store.create(Article(id="kept", title="Kept", text="Kept safe."))
    store.close()
    return store_path(data_dir)


def test_corrupt_store_stops_the_start_with_one_line_naming_it(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = store_path(data_dir)
    path.write_bytes(b"these are not the pages of a database\n" * 200)

    served = _start(data_dir)
    assert served.returncode == 1
    assert _one_line(served) == (
        f"Error: the store {path} is corrupt or not an SQLite database (file is not a "
        "database): restore it from a backup, or move it away to start with an empty store"
    )
    cli = _cli(data_dir)
    assert cli.returncode == 3
    assert _one_line(cli) == (
        f"verbatim: the store {path} is corrupt or not an SQLite database (file is not a "
        "database): restore it from a backup, or move it away to start with an empty store"
    )
    assert path.read_bytes() == b"these are not the pages of a database\n" * 200  # untouched


@needs_root
def test_unreadable_store_stops_the_start_with_one_line_naming_it(tmp_path):
    """The store belongs to another user; the server runs as root without the capability to
    override file permissions (as a container's unprivileged user would be)."""
    data_dir = tmp_path / "data"
    path = _stored_store(data_dir)
    os.chown(data_dir, NOBODY.pw_uid, NOBODY.pw_gid)
    os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    path.chmod(0o600)
    data_dir.chmod(0o755)  # the folder may be read, not written
    for result, prefix, status in (
        (_start(data_dir, unprivileged=True), "Error: ", 1),
        (_cli(data_dir, unprivileged=True), "verbatim: ", 3),
    ):
        assert result.returncode == status
        assert _one_line(result) == (
            f"{prefix}the store {path} cannot be opened: permission denied on {data_dir} for "
            "user root; the store needs write access to its folder (for the -wal and -shm files)"
        )
    data_dir.chmod(0o777)  # now only the file itself is out of reach
    for result, prefix, status in (
        (_start(data_dir, unprivileged=True), "Error: ", 1),
        (_cli(data_dir, unprivileged=True), "verbatim: ", 3),
    ):
        assert result.returncode == status
        assert _one_line(result) == (
            f"{prefix}the store {path} cannot be opened: permission denied on {path} for user "
            "root; the store needs read and write access to the file"
        )
    assert sorted(p.name for p in data_dir.iterdir()) == ["verbatim.sqlite3"]


@needs_root
def test_read_only_store_stops_the_start_with_one_line_naming_it(mount_small_fs):
    disk = mount_small_fs("4m")
    data_dir = disk / "data"
    path = _stored_store(data_dir)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    for result, prefix, status in (
        (_start(data_dir), "Error: ", 1),
        (_cli(data_dir), "verbatim: ", 3),
    ):
        assert result.returncode == status
        assert _one_line(result) == (
            f"{prefix}the store {path} is on a read-only filesystem ({data_dir} is on a "
            "read-only mount): the store writes beside the file (its -wal and -shm journals), so "
            "its folder must be writable"
        )
    subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
    store = ArticleStore(path)
    assert store.get("kept") == Article(id="kept", title="Kept", text="Kept safe.")
    store.close()
