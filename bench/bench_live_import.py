"""Importing into a running server: does verify stay up, and when are the new articles found?

    .venv/bin/python bench/bench_live_import.py --base 100000 --import-size 20000

A real SQLite store of `--base` generated articles (`bench/make_corpus.py`) with its index
snapshot, served by real gunicorn (`gunicorn.conf.py`, two workers, background index) on a
loopback port. `/v1/verify` is probed every 100 ms with quotes from the base articles for a
baseline period, then throughout a `verbatim import` of `--import-size` new articles, and after
it until a quote from the last imported article is found (or `--wait` seconds pass). Reported:
p50 / p99 / max latency and errors before and during/after the import (the baseline is the same
server in the same run), how long the import took, and the delay from its end until the imported
articles are found.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
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
from tests.server import start_server  # noqa: E402

PROBE_EVERY = 0.1
FOUND_EVERY = 0.5
BASELINE_S = 10.0
VERBATIM_CLI = Path(sys.executable).with_name("verbatim")


class Prober:
    """Verify every PROBE_EVERY seconds in a thread, recording (time, latency, status)."""

    def __init__(self, url: str, quotes: list[str]) -> None:
        self.url = url
        self.quotes = quotes
        self.samples: list[tuple[float, float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        session = requests.Session()
        n = 0
        while not self._stop.is_set():
            began = time.monotonic()
            quote = self.quotes[n % len(self.quotes)]
            n += 1
            try:
                status = session.post(
                    f"{self.url}/v1/verify", json={"quote": quote}, timeout=60
                ).status_code
            except requests.RequestException:
                status = 0
            self.samples.append((began, time.monotonic() - began, status))
            self._stop.wait(max(0.0, PROBE_EVERY - (time.monotonic() - began)))


def summary(samples: list[tuple[float, float, int]]) -> dict:
    latencies = sorted(s[1] for s in samples)
    if not latencies:
        return {"n": 0}
    return {
        "n": len(latencies),
        "p50_ms": 1e3 * statistics.median(latencies),
        "p99_ms": 1e3 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max_ms": 1e3 * latencies[-1],
        "errors": sum(1 for s in samples if s[2] != 200),
    }


def marker(n: int) -> str:
    return f"Import record {n:06d} was filed by the night desk in harbour ward {n % 97}"


def found(url: str, quote: str, article_id: str) -> bool:
    try:
        answer = requests.post(f"{url}/v1/verify", json={"quote": quote}, timeout=60).json()
    except (requests.RequestException, ValueError):
        return False
    match = answer.get("match") or {}
    return (match.get("article") or {}).get("id") == article_id


def run(base: int, import_size: int, wait: float, work: Path) -> dict:
    data_dir = work / "data"
    store = ArticleStore(store_path(data_dir))
    corpus = list(scaled_articles(split_real()[0], base, SEED))
    store.bulk_upsert(corpus)
    quotes = [a.text[200:320] for a in corpus[:: max(1, base // 50)]]
    del corpus
    Verbatim(store, snapshot=snapshot_path(data_dir))  # the index snapshot the server opens
    new = list(scaled_articles(split_real()[0], import_size, SEED + 1))
    import_file = work / "import.jsonl"
    with import_file.open("w", encoding="utf-8") as out:
        for n, article in enumerate(new):
            # Generated articles reuse real paragraphs: a sentence of its own makes each new
            # article findable as itself, not as an older copy of the same words.
            text = f"{marker(n)}. {article.text}"
            record = {"id": f"imported-{n:06d}", "title": article.title, "text": text}
            out.write(json.dumps(record) + "\n")
    last_id, last_quote = f"imported-{len(new) - 1:06d}", marker(len(new) - 1)
    del new

    server = start_server(
        {"VERBATIM_DATA_DIR": str(data_dir), "VERBATIM_BACKGROUND_INDEX": "1"}, timeout=300
    )
    try:
        prober = Prober(server.url, quotes)
        prober.start()
        time.sleep(BASELINE_S)
        import_began = time.monotonic()
        subprocess.run(
            [str(VERBATIM_CLI), "--data-dir", str(data_dir), "import", str(import_file), "-q"],
            check=True,
            capture_output=True,
        )
        import_ended = time.monotonic()
        found_at = None
        while time.monotonic() - import_ended < wait:
            if found(server.url, last_quote, last_id):
                found_at = time.monotonic()
                break
            time.sleep(FOUND_EVERY)
        time.sleep(2.0)  # a little of the settled state too
        prober.stop()
    finally:
        server.stop()
    before = [s for s in prober.samples if s[0] < import_began]
    after = [s for s in prober.samples if s[0] >= import_began]
    return {
        "base": base,
        "imported": import_size,
        "import_s": import_ended - import_began,
        "found_after_import_s": None if found_at is None else found_at - import_ended,
        "baseline": summary(before),
        "during_and_after": summary(after),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--import-size", type=int, default=20_000)
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the import")
    parser.add_argument("--log", type=Path, help="keep the server's log here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = run(args.base, args.import_size, args.wait, Path(tmp))
        finally:
            if args.log is not None and (Path(tmp) / "data" / "server.log").exists():
                args.log.write_bytes((Path(tmp) / "data" / "server.log").read_bytes())
    b, d = result["baseline"], result["during_and_after"]
    print(
        f"{result['base']:,} articles served; {result['imported']:,} imported in "
        f"{result['import_s']:.1f} s; found {result['found_after_import_s']} s after the import"
    )
    print("| verify probes | n | p50 | p99 | max | errors |")
    print("|---|---|---|---|---|---|")
    for label, s in (("before the import", b), ("during and after", d)):
        print(
            f"| {label} | {s['n']} | {s.get('p50_ms', 0):.1f} ms | {s.get('p99_ms', 0):.1f} ms "
            f"| {s.get('max_ms', 0):.1f} ms | {s.get('errors', 0)} |"
        )
    if b.get("p50_ms"):
        print(f"p50 during/after vs before: {d['p50_ms'] / b['p50_ms']:.2f}x")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
