"""Bulk import of article files into the store, with the API's validation and a per-id report.

Articles are validated by the same schema as `POST /v1/articles`, then written in batches, each
batch one transaction: an import killed part-way leaves whole batches behind, and re-running it
reports those as "unchanged" and writes only the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError

from schemas.articles import ArticleInSchema
from service.corpus.formats import LoadError, find_article_files, read_article_file
from service.corpus.store import DEFAULT_BATCH_SIZE, ArticleStore, BulkResult, article_fields
from service.models import Article

_SCHEMA = ArticleInSchema()


@dataclass(slots=True)
class ImportReport(BulkResult):
    """What the store did, plus every file or record skipped with its reason."""

    skipped: list[LoadError] = field(default_factory=list)

    def _lists(self) -> dict[str, list]:
        return {**BulkResult._lists(self), "skipped": self.skipped}


def validate_article(article: Article) -> Article:
    """Run an article through the API's schema; raises ValidationError with field messages."""
    data = _SCHEMA.load(article_fields(article))
    return Article(**data)


def describe_validation_error(error: ValidationError) -> str:
    """'title: Length must be between 1 and 500.; url: Not a valid URL.' for one summary line."""
    messages = error.normalized_messages()
    parts = []
    for name, problems in messages.items():
        text = "; ".join(problems) if isinstance(problems, list) else str(problems)
        parts.append(f"{name}: {text}")
    return "; ".join(parts)


def read_articles(
    paths: Iterable[str | Path],
    *,
    on_file_done: Callable[[Path], None] | None = None,
) -> Iterator[Article | LoadError]:
    """Every valid article under `paths`, in a stable order, and every file or record skipped.

    Within one run an id may appear once; a later record with the same id is skipped, so an
    import never silently lets one file overwrite another. This is the one reader of article
    files: the import command, the bundled corpus at start-up, tests and benchmarks all use it.
    """
    files, errors = find_article_files(paths)
    yield from errors
    seen: dict[str, str] = {}
    for path in files:
        for item in read_article_file(path):
            if isinstance(item, LoadError):
                yield item
                continue
            try:
                article = validate_article(item)
            except ValidationError as exc:
                yield LoadError(str(path), f"{item.id}: {describe_validation_error(exc)}")
                continue
            if article.id in seen:
                yield LoadError(
                    str(path), f"duplicate id {article.id!r} (already read from {seen[article.id]})"
                )
                continue
            seen[article.id] = str(path)
            yield article
        if on_file_done is not None:
            on_file_done(path)


def load_articles(paths: Iterable[str | Path]) -> tuple[list[Article], list[LoadError]]:
    """`read_articles` gathered into lists: the articles and what was skipped."""
    articles: list[Article] = []
    skipped: list[LoadError] = []
    for item in read_articles(paths):
        (skipped if isinstance(item, LoadError) else articles).append(item)
    return articles, skipped


def import_paths(
    store: ArticleStore,
    paths: Iterable[str | Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_file_done: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every supported file under `paths` into `store`, skipping (and reporting) bad ones."""
    report = ImportReport()
    batch: list[Article] = []

    def flush() -> None:
        if batch:
            result = store.bulk_upsert(batch, batch_size=len(batch))
            report.merge(result)
            batch.clear()

    for item in read_articles(paths, on_file_done=on_file_done):
        if isinstance(item, LoadError):
            report.skipped.append(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report
