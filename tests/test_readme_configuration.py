"""The README's configuration table names every environment variable the service reads."""

from __future__ import annotations

import re

from tests.server import ROOT

# Names passed to os.environ / os.getenv / the config helpers, in the code that runs the service.
READ = re.compile(
    r"""(?:environ\.get|environ\.setdefault|getenv|_int_env|_float_env)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|environ\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\]"""
    r"""|["']([A-Z][A-Z0-9_]+)["']\s+(?:not\s+)?in\s+os\.environ"""
)
# Read from the WSGI environ of a request, not from the process environment.
NOT_SETTINGS = {"CONTENT_LENGTH"}


def variables_read() -> set[str]:
    sources = [ROOT / "gunicorn.conf.py", *sorted((ROOT / "service").rglob("*.py"))]
    names: set[str] = set()
    for path in sources:
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            names.add(next(group for group in match.groups() if group))
    return names - NOT_SETTINGS


def configuration_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Configuration\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_the_scan_finds_the_settings_we_know_of() -> None:
    assert {"PORT", "VERBATIM_DATA_DIR", "VERBATIM_CORS_ORIGINS", "VERBATIM_INDEX_WAIT"} <= (
        variables_read()
    )


def test_every_variable_read_is_in_the_readme_configuration_table() -> None:
    section = configuration_section()
    missing = sorted(name for name in variables_read() if f"`{name}`" not in section)
    assert missing == []
