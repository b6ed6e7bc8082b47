"""Memory under write churn, bounded: bench/bench_churn.py's workload at a small size.

2,500 replacements of 100 articles of a 300-article store, each bringing 40 made-up words no
other article holds, in a fresh interpreter (the engine the service runs, in place). The words
the index must keep stay few while the words it has seen grow by 100,000, so a worker that kept
them (in its vocabulary, its per-word caches or its heap) would grow with the writes it has seen.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from bench.bench_churn import run

# (A data directory in memory: the store's fsync per write is not what this measures.)
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None


@pytest.mark.e2e
def test_memory_after_2500_replacing_puts_stays_within_10_percent_of_the_start() -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as data_dir:
        result = run(Path(data_dir), size=300, puts=2500, edited=100, compact=True)
    start, end = result["start"], result["end"]
    assert end["rss_mb"] <= 1.10 * start["rss_mb"], result
    # Live words: at most the corpus's plus one update's 40 made-up words per edited article;
    # compaction keeps the unused ones under a quarter of the vocabulary.
    assert end["vocabulary"] < (start["vocabulary"] + 100 * 40) / 0.75
