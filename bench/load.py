"""Load test: the real gunicorn server on loopback, driven by locust (headless, in-process).

Three timed phases against one server start:
  1. `GET /livez` only: the ceiling of the stack (gunicorn + Flask + logging + metrics, no work);
  2. `POST /v1/verify` only (exact, altered and fabricated quotes from the bundled corpus);
  3. a realistic mix: verify, batch verify, extract, article list and article reads.
Each phase prints throughput, p50/p95/p99 latency and errors; verify throughput is also given as a
ratio of the /livez ceiling. Worker RSS is read before and after the phases with worker recycling
switched off (GUNICORN_MAX_REQUESTS=0), so a leak would show as growth instead of being hidden by
restarts. Users are closed-loop with no think time: the figures are saturation throughput, and
the load generator shares the machine's cores with the server.

    .venv/bin/python bench/load.py [--duration 20] [--users 8] [--workers N] [--json]
"""

from __future__ import annotations

# locust patches the standard library with gevent when imported; import it before anything else.
from locust import FastHttpUser, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import gevent
import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import Server, start_server  # noqa: E402

PERCENTILES = (0.5, 0.95, 0.99)
BATCH_SIZE = 10
MIN_QUOTE_CHARS = 30
# Words that turn an exact quote into an altered one (changed / inserted words).
ALTERATIONS = ("never", "really", "not", "absolutely", "all")


@dataclass
class Workload:
    """Request bodies drawn from the served corpus, fixed before the timed phases start."""

    exact: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    fabricated: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def any_quote(self, rng: random.Random) -> str:
        pool = rng.choice((self.exact, self.exact, self.altered, self.altered, self.fabricated))
        return rng.choice(pool)


def alter(quote: str, rng: random.Random) -> str:
    """Drop one word and change another, as a misremembered quote would."""
    words = quote.split()
    if len(words) > 4:
        del words[rng.randrange(1, len(words) - 1)]
    words[rng.randrange(len(words))] = rng.choice(ALTERATIONS)
    return " ".join(words)


def fabricate(quotes: list[str], rng: random.Random) -> str:
    """Real vocabulary in an order no article contains."""
    words = [w for q in rng.sample(quotes, min(4, len(quotes))) for w in q.split()]
    rng.shuffle(words)
    return " ".join(words[:25])


def build_workload(base_url: str, seed: int = 7, max_articles: int = 60) -> Workload:
    rng = random.Random(seed)
    page = requests.get(f"{base_url}/v1/articles", params={"limit": 200}, timeout=30).json()
    ids = [a["id"] for a in page["items"] if a["quote_count"] > 0]
    rng.shuffle(ids)
    load = Workload(article_ids=[a["id"] for a in page["items"]])
    for article_id in ids[:max_articles]:
        article = requests.get(f"{base_url}/v1/articles/{article_id}", timeout=30).json()
        load.texts.append(article["text"])
        for quote in article["quotes"]:
            if quote["kind"] == "direct" and len(quote["text"]) >= MIN_QUOTE_CHARS:
                load.exact.append(quote["text"][:2000])
    if not load.exact:
        raise RuntimeError("the served corpus has no direct quotes to verify")
    load.altered = [alter(q, rng) for q in load.exact]
    load.fabricated = [fabricate(load.exact, rng) for _ in range(len(load.exact))]
    return load


WORKLOAD = Workload()


class LivezUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def livez(self) -> None:
        self.client.get("/livez")


class VerifyUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(id(self))

    @task
    def verify(self) -> None:
        self.client.post("/v1/verify", json={"quote": WORKLOAD.any_quote(self.rng)})


class MixedUser(FastHttpUser):
    """A newsroom's traffic: mostly single verifies, some batches, extraction and reads."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(id(self))

    @task(10)
    def verify(self) -> None:
        self.client.post("/v1/verify", json={"quote": WORKLOAD.any_quote(self.rng)})

    @task(2)
    def verify_with_speaker(self) -> None:
        body = {"quote": self.rng.choice(WORKLOAD.exact), "speaker": "Donald Trump", "limit": 5}
        self.client.post("/v1/verify", json=body, name="/v1/verify (speaker, limit 5)")

    @task(1)
    def batch(self) -> None:
        items = [{"quote": WORKLOAD.any_quote(self.rng)} for _ in range(BATCH_SIZE)]
        self.client.post("/v1/verify/batch", json={"items": items}, name="/v1/verify/batch (10)")

    @task(2)
    def extract(self) -> None:
        self.client.post("/v1/extract", json={"text": self.rng.choice(WORKLOAD.texts)})

    @task(2)
    def list_articles(self) -> None:
        offset = self.rng.randrange(0, max(1, len(WORKLOAD.article_ids)))
        self.client.get(f"/v1/articles?offset={offset}&limit=20", name="/v1/articles")

    @task(3)
    def read_article(self) -> None:
        article_id = self.rng.choice(WORKLOAD.article_ids)
        self.client.get(f"/v1/articles/{article_id}", name="/v1/articles/{id}")


def run_phase(user_class: type, host: str, users: int, seconds: float) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    rows = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        rows[f"{method} {name}"] = summarise(entry)
    errors = [
        f"{e.method} {e.name}: {e.error} (x{e.occurrences})" for e in env.stats.errors.values()
    ]
    return {"total": summarise(env.stats.total), "endpoints": rows, "errors": errors}


def summarise(entry: object) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 1),
        **{
            f"p{round(p * 100)}_ms": round(entry.get_response_time_percentile(p) or 0.0, 1)
            for p in PERCENTILES
        },
    }


def worker_rss(server: Server) -> dict[int, float]:
    """Resident memory (MiB) of each gunicorn worker (the master's children)."""
    master = psutil.Process(server.process.pid)
    return {c.pid: round(c.memory_info().rss / 2**20, 1) for c in master.children()}


def print_phase(title: str, phase: dict) -> None:
    print(f"\n== {title}")
    print(f"{'endpoint':<42}{'reqs':>8}{'fail':>6}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}")
    for name, row in [*phase["endpoints"].items(), ("TOTAL", phase["total"])]:
        print(
            f"{name[:41]:<42}{row['requests']:>8}{row['failures']:>6}{row['rps']:>9.1f}"
            f"{row['p50_ms']:>6.0f}ms{row['p95_ms']:>6.0f}ms{row['p99_ms']:>6.0f}ms"
        )
    for error in phase["errors"][:10]:
        print(f"  error: {error}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--users", type=int, default=8, help="concurrent closed-loop clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    # INFO logging as in production: the per-request JSON line is part of the cost measured.
    data_dir = tempfile.mkdtemp(prefix="verbatim-load-")
    env = {"GUNICORN_MAX_REQUESTS": "0", "VERBATIM_DATA_DIR": data_dir}
    server = start_server(env, workers=args.workers)
    try:
        global WORKLOAD
        WORKLOAD = build_workload(server.url)
        # Warm-up (untimed): fault in the index pages and per-article caches in every worker.
        run_phase(VerifyUser, server.url, args.users, min(3.0, args.duration))
        rss_start = worker_rss(server)
        phases = {
            "livez": run_phase(LivezUser, server.url, args.users, args.duration),
            "verify": run_phase(VerifyUser, server.url, args.users, args.duration),
            "mixed": run_phase(MixedUser, server.url, args.users, args.duration),
        }
        rss_end = worker_rss(server)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    ceiling = phases["livez"]["total"]["rps"]
    result = {
        "workers": args.workers,
        "users": args.users,
        "seconds_per_phase": args.duration,
        "workload": {
            "exact": len(WORKLOAD.exact),
            "altered": len(WORKLOAD.altered),
            "fabricated": len(WORKLOAD.fabricated),
            "articles": len(WORKLOAD.article_ids),
        },
        "phases": phases,
        "verify_to_livez_ratio": round(phases["verify"]["total"]["rps"] / ceiling, 4)
        if ceiling
        else None,
        "errors": sum(p["total"]["failures"] for p in phases.values()),
        "rss_mib_start": rss_start,
        "rss_mib_end": rss_end,
    }
    if args.json:
        print(json.dumps(result))
        return result

    print(
        f"Verbatim load test: {args.workers} gunicorn workers, {args.users} closed-loop users, "
        f"{args.duration:g}s per phase, {result['workload']['exact']} corpus quotes"
    )
    for name, title in (
        ("livez", "GET /livez (ceiling)"),
        ("verify", "POST /v1/verify"),
        ("mixed", "mix"),
    ):
        print_phase(title, phases[name])
    print(f"\nverify throughput = {result['verify_to_livez_ratio']:.1%} of the /livez ceiling")
    print(f"errors: {result['errors']}")
    for pid in sorted(set(rss_start) | set(rss_end)):
        print(f"worker {pid} RSS: start {rss_start.get(pid)} MiB, end {rss_end.get(pid)} MiB")
    return result


if __name__ == "__main__":
    main()
