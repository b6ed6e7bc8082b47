"""The match index saved next to the store, so a restart opens it instead of rebuilding it.

Building the index costs about half a millisecond per article (minutes at 100k). A snapshot is
one file: a small header (format version, a fingerprint of the matching code, the store
generation it reflects, a CRC-32 of each part), the pickled index with its per-article objects
packed into flat arrays (`service.matching.packed`), and those arrays stored out of band (pickle
protocol 5) at page-aligned offsets, so opening maps them from the file rather than reading and
unpickling them: all workers and restarts share one copy in the page cache. The snapshot is used
only when all of the header matches and every checksum holds (CRC-32 per part, as Lucene checks
its segment files: it catches truncation and damage, at several GB/s); anything else (missing,
written by other code, truncated, corrupt) is logged and the index is rebuilt, so a bad snapshot
can cost time but never answers. Writes go to a temporary file that replaces the old one
atomically: a crash while saving leaves the previous snapshot intact, and a process that has
the old one mapped keeps reading it (the replaced file lives on until it is unmapped).

The file is trusted like the store beside it (pickle runs code on load): it lives in the data
directory, which only the service writes.
"""

from __future__ import annotations

import logging
import mmap
import os
import pickle
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from service.matching.compiled import source_fingerprint
from service.matching.matcher import Matcher

log = logging.getLogger(__name__)

SNAPSHOT_FILENAME = "index.snapshot"
FORMAT_VERSION = 3
_MAGIC = b"VERBATIM-INDEX\n"
_LENGTH = struct.Struct("<Q")


def code_fingerprint() -> str:
    """A digest of the matching package's source: any change to it may change the index layout."""
    return source_fingerprint()


@dataclass(frozen=True, slots=True)
class Snapshot:
    matcher: Matcher
    generation: int  # the store generation the index reflects


def snapshot_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / SNAPSHOT_FILENAME


def save_snapshot(path: Path, matcher: Matcher, generation: int) -> None:
    """Write the index atomically (temporary file, fsync, rename).

    Layout: magic, header length, header (pickled dict), the pickle stream, then every large
    array out of band (pickle protocol 5), each at a page-aligned offset so it can be mapped.
    """
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(matcher, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    table, offset = [], 0
    for raw in raws:
        offset = _aligned(offset)
        table.append((offset, raw.nbytes, zlib.crc32(raw)))
        offset += raw.nbytes
    header = pickle.dumps(
        {
            "format": FORMAT_VERSION,
            "code": code_fingerprint(),
            "generation": generation,
            "stream": (len(stream), zlib.crc32(stream)),
            "buffers": table,  # (offset from the data start, bytes, CRC-32)
        }
    )
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            fh.write(_LENGTH.pack(len(header)))
            fh.write(header)
            fh.write(stream)
            data_start = _aligned(fh.tell())
            for raw, (at, _, _) in zip(raws, table, strict=True):
                fh.seek(data_start + at)
                fh.write(raw)
            fh.truncate(data_start + offset)  # (a trailing empty buffer leaves no bytes)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_snapshot(path: Path) -> Snapshot | None:
    """The saved index, or None (with the reason logged) when it cannot be trusted.

    The arrays are not read but mapped from the file, copy-on-write (MAP_PRIVATE): pages are
    shared with the page cache and every other process mapping the file, and a process that
    changes an array (a write applied to its index) gets its own copy of that page only.
    """
    loaded = load_snapshot_copies(path, 1)
    return None if loaded is None else loaded[0]


def load_snapshot_copies(path: Path, copies: int) -> list[Snapshot] | None:
    """`copies` independent indexes from one saved snapshot, checked once: each maps the file
    on its own (a change to one copy's pages is never seen by another), all from the same
    open file, so they are the same snapshot even if the file is replaced meanwhile."""
    try:
        with path.open("rb") as fh:
            header, unusable = _read_header(fh)
            if header is None:
                return _unusable(path, unusable)
            stream_size, stream_crc = header["stream"]
            stream = fh.read(stream_size)
            data_start = _aligned(fh.tell())
            table = header["buffers"]
            end = data_start + max((at + n for at, n, _ in table), default=0)
            if len(stream) != stream_size or os.fstat(fh.fileno()).st_size < end:
                return _unusable(path, "truncated or corrupt (checksum mismatch)")
            maps = [
                mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY) if table else b""
                for _ in range(copies)
            ]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, KeyError, struct.error, pickle.UnpicklingError) as exc:
        return _unusable(path, f"unreadable ({type(exc).__name__}: {exc})")
    views = [memoryview(mapped) for mapped in maps]
    buffers = [[v[data_start + at : data_start + at + n] for at, n, _ in table] for v in views]
    if zlib.crc32(stream) != stream_crc or any(
        zlib.crc32(b) != crc for b, (_, _, crc) in zip(buffers[0], table, strict=True)
    ):
        return _unusable(path, "truncated or corrupt (checksum mismatch)")
    matchers = [pickle.loads(stream, buffers=own) for own in buffers]
    if not all(isinstance(matcher, Matcher) for matcher in matchers):
        return _unusable(path, "holds no index")
    return [Snapshot(matcher, int(header["generation"])) for matcher in matchers]


def saved_generation(path: Path) -> int | None:
    """The store generation the snapshot at `path` reflects, from its header alone (no arrays
    read, nothing checked but the header): for a process polling for a newer snapshot. None
    when there is none or it was written by other code."""
    try:
        with path.open("rb") as fh:
            header, _ = _read_header(fh)
    except (OSError, ValueError, EOFError, struct.error, pickle.UnpicklingError):
        return None
    return None if header is None else int(header["generation"])


def _read_header(fh: BinaryIO) -> tuple[dict | None, str]:
    """The header of the snapshot open as `fh` (left just after it), or None and why it is
    not one this code can use."""
    if fh.read(len(_MAGIC)) != _MAGIC:
        return None, "not an index snapshot"
    (size,) = _LENGTH.unpack(fh.read(_LENGTH.size))
    header = pickle.loads(fh.read(size))
    if header.get("format") != FORMAT_VERSION or header.get("code") != code_fingerprint():
        return None, "written by another version of the matching code"
    return header, ""


def _aligned(offset: int) -> int:
    return -(-offset // mmap.PAGESIZE) * mmap.PAGESIZE


def _unusable(path: Path, reason: str) -> None:
    log.warning("index snapshot %s not used: %s; rebuilding the index", path, reason)
    return None
