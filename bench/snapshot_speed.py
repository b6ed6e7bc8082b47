"""Query time on an index as indexing leaves it (dicts, int32 ids per article), the same index
saved and opened (flat string tables, two-byte ids), and opened but with dicts and lists in
place of the tables (what an opened snapshot held before them), in one process, each query
timed alternately on all three.

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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fit_calibration import SEED, split_real
from bench.make_corpus import scaled_articles
from bench.perturb import NEGATIVE_KINDS, POSITIVE_KINDS, QuoteGenerator, generate
from service.matching.frozen import GrowingTable, NumberedStrings
from service.matching.matcher import Matcher


def opened_copy(matcher: Matcher) -> Matcher:
    """`matcher` through the snapshot's pickling: protocol 5, arrays out of band."""
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(matcher, protocol=5, buffer_callback=buffers.append)
    return pickle.loads(stream, buffers=[bytearray(b.raw()) for b in buffers])


def with_dicts(matcher: Matcher) -> Matcher:
    """An opened copy whose string tables are plain dicts and lists again and whose token ids
    are int32, as an opened snapshot held them before the tables (format 2)."""
    opened = opened_copy(matcher)
    tokens, index, articles = opened._tokens, opened._index, opened._articles
    vocabulary = tokens.vocabulary
    words = GrowingTable()
    for word in vocabulary.words:
        words.append(word)
    vocabulary._ids, vocabulary.words = words, NumberedStrings(words)
    terms = GrowingTable()
    for word in index._postings._terms:
        terms.append(word)
    index._postings._terms = terms
    tokens._rows = dict(tokens._rows.items())
    tokens._packed.ids = tokens._packed.ids.astype(np.int32)
    articles._rows = dict(articles._rows.items())
    articles._columns = {name: list(column) for name, column in articles._columns.items()}
    index._ids, index._published = list(index._ids), list(index._published)
    index._doc_of = dict(index._doc_of.items())
    return opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = list(scaled_articles(split_real()[0], args.size, SEED))
    # (as gunicorn's master does before forking: the index out of the collector's sight)
    built = Matcher()  # (as indexing leaves it: dicts, per-article arrays; `Matcher(corpus)`
    built.add_many(corpus)  # would pack it)
    built._index.flush()
    opened = opened_copy(built)
    dicts = with_dicts(built)
    gc.freeze()
    held_out = split_real()[1]
    gen = QuoteGenerator(corpus[:3000], random.Random(SEED + args.size))
    quotes = [s.quote for s in generate(gen, (*POSITIVE_KINDS, *NEGATIVE_KINDS), 50, held_out)]
    same = sum(built.find(q, 5) == opened.find(q, 5) == dicts.find(q, 5) for q in quotes)
    variants = (("built", built), ("opened, dicts", dicts), ("opened", opened))
    best = {name: [float("inf")] * len(quotes) for name, _ in variants}
    for _ in range(args.rounds):
        for n, quote in enumerate(quotes):
            for name, matcher in variants:
                began = time.perf_counter()
                matcher.find(quote, 5)
                best[name][n] = min(best[name][n], time.perf_counter() - began)
    for name, times in best.items():
        print(
            f"{name}: mean {1e3 * statistics.mean(times):.3f} ms, "
            f"median {1e3 * statistics.median(times):.3f} ms"
        )
    median = {name: statistics.median(times) for name, times in best.items()}
    print(
        f"opened / opened with dicts (median): {median['opened'] / median['opened, dicts']:.3f}; "
        f"opened / built: {median['opened'] / median['built']:.3f}; "
        f"same answers {same}/{len(quotes)}"
    )


if __name__ == "__main__":
    main()
