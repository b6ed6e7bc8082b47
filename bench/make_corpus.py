"""Scale the bundled real articles to archive size for benchmarks.

Each generated article recombines paragraphs of two real articles and renames the people and places
in it consistently (a capitalised word that never appears in lower case anywhere in the corpus is
taken to be a name). Paragraphs without names therefore recur verbatim across many articles, like
syndicated wire copy, which is exactly what retrieval must cope with. Deterministic for a seed.

    python bench/make_corpus.py --size 10000 --out bench/out/corpus_10k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus_source import load_real_articles
from service.models import Article

_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")
_SYLLABLES = [
    "ka",
    "lo",
    "ri",
    "ven",
    "tas",
    "mor",
    "dal",
    "ne",
    "sil",
    "bra",
    "quin",
    "za",
    "tor",
    "mel",
    "ost",
    "fen",
    "gar",
    "iv",
    "lu",
    "per",
]


def name_words(articles: Sequence[Article]) -> frozenset[str]:
    """Capitalised words never seen in lower case: proper names, near enough."""
    lower = set()
    capital = set()
    for a in articles:
        for w in re.findall(r"\b[A-Za-z]{3,}\b", a.text):
            (capital if w[0].isupper() else lower).add(w)
    return frozenset(w for w in capital if w.lower() not in lower)


def _fake_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def scaled_articles(base: Sequence[Article], size: int, seed: int = 13) -> Iterator[Article]:
    """`size` articles: the real ones first, then generated ones."""
    rng = random.Random(seed)
    yield from base[:size]
    names = name_words(base)
    paragraphs = [[p for p in a.text.split("\n") if p.strip()] for a in base]
    usable = [i for i, ps in enumerate(paragraphs) if len(ps) >= 2]
    for n in range(len(base), size):
        a, b = rng.sample(usable, 2)
        body = _pick(rng, paragraphs[a]) + _pick(rng, paragraphs[b])
        mapping: dict[str, str] = {}

        def rename(m: re.Match[str], mapping: dict[str, str] = mapping) -> str:
            word = m.group()
            if word not in names:
                return word
            if word not in mapping:
                mapping[word] = _fake_name(rng)
            return mapping[word]

        text = _CAPITALISED.sub(rename, "\n\n".join(body))
        title = _CAPITALISED.sub(rename, base[a].title)
        year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
        yield Article(
            id=f"gen-{n:06d}",
            title=title,
            text=text,
            source="generated",
            published=f"{year:04d}-{month:02d}-{day:02d}",
        )


def _pick(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """A contiguous run of 2-4 paragraphs, in their original order."""
    k = min(len(paragraphs), rng.randint(2, 4))
    i = rng.randrange(0, len(paragraphs) - k + 1)
    return paragraphs[i : i + k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for article in scaled_articles(load_real_articles(), args.size, args.seed):
            fh.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    print(f"wrote {args.size} articles to {args.out}")


if __name__ == "__main__":
    main()
