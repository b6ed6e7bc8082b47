"""Read the article files a newsroom hands to `verbatim import`.

`.txt` and `.jsonl` are read by `service.corpus_files` (the corpus folder's own formats). This
module adds what newsrooms also have lying around: Markdown with a metadata header (`Key: value`
lines or `---` front matter), `.json` files (one article object or a list of them) and saved web
pages (`.html`), whose title, date and body are extracted with trafilatura rather than
hand-written scraping. Every reader returns Articles or LoadErrors: one bad file never stops the
others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from service.corpus_files import (
    LoadError,
    article_from_record,
    parse_text_article,
    read_jsonl,
    read_txt,
    slugify,
)
from service.models import Article

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
