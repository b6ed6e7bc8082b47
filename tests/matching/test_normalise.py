"""Normalisation keeps exact offsets and never raises."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus_source import load_real_articles
from service.matching.normalise import (
    WORD_RE,
    Tokens,
    expand_contraction,
    normalise_word,
    split_quote,
    tokenize,
    word_set,
)
from service.matching.reference import tokenize_reference

SEED_LINE = "“They’re willing to put people on the ground,” Trump said."


def test_tokens_map_back_to_original_characters() -> None:
    tokens = tokenize(SEED_LINE)
    assert tokens.words[:3] == ("they", "are", "willing")
    assert [SEED_LINE[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)][:3] == [
        "They’re",
        "They’re",
        "willing",
    ]
    assert SEED_LINE[tokens.starts[8] : tokens.ends[8]] == "ground"


def test_contractions_expand_to_the_words_they_stand_for() -> None:
    text = "I don’t think it's Trump's, we'll see; they won't, cannot, I'm sure there's dont"
    assert tokenize(text).words == (
        "i", "do", "not", "think", "it", "is", "trump's", "we", "will", "see", "they", "will",
        "not", "can", "not", "i", "am", "sure", "there", "is", "do", "not",
    )  # fmt: skip
    assert tokenize("They are").words == tokenize("They’re").words
    assert word_set("They’re here") == {"they", "are", "here"}


def test_case_accents_apostrophes_and_digit_groups_normalise() -> None:
    assert normalise_word("Café") == "cafe"
    assert normalise_word("DON’T") == "don't"
    assert normalise_word("1,000") == "1000"
    assert normalise_word("ﬁnal") == "final"  # NFKC ligature
    assert tokenize("cafe\u0301 au lait").words == ("cafe", "au", "lait")


def test_dashes_and_quote_marks_separate_words() -> None:
    assert tokenize("one-fifth — “really” 'so'").words == ("one", "fifth", "really", "so")


def test_split_quote_finds_ellipses_and_brackets() -> None:
    parts = split_quote("We're willing … [the UK] will have boots...")
    assert [p.kind for p in parts] == ["words", "ellipsis", "bracket", "words"]
    assert parts[2].text == "[the UK]"
    assert parts[3].tokens.words == ("will", "have", "boots")


def test_leading_and_trailing_ellipses_are_truncations() -> None:
    assert [p.kind for p in split_quote("...and then they left . . .")] == ["words"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=200))
def test_any_unicode_tokenises_with_exact_offsets(text: str) -> None:
    tokens = tokenize(text)
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends, strict=True):
        assert 0 <= start < end <= len(text)
        assert word in expand_contraction(normalise_word(text[start:end]))
    assert word_set(text) == set(tokens.words)
    split_quote(text)


def test_pathological_inputs() -> None:
    for text in ["\x00" * 50, "\ud800abc\udfff", "\u202eevil\u202c", "😀" * 100, "a" * 100_000]:
        tokens = tokenize(text)
        assert all(text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True))
    assert tokenize("a" * 100_000).words == ("a" * 100_000,)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab1,.' ’“”—-…\u00a0Z_`", max_size=60) | st.just("it's won't"))
def test_ascii_fast_path_agrees_with_general_pattern(text: str) -> None:
    general = [(m.start(), m.end()) for m in WORD_RE.finditer(text) if normalise_word(m.group())]
    tokens = tokenize(text)
    assert list(dict.fromkeys(zip(tokens.starts, tokens.ends, strict=True))) == general


def test_an_acute_accent_between_letters_is_an_apostrophe_not_a_space() -> None:
    # NFKD decomposes U+00B4 into a space and a combining accent.
    assert normalise_word("O\u00b4Neill") == "o'neill"
    assert normalise_word("0\u00b40") == "0'0"


def test_tokenize_equals_the_match_by_match_reference_on_every_real_article() -> None:
    articles = load_real_articles()
    assert len(articles) > 100
    for article in articles:
        for text in (article.text, article.title):
            assert tokenize(text) == tokenize_reference(text), article.id
    plain = tokenize_reference(SEED_LINE)
    shifted = Tokens(
        plain.words, tuple(x + 5 for x in plain.starts), tuple(x + 5 for x in plain.ends)
    )
    assert tokenize(SEED_LINE, 5) == shifted


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=120)
    | st.text(alphabet="ab1,.' ’“”—-…\u00a0Z_`é\u0301\u0900", max_size=80)
    | st.just("they’re 1,000… can't isnt ‘quoted’")
)
def test_tokenize_equals_the_reference_on_any_text(text: str) -> None:
    assert tokenize(text) == tokenize_reference(text)


def test_the_mark_planes_hold_every_combining_mark() -> None:
    """The import-time scan of three planes finds what a scan of every code point finds."""
    import sys

    from service.matching.normalise import combining_mark_ranges

    assert combining_mark_ranges() == combining_mark_ranges((range(sys.maxunicode + 1),))
