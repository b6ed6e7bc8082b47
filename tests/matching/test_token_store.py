"""Articles tokenised once keep exact offsets in compact arrays."""

import pickle

import numpy as np
import pytest

from service.matching.normalise import tokenize
from service.matching.token_store import MARK_EVERY, DocTokens, PackedDocs, TokenStore

TEXT = "“They’re willing to put people on the ground,” Trump said. Café 1,000"


def test_tokens_round_trip_with_offsets() -> None:
    store = TokenStore()
    words = store.add("a", TEXT)
    assert words == tokenize(TEXT).words
    doc = store.get("a")
    view = doc.view(0, len(doc), store.vocabulary.words)
    assert view == tokenize(TEXT)
    assert TEXT[view.starts[0] : view.ends[1]] == "They’re"
    assert store.word_id("ground") == store.vocabulary["ground"]
    assert store.word_id("never-seen") == -1


def test_shared_vocabulary_and_removal() -> None:
    store = TokenStore()
    store.add("a", "peace talks")
    store.add("b", "talks collapse")
    assert store.get("a").ids[1] == store.get("b").ids[0]
    store.remove("a")
    store.remove("unknown")
    # Two int32 ids, two 1-byte steps and lengths, and one int64 mark (every MARK_EVERY words).
    assert store.nbytes() == 2 * 4 + 2 + 2 + 8


def test_a_word_longer_than_65535_characters_keeps_its_end() -> None:
    store = TokenStore()
    text = "short " + "x" * 70_000 + " end"
    store.add("long", text)
    doc = store.get("long")
    assert doc.ends.tolist() == [5, 70_006, 70_010]
    assert doc.starts.tolist() == [0, 6, 70_007]
    view = doc.view(1, 3, store.vocabulary.words)
    assert (view.starts, view.ends) == ((6, 70_007), (70_006, 70_010))


def test_offsets_far_into_a_text_and_contractions_round_trip() -> None:
    store = TokenStore()
    text = "x" * 300 + " " + "." * 70_000 + " They’re here, aren't they"
    store.add("far", text)
    doc = store.get("far")
    assert doc.view(0, len(doc), store.vocabulary.words) == tokenize(text)


@pytest.mark.parametrize(("gap", "steps"), [(1, np.uint8), (100, np.uint16)])
def test_offsets_of_any_word_range_of_a_long_article(gap: int, steps: type) -> None:
    # Word and gap lengths vary, so every range needs the right mark and the right sum after it;
    # gaps of hundreds of characters need two-byte steps.
    words = [("w" * (1 + i % 7)) + ("q" * (i % 3)) for i in range(3 * MARK_EVERY + 17)]
    text = "".join(w + " " * gap * (1 + i % 4) for i, w in enumerate(words))
    store = TokenStore()
    store.add("long", text)
    doc = store.get("long")
    assert doc.steps.dtype == steps
    expected = tokenize(text)
    n = len(doc)
    edges = sorted({0, 1, n - 1, n} | {k * MARK_EVERY + d for k in range(4) for d in (-1, 0, 1)})
    for lo in (e for e in edges if 0 <= e <= n):
        for hi in (e for e in edges if lo <= e <= n):
            starts, ends = doc.offsets(lo, hi)
            assert starts.tolist() == list(expected.starts[lo:hi])
            assert ends.tolist() == list(expected.ends[lo:hi])


def test_words_no_article_holds_are_counted_and_compacted_away() -> None:
    store = TokenStore()
    store.add("a", "peace talks collapse")
    store.add("b", "talks resume today")
    store.add("a", "peace returns")  # replaced: "collapse" is held by nothing now
    assert store.unused_words == 1
    store.remove("b")  # "talks", "resume" and "today" go too
    assert store.unused_words == 4
    before = [store.word(i) for i in store.get("a").ids.tolist()]
    remap = store.compact()
    # Old ids: peace 0, talks 1, collapse 2, resume 3, today 4, returns 5; the kept keep order.
    assert remap.tolist() == [0, -1, -1, -1, -1, 1]
    assert list(store.vocabulary.words) == ["peace", "returns"]
    assert store.vocabulary.as_dict() == {"peace": 0, "returns": 1}
    assert store.unused_words == 0
    assert store.word_id("talks") == -1
    assert [store.word(i) for i in store.get("a").ids.tolist()] == before
    doc = store.get("a")
    assert doc.view(0, len(doc), store.vocabulary.words) == tokenize("peace returns")
    # What the vocabulary derives per word follows the renumbering.
    fresh = TokenStore()
    fresh.add("a", "peace returns")
    assert store.vocabulary.fuzzable.tolist() == fresh.vocabulary.fuzzable.tolist()
    assert store.vocabulary.letters.table().tolist() == fresh.vocabulary.letters.table().tolist()
    assert store.vocabulary.near("retrns", 80, 2) == ["returns"]
    store.add("c", "talks again")  # a dropped word comes back with a new id
    assert store.word_id("talks") == 2
    assert store.unused_words == 0


def test_compaction_is_wanted_only_once_a_share_of_words_is_unused() -> None:
    store = TokenStore()
    store.add("keep", " ".join(f"keep{n}" for n in range(3000)))
    store.add("gone", " ".join(f"gone{n}" for n in range(999)))
    store.remove("gone")
    assert (store.unused_words, store.wants_compaction()) == (999, False)  # under the minimum
    store.add("gone", " ".join(f"more{n}" for n in range(1001)))
    store.remove("gone")
    assert (store.unused_words, store.wants_compaction()) == (2000, True)  # 2000 of 5000


def test_words_added_after_a_saved_vocabulary_get_what_a_fresh_one_gives() -> None:
    # Saved, the words are a shared table; words met after opening go to a private overlay.
    # Ids, per-word arrays and typo look-up must be what one vocabulary built in one go gives.
    texts = ["Peace talks resume today", "The talks collapsed again", "Peace returns to Gaza"]
    late = ["Talks on peace resumed in Geneva", "Genevan peacemakers returned"]
    saved = TokenStore()
    for n, text in enumerate(texts):
        saved.add(f"a{n}", text)
    opened = pickle.loads(pickle.dumps(saved, protocol=5))
    fresh = TokenStore()
    for n, text in enumerate(texts):
        fresh.add(f"a{n}", text)
    for n, text in enumerate(late):
        opened.add(f"b{n}", text)
        fresh.add(f"b{n}", text)
    mine, want = opened.vocabulary, fresh.vocabulary
    assert list(mine.words) == list(want.words)
    assert mine.as_dict() == want.as_dict()
    assert mine.fuzzable.tolist() == want.fuzzable.tolist()
    assert mine.letters.table().tolist() == want.letters.table().tolist()
    n = len(want)
    assert mine.function[:n].tolist() == want.function[:n].tolist()
    for typo in ("genva", "peacs", "retuned", "talsk"):
        assert mine.near(typo, 60, 5) == want.near(typo, 60, 5)
    assert mine.get("geneva") == want.get("geneva")
    assert mine.get("nowhere") == -1
    for article in ("a0", "b1"):
        assert opened.get(article).ids.tolist() == fresh.get(article).ids.tolist()


def test_packed_ids_take_two_bytes_only_while_every_id_fits() -> None:
    starts = np.array([0, 6], dtype=np.int32)
    ends = np.array([5, 11], dtype=np.int32)
    small = DocTokens.build(np.array([7, 65535], dtype=np.int32), starts, ends)
    large = DocTokens.build(np.array([7, 65536], dtype=np.int32), starts, ends)
    assert PackedDocs([small]).ids.dtype == np.uint16
    assert PackedDocs([small, large]).ids.dtype == np.int32
    for packed in (PackedDocs([small]), PackedDocs([small, large])):
        for row, doc in enumerate([small, large][: len(packed.origins)]):
            ids = packed.doc(row).ids
            assert ids.dtype == np.int32
            assert ids.tolist() == doc.ids.tolist()
