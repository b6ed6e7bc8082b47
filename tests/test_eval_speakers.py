"""The canonical-name scorer: what counts as the same person, and how predictions are scored."""

from __future__ import annotations

from bench.eval_speakers import Score, names_person, normalise_name, same_name, score_quotes
from service.models import Mention, QuoteSpan, SpeakerAttribution

TEXT = (
    "Mayor Ana Ruiz opened the bridge.\n"
    '"It took ten years," Ruiz said. Locals call it "the Snake".\n'
    '"We are proud," said the council. "Open," a sign read.\n'
)


def _span(quote: str) -> dict:
    start = TEXT.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def _predicted(quote: str, name: str | None, method: str = "explicit") -> QuoteSpan:
    at = _span(quote)
    speaker = None
    if name is not None:
        speaker = SpeakerAttribution(name, Mention(name, 0, 1), 0.9, method)
    return QuoteSpan(quote, at["start"], at["end"], "direct", speaker)


GOLD = {
    "article": "bridge",
    "quotes": [
        {**_span("It took ten years,"), "kind": "direct", "speaker": "Ana Ruiz"},
        {**_span("the Snake"), "kind": "scare", "speaker": None},
        {**_span("We are proud,"), "kind": "direct", "speaker": "Harbour City Council"},
    ],
}


def test_names_are_compared_without_titles_accents_or_case() -> None:
    assert normalise_name("President Vladimir Putin") == "vladimir putin"
    assert normalise_name("Dr. José  Núñez") == "jose nunez"
    assert normalise_name("Mr") == "mr"  # a title alone stays: it names nobody else
    assert same_name("Prime Minister Keir Starmer", "Keir Starmer")
    assert not same_name("Starmer", "Keir Starmer")
    assert not same_name(None, "Keir Starmer")
    assert same_name(None, None)


def test_predictions_are_scored_by_name_with_spurious_attributions_counted() -> None:
    score = Score()
    predicted = [
        _predicted("It took ten years,", "Mayor Ana Ruiz"),
        _predicted("the Snake", "Ana Ruiz", "pronoun"),  # a scare quote given a speaker
        _predicted("We are proud,", "council", "descriptor"),
        _predicted("Open,", "Ana Ruiz", "carry"),  # a sign: no gold quote at all
    ]
    score_quotes(TEXT, predicted, GOLD, score)
    assert (score.articles, score.gold_quotes, score.gold_unattributable) == (1, 2, 1)
    assert (score.found, score.with_speaker, score.right) == (2, 2, 1)
    assert (score.spurious, score.predicted) == (2, 4)
    assert dict(score.by_method) == {"explicit": 1, "descriptor": 1}
    assert dict(score.right_by_method) == {"explicit": 1}
    assert [e[0] for e in score.errors] == ["spurious", "spurious", "descriptor"]


def test_a_full_name_after_role_or_place_words_names_the_person() -> None:
    assert names_person("Emergencies Minister Yevgeny Zinichev", "Yevgeny Zinichev")
    assert names_person("Hong Kong Carrie Lam", "Carrie Lam")
    assert names_person("Yevgeny Zinichev", "Yevgeny Zinichev")
    # A surname alone does not say which of a family spoke; nor a different first name.
    assert not names_person("Trump", "Donald Trump")
    assert not names_person("Melania Trump", "Donald Trump")
    # Lower-case words before the name are a phrase cut wrong, not a title.
    assert not names_person("of Amnesty International Man-kei Tam", "Man-kei Tam")
    # A one-word gold (an organisation) must be given exactly.
    assert not names_person("Harbour Reuters", "Reuters")
    assert not names_person(None, "Carrie Lam")


def test_the_gold_parts_are_disjoint_and_cover_every_file() -> None:
    import json
    from pathlib import Path

    from bench.eval_speakers import DEFAULT_GOLD, SPLITS, load_splits

    manifest = json.loads((Path(DEFAULT_GOLD) / "splits.json").read_text(encoding="utf-8"))
    listed = [stem for part in SPLITS for stem in manifest[part]["files"]]
    assert len(listed) == len(set(listed))
    parts = load_splits(DEFAULT_GOLD)
    stems = {p.stem for p in Path(DEFAULT_GOLD).glob("*/*.json")}
    assert set(parts) == stems
    assert sum(1 for h in parts.values() if h == "dev") == 121
    assert sum(1 for h in parts.values() if h == "dev2") == 128
    assert sum(1 for h in parts.values() if h == "heldout") == 5
