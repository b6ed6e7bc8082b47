"""numba set-up shared by the compiled inner loops (window scan, phrase search, aligner).

Compiled functions are cached on disk so a worker or a test run does not pay the compile again.
numba keys a cached function on its own source file only, so a kernel that calls a kernel of
another module (or reads an array whose dtype another module chose) would be loaded stale after
that other module changed, and give wrong answers without an error. The cache therefore lives in
a directory named after a digest of this whole package's source: any change to it starts a fresh
cache. The directory is under NUMBA_CACHE_DIR when given (the container sets it), else beside
the source; where the installed package is read-only (a container running as a non-root user)
it goes to the temp directory, since numba refuses to decorate a cached function it has nowhere
to keep.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """A digest of the matching package's source (every module, by name and content)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_dir() -> Path:
    if os.environ.get("NUMBA_CACHE_DIR"):
        base = Path(os.environ["NUMBA_CACHE_DIR"])
    elif os.access(_PACKAGE, os.W_OK):
        base = _PACKAGE / "__pycache__"
    else:
        base = Path(tempfile.gettempdir()) / "verbatim-numba-cache"
    return base / f"verbatim-{source_fingerprint()[:16]}"


os.environ["NUMBA_CACHE_DIR"] = str(_cache_dir())

import numpy as np  # noqa: E402 (after the cache directory is chosen)
from numba import njit  # noqa: E402 (reads NUMBA_CACHE_DIR when first imported)


def kernel(signature: str | list[str]) -> Callable[[Callable], Callable]:
    """Compile a function for its signature (or each of a few) when its module is imported.

    Why signatures: compiled lazily, each new combination of argument types (a contiguous
    array here, a slice there) compiles or loads another version in the middle of a request;
    with the signatures given, gunicorn's master does all of it before forking.
    nogil: a worker with threads can run two queries' kernels at once.
    """
    return njit(signature, cache=True, nogil=True)


@kernel("int64(int64[::1], int64)")
def first_at_least(ordered: np.ndarray, value: int) -> int:  # pragma: no cover - compiled
    """np.searchsorted(ordered, value) for one value. Called per article word by other kernels,
    where numba's searchsorted costs several times more than this loop."""
    lo, hi = 0, ordered.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if ordered[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo
