"""Where a worker's index memory goes: each structure of an opened snapshot, private or mapped.

    .venv/bin/python bench/index_memory.py --sizes 10000,100000

For each size: generated articles (`bench/make_corpus.py`), indexed and saved as a snapshot in a
temporary folder; then a fresh process opens it as a serving process does (two copies,
`load_snapshot_copies`) and reports, per structure of the index (attribute path), the bytes of
Python objects the snapshot unpickled (private to the process and to the copy) and the bytes of
arrays mapped from the file (shared through the page cache), against the article text. Objects
reachable twice are counted once, at the first path met. The process's RSS growth on opening,
and the bytes tracemalloc saw allocated by the opening, are printed beside them as a check.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_OPEN = r"""
import gc, json, sys, tracemalloc
from pathlib import Path
import numpy as np

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

import service.index_snapshot as snap
path = Path(sys.argv[1])
gc.collect()
before = rss_mb()
tracemalloc.start()
copies = snap.load_snapshot_copies(path, 2)
traced = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
after = rss_mb()

ranges = []
for line in open("/proc/self/maps"):
    fields = line.split()
    if len(fields) >= 6 and fields[5] == str(path.resolve()):
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        ranges.append((lo, hi))

def mapped(array):
    at = array.__array_interface__["data"][0]
    return any(lo <= at < hi for lo, hi in ranges)

seen = set()
rows = {}

def add(where, private, shared):
    p, s = rows.get(where, (0, 0))
    rows[where] = (p + private, s + shared)

def walk(obj, where, depth):
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        if obj.base is None or not mapped(obj):
            add(where, sys.getsizeof(obj) + (obj.nbytes if obj.base is not None else 0), 0)
        else:
            add(where, sys.getsizeof(obj), obj.nbytes)
        return
    if isinstance(obj, (memoryview, type, type(len))):
        return
    add(where, sys.getsizeof(obj), 0)
    if isinstance(obj, dict):
        for k, v in obj.items():
            walk(k, where, depth)
            walk(v, where, depth)
        if type(obj) is dict:
            return
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            walk(v, where, depth)
        return
    if isinstance(obj, (str, bytes, bytearray, int, float, bool)) or obj is None:
        return
    attrs = {}
    if hasattr(obj, "__dict__"):
        attrs.update(vars(obj))
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if hasattr(obj, name):
                attrs[name] = getattr(obj, name)
    for name, value in attrs.items():
        walk(value, where + "." + name if depth < 3 else where, depth + 1)

walk(copies[0].matcher, "matcher", 0)
print(json.dumps({"rss_before_mb": before, "rss_after_mb": after, "traced_mb": traced / 2**20,
                  "rows": rows}))
"""


def measure(size: int, work: Path) -> dict:
    from bench.fit_calibration import SEED, split_real
    from bench.make_corpus import scaled_articles
    from service.index_snapshot import save_snapshot
    from service.matching.matcher import Matcher

    corpus = list(scaled_articles(split_real()[0], size, SEED))
    text_mb = sum(len(a.text.encode("utf-8")) for a in corpus) / 2**20
    matcher = Matcher(corpus)
    vocabulary = matcher.vocabulary_size()
    del corpus
    path = work / f"index-{size}.snapshot"
    save_snapshot(path, matcher, 1)
    del matcher
    gc.collect()
    out = subprocess.run(
        [sys.executable, "-c", _OPEN, str(path)], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(size=size, text_mb=text_mb, vocabulary=vocabulary)
    result["snapshot_mb"] = path.stat().st_size / 2**20
    path.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--top", type=int, default=18, help="structures listed per size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            r = measure(size, Path(tmp))
            rows = r["rows"]
            private = sum(p for p, _ in rows.values()) / 2**20
            shared = sum(s for _, s in rows.values()) / 2**20
            print(
                f"\n{size:,} articles, {r['text_mb']:.1f} MB text, {r['vocabulary']:,} words, "
                f"snapshot {r['snapshot_mb']:.0f} MB"
            )
            print(
                f"per copy: private {private:.1f} MB ({private / r['text_mb']:.2f}x text), "
                f"mapped {shared:.1f} MB; opening two copies: RSS +"
                f"{r['rss_after_mb'] - r['rss_before_mb']:.1f} MB, traced {r['traced_mb']:.1f} MB"
            )
            print("| structure | private MB | mapped MB |")
            print("|---|---|---|")
            ranked = sorted(rows.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
            for where, (p, s) in ranked[: args.top]:
                print(f"| {where} | {p / 2**20:.2f} | {s / 2**20:.2f} |")


if __name__ == "__main__":
    main()
