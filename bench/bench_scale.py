"""Archive scale on one machine: building the index against opening its snapshot.

    .venv/bin/python bench/bench_scale.py --sizes 10000,100000

For each size, on a real SQLite store in a temporary folder filled with generated articles
(`bench/make_corpus.py`, real paragraphs recombined): the first start (build the index from the
store, then save the snapshot) and a restart (open the snapshot, check it, catch up), each timed
in the same run so the ratio is measured rather than assumed; the snapshot's size against the
article text; the resident memory of a process after a restart; the same verify answers from
both; a restart after writes made since the snapshot (how long catching up takes); and, as the
baseline, a restart of the same store without a snapshot (each restart is a new process, imports
included). Verify latency (p50/p95) is timed in-process on the restarted index and over HTTP on
real gunicorn (`gunicorn.conf.py`, two workers, background index) started on the same data
directory with its snapshot: time from launch to the first `/livez` 200 and to `/readyz` 200, and
each worker's resident memory (RSS, and PSS: the mapped snapshot pages are shared by the workers
and counted once between them). The load average is printed beside each size: the machine is
shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fit_calibration import SEED, split_real  # noqa: E402
from bench.make_corpus import scaled_articles  # noqa: E402
from service.corpus.store import ArticleStore, store_path  # noqa: E402
from service.engine import Verbatim  # noqa: E402
from service.index_snapshot import snapshot_path  # noqa: E402
from service.models import Article  # noqa: E402
from tests.server import launch_server  # noqa: E402

LATE_WRITES = 500
QUOTES = 200
WARM_UP = 20
READY_WAIT_S = 600.0

_RESTART = """
import json, resource, sys, time
t = time.perf_counter()
from service.corpus.store import ArticleStore, store_path
from service.engine import Verbatim
from service.index_snapshot import snapshot_path
data = sys.argv[1]
engine = Verbatim(ArticleStore(store_path(data)), snapshot=snapshot_path(data))
ready = time.perf_counter() - t
print(json.dumps({"ready_s": ready, "source": engine.index_source,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_in_fresh_process(code: str, *argv: str) -> dict:
    """Run `code` in a new interpreter (nothing cached, its own memory) and read the JSON it
    prints last."""
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def restart(data_dir: Path) -> dict:
    """A fresh process opening the store and its snapshot: what a restarted server does."""
    return run_in_fresh_process(_RESTART, str(data_dir))


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "p50_ms": 1e3 * statistics.median(ordered),
        "p95_ms": 1e3 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def timed_verify(verify, quotes: list[str]) -> dict:
    """p50/p95 of `verify(quote)` over `quotes`, after a warm-up on other quotes."""
    for quote in quotes[:WARM_UP]:
        verify(quote[5:])
    seconds = []
    for quote in quotes:
        began = time.perf_counter()
        verify(quote)
        seconds.append(time.perf_counter() - began)
    return percentiles(seconds)


def worker_memory_mb(master: int) -> list[dict]:
    """RSS and PSS of each gunicorn worker (children of `master`), from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    out = []
    for pid in children:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0]) / 1024
        out.append({"rss_mb": fields["Rss"], "pss_mb": fields["Pss"]})
    return out


def served(data_dir: Path, quotes: list[str]) -> dict:
    """Real gunicorn on the store and its snapshot: seconds from launch to /livez and /readyz
    200, verify p50/p95 over HTTP, and each worker's memory."""
    began = time.monotonic()
    server = launch_server({"VERBATIM_DATA_DIR": str(data_dir), "VERBATIM_BACKGROUND_INDEX": "1"})
    livez_s = readyz_s = None
    session = requests.Session()
    try:
        while readyz_s is None and time.monotonic() - began < READY_WAIT_S:
            if server.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{server.log()}")
            try:
                if livez_s is None and session.get(f"{server.url}/livez", timeout=1).ok:
                    livez_s = time.monotonic() - began
                if session.get(f"{server.url}/readyz", timeout=1).status_code == 200:
                    readyz_s = time.monotonic() - began
            except requests.RequestException:
                pass
            time.sleep(0.02)

        def verify(quote: str) -> None:
            answer = session.post(f"{server.url}/v1/verify", json={"quote": quote}, timeout=60)
            answer.raise_for_status()

        latency = timed_verify(verify, quotes)
        memory = worker_memory_mb(server.process.pid)
    finally:
        server.stop()
    return {"livez_s": livez_s, "readyz_s": readyz_s, "http": latency, "workers": memory}


def run_size(size: int, work: Path) -> dict:
    data_dir = work / f"data-{size}"
    store = ArticleStore(store_path(data_dir))
    corpus = list(scaled_articles(split_real()[0], size, SEED))
    store.bulk_upsert(corpus)
    text_mb = sum(len(a.text.encode("utf-8")) for a in corpus) / 2**20
    quotes = [a.text[200:320] for a in corpus[:: max(1, size // QUOTES)] if len(a.text) >= 320]
    del corpus
    gc.collect()

    t = time.perf_counter()
    built = Verbatim(store, snapshot=snapshot_path(data_dir))
    first_start = time.perf_counter() - t
    assert built.index_source == "built"
    build_s = built.index_build_seconds
    answers = [built.verify(q) for q in quotes]
    del built
    gc.collect()

    opened = restart(data_dir)
    assert opened["source"] == "snapshot", opened
    reopened = Verbatim(store, snapshot=snapshot_path(data_dir))
    same = [reopened.verify(q) for q in quotes] == answers
    in_process = timed_verify(reopened.verify, quotes)
    del reopened
    gc.collect()
    load_average = os.getloadavg()[0]
    http = served(data_dir, quotes)

    late = [
        Article(id=f"late-{n:05d}", title=f"Late {n}", text=f"Report {n}: the council met again.")
        for n in range(LATE_WRITES)
    ]
    store.bulk_upsert(late)
    caught_up = restart(data_dir)
    snapshot_mb = snapshot_path(data_dir).stat().st_size / 2**20
    snapshot_path(data_dir).unlink()
    rebuilt = restart(data_dir)  # the baseline: a restart that has to build the index
    assert rebuilt["source"] == "built", rebuilt
    return {
        "size": size,
        "text_mb": text_mb,
        "build_s": build_s,
        "first_start_s": first_start,
        "rate": size / build_s,
        "snapshot_mb": snapshot_mb,
        "rebuild_restart_s": rebuilt["ready_s"],
        "restart_s": opened["ready_s"],
        "restart_rss_mb": opened["rss_mb"],
        "restart_after_writes_s": caught_up["ready_s"],
        "same_answers": same,
        "in_process": in_process,
        "served": http,
        "load_average": load_average,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--work", type=Path, default=None, help="folder for the temporary stores")
    args = parser.parse_args()
    print(
        "| articles | text | index build | build rate | first start (build + save) "
        "| snapshot on disk | restart without snapshot | restart with snapshot | speed-up "
        "| restart RSS "
        f"| restart after {LATE_WRITES} writes | same answers |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            r = run_size(size, Path(tmp))
            print(
                f"| {r['size']:,} | {r['text_mb']:.0f} MB | {r['build_s']:.1f} s "
                f"| {r['rate']:,.0f}/s | {r['first_start_s']:.1f} s | {r['snapshot_mb']:.0f} MB "
                f"| {r['rebuild_restart_s']:.1f} s | {r['restart_s']:.2f} s "
                f"| {r['rebuild_restart_s'] / r['restart_s']:.1f}x "
                f"| {r['restart_rss_mb']:.0f} MB | {r['restart_after_writes_s']:.2f} s "
                f"| {'yes' if r['same_answers'] else 'NO'} |",
                flush=True,
            )
            rows.append(r)
    print()
    print(
        "| articles | text | verify in-process p50 / p95 | over HTTP p50 / p95 "
        "| launch to /livez | launch to /readyz | worker RSS | worker PSS | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        local, http = r["in_process"], r["served"]
        rss = " + ".join(format(w["rss_mb"], ".0f") for w in http["workers"])
        pss = " + ".join(format(w["pss_mb"], ".0f") for w in http["workers"])
        print(
            f"| {r['size']:,} | {r['text_mb']:.0f} MB "
            f"| {local['p50_ms']:.1f} / {local['p95_ms']:.1f} ms "
            f"| {http['http']['p50_ms']:.1f} / {http['http']['p95_ms']:.1f} ms "
            f"| {http['livez_s']:.2f} s | {http['readyz_s']:.2f} s "
            f"| {rss} MB | {pss} MB "
            f"| {r['load_average']:.1f} |"
        )
    for r in rows:
        print(json.dumps(r))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(peak RSS of this process: {peak:.0f} MB)")


if __name__ == "__main__":
    main()
