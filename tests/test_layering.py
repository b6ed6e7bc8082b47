"""The engines must be usable without Flask (benchmarks, CLI, other tools)."""

import subprocess
import sys

ENGINE_MODULES = [
    "service.engine",
    "service.matcher",
    "service.attribution",
    "service.names",
    "service.store",
    "service.corpus_files",
    "service.paragraphs",
    "service.importer",
    "service.import_files",
    "service.cli",
    "service.token_store",
    "service.word_index",
    "service.align",
    "service.scoring",
    "service.normalise",
    "service.quote_marks",
    "service.transcripts",
]


def test_engine_modules_never_import_flask() -> None:
    code = (
        "import sys\n"
        f"for name in {ENGINE_MODULES!r}: __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
