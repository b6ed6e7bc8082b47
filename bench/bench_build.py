"""Index build speed: the bulk build (`Matcher(articles)`, i.e. `Matcher.add_many`) against one
`Matcher.add` per article (the plain path it must equal), timed in the same run.

    .venv/bin/python bench/bench_build.py --size 20000 --rounds 3

Generated articles (`bench/make_corpus.py`), already in memory, so only indexing is timed (no
store reads). The two builds alternate, `--rounds` times each, and the best round of each is
reported (the least disturbed by other jobs on the machine) with the median beside it. Both
indexes are checked to hold the same vocabulary and to answer a sample of quotes the same way.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fit_calibration import SEED, split_real  # noqa: E402
from bench.make_corpus import scaled_articles  # noqa: E402
from service.matching.matcher import Matcher  # noqa: E402
from service.models import Article  # noqa: E402


def one_at_a_time(articles: list[Article]) -> Matcher:
    """The plain path: `Matcher.add` per article, then the flush `Matcher()` ends with."""
    matcher = Matcher()
    for article in articles:
        matcher.add(article)
    matcher._index.flush()
    return matcher


def timed(build, articles: list[Article]) -> tuple[float, Matcher]:
    gc.collect()
    began = time.perf_counter()
    matcher = build(articles)
    return time.perf_counter() - began, matcher


def run(size: int, rounds: int) -> dict:
    articles = list(scaled_articles(split_real()[0], size, SEED))
    text_mb = sum(len(a.text.encode("utf-8")) for a in articles) / 2**20
    Matcher(articles[:300])  # compiled kernels and caches warm before either is timed
    bulk_s, plain_s = [], []
    for n in range(rounds):
        seconds, bulk = timed(Matcher, articles)
        bulk_s.append(seconds)
        if n + 1 < rounds:
            del bulk
        seconds, plain = timed(one_at_a_time, articles)
        plain_s.append(seconds)
        if n + 1 < rounds:
            del plain
    # (the last round's two indexes are compared)
    quotes = [a.text[200:320] for a in articles[:: max(1, size // 40)]]
    same = bulk._tokens.vocabulary.words == plain._tokens.vocabulary.words and all(
        bulk.find(q) == plain.find(q) for q in quotes
    )
    return {
        "size": size,
        "text_mb": text_mb,
        "bulk_best_rate": size / min(bulk_s),
        "bulk_median_rate": size / statistics.median(bulk_s),
        "plain_best_rate": size / min(plain_s),
        "plain_median_rate": size / statistics.median(plain_s),
        "speed_up_best": min(plain_s) / min(bulk_s),
        "same_index_and_answers": same,
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    r = run(args.size, args.rounds)
    print(
        "| articles | text | bulk build (best / median) | one add per article | speed-up | same |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {r['size']:,} | {r['text_mb']:.0f} MB "
        f"| {r['bulk_best_rate']:,.0f}/s / {r['bulk_median_rate']:,.0f}/s "
        f"| {r['plain_best_rate']:,.0f}/s / {r['plain_median_rate']:,.0f}/s "
        f"| {r['speed_up_best']:.2f}x | {'yes' if r['same_index_and_answers'] else 'NO'} |"
    )
    print(f"(load average at the end: {r['load_average']:.1f})")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
