"""Print the OpenAPI document the app serves at /openapi.json (`make openapi` commits it).

The committed `openapi.json` lets client authors read the contract without running the service,
and a test compares it with the live spec so contract drift fails CI.
"""

from __future__ import annotations

import json
import sys
import tempfile
from typing import Any


def openapi_document() -> dict[str, Any]:
    """The app's spec, built on a throw-away store (no `var/` left behind)."""
    from service import create_app

    with tempfile.TemporaryDirectory(prefix="verbatim-openapi-") as data_dir:
        app = create_app({"VERBATIM_DATA_DIR": data_dir})
        return app.extensions["verbatim_api"].spec.to_dict()


def render(document: dict[str, Any]) -> str:
    """Stable text (sorted keys, fixed indent) so diffs show only real contract changes."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(render(openapi_document()))


if __name__ == "__main__":
    main()
