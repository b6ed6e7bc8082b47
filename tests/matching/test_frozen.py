"""The flat string tables a saved index maps: the same answers as the dicts and lists they
replace, before and after a pickle round trip, with words added and removed since."""

from __future__ import annotations

import pickle

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from service.matching.frozen import (
    SEEN_STRINGS,
    GrowingTable,
    RowMap,
    StringList,
    StringTable,
    WordBuckets,
    _fill_slots,
    fill_slots_reference,
    string_hash,
)

WORDS = ["peace", "talks", "café", "naïve", "ground", "x", "über", "gründlich", "peaces"]
words_strategy = st.lists(st.text(min_size=1, max_size=12).filter(lambda w: "\n" not in w))


def _round_trip(obj):  # (protocol 5 with out-of-band buffers, as the snapshot stores them)
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    return pickle.loads(data, buffers=[bytearray(b.raw()) for b in buffers])


@settings(max_examples=60, deadline=None)
@given(words_strategy)
def test_compiled_slot_filling_matches_the_reference(words: list[str]) -> None:
    distinct = list(dict.fromkeys(words))
    hashes = np.array([string_hash(w.encode()) for w in distinct], dtype=np.uint32)
    size = 1 << max(4, (2 * len(distinct)).bit_length())
    compiled, reference = np.full(size, -1, np.int32), np.full(size, -1, np.int32)
    _fill_slots(hashes, compiled)
    fill_slots_reference(hashes, reference)
    assert compiled.tolist() == reference.tolist()


@settings(max_examples=60, deadline=None)
@given(words_strategy, words_strategy)
def test_table_lookup_answers_as_a_dict_does(words: list[str], probes: list[str]) -> None:
    distinct = list(dict.fromkeys(words))
    plain = {w: i for i, w in enumerate(distinct)}
    for table in (StringTable.of(distinct), _round_trip(StringTable.of(distinct))):
        assert list(table) == distinct
        assert [table[i] for i in range(len(table))] == distinct
        for probe in [*distinct, *probes, "never-a-word"]:
            assert table.find(probe) == plain.get(probe, -1)


def test_a_growing_table_numbers_new_words_after_the_saved_ones() -> None:
    table = GrowingTable()
    assert [table[w] for w in WORDS[:4]] == [0, 1, 2, 3]
    opened = _round_trip(table)
    assert opened.added == 0
    assert len(opened) == 4
    assert opened.get("café") == 2
    assert opened.get("ground") is None
    assert opened["ground"] == 4
    assert opened["peace"] == 0
    assert opened.added == 1
    assert list(opened) == [*WORDS[:4], "ground"]
    assert [opened.string(i) for i in range(5)] == [*WORDS[:4], "ground"]
    again = _round_trip(opened)
    assert again.added == 0
    assert list(again) == list(opened)


def test_buckets_give_the_words_of_a_first_letter_and_length_in_order() -> None:
    buckets = _round_trip(WordBuckets.of(WORDS))
    assert buckets.words("p", 5) == ["peace"]
    assert buckets.words("p", 6) == ["peaces"]
    assert buckets.words("g", 6) == ["ground"]
    assert buckets.words("ü", 4) == ["über"]
    assert buckets.words("n", 5) == ["naïve"]
    assert buckets.words("q", 5) == []
    assert buckets.words("p", 0) == []
    assert WordBuckets.of(["ab", "ac", "ad"]).words("a", 2) == ["ab", "ac", "ad"]


def test_a_string_list_reads_changes_and_appends_as_a_list() -> None:
    items = ["a-1", None, "", "zürich", "a-1"]
    plain = list(items)
    saved = _round_trip(StringList.of(items))
    assert list(saved) == plain
    assert len(saved) == 5
    for values in (saved, plain):
        values[0] = None
        values.append("late")
        values[5] = "later"
        values.append(None)
    assert list(saved) == plain
    assert list(_round_trip(saved)) == plain


def test_a_row_map_behaves_as_the_dict_it_replaces() -> None:
    plain = {f"article-{n}": 3 * n for n in range(50)}
    rows = _round_trip(RowMap.of(plain.items()))
    assert rows == plain
    assert list(rows) == list(plain)
    assert len(rows) == 50
    for mapping in (rows, plain):
        assert mapping.pop("article-7", None) == 21
        assert mapping.pop("article-7", None) is None
        del mapping["article-8"]
        mapping["late"] = 999
        mapping["article-9"] = 1000  # (set again: after a pop it goes to the end, as in a dict)
        mapping.pop("late")
        mapping["article-8"] = 5
    assert dict(rows.items()) == plain
    assert "article-7" not in rows
    assert rows.get("article-8") == 5
    assert rows["article-9"] == 1000
    assert len(rows) == len(plain)
    assert dict(_round_trip(rows).items()) == plain


def test_a_growing_table_answers_the_same_past_its_look_up_memory() -> None:
    words = [f"w{n}" for n in range(3 * SEEN_STRINGS)]
    opened = _round_trip(GrowingTable.of(words))
    for _ in range(2):
        assert [opened.get(w) for w in words] == list(range(len(words)))
        assert [opened[w] for w in reversed(words)] == list(reversed(range(len(words))))
    assert opened.get("w-none") is None
    assert opened.added == 0
