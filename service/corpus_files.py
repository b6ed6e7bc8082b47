"""Read article files from a corpus folder.

Two formats, chosen because newsrooms either export in bulk (JSON Lines) or drop single stories by
hand (plain text with a short header). A file that cannot be read is reported by name and skipped so
one bad file never stops the rest of the corpus from loading.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from service.models import Article

# Header keys we recognise in hand-dropped .txt files. Requiring known keys (and a title) keeps a
# headline that happens to contain a colon ("Ukraine: the talks") from being read as a header.
HEADER_FIELDS = {
    "id": "id",
    "title": "title",
    "source": "source",
    "outlet": "source",
    "url": "url",
    "link": "url",
    "date": "published",
    "published": "published",
    "licence": "licence",
    "license": "licence",
    "credit": "credit",
}
# Editorial notes some files carry in their header; accepted as header lines but not stored.
HEADER_NOTES = {"gold speakers", "content", "notes", "note"}

_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z _-]{0,30}):[ \t]*(.*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")

MAX_SLUG = 80


@dataclass(frozen=True, slots=True)
class LoadError:
    """A file (or line of a file) we could not turn into an article, and why."""

    path: str
    reason: str


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Stable, URL-safe id from a title or file name (ASCII, lowercase, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "article"


def _iso_date_or_none(value: str | None) -> str | None:
    """Keep only well-formed ISO dates; 'unknown (2025...)' is not a date we can sort by."""
    if value and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    return None


def parse_text_article(raw: str, default_id: str) -> Article:
    """Parse a .txt article: optional `Key: value` header, blank line, then the text.

    Without a recognised header the whole file is the text (so offsets index the file exactly, as
    they must for the seed story) and its first non-empty line is the title.
    """
    head, sep, body = raw.partition("\n\n")
    fields: dict[str, str] = {}
    is_header = bool(sep)
    if is_header:
        for line in head.splitlines():
            found = _HEADER_LINE.fullmatch(line.strip())
            key = found.group(1).strip().lower() if found else ""
            if found and key in HEADER_FIELDS:
                fields[HEADER_FIELDS[key]] = found.group(2).strip()
                if HEADER_FIELDS[key] == "url":
                    # A URL never contains whitespace: anything after it is an editor's note
                    # ("https://... (store copy: ...)").
                    fields["url"] = (fields["url"].split() or [""])[0]
            elif not (found and key in HEADER_NOTES):
                is_header = False
                break
        is_header = is_header and "title" in fields
    if not is_header:
        title = next((line.strip() for line in raw.splitlines() if line.strip()), "")
        return Article(id=default_id, title=title, text=raw)
    return Article(
        id=slugify(fields.get("id") or default_id),
        title=fields["title"],
        text=body,
        source=fields.get("source"),
        url=fields.get("url"),
        published=_iso_date_or_none(fields.get("published")),
        licence=fields.get("licence"),
        credit=fields.get("credit"),
    )


def article_from_record(record: object, default_id: str | None = None) -> Article:
    """Build an Article from one JSON object; raises ValueError naming what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    title, text = record.get("title"), record.get("text")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("'title' is required and must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is required and must be a non-empty string")
    optional = {}
    for key in ("source", "url", "published", "licence", "credit"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{key}' must be a string")
        optional[key] = value
    raw_id = record.get("id")
    if raw_id is not None and not isinstance(raw_id, str):
        raise ValueError("'id' must be a string")
    return Article(
        id=slugify(raw_id or default_id or title),
        title=title.strip(),
        text=text,
        source=optional["source"],
        url=optional["url"],
        published=_iso_date_or_none(optional["published"]),
        licence=optional["licence"],
        credit=optional["credit"],
    )


def _apply_sidecar(article: Article, path: Path) -> Article:
    """Merge `<file>.meta.json` metadata, so a file kept byte-identical can still carry a source."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        return article
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    merged = {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        **{k: v for k, v in meta.items() if k != "text"},
    }
    return article_from_record(merged)


def read_jsonl(path: Path) -> Iterator[Article | LoadError]:
    """Yield one Article per valid line, a LoadError (with line number) per bad one."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield article_from_record(json.loads(line))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                yield LoadError(f"{path}:{number}", str(exc))


def read_txt(path: Path) -> Article:
    raw = path.read_text(encoding="utf-8")
    return _apply_sidecar(parse_text_article(raw, slugify(path.stem)), path)


def load_corpus_dir(folder: str | Path) -> tuple[list[Article], list[LoadError]]:
    """Every article under `folder` (recursively, in a stable order) plus the files that failed.

    Later duplicates of an id are reported, not silently merged: two articles must never share
    the offsets namespace of one id.
    """
    root = Path(folder)
    articles: list[Article] = []
    errors: list[LoadError] = []
    if not root.is_dir():
        return [], [LoadError(str(root), "corpus folder does not exist")]
    seen: set[str] = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix not in {".jsonl", ".txt"}:
            continue
        try:
            found = list(read_jsonl(path)) if path.suffix == ".jsonl" else [read_txt(path)]
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            errors.append(LoadError(str(path), f"{type(exc).__name__}: {exc}"))
            continue
        for item in found:
            if isinstance(item, LoadError):
                errors.append(item)
            elif item.id in seen:
                errors.append(LoadError(str(path), f"duplicate article id {item.id!r}"))
            else:
                seen.add(item.id)
                articles.append(item)
    return articles, errors
