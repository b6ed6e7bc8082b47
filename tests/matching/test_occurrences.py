"""The compiled window scan and phrase search against their plain-Python oracles."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from service.matching.occurrences import (
    MAX_HITS_PER_WORD,
    MAX_WINDOWS,
    WINDOW_SLACK,
    QuoteWords,
    first_copy,
    first_copy_in,
)
from service.matching.reference import windows_reference


def quote_words(quote: list[int], spread: int) -> QuoteWords:
    spans: dict[int, tuple[int, int]] = {}
    for row, word in enumerate(quote):
        first, last = spans.get(word, (row, row))
        spans[word] = (min(first, row), max(last, row))
    return QuoteWords(spans, len(quote), spread)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=8),
    st.lists(st.integers(0, 12), max_size=400),
    st.integers(1, 60),
)
def test_compiled_scan_matches_reference(quote: list[int], article: list[int], spread) -> None:
    words = quote_words(quote, spread)
    ids = np.array(article, dtype=np.int32)
    assert words.windows(ids) == windows_reference(words, ids)


# Word ids that share their low bits (the scan's filter slot) with the quote's: only the binary
# search among the quote words tells them apart.
COLLIDING = [3, 3 + 1024, 3 + 4096, 700, 700 + 2048, 1023, 2047, 0, 1024]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(COLLIDING[:5]), min_size=1, max_size=6),
    st.lists(st.sampled_from(COLLIDING), max_size=300),
    st.integers(1, 40),
)
def test_scan_tells_apart_words_sharing_a_filter_slot(quote, article, spread) -> None:
    words = quote_words(quote, spread)
    ids = np.array(article, dtype=np.int32)
    assert words.windows(ids) == windows_reference(words, ids)


def test_one_occurrence_gives_one_window_with_slack() -> None:
    # Quote words 5 7 9 at article words 100-102: the window is them plus the slack each side.
    words = quote_words([5, 7, 9], spread=26)
    ids = np.zeros(300, dtype=np.int32)
    ids[100:103] = [5, 7, 9]
    assert words.windows(ids) == [[100 - WINDOW_SLACK, 103 + WINDOW_SLACK]]


def test_densest_occurrence_comes_first_and_far_ones_are_separate() -> None:
    words = quote_words([5, 7, 9], spread=26)
    ids = np.zeros(400, dtype=np.int32)
    ids[50] = 5  # one word alone
    ids[200:203] = [5, 7, 9]  # all three
    assert words.windows(ids) == [[190, 213], [40, 63]]


def test_windows_are_capped_and_hits_per_word_bounded() -> None:
    words = quote_words([5], spread=22)
    ids = np.zeros(100_000, dtype=np.int32)
    ids[::100] = 5  # 1,000 separate occurrences
    found = words.windows(ids)
    assert len(found) == min(MAX_WINDOWS, MAX_HITS_PER_WORD)
    assert found[0] == [0, WINDOW_SLACK + 1]
    assert all(lo < 100 * MAX_HITS_PER_WORD for lo, _ in found)


def test_no_quote_word_no_window() -> None:
    assert quote_words([5], 30).windows(np.array([1, 2, 3], dtype=np.int32)) == []
    assert QuoteWords({}, 3, 30).windows(np.array([1, 2, 3], dtype=np.int32)) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 3), max_size=60),
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_first_copy_is_the_earliest_inside_the_range(article, phrase, lo, hi) -> None:
    ids = np.array(article, dtype=np.int32)
    q = np.array(phrase, dtype=np.int32)
    hi = min(hi, len(article))
    expected = next(
        (k for k in range(lo, hi - len(phrase) + 1) if article[k : k + len(phrase)] == phrase),
        -1,
    )
    assert first_copy(ids, lo, hi, q) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 3), max_size=80),
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=5),
)
def test_first_copy_in_windows_is_the_earliest_of_each_windows_first_copy(
    article, phrase, ranges
) -> None:
    ids = np.array(article, dtype=np.int32)
    q = np.array(phrase, dtype=np.int32)
    spans = [(lo, min(hi, len(article))) for lo, hi in ranges]
    windows = np.array(spans, dtype=np.int64).reshape(-1, 2)
    found = [k for lo, hi in spans if (k := first_copy(ids, lo, hi, q)) >= 0]
    assert first_copy_in(ids, windows, q) == min(found, default=-1)
