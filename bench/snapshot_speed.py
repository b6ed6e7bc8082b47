"""Query time on an index as built (dicts, int32 ids) against the same index saved and opened
(flat string tables, two-byte ids), in one process, each query timed alternately on both.

    .venv/bin/python bench/snapshot_speed.py --size 10000 --rounds 5

A shared machine's load moves between runs; timing the two alternately, query by query, and
keeping each query's fastest time makes the comparison hold under load. The answers of both
must be identical (printed).
"""

from __future__ import annotations

import argparse
import gc
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fit_calibration import SEED, split_real
from bench.make_corpus import scaled_articles
from bench.perturb import NEGATIVE_KINDS, POSITIVE_KINDS, QuoteGenerator, generate
from service.matching.matcher import Matcher


def opened_copy(matcher: Matcher) -> Matcher:
    """`matcher` through the snapshot's pickling: protocol 5, arrays out of band."""
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(matcher, protocol=5, buffer_callback=buffers.append)
    return pickle.loads(stream, buffers=[bytearray(b.raw()) for b in buffers])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = list(scaled_articles(split_real()[0], args.size, SEED))
    # (as gunicorn's master does before forking: the index out of the collector's sight)
    built = Matcher(corpus)
    opened = opened_copy(built)
    gc.freeze()
    held_out = split_real()[1]
    gen = QuoteGenerator(corpus[:3000], random.Random(SEED + args.size))
    quotes = [s.quote for s in generate(gen, (*POSITIVE_KINDS, *NEGATIVE_KINDS), 50, held_out)]
    same = sum(built.find(q, 5) == opened.find(q, 5) for q in quotes)
    best = {"built": [float("inf")] * len(quotes), "opened": [float("inf")] * len(quotes)}
    for _ in range(args.rounds):
        for n, quote in enumerate(quotes):
            for name, matcher in (("built", built), ("opened", opened)):
                began = time.perf_counter()
                matcher.find(quote, 5)
                best[name][n] = min(best[name][n], time.perf_counter() - began)
    for name, times in best.items():
        print(
            f"{name}: mean {1e3 * statistics.mean(times):.3f} ms, "
            f"median {1e3 * statistics.median(times):.3f} ms"
        )
    ratio = statistics.median(best["opened"]) / statistics.median(best["built"])
    print(f"opened / built (median): {ratio:.3f}; same answers {same}/{len(quotes)}")


if __name__ == "__main__":
    main()
