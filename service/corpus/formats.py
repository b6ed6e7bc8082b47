"""The article file formats `verbatim import` and the bundled corpus folder read.

Plain text with a short `Key: value` header (single stories dropped by hand), JSON Lines (bulk
exports), Markdown with a metadata header or `---` front matter, `.json` files (one article object
or a list) and saved web pages (`.html`, whose title, date and body trafilatura extracts rather
than hand-written scraping). Every reader returns ArticleRecords (the fields as the file spells
them, validated later by the API's own schema) or LoadErrors: a file that cannot be read is
reported by name and skipped, so one bad file never stops the rest. Nothing here rewrites a
value: dates, ids and unknown fields are judged by the importer, which reports what it changed.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify as transliterated_slug

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
# The header ends at the first blank line; CRLF files (saved on Windows) count too.
_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
# `---` front matter, closed by `---` or `...` (YAML's document end), CRLF or LF.
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
FRONT_MATTER_ALIASES = {
    "date": "published",
    "license": "licence",
    "link": "url",
    "outlet": "source",
}
ARTICLE_FIELDS = ("id", "title", "text", "source", "url", "published", "licence", "credit")

MAX_SLUG = 80
# A title with nothing that transliterates (emoji, punctuation) still needs an id.
FALLBACK_SLUG = "article"


@dataclass(frozen=True, slots=True)
class LoadError:
    """A file (or line of a file) we could not turn into an article, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article as a file spells it, not yet validated, and where it came from.

    `fields` holds the API's article fields (and any unknown ones, for the schema to refuse);
    `id` is there only when the file names one. `id_from` is the file name a missing id is made
    from (None: from the title); `notes` are things the reader left out, to be reported.
    """

    fields: dict[str, Any]
    origin: str
    id_from: str | None = None
    notes: tuple[str, ...] = field(default=())


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Stable, URL-safe id from a title or file name: lowercase ASCII words joined by hyphens.

    python-slugify transliterates every script (Cyrillic, Greek, CJK, Arabic; "Straße" ->
    "strasse") through text-unidecode, so non-Latin titles get readable, distinct ids instead of
    all collapsing to the same fallback.
    """
    slug = transliterated_slug(text, max_length=max_length, lowercase=True)
    return slug or FALLBACK_SLUG


def read_text_file(path: Path) -> str:
    """A UTF-8 text file as str; a byte-order mark (Windows tools write one) is dropped, never
    stored as the article's first character. UTF-16 is refused by name, not read as mojibake."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
        )
    return data.decode("utf-8-sig")


def parse_text_article(raw: str) -> dict[str, str]:
    """Parse a .txt article into fields: optional `Key: value` header, blank line, then the text.

    Without a recognised header the whole file is the text (so offsets index the file exactly, as
    they must for the seed story) and its first non-empty line is the title. A blank header
    value is absent, not an empty string.
    """
    blank = _BLANK_LINE.search(raw)
    head, body = (raw[: blank.start()], raw[blank.end() :]) if blank else (raw, "")
    fields: dict[str, str] = {}
    is_header = blank is not None
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
        return {"title": title, "text": raw}
    return {**{k: v for k, v in fields.items() if v}, "text": body}


def _json_record(record: object, origin: str, id_from: str | None = None) -> ArticleRecord:
    """One JSON object as a record; its fields go to the API's schema exactly as written."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    return ArticleRecord(dict(record), origin, id_from)


def _apply_sidecar(fields: dict[str, Any], path: Path) -> dict[str, Any]:
    """Merge `<file>.meta.json` metadata, so a file kept byte-identical can still carry a source."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        return fields
    meta = json.loads(read_text_file(sidecar))
    if not isinstance(meta, dict):
        raise ValueError(f"{sidecar.name}: expected a JSON object")
    if "text" in meta:
        raise ValueError(f"{sidecar.name}: 'text' comes from the article file, not its metadata")
    return {**fields, **meta}


def read_jsonl(path: Path) -> Iterator[ArticleRecord | LoadError]:
    """Yield one record per line, a LoadError (with line number) per line that is not JSON."""
    for number, line in enumerate(read_text_file(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield _json_record(json.loads(line), f"{path}:{number}")
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            yield LoadError(f"{path}:{number}", str(exc))


def read_txt(path: Path) -> ArticleRecord:
    fields = _apply_sidecar(parse_text_article(read_text_file(path)), path)
    return ArticleRecord(fields, str(path), id_from=path.stem)


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


def read_article_file(path: Path) -> Iterator[ArticleRecord | LoadError]:
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
        # ValueError covers malformed JSON or YAML and unclosed front matter.
        yield LoadError(str(path), f"{type(exc).__name__}: {exc}")


def read_markdown(path: Path) -> ArticleRecord:
    """Markdown with YAML `---` front matter or a `Key: value` header; the body as written.

    The Markdown source is kept verbatim (not rendered) so the stored text is exactly what the
    newsroom wrote. Without a title in the header, the first line minus its `#` marks is the title.
    Front matter keys that are not article fields (tags, layout...) are named in the report.
    """
    raw = read_text_file(path)
    if raw.startswith("---"):
        block = _FRONT_MATTER.match(raw)
        if block is None:
            raise ValueError("front matter opened with '---' is never closed")
        fields, ignored = _front_matter(block.group(1))
        fields["text"] = raw[block.end() :].lstrip("\r\n")
        if not fields.get("title"):
            fields["title"] = _first_line_title(fields["text"])
        notes = (f"front matter keys not stored: {', '.join(ignored)}",) if ignored else ()
        return ArticleRecord(fields, str(path), id_from=path.stem, notes=notes)
    fields = parse_text_article(raw)
    fields["title"] = fields["title"].lstrip("#").strip()
    return ArticleRecord(fields, str(path), id_from=path.stem)


def _front_matter(block: str) -> tuple[dict[str, Any], list[str]]:
    """Article fields from YAML front matter, and the keys that are not article fields.

    Parsed by PyYAML with its BaseLoader: the safe loader that builds only strings, lists and
    mappings, so every value is the text the author wrote (`title: no` stays "no", not False;
    `date: 2025-08-18` stays the string the date reader judges; 1.10 is not 1.1).
    """
    try:
        data = yaml.load(block, Loader=yaml.BaseLoader) if block.strip() else {}
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("front matter must be a mapping of 'key: value' lines")
    fields: dict[str, Any] = {}
    ignored: list[str] = []
    for raw_key, value in data.items():
        key = FRONT_MATTER_ALIASES.get(str(raw_key).strip().lower(), str(raw_key).strip().lower())
        if key not in ARTICLE_FIELDS or key == "text":
            ignored.append(str(raw_key))
            continue
        if value == "":  # `url:` with nothing after it
            continue
        fields[key] = value  # a list or mapping is refused by the schema, naming the field
    return fields, ignored


def _first_line_title(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line.lstrip("#").strip()


def read_json(path: Path) -> Iterator[ArticleRecord | LoadError]:
    """A .json file holds one article object or a list of them (a CMS export)."""
    data = json.loads(read_text_file(path))
    if isinstance(data, dict):
        yield _json_record(data, str(path), id_from=path.stem)
        return
    if not isinstance(data, list):
        raise ValueError("expected a JSON object or a list of objects")
    for number, record in enumerate(data, start=1):
        try:
            yield _json_record(record, f"{path}[{number}]")
        except ValueError as exc:
            yield LoadError(f"{path}[{number}]", str(exc))


def read_html(path: Path) -> ArticleRecord:
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
    fields = {
        "title": title,
        "text": document.text,
        "source": document.sitename or document.hostname,
        "url": document.url,
        "published": document.date,
        "licence": document.license,
    }
    return ArticleRecord({k: v for k, v in fields.items() if v}, str(path), id_from=path.stem)
