"""Bulk import of article files into the store, with the API's validation and a per-id report.

Every record goes through the same `ArticleInSchema` as `POST /v1/articles`, so a file is
accepted or refused exactly as the API would accept or refuse the same article, with the same
message. Nothing is changed silently: a refused record is skipped with its reason, and an id the
importer had to make or change (a file name that is not an id, a title slug already taken in
this run) is reported as a notice. A caller may also refuse valid articles (`admit`: the
command line and the start-up load refuse one too slow to attribute, `service.admission`);
each is skipped with the reason the callback gives. Articles are written in batches, each batch
one transaction: an import killed part-way leaves whole batches behind, and re-running it
reports those as "unchanged" and writes only the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError

from schemas.articles import ArticleInSchema
from service.corpus.formats import (
    ArticleRecord,
    LoadError,
    find_article_files,
    read_article_file,
    slugify,
)
from service.corpus.store import DEFAULT_BATCH_SIZE, ArticleStore, BulkResult, article_fields
from service.models import Article

_SCHEMA = ArticleInSchema()
# Same bound as the API's generated ids (service/api/articles.py).
MAX_SLUG_SUFFIX = 1000


@dataclass(frozen=True, slots=True)
class ImportNotice:
    """Something the importer did that the file did not say: the article is stored, but
    not quite as written (an id made or changed, metadata left out)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class RefusedArticle(LoadError):
    """A valid article the caller's `admit` check refused (e.g. too slow to attribute)."""

    article_id: str = ""


# Given an article that passed validation: why it must not be stored, or None to store it.
Admit = Callable[[Article], str | None]


@dataclass(slots=True)
class ImportReport(BulkResult):
    """What the store did, every file or record skipped with its reason, and every notice."""

    skipped: list[LoadError] = field(default_factory=list)
    notices: list[ImportNotice] = field(default_factory=list)

    @property
    def refused(self) -> list[RefusedArticle]:
        """The skipped records that were valid articles refused by the `admit` check."""
        return [item for item in self.skipped if isinstance(item, RefusedArticle)]

    def _lists(self) -> dict[str, list]:
        return {**BulkResult._lists(self), "skipped": self.skipped, "notices": self.notices}


def validate_fields(fields: dict) -> dict:
    """The API's validation of one article's fields; raises ValidationError with field messages."""
    return _SCHEMA.load(fields)


def validate_article(article: Article) -> Article:
    """Run an article through the API's schema; raises ValidationError with field messages."""
    return Article(**validate_fields(article_fields(article)))


def describe_validation_error(error: ValidationError) -> str:
    """'title: Length must be between 1 and 500.; url: Not a valid URL.' for one summary line."""
    messages = error.normalized_messages()
    parts = []
    for name, problems in messages.items():
        text = "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
        parts.append(f"{name}: {text}")
    return "; ".join(parts)


class _IdAssigner:
    """Ids within one run: a named id is used as given (a second use is refused); a made one
    (from the file name or title) that is taken gets -2, -3..., and the change is reported."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, Article]] = {}

    def forget(self, article_id: str) -> None:
        """Free an id whose article was not stored, for a later record of this run."""
        self.seen.pop(article_id, None)

    def assign(
        self, record: ArticleRecord, data: dict
    ) -> Article | LoadError | tuple[Article, list[ImportNotice]]:
        notices: list[ImportNotice] = []
        body = {k: v for k, v in data.items() if k != "id"}
        if "id" in data:
            article = Article(id=data["id"], **body)
            if article.id in self.seen:
                return LoadError(
                    record.origin,
                    f"duplicate id {article.id!r} (already read from {self.seen[article.id][0]})",
                )
            self.seen[article.id] = (record.origin, article)
            return article
        source = record.id_from if record.id_from is not None else data["title"]
        base = slugify(source)
        if record.id_from is not None and base != record.id_from:
            notices.append(
                ImportNotice(
                    record.origin,
                    f"file name {record.id_from!r} is not an article id; stored as {base!r}",
                )
            )
        for n in range(1, MAX_SLUG_SUFFIX + 1):
            candidate = base if n == 1 else f"{base}-{n}"
            article = Article(id=candidate, **body)
            taken = self.seen.get(candidate)
            if taken is None:
                if n > 1:
                    notices.append(
                        ImportNotice(
                            record.origin,
                            f"id {base!r} is already used by {self.seen[base][0]}; "
                            f"stored as {candidate!r}",
                        )
                    )
                self.seen[candidate] = (record.origin, article)
                return article, notices
            if taken[1] == article:
                return LoadError(
                    record.origin, f"the same article as {taken[0]} (stored as {candidate!r})"
                )
        return LoadError(record.origin, f"more than {MAX_SLUG_SUFFIX} articles would be {base!r}")


def read_articles(
    paths: Iterable[str | Path],
    *,
    on_file_done: Callable[[Path], None] | None = None,
    admit: Admit | None = None,
) -> Iterator[Article | LoadError | ImportNotice]:
    """Every valid article under `paths` in a stable order, every file or record skipped, and a
    notice for everything stored otherwise than written. An article `admit` refuses is yielded
    as a `RefusedArticle` (without its notices) and its id stays free for later records.

    This is the one reader of article files: the import command, the bundled corpus at start-up,
    tests and benchmarks all use it.
    """
    files, errors = find_article_files(paths)
    yield from errors
    ids = _IdAssigner()
    for path in files:
        for item in read_article_file(path):
            if isinstance(item, LoadError):
                yield item
                continue
            try:
                data = validate_fields(item.fields)
            except ValidationError as exc:
                yield LoadError(item.origin, describe_validation_error(exc))
                continue
            outcome = ids.assign(item, data)
            if isinstance(outcome, LoadError):
                yield outcome
                continue
            article, notices = outcome if isinstance(outcome, tuple) else (outcome, [])
            reason = admit(article) if admit is not None else None
            if reason is not None:
                ids.forget(article.id)
                yield RefusedArticle(item.origin, reason, article.id)
                continue
            yield from notices
            yield from (ImportNotice(item.origin, note) for note in item.notes)
            yield article
        if on_file_done is not None:
            on_file_done(path)


def load_articles(paths: Iterable[str | Path]) -> tuple[list[Article], list[LoadError]]:
    """`read_articles` gathered into lists: the articles and what was skipped (notices dropped;
    `import_paths` reports them)."""
    articles: list[Article] = []
    skipped: list[LoadError] = []
    for item in read_articles(paths):
        if isinstance(item, LoadError):
            skipped.append(item)
        elif isinstance(item, Article):
            articles.append(item)
    return articles, skipped


def import_paths(
    store: ArticleStore,
    paths: Iterable[str | Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_file_done: Callable[[Path], None] | None = None,
    admit: Admit | None = None,
) -> ImportReport:
    """Import every supported file under `paths` into `store`, skipping (and reporting) bad ones
    and those `admit` refuses (see `read_articles`)."""
    report = ImportReport()
    batch: list[Article] = []

    def flush() -> None:
        if batch:
            result = store.bulk_upsert(batch, batch_size=len(batch))
            report.merge(result)
            batch.clear()

    for item in read_articles(paths, on_file_done=on_file_done, admit=admit):
        if isinstance(item, LoadError):
            report.skipped.append(item)
            continue
        if isinstance(item, ImportNotice):
            report.notices.append(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report
