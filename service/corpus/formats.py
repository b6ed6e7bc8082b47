"""The article file formats `verbatim import` and the bundled corpus folder read.

Plain text with a short `Key: value` header (single stories dropped by hand), JSON Lines (bulk
exports), Markdown with a metadata header or `---` front matter, `.json` files (one article object
or a list) and saved web pages (`.html`, whose title, date and body trafilatura extracts rather
than hand-written scraping). Every reader returns Articles or LoadErrors: a file that cannot be
read is reported by name and skipped, so one bad file never stops the rest.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
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


IMPORTABLE_SUFFIXES = (".txt", ".md", ".json", ".jsonl", ".html", ".htm")
# A saved page carries scripts, styles and inline images; allow far more than the 1 MiB text
# limit, but refuse files that would only exhaust memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
# Documentation that sits beside articles in corpus folders (README.md, LICENSE.md, CREDITS.md...);
# skipped when walking a folder, whatever the extension. An explicitly named file is always read.
_FOLDER_SKIP_STEMS = {
    "readme",
    "license",
    "licence",
    "credits",
    "changelog",
    "contributing",
    "authors",
    "notice",
    "copying",
}


def find_article_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[LoadError]]:
    """Expand files and folders (recursively, sorted) into the files we can import."""
    found: list[Path] = []
    errors: list[LoadError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if (
                    child.is_file()
                    and child.suffix.lower() in IMPORTABLE_SUFFIXES
                    and not child.name.endswith(".meta.json")  # sidecar of a .txt file
                    and child.stem.lower() not in _FOLDER_SKIP_STEMS
                    and not any(part.startswith(".") for part in relative)
                ):
                    found.append(child)
        elif path.is_file():
            if path.suffix.lower() in IMPORTABLE_SUFFIXES:
                found.append(path)
            else:
                errors.append(
                    LoadError(
                        str(path),
                        f"unsupported file type {path.suffix or '(none)'}; "
                        f"expected one of {', '.join(IMPORTABLE_SUFFIXES)}",
                    )
                )
        else:
            errors.append(LoadError(str(path), "no such file or folder"))
    return list(dict.fromkeys(found)), errors


def read_article_file(path: Path) -> Iterator[Article | LoadError]:
    """Every article in one file (a .json list or .jsonl may hold many), or why it failed."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and path.suffix.lower() != ".jsonl":
            yield LoadError(str(path), f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
            return
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from read_jsonl(path)
        elif suffix == ".txt":
            yield read_txt(path)
        elif suffix == ".md":
            yield read_markdown(path)
        elif suffix == ".json":
            yield from read_json(path)
        else:
            yield read_html(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        # ValueError covers malformed JSON and missing title/text from article_from_record.
        yield LoadError(str(path), f"{type(exc).__name__}: {exc}")


def read_markdown(path: Path) -> Article:
    """Markdown with `---` front matter or a `Key: value` header; the body is stored as written.

    The Markdown source is kept verbatim (not rendered) so the stored text is exactly what the
    newsroom wrote. Without a title in the header, the first line minus its `#` marks is the title.
    """
    raw = path.read_text(encoding="utf-8")
    default_id = slugify(path.stem)
    if raw.startswith("---\n"):
        end = raw.find("\n---\n", 4)
        if end == -1:
            raise ValueError("front matter opened with '---' is never closed")
        record = _front_matter(raw[4:end])
        record["text"] = raw[end + len("\n---\n") :].lstrip("\n")
        if not record.get("title"):
            record["title"] = _first_line_title(record["text"])
        return article_from_record(record, default_id)
    article = parse_text_article(raw, default_id)
    title = article.title.lstrip("#").strip()
    return article_from_record(
        {
            "id": article.id,
            "title": title,
            "text": article.text,
            "source": article.source,
            "url": article.url,
            "published": article.published,
            "licence": article.licence,
            "credit": article.credit,
        }
    )


def _front_matter(block: str) -> dict[str, str]:
    """`key: value` lines of YAML-style front matter (flat scalars only, optional quotes)."""
    aliases = {"date": "published", "license": "licence", "link": "url", "outlet": "source"}
    record: dict[str, str] = {}
    for number, line in enumerate(block.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"front matter line {number} is not 'key: value'")
        key = aliases.get(key.strip().lower(), key.strip().lower())
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        record[key] = value
    return record


def _first_line_title(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line.lstrip("#").strip()


def read_json(path: Path) -> Iterator[Article | LoadError]:
    """A .json file holds one article object or a list of them (a CMS export)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        yield article_from_record(data, slugify(path.stem))
        return
    if not isinstance(data, list):
        raise ValueError("expected a JSON object or a list of objects")
    for number, record in enumerate(data, start=1):
        try:
            yield article_from_record(record)
        except ValueError as exc:
            yield LoadError(f"{path}[{number}]", str(exc))


def read_html(path: Path) -> Article:
    """A saved web page: trafilatura separates the article from navigation, ads and footers."""
    import trafilatura  # imported here: it loads lxml and its models, only needed for HTML

    # Bytes, not str: trafilatura honours the page's declared charset (saved pages are not
    # always UTF-8).
    document = trafilatura.bare_extraction(
        path.read_bytes(), with_metadata=True, include_comments=False
    )
    if document is None or not (document.text or "").strip():
        raise ValueError("no article text found in the page")
    title = (document.title or "").strip() or _first_line_title(document.text)
    return article_from_record(
        {
            "id": slugify(path.stem),
            "title": title,
            "text": document.text,
            "source": document.sitename or document.hostname,
            "url": document.url,
            "published": document.date,
            "licence": document.license,
        }
    )
