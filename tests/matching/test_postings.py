"""Packed word postings against the plain dict of lists they replace, on real articles."""

from __future__ import annotations

import pickle

import numpy as np

from bench.corpus_source import load_real_articles
from service.matching.normalise import word_set
from service.matching.postings import WordPostings
from service.matching.shingles import ShingleIndex, pair_keys
from service.matching.word_index import WordIndex


def _reference(docs: list[set[str]], removed: set[int]) -> dict[str, list[int]]:
    """Word -> ascending live documents, the obvious way."""
    plain: dict[str, list[int]] = {}
    for doc, words in enumerate(docs):
        if doc not in removed:
            for word in words:
                plain.setdefault(word, []).append(doc)
    return plain


def _lists(postings: WordPostings, words: set[str]) -> dict[str, list[int]]:
    out = {w: postings.docs(w).tolist() for w in words}
    return {w: d for w, d in out.items() if d}


def test_postings_equal_the_plain_lists_through_merges_removal_and_pickling(monkeypatch) -> None:
    # Small merge thresholds so a few hundred articles go through several merges and a
    # pending tail, as a large build does.
    monkeypatch.setattr("service.matching.postings.MERGE_MIN", 2000)
    docs = [word_set(a.text) for a in load_real_articles()[:300]]
    vocabulary = set().union(*docs) | {"zzz-never-seen"}
    postings = WordPostings()
    for doc, words in enumerate(docs):
        postings.add(doc, words)
        if doc == 150:  # a lookup with pending postings, then more adds
            assert _lists(postings, vocabulary) == _reference(docs[:151], set())
    assert _lists(postings, vocabulary) == _reference(docs, set())
    assert all(postings.frequency(w) == len(postings.docs(w)) for w in vocabulary)
    assert postings.frequency("zzz-never-seen") == 0

    loaded = pickle.loads(pickle.dumps(postings, protocol=5))
    assert _lists(loaded, vocabulary) == _reference(docs, set())

    removed = set(range(0, 300, 3))
    remap = np.full(len(docs), -1, dtype=np.int32)
    live = [d for d in range(len(docs)) if d not in removed]
    remap[live] = np.arange(len(live), dtype=np.int32)
    expected = {w: [int(remap[d]) for d in ds] for w, ds in _reference(docs, removed).items()}
    gone = vocabulary - set(expected)
    assert gone  # (words only the removed articles held, forgotten by the remap)
    pending = WordPostings()
    for doc, words in enumerate(docs):
        pending.add(doc, words)
    assert pending._pending_n  # renumbered with postings still pending, and without
    for renumbered in (pending, loaded):
        renumbered.remap(remap)
        assert _lists(renumbered, vocabulary) == expected
        assert all(renumbered.frequency(w) == 0 for w in gone)


def test_saved_word_index_keeps_no_per_word_objects() -> None:
    # The postings travel as two flat arrays (mapped from the snapshot file), not one object
    # per word in the pickle stream.
    index = WordIndex()
    for article in load_real_articles()[:200]:
        index.add(article.id, article.text, article.published)
    index.flush()
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(index._postings, protocol=5, buffer_callback=buffers.append)
    out_of_band = sum(b.raw().nbytes for b in buffers)
    postings = sum(index.document_frequency(w) for w in index._postings._terms)
    assert out_of_band >= 4 * postings
    assert len(stream) < out_of_band


def _word_postings_in(rng: np.random.Generator, rounds: int) -> list[WordPostings]:
    """Two equal postings, fed the same documents in `rounds` batches with a merge after each
    batch: the first by insertion (`_merge`), the second by sorting everything."""
    merged, sorted_ = WordPostings(), WordPostings()
    doc = 0
    for _ in range(rounds):
        for _ in range(int(rng.integers(1, 40))):
            # New words keep arriving (ids above the merged ones) and old ones recur.
            words = {f"w{int(w)}" for w in rng.zipf(1.3, size=int(rng.integers(0, 30)))}
            merged.add(doc, words)
            sorted_.add(doc, words)
            doc += 1
        if merged._pending_n:
            merged._merge()
            sorted_._merge_by_sorting()
    return [merged, sorted_]


def test_merging_by_insertion_equals_sorting_every_posting() -> None:
    rng = np.random.default_rng(3)
    merged, sorted_ = _word_postings_in(rng, 25)
    assert np.array_equal(merged._docs, sorted_._docs)
    assert np.array_equal(merged._offsets, sorted_._offsets)
    for word in merged._terms:
        assert merged.frequency(word) == sorted_.frequency(word) == len(merged.docs(word))


def test_word_pair_merge_by_insertion_equals_sorting_every_posting() -> None:
    rng = np.random.default_rng(4)
    merged, sorted_ = ShingleIndex(), ShingleIndex()
    doc = 0
    for round_ in range(25):
        if round_ % 5 == 4:  # saved and opened (offsets narrowed to four bytes), then merged into
            merged = pickle.loads(pickle.dumps(merged, protocol=5))
            assert merged._main.offsets.dtype == np.uint32
        for _ in range(int(rng.integers(1, 40))):
            # Pairs new to the index land between known keys, before the first and after the last.
            ids = rng.zipf(1.4, size=int(rng.integers(0, 40))).astype(np.int32) % 500
            keys = pair_keys(ids)
            merged.add(doc, keys)
            sorted_.add(doc, keys)
            doc += 1
        if merged._pending_n:
            merged._merge()
            sorted_._merge_by_sorting()
        main, expected = merged._main, sorted_._main
        assert np.array_equal(main.keys, expected.keys)
        assert np.array_equal(main.offsets, expected.offsets)
        assert np.array_equal(main.docs, expected.docs)
        assert main.docs.dtype == expected.docs.dtype == np.int32
    assert len(main.keys) > 1000
