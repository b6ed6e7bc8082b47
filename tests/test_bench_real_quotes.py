"""The real-quotes benchmark's own pieces: its quote regex and its perturbations, on fixed text.

These never touch the service: the benchmark is meant to judge it independently.
"""

from __future__ import annotations

import random

import pytest

from bench.bench_real_quotes import (
    Article,
    Corpus,
    QuoteSpan,
    drop_word,
    ellipsis_join,
    find_quotes,
    free_words,
    insert_word,
    length_bucket,
    lower_no_punct,
    negate,
    random_drop,
    random_insert,
    random_requote,
    random_synonym,
    random_typo,
    recombine,
    requote,
    substitute_synonym,
    swap_apostrophes,
    truncate,
    typo,
    words,
)

TEXT = (
    'He said "we will not back down" today. “They’re willing to put people on the ground,” '
    'Trump said. «Nous sommes prêts à agir» and „Wir schaffen das“ but "too short" no.\n'
    "“First paragraph of a long quote.\n“Second paragraph ends here.” [It was] fine"
)


def test_find_quotes_exact_spans() -> None:
    assert find_quotes(TEXT) == [
        QuoteSpan(9, 30, "we will not back down", "straight"),
        QuoteSpan(40, 83, "They’re willing to put people on the ground", "curly"),
        QuoteSpan(99, 123, "Nous sommes prêts à agir", "guillemet"),
        QuoteSpan(130, 146, "Wir schaffen das", "low"),
        QuoteSpan(169, 201, "First paragraph of a long quote.", "curly"),
        QuoteSpan(203, 230, "Second paragraph ends here.", "curly"),
    ]
    for span in find_quotes(TEXT):
        assert TEXT[span.start : span.end] == span.text


def test_find_quotes_minimum_words() -> None:
    assert find_quotes('"two words" and "now three words"') == [
        QuoteSpan(17, 32, "now three words", "straight")
    ]
    assert [q.text for q in find_quotes('"two words"', min_words=2)] == ["two words"]


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("We will back down", "We will not back down"),
        ("We will not back down", "We will back down"),
        ("We don't want war", "We do want war"),
        ("We don’t want war", "We do want war"),
        ("I can't do it", "I can do it"),
        ("We cannot wait", "We can wait"),
        ("We can wait", "We cannot wait"),
        ("Won’t stop now", "Will stop now"),
        ("They never give up", "They always give up"),
        ("Always be ready", "Never be ready"),
        ("It is not over", "It is over"),
        ("It isn't over", "It is over"),
        ("The plan was agreed", "The plan was not agreed"),
        ("[It was] a good game and it is over", "[It was] a good game and it is not over"),
    ],
)
def test_negate(sentence: str, negated: str) -> None:
    assert negate(sentence) == negated


def test_negate_none_when_no_rule_applies() -> None:
    assert negate("Thank you very much") is None
    assert negate("[It was] a good game") is None


def test_lower_no_punct() -> None:
    assert (
        lower_no_punct("“They’re willing, to put people on the ground,” he said.")
        == "they're willing to put people on the ground he said"
    )
    assert lower_no_punct("A ten-storey building -- gone!") == "a ten-storey building gone"


def test_typo() -> None:
    assert typo("We will back down", 2, "swap", 1) == "We will bcak down"
    assert typo("We will back down", 2, "delete", 1) == "We will bck down"
    assert typo("We will back down", 2, "replace", 1, "e") == "We will beck down"


def test_drop_and_insert_word() -> None:
    assert drop_word("We will back down", 1) == "We back down"
    assert drop_word("We will back down.", 3) == "We will back."
    assert drop_word("Hello, world and all", 0) == "world and all"
    assert insert_word("We will back down", 2, "really") == "We will really back down"


def test_truncate_and_ellipsis() -> None:
    ten = "one two three four five six seven eight nine ten"
    assert truncate(ten) == "one two three four five six seven"
    assert truncate("one, two, three, four, five.") == "one, two, three"
    assert truncate("one two three four") is None
    assert ellipsis_join(ten) == "one two three four ... seven eight nine ten"
    assert ellipsis_join("one two three four five six seven") == "one two ... six seven"
    assert ellipsis_join("one two three four five six") is None


def test_requote_and_apostrophes() -> None:
    assert swap_apostrophes("We can’t, it's ‘over’") == "We can't, it’s 'over'"
    assert requote("We can’t stop", "straight") == '"We can\'t stop"'
    assert requote("It's done", "curly") == "“It’s done”"
    assert requote("It's done", "guillemet") == "«It’s done»"
    assert requote("It's done", "low") == "„It’s done“"


def test_synonyms() -> None:
    sentence = "Many people said it was a big day"
    assert substitute_synonym(sentence) == "Numerous people said it was a big day"
    assert substitute_synonym(sentence, 1) == "Many persons said it was a big day"
    assert substitute_synonym(sentence, 3) == "Many people said it was a large day"
    assert substitute_synonym(sentence, 4) is None
    assert substitute_synonym("BIG news") == "LARGE news"
    assert substitute_synonym("[people] are here") is None


def test_recombine() -> None:
    assert (
        recombine("We will fight on the beaches", "They said that the vote was close")
        == "We will fight the vote was close"
    )


def test_free_words_skip_editorial_brackets() -> None:
    # "[T]he" and "[call a national emergency]" are the editor's, not the speaker's words.
    text = "[T]he plan [call a national emergency] is ready"
    assert [words(text)[i] for i in free_words(text)] == ["plan", "is", "ready"]


def test_random_variants_are_single_edits() -> None:
    sentence = "The government will announce its decision about the harbour tomorrow"
    for seed in range(20):
        rng = random.Random(seed)
        changed = random_typo(sentence, rng)
        assert changed is not None
        diff = [(a, b) for a, b in zip(words(sentence), words(changed), strict=True) if a != b]
        assert len(diff) == 1
        assert len(words(random_drop(sentence, rng) or "")) == len(words(sentence)) - 1
        assert len(words(random_insert(sentence, rng) or "")) == len(words(sentence)) + 1
        assert random_requote(sentence, "straight", rng)[0] != '"'
    assert random_synonym("nothing to replace here", random.Random(1)) is None


def test_length_bucket() -> None:
    assert [length_bucket(n) for n in (3, 4, 5, 6, 8, 9, 12, 13, 40)] == [
        "3",
        "4-5",
        "4-5",
        "6-8",
        "6-8",
        "9-12",
        "9-12",
        "13+",
        "13+",
    ]


def test_corpus_substring_search() -> None:
    corpus = Corpus(
        "tiny",
        [
            Article("a", "A", "He said “we will not back down” today.", "-"),
            Article("b", "B", "Nothing here about backing down.", "-"),
            Article("c", "C", "Again: we will not back down, ever.", "-"),
        ],
    )
    assert corpus.containing("we will not back down") == [0, 2]
    assert corpus.containing("back down") == [0, 2]
    assert corpus.containing("ever.") == [2]
    assert corpus.text(1) == "Nothing here about backing down."
    assert corpus.has_words("WE will not, back down")
    assert not corpus.has_words("we will back down")
    assert [(i, q.text) for i, q in corpus.found] == [(0, "we will not back down")]
