"""Whether an article may be stored: attributing it must fit the write share of the budget.

Every read of an article (a page, `GET /v1/articles/{id}`, a verify that lands in it) may have
to extract its quotes again, within one request's budget (`service.deadline`). So every way in
refuses an article whose extraction takes more than `WRITE_EXTRACTION_SHARE` of that budget:
API writes inside their request's budget (`quotes_before_write`), and `verbatim import` and the
start-up corpus load through `refuse_if_slow`, which the importer calls per article (the corpus
layer gets it as a callback and never imports attribution).

Checking means extracting, which would double the cost of a large import, so only articles long
enough to come near the budget are checked (`check_threshold`). The bound comes from
bench/bench_write_check.py: the worst CPU time per character measured on long texts (real
news, the adversarial name text of bench/bench_names.py, the inputs of bench_adversarial.py),
times `SAFETY` for a slower machine and for inputs nobody measured. The threshold scales with
the budget, so a small test budget checks short articles too.
"""

from __future__ import annotations

import math
import time

from service import deadline
from service.attribution import extract_quotes
from service.models import Article, QuoteSpan

# A write's extraction must finish within this share of what is left of its request budget, so
# a later read of the same article (extraction again on a cache miss, plus matching) fits in a
# whole budget; over it the write is refused before anything is stored.
WRITE_EXTRACTION_SHARE = 0.5
# The most CPU seconds per character extraction took on any text of 10,000 characters or more
# that bench/bench_write_check.py measured: 12-16 us/char for a run of '"Yes," he said.' quotes
# (news runs at 1-4 us/char, the adversarial names at 3-4), rounded up. Only texts shorter than
# the threshold rely on it: a longer one is checked, however its cost grows.
WORST_SECONDS_PER_CHAR = 20e-6
# Headroom over that rate: a machine up to four times slower, or a text four times worse than
# any measured, is still checked before it is stored.
SAFETY = 4.0


class StoredArticleTooSlow(deadline.DeadlineExceeded):
    """A stored article's own extraction ran past the write share of the budget: it would have
    been refused as a write (stored before writes were checked, or with the check off), and no
    retry of a read of it can succeed under the same budget."""

    def __init__(self, article_id: str, seconds: float) -> None:
        super().__init__("extraction", seconds)
        self.article_id = article_id


def write_share(request_budget: float) -> float:
    """CPU seconds a write's extraction may take under `request_budget`."""
    return request_budget * WRITE_EXTRACTION_SHARE


def check_threshold(request_budget: float | None) -> float:
    """Text length (characters) from which an imported article is extraction-checked; below it
    even the worst measured rate, times `SAFETY`, stays within the write share. Without a
    budget (None or <= 0) nothing is refused, so nothing is checked (infinity)."""
    if request_budget is None or request_budget <= 0:
        return math.inf
    # Rounded before the floor: 2.5 s / 80 us is 31,249.999... in binary floating point.
    return math.floor(round(write_share(request_budget) / (WORST_SECONDS_PER_CHAR * SAFETY), 6))


def quotes_before_write(article: Article) -> list[QuoteSpan]:
    """`article`'s quotes, extracted within `WRITE_EXTRACTION_SHARE` of what is left of the
    current budget; DeadlineExceeded when they do not fit (also when the last step ran past it
    between two of extraction's own checks), so the caller stores nothing."""
    left = deadline.remaining()
    with deadline.budget(None if left is None else write_share(left)):
        quotes = extract_quotes(article.text, article.title)
        deadline.check("extraction")
        return quotes


def refuse_if_slow(article: Article, request_budget: float | None) -> str | None:
    """Why `article` must not be stored under `request_budget` (its extraction runs past the
    write share, as an API write would be refused), or None when it may be."""
    if len(article.text) < check_threshold(request_budget):
        return None
    assert request_budget is not None  # check_threshold is infinite without a budget
    try:
        with deadline.budget(request_budget):
            quotes_before_write(article)
    except deadline.DeadlineExceeded:
        return (
            f"article {article.id!r} was not stored: attributing its quotes takes more than "
            f"{write_share(request_budget):g} CPU seconds (half of VERBATIM_REQUEST_BUDGET="
            f"{request_budget:g}), so every read of it would be refused; split it into "
            "shorter articles"
        )
    return None


def quotes_for_read(article: Article) -> list[QuoteSpan]:
    """`article`'s quotes for a read, within the current budget. When the budget runs out
    after this article alone took the write share of it, StoredArticleTooSlow (the article is
    the cause); otherwise the plain DeadlineExceeded (the request as a whole, e.g. a page)."""
    started = time.thread_time()  # the clock `service.deadline` counts
    try:
        return extract_quotes(article.text, article.title)
    except deadline.DeadlineExceeded as exc:
        if time.thread_time() - started >= write_share(exc.seconds):
            raise StoredArticleTooSlow(article.id, exc.seconds) from exc
        raise
