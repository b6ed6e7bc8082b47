"""Name matching and per-article clustering (service/attribution/names.py)."""

from __future__ import annotations

import pytest

from service.attribution.names import NameIndex, same_person


@pytest.mark.parametrize(
    ("claimed", "canonical"),
    [
        ("Zelensky", "Volodymyr Zelenskyy"),
        ("Zelenskiy", "Volodymyr Zelenskyy"),
        ("President Zelenskyy", "Volodymyr Zelenskyy"),
        ("Vladimir Zelensky", "Volodymyr Zelenskyy"),
        ("President Trump", "Donald Trump"),
        ("trump", "Donald Trump"),
        ("Donald J. Trump", "Donald Trump"),
        ("D. Trump", "Donald Trump"),
        ("Sir Keir Starmer", "Keir Starmer"),
        ("UK Prime Minister Keir Starmer", "Keir Starmer"),
        ("Mr Starmer", "Keir Starmer"),
        ("Emmanuel Macron", "Emmanuel Macron"),
        ("macrón", "Emmanuel Macron"),
        ("Trump", "Trump"),
    ],
)
def test_same_person_matches_variants(claimed, canonical):
    assert same_person(claimed, canonical)


@pytest.mark.parametrize(
    ("claimed", "canonical"),
    [
        ("Melania Trump", "Donald Trump"),
        ("Putin", "Donald Trump"),
        ("Keir", "Keir Starmer"),
        ("Bush", "Rush"),
        ("Boris Johnson", "Keir Starmer"),
        ("Prime Minister", "Keir Starmer"),
        ("", "Keir Starmer"),
        ("Starmer", ""),
    ],
)
def test_same_person_rejects_other_people(claimed, canonical):
    assert not same_person(claimed, canonical)


ARTICLE = (
    "Ukrainian President Volodymyr Zelensky met US President Donald Trump.\n"
    "Volodymyr Zelenskyy said Zelenskyy would return. Zelenskyy thanked Sir Keir Starmer.\n"
    "Starmer and Trump spoke. Mrs Clinton did not."
)


def test_canonical_clusters_variants_and_prefers_the_common_spelling():
    names = NameIndex(ARTICLE)
    assert names.canonical("Zelensky") == "Volodymyr Zelenskyy"
    assert names.canonical("Zelenskyy") == "Volodymyr Zelenskyy"
    assert names.canonical("Trump") == "Donald Trump"
    assert names.canonical("Starmer") == "Keir Starmer"
    assert names.canonical("Unknown Person") == "Unknown Person"


def test_descriptor_resolves_by_title_words_seen_earlier():
    names = NameIndex(ARTICLE)
    end = len(ARTICLE)
    assert names.resolve_descriptor(["the", "US", "President"], end) == "Donald Trump"
    assert names.resolve_descriptor(["the", "Ukrainian", "president"], end) == (
        "Volodymyr Zelenskyy"
    )
    assert names.resolve_descriptor(["the", "U.S.", "president"], end) == "Donald Trump"
    assert names.resolve_descriptor(["the", "chancellor"], end) is None
    # A title only counts once it has been introduced.
    assert names.resolve_descriptor(["the", "US", "President"], 0) is None


def test_gender_from_first_names_and_honorifics():
    names = NameIndex(ARTICLE)
    assert names.gender("Donald Trump") == "m"
    assert names.gender("Clinton") == "f"


def test_title_names_join_the_clusters():
    names = NameIndex(
        "President Zelenskyy. Thank you.", title="Meeting With President Volodymyr Zelenskyy"
    )
    assert names.canonical("President Zelenskyy") == "Volodymyr Zelenskyy"
