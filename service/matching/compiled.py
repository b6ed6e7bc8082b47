"""numba set-up shared by the compiled inner loops (window scan, phrase search, aligner).

Compiled functions are cached on disk so a worker or a test run does not pay the compile again.
numba keeps that cache beside the source; where the installed package is read-only (a container
running as a non-root user) and no NUMBA_CACHE_DIR is given, it goes to the temp directory
instead, since numba refuses to decorate a cached function it has nowhere to keep.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

if "NUMBA_CACHE_DIR" not in os.environ and not os.access(Path(__file__).parent, os.W_OK):
    os.environ["NUMBA_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "verbatim-numba-cache")

import numpy as np
from numba import njit  # (reads NUMBA_CACHE_DIR when first imported)


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
