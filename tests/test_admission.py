"""The write check every way into the store applies (`service.admission`), and what the importer
and the quote cache do with its answers. Real extraction throughout: the slow text is
bench/bench_names.py's adversarial name text, far over the small budgets used here."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from bench.bench_names import adversarial_text
from service import deadline
from service.admission import (
    StoredArticleTooSlow,
    check_threshold,
    quotes_for_read,
    refuse_if_slow,
    write_share,
)
from service.attribution import extract_quotes
from service.corpus.importer import RefusedArticle, import_paths, read_articles
from service.corpus.store import ArticleStore
from service.engine import QuoteCache
from service.models import Article

BUDGET = 0.2  # a write may spend 0.1 s attributing: the slow text takes about 1.5 s
SLOW = Article(id="slow", title="Councillors", text=adversarial_text(500_000))
SHORT = Article(id="short", title="Harbour", text="\u201cWe stay open,\u201d the master said.")


def test_the_threshold_scales_with_the_budget_and_is_off_without_one() -> None:
    assert check_threshold(5.0) == 31_250  # 2.5 s of write share at 80 us a character (README)
    assert check_threshold(1.0) == check_threshold(5.0) // 5
    assert check_threshold(0) == math.inf
    assert check_threshold(None) == math.inf
    assert write_share(BUDGET) == pytest.approx(0.1)


def test_a_slow_article_is_refused_with_its_id() -> None:
    assert refuse_if_slow(SLOW, BUDGET) == (
        "article 'slow' was not stored: attributing its quotes takes more than 0.1 CPU "
        "seconds (half of VERBATIM_REQUEST_BUDGET=0.2), so every read of it would be refused; "
        "split it into shorter articles"
    )
    assert refuse_if_slow(SLOW, 0) is None  # the check turned off
    assert refuse_if_slow(SHORT, BUDGET) is None
    # A budget too small for any extraction checks (and refuses) even the shortest article.
    assert check_threshold(1e-5) == 0
    assert refuse_if_slow(SHORT, 1e-5) is not None


def test_the_importer_skips_what_admit_refuses_and_frees_its_id(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "slow", "title": "Councillors", "text": SLOW.text},
        {"id": "short", "title": "Harbour", "text": SHORT.text},
        {"id": "slow", "title": "Councillors, shorter", "text": "The council met."},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = ArticleStore(tmp_path / "store.sqlite3")
    report = import_paths(store, [source], admit=lambda a: refuse_if_slow(a, BUDGET))
    assert report.added == ["short", "slow"]
    assert store.get("slow").text == "The council met."  # the third record, now free to take it
    assert report.refused == [RefusedArticle(f"{source}:1", refuse_if_slow(SLOW, BUDGET), "slow")]
    assert report.skipped == report.refused
    items = list(read_articles([source]))  # without `admit`, every valid record is read
    assert [i.id for i in items if isinstance(i, Article)] == ["slow", "short"]


def test_a_read_names_the_article_only_when_it_alone_is_too_slow() -> None:
    with pytest.raises(StoredArticleTooSlow) as raised, deadline.budget(BUDGET):
        quotes_for_read(SLOW)
    assert raised.value.article_id == "slow"
    assert raised.value.seconds == BUDGET
    # A budget already spent elsewhere (a page of other articles) is the request's fault.
    with deadline.budget(BUDGET):
        spin_until = time.thread_time() + BUDGET * 0.9
        while time.thread_time() < spin_until:
            pass
        with pytest.raises(deadline.DeadlineExceeded) as plain:
            quotes_for_read(SLOW)
    assert not isinstance(plain.value, StoredArticleTooSlow)


def test_the_cache_remembers_a_too_slow_article_for_its_text_and_budget() -> None:
    cache = QuoteCache()
    with pytest.raises(StoredArticleTooSlow), deadline.budget(BUDGET):
        cache.get(SLOW)
    # Refused again without extracting: far less CPU than the write share the extraction took.
    started = time.thread_time()
    with pytest.raises(StoredArticleTooSlow) as again, deadline.budget(BUDGET):
        cache.get(SLOW)
    assert time.thread_time() - started < write_share(BUDGET)
    assert again.value.article_id == "slow"
    # A new text under the same id is extracted afresh.
    replaced = Article(id="slow", title="Councillors", text=SHORT.text)
    assert cache.get(replaced) == extract_quotes(SHORT.text, "Councillors")
    small = Article(id="slow", title="Councillors", text=adversarial_text(2_000))
    assert cache.get(small) == extract_quotes(small.text, small.title)
