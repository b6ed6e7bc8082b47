"""Indexing many articles in a row (`Matcher.add_many`) builds exactly what one `add` per
article builds: the same word ids, token arrays, word and word-pair postings, and answers."""

import random
import string
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_build import one_at_a_time
from service.corpus.importer import load_articles
from service.matching.matcher import Matcher
from service.matching.normalise import _TYPOGRAPHY_TABLE, fold_marks, tokenize
from service.matching.token_store import TokenStore, WordCodes, coded_tokens
from service.models import Article

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    loaded, errors = load_articles([CORPUS])
    assert not errors
    return loaded


def assert_same_index(bulk: Matcher, reference: Matcher) -> None:
    tokens, expected = bulk._tokens, reference._tokens
    assert list(tokens.vocabulary.words) == list(expected.vocabulary.words)
    assert tokens.vocabulary.as_dict() == expected.vocabulary.as_dict()
    assert np.array_equal(tokens.vocabulary.fuzzable, expected.vocabulary.fuzzable)
    assert np.array_equal(tokens.vocabulary.letters.table(), expected.vocabulary.letters.table())
    assert tokens.unused_words == expected.unused_words
    assert np.array_equal(tokens._uses, expected._uses)
    assert list(bulk._articles) == list(reference._articles)
    for article_id in reference._articles:
        assert bulk.article(article_id) == reference.article(article_id)
        doc, want = tokens.get(article_id), expected.get(article_id)
        for field in ("ids", "steps", "extent", "marks"):
            got, wanted = getattr(doc, field), getattr(want, field)
            assert got.dtype == wanted.dtype, (article_id, field)
            assert np.array_equal(got, wanted), (article_id, field)
        assert doc.origin == want.origin
    index, expected_index = bulk._index, reference._index
    assert index._ids == expected_index._ids
    assert np.array_equal(index._alive, expected_index._alive)
    words = set(expected_index._postings._terms)
    assert set(index._postings._terms) == words
    for word in words:
        assert np.array_equal(index._postings.docs(word), expected_index._postings.docs(word))
        assert index.document_frequency(word) == expected_index.document_frequency(word)
    pairs, expected_pairs = index._pairs._all_pairs(), expected_index._pairs._all_pairs()
    assert all(np.array_equal(a, b) for a, b in zip(pairs, expected_pairs, strict=True))


def test_bulk_build_equals_one_add_per_article_on_the_bundled_corpus(
    corpus: list[Article],
) -> None:
    bulk = Matcher(corpus)
    reference = one_at_a_time(corpus)
    assert_same_index(bulk, reference)
    rng = random.Random(5)
    for article in rng.sample(corpus, 25):
        quote = article.text[100:260]
        assert bulk.find(quote, 3) == reference.find(quote, 3)


def test_bulk_adds_with_replacements_and_a_vocabulary_compaction(corpus: list[Article]) -> None:
    # Replacing articles with made-up words leaves their old words unused until the vocabulary
    # is compacted in the middle of the run (its words renumbered under the batch's codes).
    rng = random.Random(11)
    base = corpus[:30]
    edits = []
    for n in range(120):
        article = base[rng.randrange(len(base))]
        made_up = " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(8)) for _ in range(40)
        )
        edits.append(replace(article, text=f"{article.text}\n\nUpdate {n}: they're {made_up}"))
    sequence = [*base, *edits, *corpus[30:60]]
    bulk = Matcher()
    bulk.add_many(sequence)
    bulk._index.flush()
    reference = one_at_a_time(sequence)
    assert len(reference._tokens.vocabulary.words) < len(
        {w for a in sequence for w in tokenize(a.text).words}
    )  # (a compaction happened in the reference run too)
    assert_same_index(bulk, reference)
    for article in edits[-5:]:
        quote = article.text[-200:]
        assert bulk.find(quote, 3) == reference.find(quote, 3)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(codec=None, categories=None), max_size=80)
        | st.text(alphabet="ab1,.' ’“”—-…\u00a0Z_`é\u0301\u0900", max_size=60)
        | st.just("they’re 1,000… can't isnt ‘quoted’ \u0301 O´Neill"),
        min_size=1,
        max_size=4,
    )
)
def test_coded_tokens_equal_tokenize_on_any_text(texts: list[str]) -> None:
    store = TokenStore()
    codes = WordCodes(store.vocabulary)
    for text in texts:
        ids, starts, ends = coded_tokens(text, codes)
        expected = tokenize(text)
        assert ids.dtype == starts.dtype == ends.dtype == np.int32
        assert tuple(store.vocabulary.words[i] for i in ids.tolist()) == expected.words
        assert (tuple(starts.tolist()), tuple(ends.tolist())) == (expected.starts, expected.ends)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=120)
    | st.text(alphabet="ab’“”„‟«»‐‑‒–—―−…\u00a0'`´\u2032", max_size=60)
)
def test_fold_marks_equals_translating_by_the_table(text: str) -> None:
    assert fold_marks(text) == text.translate(_TYPOGRAPHY_TABLE)
