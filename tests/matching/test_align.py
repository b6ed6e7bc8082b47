"""The vectorised aligner agrees with the textbook recurrences and finds the right passages."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from service.matching.align import END_BONUS, align, align_batch
from service.matching.matcher import quote_rows
from service.matching.normalise import tokenize
from service.matching.reference import align_reference, similarity_matrix_reference
from service.matching.similarity import (
    FUZZY_MIN_RATIO,
    LetterCounts,
    QuerySimilarity,
    _possible_near_misses,
    letter_counts,
    may_be_near_miss,
    similarity_matrix,
    window_bounds,
)

ARTICLE = (
    "We’re willing to help them with things, especially probably if you could talk about by "
    "air, because there’s nobody has the kind of stuff we have. Some of them, France and "
    "Germany, a couple of them, the UK – they are going to have boots on the ground."
)
WORDS = tokenize(ARTICLE).words


def aligned_text(quote: str) -> tuple[str, list[str]]:
    rows = quote_rows(quote)
    sim = similarity_matrix(rows, WORDS)
    result = align(rows, sim)
    assert result == align_reference(rows, sim)
    tokens = tokenize(ARTICLE)
    span = ARTICLE[tokens.starts[result.first_col] : tokens.ends[result.last_col]]
    return span, [s.kind for s in result.steps if s.kind != "match"]


def test_dropped_clause_is_one_gap() -> None:
    span, edits = aligned_text(
        "especially, probably, if you talk about by air, because no one has the kind of stuff"
    )
    assert span == (
        "especially probably if you could talk about by air, because there’s nobody has the "
        "kind of stuff"
    )
    assert edits == ["delete", "delete", "sub", "sub"]  # "there’s" is two words, "there is"


def test_typo_is_a_near_miss_not_a_substitution() -> None:
    span, edits = aligned_text("they are going to have bots on the grund")
    assert span == "they are going to have boots on the ground"
    assert edits == ["fuzzy", "fuzzy"]


def test_ellipsis_fragments_align_in_order() -> None:
    span, edits = aligned_text("We're willing to help them ... they are going to have boots")
    assert span.startswith("We’re willing to help them")
    assert span.endswith("have boots")
    assert edits == ["skip"]


def test_ellipsis_fragments_out_of_order_do_not_join() -> None:
    span, _ = aligned_text("they are going to have boots ... We're willing to help them")
    assert span in ("they are going to have boots", "We’re willing to help them")


def test_bracket_stands_for_the_words_it_replaces() -> None:
    span, edits = aligned_text("a couple of them, [Britain], they are going to have boots")
    assert span == "a couple of them, the UK – they are going to have boots"
    assert edits == ["bracket"]


def test_unrelated_quote_has_no_alignment() -> None:
    rows = quote_rows("zebra quantum violin")
    assert align(rows, similarity_matrix(rows, WORDS)) is None


VOCAB = ["the", "boots", "ground", "willing", "help", "air", "them", "bots", "grund", "of"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCAB, "...", "[x]"]), min_size=1, max_size=10),
    st.lists(st.sampled_from(VOCAB), min_size=1, max_size=25),
)
def test_vectorised_matches_reference(quote: list[str], article: list[str]) -> None:
    rows = quote_rows(" ".join(quote))
    sim = similarity_matrix(rows, article)
    assert np.array_equal(sim, similarity_matrix_reference(rows, article))
    assert align(rows, sim) == align_reference(rows, sim)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCAB, "...", "[x]"]), min_size=1, max_size=10),
    st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=20), min_size=1, max_size=4),
)
def test_batched_alignment_matches_one_window_at_a_time(
    quote: list[str], windows: list[list[str]]
) -> None:
    rows = quote_rows(" ".join(quote))
    sims = [similarity_matrix(rows, w) for w in windows]
    batch = align_batch(rows, sims)
    for k, sim in enumerate(sims):
        expected = align(rows, sim)
        assert batch.alignment(k) == expected
        assert expected is None or batch.scores[k] == expected.score


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCAB, "...", "[x]"]), min_size=1, max_size=10),
    st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=20), min_size=1, max_size=4),
)
def test_window_bounds_cap_each_windows_score(quote: list[str], windows: list[list[str]]) -> None:
    rows = quote_rows(" ".join(quote))
    sims = [similarity_matrix(rows, w) for w in windows]
    starts = np.cumsum([0, *[len(w) for w in windows[:-1]]]).astype(np.int64)
    bounds = window_bounds(np.concatenate(sims, axis=1), starts)
    batch = align_batch(rows, sims)
    for k, sim in enumerate(sims):
        best_per_row = sim.max(axis=1) if len(rows) else np.zeros(0)
        assert bounds[k] == np.maximum(best_per_row, 0.0).sum() + 2 * END_BONUS
        assert batch.scores[k] <= bounds[k]


# Near misses across a negation ("never" / "ever" / "nevr") must never pair.
ID_VOCAB = [*VOCAB, "never", "ever", "nevr"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([*ID_VOCAB, "unknownword", "nevar", "..."]), min_size=1, max_size=10),
    st.lists(st.sampled_from(ID_VOCAB), min_size=1, max_size=25),
)
@example(["never", "ground"], ["ever", "nevr", "grund"])
def test_id_similarity_matches_reference(quote: list[str], article: list[str]) -> None:
    vocabulary = sorted(set(ID_VOCAB))
    ids = {w: i for i, w in enumerate(vocabulary)}
    rows = quote_rows(" ".join(quote))
    fuzzable = bytearray(may_be_near_miss(w) for w in vocabulary)
    letters = LetterCounts()
    for word in vocabulary:
        letters.append(word)
    window = np.array([ids[w] for w in article])
    row_ids = [ids.get(r.word, -1) if r.kind == "word" else -1 for r in rows]
    query = QuerySimilarity(rows, row_ids, vocabulary, fuzzable, letters)
    assert np.array_equal(query.matrix(window), similarity_matrix_reference(rows, article))
    assert np.array_equal(
        query.matrix(window[::-1]), similarity_matrix_reference(rows, article[::-1])
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet="aaabeelnorrst’é1", min_size=1, max_size=9),
        min_size=2,
        max_size=14,
        unique=True,
    )
)
@example(["éééa", "éééb"])  # shared characters outside a-z
@example(["aaaab", "aaaac"])  # a letter three or more times in both
def test_letter_bound_keeps_every_pair_within_the_ratio(vocabulary: list[str]) -> None:
    # Repeated letters, accents, apostrophes and digits: the bound must hold for all of them.
    letters = LetterCounts()
    for word in vocabulary:
        letters.append(word)
    fuzzable = np.array([may_be_near_miss(w) for w in vocabulary], dtype=np.uint8)
    quote = [*vocabulary[: len(vocabulary) // 2], "unknownword"]
    quote_ids = np.array([vocabulary.index(w) if w in vocabulary else -1 for w in quote])
    counts = np.array([letter_counts(w) for w in quote], dtype=np.int64)
    window = np.sort(np.array([*range(len(vocabulary)), 0], dtype=np.int32))
    pairs = _possible_near_misses(window, fuzzable, letters.table(), counts, quote_ids)
    found = {(int(q), int(k)) for q, k in pairs}
    assert len(found) == len(pairs)  # each distinct window word once
    within = {
        (q, k)
        for q, a in enumerate(quote)
        for k, b in enumerate(vocabulary)
        if a != b and fuzzable[k] and fuzz.ratio(a, b) >= FUZZY_MIN_RATIO
    }
    assert within <= found
