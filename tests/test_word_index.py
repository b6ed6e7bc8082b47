"""Candidate retrieval: every document sharing a rare word can be found, at any corpus size."""

from service.word_index import MAX_TIED, WordIndex


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
