"""The committed openapi.json is the document the app serves: contract drift fails CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from service.api.openapi_export import render

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "openapi.json"


def test_committed_document_matches_the_app(app: Flask) -> None:
    live = render(app.extensions["verbatim_api"].spec.to_dict())
    assert COMMITTED.read_text(encoding="utf-8") == live, (
        "openapi.json is out of date: run `make openapi` and commit the result"
    )


def test_served_document_is_the_exported_one(client: FlaskClient) -> None:
    served = client.get("/openapi.json").get_json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_export_command_prints_the_document() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service.api.openapi_export"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout) == json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert result.stdout.endswith("}\n")
