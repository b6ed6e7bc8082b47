"""The numba cache is per version of the matching source: a kernel compiled against another
module's old code is never loaded after that module changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import service.matching
from service.index_snapshot import code_fingerprint
from service.matching.compiled import source_fingerprint

PACKAGE = Path(service.matching.__file__).parent
SHOW_CACHE_DIR = "import os, service.matching.compiled; print(os.environ['NUMBA_CACHE_DIR'])"


def _cache_dir_of(root: Path, numba_cache_dir: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root), "NUMBA_CACHE_DIR": str(numba_cache_dir)}
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_CACHE_DIR], env=env, cwd=root, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


def test_the_cache_directory_is_named_after_the_source(tmp_path: Path) -> None:
    cache = tmp_path / "numba"
    expected = cache / f"verbatim-{source_fingerprint()[:16]}"
    assert _cache_dir_of(PACKAGE.parent.parent, cache) == str(expected)
    assert code_fingerprint() == source_fingerprint()


def test_a_change_to_any_matching_module_moves_the_cache(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE.parent, copy / "service", ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "numba"
    before = _cache_dir_of(copy, cache)
    # A module with no kernel of its own: numba would not notice that it changed.
    token_store = copy / "service" / "matching" / "token_store.py"
    token_store.write_text(token_store.read_text() + "\n# changed\n")
    after = _cache_dir_of(copy, cache)
    assert before != after
    assert Path(before).parent == Path(after).parent == cache
