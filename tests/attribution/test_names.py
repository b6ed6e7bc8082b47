"""Name matching and per-article clustering (service/attribution/name_parsing.py, name_index.py)."""

from __future__ import annotations

import pytest

from service.attribution.name_index import NameIndex
from service.attribution.name_parsing import same_person, split_person_name


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


@pytest.mark.parametrize(
    ("run", "name"),
    [
        ("United States President Donald Trump", "Donald Trump"),
        ("Santa Barbara County Sheriff Bill Brown", "Bill Brown"),
        ("First Minister of Scotland Nicola Sturgeon", "Nicola Sturgeon"),
        ("US Secretary of State Mike Pompeo", "Mike Pompeo"),
        ("Prosecutor Kama Melly QC", "Kama Melly"),
        ("Emergencies Minister Yevgeny Zinichev", "Yevgeny Zinichev"),
        ("Fourteen-year-old Zoe", "Zoe"),
        ("Hong Kong Chief Executive Carrie Lam", "Carrie Lam"),
        ("Amnesty International Hong Kong director Man-kei Tam", "Man-kei Tam"),
        ("Crown Prince Mohammad bin Salman", "Mohammad bin Salman"),
    ],
)
def test_the_person_name_is_read_past_titles_roles_places_and_organisations(run, name):
    assert " ".join(split_person_name(run.split())[1]) == name


def test_a_run_ending_in_an_organisation_word_names_no_person():
    assert split_person_name(["Leeds", "City", "Council"])[1] == []
    assert split_person_name(["Amnesty", "International"])[1] == []


def test_a_surname_resolves_to_the_full_name_written_after_a_long_title():
    text = (
        'United States President Donald Trump spoke on Friday. "I can do it if I want," Trump said.'
    )
    assert NameIndex(text).canonical("Trump") == "Donald Trump"


def test_relatives_who_share_a_surname_stay_two_people():
    text = (
        "Abdullah Kurdi lost his son. His sister, Tima Kurdi, lives in Canada.\n"
        "Kurdi said he would go home. Tima Kurdi said she would help."
    )
    names = NameIndex(text)
    assert names.canonical("Tima Kurdi") == "Tima Kurdi"
    assert names.canonical("Abdullah Kurdi") == "Abdullah Kurdi"
    # A bare surname is the person of that surname the article names most before it.
    assert names.canonical("Kurdi", text.index("Kurdi said")) == "Abdullah Kurdi"
    assert names.gender("Tima Kurdi") == "f"
    assert names.gender("Abdullah Kurdi") == "m"


def test_a_headline_surname_is_adopted_by_the_full_name_introduced_later():
    names = NameIndex("Donald Trump said no.", title="Trump rules out troops")
    assert names.canonical("Trump") == "Donald Trump"
    assert len(names.families["trump"].persons) == 1


def test_a_word_no_gazetteer_knows_is_not_a_new_relative():
    text = "Franky Zapata flew. He landed in Dover Zapata's team said. Zapata smiled."
    names = NameIndex(text)
    assert names.canonical("Zapata", text.index("Zapata smiled")) == "Franky Zapata"


def test_lower_case_particles_stay_inside_a_name():
    text = (
        "Crown Prince Khalid bin Rashed opened the port. Later, Mayor van Loon met Pieter van "
        "Loon's brother."
    )
    index = NameIndex(text, title="Van Loon welcomes bin Rashed")
    assert index.canonical("Prince Khalid bin Rashed") == "Khalid bin Rashed"
    assert index.canonical("Van Loon") == "Pieter van Loon"
    assert index.canonical("Mayor van Loon") == "Pieter van Loon"


def test_a_title_of_a_place_runs_into_the_name_it_titles():
    text = (
        "On Monday, President of Veltria Anselm Korvath opened the session. "
        "The minister of health spoke after him."
    )
    index = NameIndex(text)
    assert [t.person.canonical() for t in index.titled] == ["Anselm Korvath"]
    assert index.resolve_descriptor(["The", "president"], len(text)) == "Anselm Korvath"
