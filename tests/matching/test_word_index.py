"""Candidate retrieval: every document sharing a rare word can be found, at any corpus size."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from service.matching.reference import best_documents_reference
from service.matching.word_index import MAX_TIED, WordIndex, _best_documents


def test_sources_beyond_max_tied_documents_are_found() -> None:
    # Few documents share any word with the query: each article has its own made-up words.
    index = WordIndex()
    n = MAX_TIED + 600
    for i in range(n):
        index.add(f"doc-{i}", f"zq{i}x common words here yq{i}w")
    for i in (0, MAX_TIED - 1, MAX_TIED, MAX_TIED + 1, n - 1):
        assert index.candidates([f"zq{i}x", "common", "words"], 3)[0][0] == f"doc-{i}"
    assert index.candidates(["unknownword"], 3) == []


def test_candidates_rank_by_shared_rare_words_then_date() -> None:
    index = WordIndex()
    index.add("late", "alpha beta gamma", "2025-02-01")
    index.add("early", "alpha beta gamma", "2025-01-01")
    index.add("partial", "alpha delta", "2024-01-01")
    for i in range(20):
        index.add(f"other-{i}", "unrelated text entirely")
    ranked = [aid for aid, _ in index.candidates(["alpha", "beta", "gamma"], 5)]
    assert ranked == ["early", "late", "partial"]


def test_removed_documents_are_not_candidates() -> None:
    index = WordIndex()
    index.add("a", "unique zebra words")
    index.add("b", "unique zebra words")
    index.remove("a")
    assert [aid for aid, _ in index.candidates(["zebra"], 5)] == ["b"]


def test_ties_are_ordered_by_date_then_id_whatever_the_indexing_order() -> None:
    index = WordIndex()
    dates = ["2024-05-01", "2023-01-09", "2024-05-01", "", "2023-01-09", "2024-05-01"]
    for n, date in enumerate(dates):
        index.add(f"copy-{9 - n}", "the same wire story about a harbour", published=date)
    index.add("other", "nothing in common", published="2020-01-01")
    found = [aid for aid, _ in index.candidates(["harbour", "wire"], limit=4)]
    # Undated first (as the strings sort), then the earliest date; equal dates by id.
    assert found == ["copy-6", "copy-5", "copy-8", "copy-4"]


def test_dates_not_in_iso_form_are_still_ordered_as_strings() -> None:
    index = WordIndex()
    for aid, date in [("a", "2024-5-1"), ("b", "2023-01-09"), ("c", "2024-05-01")]:
        index.add(aid, "the same wire story about a harbour", published=date)
    found = [aid for aid, _ in index.candidates(["harbour"], limit=2)]
    assert found == ["b", "c"]


@st.composite
def _postings(draw: st.DrawFn) -> tuple:
    """Random posting lists over a few documents, with equal weights (ties), dead documents,
    missing and non-ISO dates, and a tie cap small enough to be hit."""
    n_docs = draw(st.integers(1, 30))
    n_words = draw(st.integers(1, 6))
    lists = [
        sorted(draw(st.sets(st.integers(0, n_docs - 1), min_size=1, max_size=n_docs)))
        for _ in range(n_words)
    ]
    weights = draw(
        st.lists(st.sampled_from([-0.5, 0.25, 1.0, 1.0, 2.5]), min_size=n_words, max_size=n_words)
    )
    alive = draw(st.lists(st.booleans(), min_size=n_docs, max_size=n_docs))
    days = draw(
        st.lists(
            st.sampled_from([-1, 20240101, 20240101, 20250101, -2]),
            min_size=n_docs,
            max_size=n_docs,
        )
    )
    return lists, weights, alive, days, draw(st.integers(1, 6)), draw(st.integers(1, 8))


@settings(max_examples=300, deadline=None)
@given(_postings())
# A tie cap below `limit`, with the one low-scoring document pruned unseen: the cap still applies.
@example(
    (
        [[0], [5, 10, 12], [0, 1]],
        [0.25, 1.0, 0.25],
        [False, True, False, False, False, True, False, False, False, False, True, False, True],
        [-1] * 13,
        3,
        1,
    )
)
def test_compiled_retrieval_keeps_what_the_numpy_reference_keeps(case: tuple) -> None:
    lists, weights, alive, days, limit, max_tied = case
    docs = np.array([d for plist in lists for d in plist], dtype=np.int32)
    lengths = np.array([len(p) for p in lists], dtype=np.int64)
    args = (docs, lengths, np.array(weights), np.array(alive), np.array(days, dtype=np.int64))
    scores, touched = np.zeros(len(alive)), np.zeros(len(alive), dtype=np.bool_)
    hit, hit_scores = _best_documents(*args, scores, touched, limit, max_tied)
    want, want_scores = best_documents_reference(*args, limit, max_tied)
    assert sorted(zip(hit.tolist(), hit_scores.tolist(), strict=True)) == sorted(
        zip(want.tolist(), want_scores.tolist(), strict=True)
    )
    # The scratch is left clean for the next query.
    assert not scores.any()
    assert not touched.any()
