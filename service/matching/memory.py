"""Handing memory the process has freed back to the operating system.

glibc's allocator keeps freed heap for reuse, so a worker whose index shrank (a vocabulary
compaction dropping the words of replaced articles) would otherwise keep its peak size for good.
"""

from __future__ import annotations

import ctypes

try:
    _MALLOC_TRIM = ctypes.CDLL(None).malloc_trim  # glibc only
    _MALLOC_TRIM.argtypes = [ctypes.c_size_t]
    _MALLOC_TRIM.restype = ctypes.c_int
except (AttributeError, OSError):  # musl, macOS: their allocators return memory themselves
    _MALLOC_TRIM = None


def release_free_heap() -> None:
    """Let glibc return the free pages of its heap to the system (what was freed by reference
    counting; no garbage collection here, it would pause every thread of a large worker)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
