"""Shared fixtures: the real app factory on a throw-away store, and its test client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.config import BUNDLED_CORPUS
from tests.postgres import PostgresCluster, start_cluster

SEED_ID = "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine"
SEED_PATH = BUNDLED_CORPUS / "seed" / "000_905687e090b6f006.txt"
TEST_API_KEY = "test-key-0123456789"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app over the bundled corpus for read-only tests (indexing once keeps the suite fast)."""
    data_dir = tmp_path_factory.mktemp("data")
    return create_app({"VERBATIM_DATA_DIR": str(data_dir), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Build a fresh app on its own store, for tests that write or use a custom corpus."""

    def build(**config: object) -> Flask:
        settings = {"VERBATIM_DATA_DIR": str(tmp_path / "data"), "TESTING": True}
        settings.update(config)
        return create_app(settings)

    return build


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One throw-away PostgreSQL server for the session (tests/postgres.py), stopped at the end."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return pg_cluster.new_database()
