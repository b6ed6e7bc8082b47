"""Memory under write churn: a worker's index after thousands of article replacements.

    .venv/bin/python bench/bench_churn.py --articles 2000 --puts 2500

Each run is a fresh process: a real SQLite store of generated articles (`bench/make_corpus.py`),
the engine over it, then `--puts` replacements of `--edited` of its articles through the engine
(what `PUT /v1/articles/<id>` does: a live story corrected and updated all day), each new text
the article's own plus a line of made-up words (names, typos and codes that corrections bring,
and which no other article holds), so the words the index must keep stay few while the words it
has ever seen grow with every write. Reported:
the vocabulary size and the resident memory (RSS now, not peak) before and after, and the same
figures from the same workload with vocabulary compaction switched off, as the baseline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_scale import run_in_fresh_process  # noqa: E402

_RUN = """
import gc, json, os, random, string, sys
from dataclasses import replace
from bench.fit_calibration import SEED, split_real
from bench.make_corpus import scaled_articles
from service.corpus.store import ArticleStore, store_path
from service.engine import Verbatim
from service.matching import token_store

data, size, puts, edited = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
compact = sys.argv[5] == "1"
if not compact:
    token_store.VOCABULARY_COMPACT_MIN = 10**12
store = ArticleStore(store_path(data))
corpus = list(scaled_articles(split_real()[0], size, SEED))
if store.is_empty():
    store.bulk_upsert(corpus)
engine = Verbatim(store)

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

# Start from a worker that has served: one extraction loads what attribution loads once (the
# given-name gazetteer, compiled patterns), which is not growth with writes.
engine.extract(corpus[0].text, corpus[0].title)
gc.collect()
start = {"rss_mb": rss_mb(), "vocabulary": engine.matcher.vocabulary_size()}
rng = random.Random(SEED)
for n in range(puts):
    article = corpus[rng.randrange(edited)]
    made_up = " ".join(
        "".join(rng.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(40)
    )
    engine.upsert_article(replace(article, text=article.text + "\\n\\nUpdate: " + made_up))
gc.collect()
end = {"rss_mb": rss_mb(), "vocabulary": engine.matcher.vocabulary_size()}
print(json.dumps({"start": start, "end": end}))
"""


def run(data_dir: Path, size: int, puts: int, edited: int, compact: bool) -> dict:
    argv = [str(data_dir), str(size), str(puts), str(edited), "1" if compact else "0"]
    return run_in_fresh_process(_RUN, *argv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--puts", type=int, default=2500)
    parser.add_argument("--edited", type=int, default=100)
    args = parser.parse_args()
    print(
        f"| {args.articles:,} articles, {args.puts:,} PUTs to {args.edited} "
        "| vocabulary before | after "
        "| RSS before | RSS after | growth |"
    )
    print("|---|---|---|---|---|---|")
    for compact in (False, True):
        with tempfile.TemporaryDirectory() as tmp:  # the same store content for both runs
            r = run(Path(tmp), args.articles, args.puts, args.edited, compact)
        s, e = r["start"], r["end"]
        label = "vocabulary compaction" if compact else "no compaction (baseline)"
        print(
            f"| {label} | {s['vocabulary']:,} | {e['vocabulary']:,} | {s['rss_mb']:.0f} MB "
            f"| {e['rss_mb']:.0f} MB | {100 * (e['rss_mb'] / s['rss_mb'] - 1):+.1f}% |",
            flush=True,
        )


if __name__ == "__main__":
    main()
