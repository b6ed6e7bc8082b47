"""Swagger UI's files served by us, not a CDN: newsroom networks are often offline."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint

SWAGGER_UI_DIR = Path(swagger_ui_bundle.swagger_ui_path)

blp = Blueprint(
    "docs_assets",
    __name__,
    static_folder=str(SWAGGER_UI_DIR),
    static_url_path="/docs-assets",
)
