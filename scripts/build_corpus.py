"""Rebuild the bundled corpus/ from ../shared (run once by maintainers; the result is committed).

Wikinews CSVs become one JSON Lines file with a per-article credit line, because CC BY 2.5 asks
for attribution and a licence link with each work. The seed story is copied byte for byte: every
offset we publish indexes it, so not a single character may change.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from service.corpus.formats import slugify  # noqa: E402

WIKINEWS_LICENCE = "CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/)"
SEED_META = {
    "id": "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine",
    "source": "ITV News",
    "published": "2025-08-19",
    "licence": "ITV News; commissioned seed story, supplied for this service",
}


def build_wikinews(out_dir: Path) -> int:
    csv.field_size_limit(sys.maxsize)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted((SHARED / "corpus/wikinews").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    seen: set[str] = set()
    credits = [
        "# Wikinews articles: credits",
        "",
        "Each article below is from Wikinews, the free news source you can write!,",
        f"licensed {WIKINEWS_LICENCE}. Texts are unchanged.",
        "",
    ]
    with (out_dir / "wikinews.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            url = row["url"].replace("wikinews.org//wiki/", "wikinews.org/wiki/")
            article_id = slugify(f"wikinews-{row['date']}-{row['title']}")
            if article_id in seen:
                raise SystemExit(f"duplicate id {article_id}")
            seen.add(article_id)
            credit = f"From Wikinews, the free news source you can write! (CC BY 2.5) — {url}"
            record = {
                "id": article_id,
                "title": row["title"],
                "text": row["text"],
                "source": "Wikinews",
                "url": url,
                "published": row["date"],
                "licence": WIKINEWS_LICENCE,
                "credit": credit,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            credits.append(f"- {row['date']} — [{row['title']}]({url}) — {credit}")
    shutil.copyfile(SHARED / "corpus/wikinews/LICENSE.md", out_dir / "LICENSE.md")
    (out_dir / "CREDITS.md").write_text("\n".join(credits) + "\n", encoding="utf-8")
    return len(rows)


def main() -> None:
    corpus = ROOT / "corpus"
    seed_dir = corpus / "seed"
    seed_dir.mkdir(parents=True, exist_ok=True)
    seed = SHARED / "seed/000_905687e090b6f006.txt"
    shutil.copyfile(seed, seed_dir / seed.name)
    (seed_dir / f"{seed.name}.meta.json").write_text(json.dumps(SEED_META, indent=2) + "\n")
    open_dir = corpus / "open"
    open_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted((SHARED / "corpus/open").glob("*")):
        shutil.copyfile(path, open_dir / path.name)
    print(f"wikinews: {build_wikinews(corpus / 'wikinews')} articles")


if __name__ == "__main__":
    main()
