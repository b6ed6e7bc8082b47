"""Load the bundled real corpus for benchmarks: the repo's `corpus/` when present, else the raw CSVs
in `../shared/corpus/wikinews` (the repo copy is what ships, so it is preferred)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from service.models import Article

ROOT = Path(__file__).resolve().parent.parent
REPO_CORPUS = ROOT / "corpus"
SHARED_WIKINEWS = ROOT.parent / "shared" / "corpus" / "wikinews"


def load_real_articles() -> list[Article]:
    """Every real article we may benchmark on (Wikinews, open texts, the seed story)."""
    if (REPO_CORPUS / "wikinews" / "wikinews.jsonl").exists():
        from service.corpus.importer import load_articles

        articles, errors = load_articles([REPO_CORPUS])
        for error in errors:
            print(f"warning: {error}", file=sys.stderr)
        return sorted(articles, key=lambda a: a.id)
    csv.field_size_limit(10**9)
    articles = []
    for path in sorted(SHARED_WIKINEWS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                articles.append(
                    Article(
                        id=f"{path.stem}-{i:04d}",
                        title=row["title"],
                        text=row["text"],
                        url=row["url"],
                        published=row["date"][:10],
                    )
                )
    return articles
