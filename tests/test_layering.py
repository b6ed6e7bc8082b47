"""Engines are usable without Flask (benchmarks, CLI, other tools); data flows one way."""

import pkgutil
import subprocess
import sys

import service

# Everything but the HTTP layer and the factory that builds it.
HTTP_LAYER = ("service.api", "service.app")


def engine_modules() -> list[str]:
    """Every module of the package outside the HTTP layer, found by walking it."""
    names = [
        info.name
        for info in pkgutil.walk_packages(service.__path__, prefix="service.")
        if not info.name.startswith(HTTP_LAYER)
    ]
    return sorted(names)


def test_discovery_sees_every_engine_package() -> None:
    modules = engine_modules()
    for part in ("matching", "attribution", "corpus"):
        assert any(m.startswith(f"service.{part}.") for m in modules), part
    assert "service.engine" in modules
    assert "service.cli" in modules
    assert not any(m.startswith(HTTP_LAYER) for m in modules)


def test_engine_modules_never_import_flask() -> None:
    code = (
        "import sys\n"
        f"for name in {engine_modules()!r}: __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_engines_never_import_the_http_layer() -> None:
    code = (
        "import sys\n"
        f"for name in {engine_modules()!r}: __import__(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HTTP_LAYER!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_corpus_layer_imports_no_engine_above_it() -> None:
    """Files and the store know nothing of attribution or matching: the importer's write check
    (service/admission.py) is passed in as a callback by the command line and the app."""
    corpus = [m for m in engine_modules() if m.startswith("service.corpus.")]
    above = ("service.attribution", "service.matching", "service.engine", "service.admission")
    code = (
        "import sys\n"
        f"for name in {corpus!r}: __import__(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({above!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
