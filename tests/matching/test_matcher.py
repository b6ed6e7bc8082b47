"""End-to-end behaviour of Matcher.find on the bundled real corpus."""

import random
import string
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.corpus.importer import load_articles
from service.matching import token_store
from service.matching.matcher import Matcher
from service.matching.normalise import tokenize
from service.models import Article, CopyPlace

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEED_ID = "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine"


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    loaded, errors = load_articles([CORPUS])
    assert not errors
    return {a.id: a for a in loaded}


@pytest.fixture(scope="module")
def matcher(articles: dict[str, Article]) -> Matcher:
    return Matcher(articles.values())


@pytest.fixture(scope="module")
def seed(articles: dict[str, Article]) -> Article:
    return next(a for a in articles.values() if a.id.startswith("itv-2025-08-19-trump-rules-out"))


def span(articles: dict[str, Article], match) -> str:
    return articles[match.article_id].text[match.start : match.end]


def test_seed_quote_is_verbatim_at_exact_offsets(matcher, articles, seed) -> None:
    [best, *_] = matcher.find("They're willing to put people on the ground")
    assert best.article_id == seed.id
    assert best.verdict == "verbatim"
    expected = "They’re willing to put people on the ground"
    assert best.start == seed.text.index("“" + expected) + 1
    assert span(articles, best) == expected
    assert best.differences == ()
    assert best.confidence > 0.9


def test_other_outlets_version_is_altered_with_the_right_span(matcher, articles, seed) -> None:
    [best, *_] = matcher.find(
        "especially, probably, if you talk about by air, because no one has the kind of stuff "
        "we have"
    )
    assert best.article_id == seed.id
    assert best.verdict == "altered"
    assert span(articles, best) == (
        "especially probably if you could talk about by air, because there’s nobody has the "
        "kind of stuff we have"
    )
    assert [(d.op, d.quote, d.original) for d in best.differences] == [
        ("delete", "", "could"),
        ("replace", "no one", "there’s nobody"),
    ]


def test_typos_and_spelling_variants_are_close(matcher, articles, seed) -> None:
    [best, *_] = matcher.find(
        "the leaders also discused the posibility of imposing tougher sanctions"
    )
    assert (best.article_id, best.verdict) == (seed.id, "close")
    assert span(articles, best) == (
        "The leaders also discussed the possibility of imposing tougher sanctions"
    )
    assert {d.flags for d in best.differences} == {("spelling",)}


def test_negation_is_flagged(matcher, seed) -> None:
    [best, *_] = matcher.find("They're not willing to put people on the ground")
    assert (best.article_id, best.verdict) == (seed.id, "altered")
    assert [(d.op, d.quote, d.flags) for d in best.differences] == [
        ("insert", "not", ("negation",))
    ]


def test_changed_number_is_flagged(matcher, articles, seed) -> None:
    [best, *_] = matcher.find("the leaders spoke for around 50 minutes")
    assert (best.article_id, best.verdict) == (seed.id, "altered")
    assert span(articles, best) == "the leaders spoke for around 40 minutes"
    assert [(d.op, d.quote, d.original, d.flags) for d in best.differences] == [
        ("replace", "50", "40", ("number",))
    ]


def test_changed_name_is_flagged(matcher, seed) -> None:
    [best, *_] = matcher.find(
        "I know the president, I know myself, and I believe Joe Biden wants to see it end"
    )
    assert (best.article_id, best.verdict) == (seed.id, "altered")
    assert any("name" in d.flags for d in best.differences)


def test_ellipsis_joins_fragments_of_one_passage(matcher, articles, seed) -> None:
    [best, *_] = matcher.find(
        "“They’re willing to put people on the ground … the UK – they are going to have boots"
    )
    assert (best.article_id, best.verdict) == (seed.id, "verbatim")
    text = span(articles, best)
    assert text.startswith("They’re willing")
    assert text.endswith("going to have boots")


def test_bracketed_insertion_is_editorial(matcher, seed) -> None:
    [best, *_] = matcher.find(
        "Some of them, France and Germany, a couple of them, [Britain] – they are going to have "
        "boots on the ground"
    )
    assert best.article_id == seed.id
    assert best.verdict == "close"
    assert [(d.quote, d.original, d.flags) for d in best.differences] == [
        ("[Britain]", "the UK", ("editorial",))
    ]


def test_truncation_is_verbatim(matcher, articles, seed) -> None:
    [best, *_] = matcher.find("willing to help them with things")
    assert (best.article_id, best.verdict) == (seed.id, "verbatim")
    assert span(articles, best) == "willing to help them with things"


def test_fabricated_quote_is_not_found(matcher) -> None:
    assert (
        matcher.find("The minister promised free bicycles for every pensioner by next April") == []
    )
    assert matcher.find("") == []
    assert matcher.find("… [sic] — “”") == []


def test_generic_phrases_are_never_confident(matcher) -> None:
    # Each is verbatim in several bundled articles: the confidence is shared among them.
    for phrase in ("thank you very much", "we will see"):
        found = matcher.find(phrase, limit=10)
        assert len(found) > 2
        assert all(m.confidence < 0.5 for m in found)


def test_same_words_in_several_articles_earliest_first(seed) -> None:
    copies = [
        Article(id=f"copy-{i}", title="t", text="Preamble.\n" + seed.text, published=date)
        for i, date in enumerate(["2025-08-21", "2025-08-20", "2025-08-22"])
    ]
    matcher = Matcher([seed, *copies])
    found = matcher.find("They're willing to put people on the ground", limit=3)
    assert [m.article_id for m in found] == [seed.id, "copy-1", "copy-0"]
    assert len({m.score for m in found}) == 1


def test_a_match_says_how_many_articles_hold_its_words_and_where_the_earliest_does(seed) -> None:
    # The seed (2025-08-19), an earlier copy behind a preamble, a later one and an undated one.
    preamble = "Preamble.\n"
    copies = [
        Article(id="copy-early", title="t", text=preamble + seed.text, published="2025-08-18"),
        Article(id="copy-late", title="t", text=seed.text, published="2025-08-25"),
        Article(id="copy-undated", title="t", text=seed.text),
    ]
    matcher = Matcher([seed, *copies])
    quote = "They're willing to put people on the ground"
    found = matcher.find(quote, limit=4)
    seed_match = next(m for m in found if m.article_id == seed.id)
    assert [m.copies for m in found] == [4, 4, 4, 4]
    place = CopyPlace(
        "copy-early", seed_match.start + len(preamble), seed_match.end + len(preamble)
    )
    assert {m.earliest for m in found} == {place}
    assert copies[0].text[place.start : place.end] == "They’re willing to put people on the ground"
    # Only the undated copy holds the words: no earliest can be named.
    undated = Matcher([copies[2]]).find(quote)
    assert [(m.copies, m.earliest) for m in undated] == [(1, None)]
    # One article alone: it is its own earliest copy.
    (alone,) = Matcher([seed]).find(quote, limit=1)
    assert (alone.copies, alone.earliest) == (1, CopyPlace(seed.id, alone.start, alone.end))


def test_add_replace_and_remove_are_incremental(seed) -> None:
    matcher = Matcher()
    assert matcher.find("They're willing to put people on the ground") == []
    matcher.add(seed)
    assert len(matcher) == 1
    assert matcher.find("They're willing to put people on the ground")[0].article_id == seed.id
    matcher.add(Article(id=seed.id, title="t", text="Nothing about troops here at all."))
    assert matcher.find("They're willing to put people on the ground") == []
    matcher.remove(seed.id)
    matcher.remove("never-added")
    assert len(matcher) == 0


def _churned(articles: dict[str, Article], seed: Article) -> tuple[Matcher, list[str]]:
    """The seed and 30 other bundled articles, then 200 replacements of one wire story, each in
    new made-up words (as a live feed's corrections bring names and typos), and edits of two
    real articles."""
    rng = random.Random(7)
    base = [seed, *[a for a in articles.values() if a.id != seed.id][:30]]
    matcher = Matcher(base)
    versions = []
    for n in range(200):
        made_up = " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(10)) for _ in range(40)
        )
        text = f"Update {n}: {made_up}. The minister said talks would resume on Monday."
        versions.append(text)
        matcher.add(Article(id="wire", title=f"Wire {n}", text=text, published="2025-08-25"))
    others = base[1:3]
    for article in others:
        matcher.add(replace(article, text=article.text.replace(" the ", " a ")))
    matcher.remove(others[0].id)
    return matcher, versions


def test_words_of_replaced_articles_are_forgotten_without_changing_answers(
    articles, seed, monkeypatch
) -> None:
    compacted, versions = _churned(articles, seed)
    with monkeypatch.context() as patched:
        patched.setattr(token_store, "VOCABULARY_COMPACT_MIN", 10**9)
        kept_all, _ = _churned(articles, seed)
    assert kept_all.vocabulary_size() - compacted.vocabulary_size() > 7000
    # What is left: the words of the 31 articles and of the latest wire story, and at most the
    # share of unused words that waits for the next compaction.
    live = compacted.vocabulary_size() - compacted._tokens.unused_words
    assert live == len({w for a in compacted._articles.values() for w in tokenize(a.text).words})
    assert compacted._tokens.unused_words < max(1024, 0.25 * compacted.vocabulary_size())
    latest = versions[-1].split()
    quotes = [
        "They're willing to put people on the ground",
        "They're wiling to put peeple on the ground",
        " ".join(latest[3:15]),
        " ".join(versions[100].split()[3:15]),  # a replaced version's words: known to neither
        "The minister said talks would resume on Monday",
    ]
    for quote in quotes:
        assert compacted.find(quote, limit=5) == kept_all.find(quote, limit=5), quote
    assert compacted.find(" ".join(latest[3:15]))[0].article_id == "wire"
    assert compacted.find(" ".join(versions[100].split()[3:15])) == []


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_offsets_slice_the_article_exactly(matcher, articles, seed, data) -> None:
    words = seed.text.split()
    i = data.draw(st.integers(0, len(words) - 12))
    n = data.draw(st.integers(6, 12))
    quote = " ".join(words[i : i + n])
    for match in matcher.find(quote):
        text = articles[match.article_id].text[match.start : match.end]
        assert text == text.strip()
        assert text[0].isalnum()
        assert text[-1].isalnum()


def test_adversarial_inputs_return(matcher) -> None:
    for quote in ["“" * 2000, "." * 2000, " " * 2000, "the " * 500, "ground " * 300]:
        matcher.find(quote)


def test_repeated_phrase_every_occurrence_is_considered(matcher, articles, seed) -> None:
    # "boots on the ground" occurs five times in the seed; only one is preceded by these words.
    [best, *_] = matcher.find("They want to have boots on the ground")
    assert (best.article_id, best.verdict, best.differences) == (seed.id, "verbatim", ())
    assert best.start == seed.text.index('"They want') + 1
    assert span(articles, best) == "They want to have boots on the ground"


def test_repeated_phrase_in_a_small_article_picks_the_full_occurrence() -> None:
    filler = " ".join(f"word{i}" for i in range(60))
    text = (
        f"Troops on the ground first. {filler}. Again troops on the ground. {filler}. "
        f"Ministers said the allies would keep troops on the ground until spring. {filler}. "
        "And troops on the ground."
    )
    matcher = Matcher([Article(id="rep", title="t", text=text)])
    [best] = matcher.find("the allies would keep troops on the ground until spring")
    assert text[best.start : best.end] == (
        "the allies would keep troops on the ground until spring"
    )
    assert best.verdict == "verbatim"


def test_written_out_contraction_is_close_and_spans_the_contraction(
    matcher, articles, seed
) -> None:
    [best, *_] = matcher.find("They are willing to put people on the ground")
    assert (best.article_id, best.verdict) == (seed.id, "close")
    assert span(articles, best) == "They’re willing to put people on the ground"
    assert [(d.op, d.quote, d.original, d.flags) for d in best.differences] == [
        ("replace", "They are", "They’re", ("contraction",))
    ]


def test_contracted_quote_of_written_out_words_is_close() -> None:
    text = "The minister said: “We do not accept the findings of this report.”"
    matcher = Matcher([Article(id="c", title="t", text=text)])
    [best] = matcher.find("We don't accept the findings of this report")
    assert text[best.start : best.end] == "We do not accept the findings of this report"
    assert best.verdict == "close"
    assert [(d.quote, d.original, d.flags) for d in best.differences] == [
        ("don't", "do not", ("contraction",))
    ]


def test_other_reading_of_s_and_d_is_a_contraction_either_way() -> None:
    text = (
        "The minister said: “It has been a difficult week for everyone in government.” "
        "Her deputy added: “It’s been the hardest month of my working life so far.”"
    )
    matcher = Matcher([Article(id="r", title="t", text=text)])
    [best] = matcher.find("It's been a difficult week for everyone in government")
    assert text[best.start : best.end] == "It has been a difficult week for everyone in government"
    assert best.verdict == "close"
    assert [(d.op, d.quote, d.original, d.flags) for d in best.differences] == [
        ("replace", "It's", "It has", ("contraction",))
    ]
    [best] = matcher.find("It has been the hardest month of my working life so far")
    assert text[best.start : best.end] == "It’s been the hardest month of my working life so far"
    assert best.verdict == "close"
    assert [(d.op, d.quote, d.original, d.flags) for d in best.differences] == [
        ("replace", "It has", "It’s", ("contraction",))
    ]


def test_contraction_against_another_verb_stays_a_change() -> None:
    text = "The minister said: “It was a difficult week for everyone in government.”"
    matcher = Matcher([Article(id="r", title="t", text=text)])
    [best] = matcher.find("It's a difficult week for everyone in government")
    assert best.verdict == "altered"
    assert [(d.op, d.quote, d.original, d.flags) for d in best.differences] == [
        ("replace", "It's", "was", ())
    ]


def test_wont_for_will_is_a_negation_change() -> None:
    text = "The chancellor said: “We won't raise taxes on working people this year.”"
    matcher = Matcher([Article(id="w", title="t", text=text)])
    [best] = matcher.find("We will raise taxes on working people this year")
    assert text[best.start : best.end] == "We won't raise taxes on working people this year"
    assert best.verdict == "altered"
    assert [d.flags for d in best.differences] == [("negation",)]


def test_bracket_at_either_edge_stands_for_the_adjacent_words(matcher, articles, seed) -> None:
    [best, *_] = matcher.find("[European allies] want to have boots on the ground")
    assert (best.article_id, best.verdict) == (seed.id, "close")
    assert span(articles, best) == "They want to have boots on the ground"
    assert [(d.op, d.quote, d.original) for d in best.differences] == [
        ("replace", "[European allies]", "They")
    ]
    [best, *_] = matcher.find("They're willing to put people on [Ukrainian soil]")
    assert span(articles, best) == "They’re willing to put people on the ground"
    assert [(d.quote, d.original) for d in best.differences] == [("[Ukrainian soil]", "the ground")]
    # Punctuation ends the phrase a bracket can stand for: nothing to replace, an insertion.
    [best, *_] = matcher.find("Some of them, France and Germany, a couple of them, [Britain]")
    assert span(articles, best) == "Some of them, France and Germany, a couple of them"
    assert [(d.op, d.quote) for d in best.differences] == [("insert", "[Britain]")]


def test_a_candidate_matching_only_by_title_does_not_end_the_search() -> None:
    matcher = Matcher(
        [
            Article(id="title-only", title="zebra crossing guard", text="Nothing else here."),
            Article(id="body", title="t", text="The zebra crossing guard waved at the children."),
        ]
    )
    [best] = matcher.find("zebra crossing guard waved at the children")
    assert (best.article_id, best.verdict) == ("body", "verbatim")


def test_long_insertion_before_the_last_words_keeps_them_in_the_passage(
    matcher, articles, seed
) -> None:
    [best, *_] = matcher.find(
        "We're willing to help them with things, at the end of the day, especially"
    )
    assert best.article_id == seed.id
    assert span(articles, best) == "We’re willing to help them with things, especially"
    assert [(d.op, d.quote) for d in best.differences] == [("insert", "at the end of the day")]


def test_long_insertion_after_the_first_words_keeps_them_in_the_passage() -> None:
    text = "Officials said: “Ministers will publish the full report into the floods next week.”"
    matcher = Matcher([Article(id="f", title="t", text=text)])
    [best] = matcher.find(
        "Ministers, as everyone in this country knows only too well, will publish the full "
        "report into the floods next week"
    )
    assert text[best.start : best.end] == (
        "Ministers will publish the full report into the floods next week"
    )
    assert [(d.op, d.quote) for d in best.differences] == [
        ("insert", "as everyone in this country knows only too well")
    ]


def test_mistyped_rare_name_still_retrieves_its_source_among_many_copies() -> None:
    def story(i: int, name: str, date: str) -> Article:
        text = f"The Lost 52 Project identifies {name} 26, 1944 as the day the submarine sank."
        return Article(id=f"copy-{i:02d}", title="t", text=text, published=date)

    names = ["Ridaltas", "Silmortor", "Quinquindal", "Fenostost", "Bragarquin", "Nevenmel"]
    copies = [story(i, names[i % 6] + str(i), "2020-01-01") for i in range(30)]
    source = replace(story(99, "Nellost", "2024-12-12"), id="source")
    matcher = Matcher([*copies, source])
    [best, *_] = matcher.find("The Lost 52 Projcet identifies Nelloost 26 1944 as the day it sank")
    assert best.article_id == "source"
    assert source.text[best.start : best.end] == (
        "The Lost 52 Project identifies Nellost 26, 1944 as the day the submarine sank"
    )


def test_syndicated_copies_are_described_like_each_article_alone() -> None:
    # The same paragraph, altered by the quote, in three articles with different surroundings
    # and offsets: each copy's passage, verdict and differences are its own, as if aligned alone.
    paragraph = (
        "The minister said the new hospital wing would open in March and employ 300 nurses "
        "from the region."
    )
    texts = [
        f"Kalotas spoke first.\n\n{paragraph}\n\nMorven left.",
        f"A long introduction about something else entirely, Brazen wrote.\n\n{paragraph}",
        f"{paragraph} Critics disagreed.",
    ]
    articles = [
        Article(id=f"copy-{i}", title="t", text=t, published=f"2024-0{i + 1}-01")
        for i, t in enumerate(texts)
    ]
    matcher = Matcher(articles)
    quote = "the new hospital wing would open in May and employ 300 nurses from the region"
    found = matcher.find(quote, limit=3)
    assert [m.article_id for m in found] == ["copy-0", "copy-1", "copy-2"]
    for match, article in zip(found, articles, strict=True):
        alone = matcher.align_in(quote, article.id)
        assert (match.start, match.end) == (alone.start, alone.end)
        assert match.differences == alone.differences
        assert match.verdict == alone.verdict == "altered"
        assert article.text[match.start : match.end] == (
            "the new hospital wing would open in March and employ 300 nurses from the region"
        )
    assert [(d.op, d.quote, d.original) for d in found[0].differences] == [
        ("replace", "May", "March")
    ]
    # The same altered words in three articles; the earliest is copy-0, at its own offsets.
    earliest = CopyPlace("copy-0", found[0].start, found[0].end)
    assert [(m.copies, m.earliest) for m in found] == [(3, earliest)] * 3
