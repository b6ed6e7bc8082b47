"""The match index saved next to the store, so a restart opens it instead of rebuilding it.

Building the index costs about half a millisecond per article (minutes at 100k); reading it back
costs a few percent of that. A snapshot is one file: a small header (format version, a
fingerprint of the matching code, the store generation it reflects, a SHA-256 of the payload)
and the pickled index. It is used only when all of those match; anything else (missing, written
by other code, truncated, corrupt) is logged and the index is rebuilt, so a bad snapshot can cost
time but never answers. Writes go to a temporary file that replaces the old one atomically: a
crash while saving leaves the previous snapshot intact.

The file is trusted like the store beside it (pickle runs code on load): it lives in the data
directory, which only the service writes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from service.matching.matcher import Matcher

log = logging.getLogger(__name__)

SNAPSHOT_FILENAME = "index.snapshot"
FORMAT_VERSION = 1
_MAGIC = b"VERBATIM-INDEX\n"
_LENGTH = struct.Struct("<Q")


@cache
def code_fingerprint() -> str:
    """A digest of the matching package's source: any change to it may change the index layout."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent / "matching"
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    matcher: Matcher
    generation: int  # the store generation the index reflects


def snapshot_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / SNAPSHOT_FILENAME


def save_snapshot(path: Path, matcher: Matcher, generation: int) -> None:
    """Write the index atomically (temporary file, fsync, rename)."""
    payload = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
    header = pickle.dumps(
        {
            "format": FORMAT_VERSION,
            "code": code_fingerprint(),
            "generation": generation,
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    )
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            fh.write(_LENGTH.pack(len(header)))
            fh.write(header)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_snapshot(path: Path) -> Snapshot | None:
    """The saved index, or None (with the reason logged) when it cannot be trusted."""
    try:
        with path.open("rb") as fh:
            if fh.read(len(_MAGIC)) != _MAGIC:
                return _unusable(path, "not an index snapshot")
            (size,) = _LENGTH.unpack(fh.read(_LENGTH.size))
            header = pickle.loads(fh.read(size))
            if header.get("format") != FORMAT_VERSION or header.get("code") != code_fingerprint():
                return _unusable(path, "written by another version of the matching code")
            payload = fh.read()
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, struct.error, pickle.UnpicklingError) as exc:
        return _unusable(path, f"unreadable ({type(exc).__name__}: {exc})")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        return _unusable(path, "truncated or corrupt (checksum mismatch)")
    matcher = pickle.loads(payload)
    if not isinstance(matcher, Matcher):
        return _unusable(path, "holds no index")
    return Snapshot(matcher, int(header["generation"]))


def _unusable(path: Path, reason: str) -> None:
    log.warning("index snapshot %s not used: %s; rebuilding the index", path, reason)
    return None
