"""Name clustering: a first name alone is the one person the article names in full with it,
relatives who share a surname stay apart, and an honorific keeps a month-like first name."""

from __future__ import annotations

from service.attribution import extract_quotes
from service.attribution.name_index import NameIndex


def _speakers(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker and q.speaker.name) for q in extract_quotes(text)]


def test_first_name_alone_is_the_unique_full_name_and_relatives_stay_two():
    text = (
        "Marta Quill and her brother Oskar Quill run the ferry. Tobiah Brenn fixed the engine. "
        '"We sail at dawn," Marta said. "The tide is low," Oskar said. "It runs," Tobiah said.'
    )
    assert _speakers(text) == [
        ("We sail at dawn,", "Marta Quill"),
        ("The tide is low,", "Oskar Quill"),
        ("It runs,", "Tobiah Brenn"),
    ]


def test_a_first_name_two_people_share_names_neither():
    names = NameIndex("Ines Varo met Ines Palk. Later Ines spoke.")
    assert names.canonical("Ines") == "Ines"


def test_a_place_or_firm_is_not_a_first_name():
    names = NameIndex("Riders left the Oslo Metro at noon. Later Oslo voted.")
    assert names.canonical("Oslo", 40) == "Oslo"


def test_a_month_after_an_honorific_is_a_first_name():
    names = NameIndex("Ms. April Dunmore opened the shelter on Monday.")
    assert names.canonical("April") == "April Dunmore"
    assert names.canonical("Dunmore") == "April Dunmore"


def test_a_surname_spelt_with_other_vowels_is_the_same_person():
    text = (
        "Spokesman Tariq Haddou announced the ceasefire. "
        '"The guns are silent tonight," Haddau said. "We will keep it so," Haddou added.'
    )
    assert _speakers(text) == [
        ("The guns are silent tonight,", "Tariq Haddou"),
        ("We will keep it so,", "Tariq Haddou"),
    ]


def test_surnames_with_other_consonants_stay_apart():
    names = NameIndex("Lena Morton spoke. Then Morgan spoke.")
    assert names.canonical("Morgan") == "Morgan"


def test_a_middle_initial_i_is_no_pronoun_inside_a_name():
    # "I." between a given name and a surname is an initial: the run stays one person.
    text = (
        'Coach Ruth Amadi said "We trained hard."\n\n'
        "Samuel A. I. Okonkwo, president of Lagos Polytechnic, wrote "
        '"We mourn a great teacher."'
    )
    assert [q.speaker.name for q in extract_quotes(text)] == [
        "Ruth Amadi",
        "Samuel A. I. Okonkwo",
    ]
