"""Every answer the service gives on a fixed workload, in one file to compare across changes.

    .venv/bin/python bench/answers_snapshot.py --out /tmp/before.jsonl
    ... change the code ...
    .venv/bin/python bench/answers_snapshot.py --out /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

A refactor that claims "every answer unchanged" is checked with this: it talks to the service only
through `create_app` and its HTTP API, so it keeps working while modules move. The workload:
`/v1/verify` (limit 5) for the matching benchmark's query mix over 1,000 scaled articles, and
`/v1/extract` of every bundled article and of every PolNeAR article of the chosen split. The
output holds PolNeAR text (quotes, speakers): write it outside the repository, never commit it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus_source import load_real_articles
from bench.fit_calibration import SEED, split_real
from bench.make_corpus import scaled_articles
from bench.perturb import NEGATIVE_KINDS, POSITIVE_KINDS, QuoteGenerator, generate
from service import create_app

DEFAULT_POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "polnear"


def _app(corpus_dir: Path, data_dir: Path):
    return create_app(
        {
            "VERBATIM_DATA_DIR": str(data_dir),
            "VERBATIM_CORPUS_DIR": str(corpus_dir),
            "TESTING": True,
        }
    )


def verify_answers(size: int, per_kind: int, work: Path) -> list[dict]:
    """The matching benchmark's mix at `size` articles, each answered by `/v1/verify`."""
    corpus = list(scaled_articles(split_real()[0], size, SEED))
    corpus_dir = work / "corpus"
    corpus_dir.mkdir()
    with (corpus_dir / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for article in corpus:
            fh.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    client = _app(corpus_dir, work / "data").test_client()
    gen = QuoteGenerator(corpus[: min(len(corpus), 3000)], random.Random(SEED + size))
    samples = generate(gen, (*POSITIVE_KINDS, *NEGATIVE_KINDS), per_kind, split_real()[1])
    out = []
    for sample in samples:
        response = client.post("/v1/verify", json={"quote": sample.quote, "limit": 5})
        out.append({"kind": "verify", "quote": sample.quote, "answer": response.get_json()})
    return out


def extract_answers(client, texts: list[tuple[str, str, str | None]]) -> list[dict]:
    out = []
    for key, text, title in texts:
        response = client.post("/v1/extract", json={"text": text, "title": title})
        out.append({"kind": "extract", "key": key, "answer": response.get_json()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--per-kind", type=int, default=50)
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = verify_answers(args.size, args.per_kind, work)
        client = _app(work / "corpus", work / "data").test_client()
        texts = [(a.id, a.text, a.title) for a in load_real_articles()]
        polnear_dir = args.polnear / "text"
        if polnear_dir.is_dir():
            for path in sorted(polnear_dir.glob(f"{args.split}__*.txt")):
                texts.append((path.stem, path.read_text(encoding="utf-8"), None))
        rows += extract_answers(client, texts)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} answers written to {args.out}")


if __name__ == "__main__":
    main()
