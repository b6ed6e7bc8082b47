"""Marks around words nobody is reported as saying (terms, nicknames, link lines, a noun
phrase's slot) keep no speaker, while the quotations around them keep theirs."""

from __future__ import annotations

import pytest

from service.attribution import extract_quotes


def _speakers(text: str) -> list[tuple[str, str | None, bool]]:
    return [(q.text, q.speaker and q.speaker.name, q.scare) for q in extract_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Lena Varga runs the lab. The lab grows crystals with a method called "cold '
            'seeding" each winter. "It works," Varga said.',
            [("cold seeding", None, True), ("It works,", "Lena Varga", False)],
        ),
        (
            'The singer Tomas "Tiny" Berg played two songs. "We loved it," Tomas Berg said.',
            [("Tiny", None, True), ("We loved it,", "Tomas Berg", False)],
        ),
        (
            'READ MORE: "Storm closes the coast road"\n\n"The road is shut," Mayor Ilse Brandt '
            "said.",
            [
                ("Storm closes the coast road", None, True),
                ("The road is shut,", "Ilse Brandt", False),
            ],
        ),
        (
            'The river is known as "the silver vein" in the valley. "It floods," Ilse Brandt said.',
            [("the silver vein", None, True), ("It floods,", "Ilse Brandt", False)],
        ),
        (
            'The forecast moved from "moderate" to "severe" overnight. "Stay inside," Ilse '
            "Brandt said.",
            [
                ("moderate", None, True),
                ("severe", None, True),
                ("Stay inside,", "Ilse Brandt", False),
            ],
        ),
        (
            'Ilse Brandt said the old bridge is called "the grey lady" in town.',
            [
                ('the old bridge is called "the grey lady" in town', "Ilse Brandt", False),
                ("the grey lady", None, True),
            ],
        ),
        (
            'Oskar Quill, 40, rows daily. He said his nickname "Otter" came from school.',
            [("Otter", None, True)],
        ),
        (
            'The council has backed the "two gates, one road" plan for the harbour.',
            [("two gates, one road", None, True)],
        ),
        (
            'Parliament has again voted against a "hard stop" budget.',
            [("hard stop", None, True)],
        ),
    ],
)
def test_terms_nicknames_and_link_lines_keep_no_speaker(text, expected):
    assert _speakers(text) == expected


def test_a_speakers_own_words_in_a_noun_slot_stay_theirs():
    # A person's evaluative words, and words a cue verb reports, are not terms.
    text = (
        'Mayor Ilse Brandt praised the crews for their "quiet courage". Later she called the '
        'repairs "a small miracle" and hailed the engineer as a "true friend".'
    )
    assert _speakers(text) == [
        ("quiet courage", "Ilse Brandt", False),
        ("a small miracle", "Ilse Brandt", False),
        ("true friend", "Ilse Brandt", False),
    ]


def test_marks_around_punctuation_only_quote_no_one():
    text = 'Coach Rafaela Mendes paused. "..." was all she wrote on the board, then "." again.'
    assert [(q.text, q.speaker) for q in extract_quotes(text) if q.kind != "indirect"] == [
        ("...", None),
        (".", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A term noun names the words even beside a cue verb.
        (
            'Lena Varga, a lawyer, writes that the term "soft border" has no legal meaning.',
            [
                ('the term "soft border" has no legal meaning', "Lena Varga", False),
                ("soft border", None, True),
            ],
        ),
        # A naming participle after a common noun: the plan's name, not the mayor's words.
        (
            'Mayor Ilse Brandt announced a housing plan called "Homes First" on Monday.',
            [("Homes First", None, True)],
        ),
        # A naming word, then an article, then the marks.
        (
            'Oskar Quill, a rower, was reportedly nicknamed the "river king" by fans.',
            [("river king", None, True)],
        ),
        # A quoted term being defined ('"X" stands for'), and a gloss ('which means "X"').
        (
            'The agency chose a new name: "KV-9" stands for the ninth vaccine. "It is safe," '
            "Mayor Ilse Brandt said.",
            [("KV-9", None, True), ("It is safe,", "Ilse Brandt", False)],
        ),
        (
            'Mayor Ilse Brandt spoke about the gorra, which means "cap".',
            [("cap", None, True)],
        ),
        # Terms listed after a term noun.
        (
            'Mayor Ilse Brandt said the council used the terms "civic partner" and "town friend".',
            [("civic partner", None, True), ("town friend", None, True)],
        ),
        # A passive naming verb and an article: a name given to the subject, whoever
        # reports it.
        (
            'The valley, according to Lena Varga, was called the "green bowl" of the north.',
            [("green bowl", None, True)],
        ),
        # A title set off by commas after the thing it names; speech in a medium is not one.
        (
            'Lena Varga says her festival, "Tides of Home", was planned as a joke.',
            [("Tides of Home", None, True)],
        ),
        (
            'Lena Varga said in her video, "We will be back", thanking the crowd.',
            [("We will be back", "Lena Varga", False)],
        ),
        (
            'Lena Varga gave her reply, "We will be back", to the crowd.',
            [("We will be back", "Lena Varga", False)],
        ),
        # A list of titles: the last one is a title too.
        (
            'Tom Reed played songs such as "Blue Harbour", "Salt Road" and "Drifting".',
            [("Blue Harbour", None, True), ("Salt Road", None, True), ("Drifting", None, True)],
        ),
        # A short quote alone in brackets glosses the word before it.
        (
            'Thousands joined a pro-union ("stay together") rally on Sunday.',
            [("stay together", None, True)],
        ),
    ],
)
def test_terms_beside_cues_glosses_and_lists_keep_no_speaker(text, expected):
    assert _speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Words a sign displays are nobody's, whoever tells of it.
        (
            'Protesters held banners which read "Save the pier" outside the hall, Mayor Ilse '
            "Brandt said.",
            [
                (
                    'Protesters held banners which read "Save the pier" outside the hall',
                    "Ilse Brandt",
                    False,
                ),
                ("Save the pier", None, True),
            ],
        ),
        # A numbered text of law is quoted as it stands.
        (
            'The Harbour Act 1990 states: "No vessel shall moor at night."',
            [("No vessel shall moor at night.", None, True)],
        ),
        # A photo caption's quote does not carry the previous paragraph's speaker.
        (
            '"We won," Mayor Ilse Brandt said.\n\n"Save the pier" crowds at the rally. Photo: '
            "Tom Reed.\n\n",
            [("We won,", "Ilse Brandt", False), ("Save the pier", None, True)],
        ),
    ],
)
def test_signs_law_texts_and_captions_keep_no_speaker(text, expected):
    assert _speakers(text) == expected


def test_unnumbered_law_words_and_a_surname_law_keep_their_speaker():
    # "Steven Law" is a person, "the bill" with no number is not quoted as a law's text.
    text = '"We will win," said Steven Law, a strategist. The bill says "every town" gets a clinic.'
    assert _speakers(text) == [
        ("We will win,", "Steven Law", False),
        ("every town", "bill", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Ann Lee, writing in a blog post, said "We will stay."',
        'Ann Lee signs the bill saying "We will stay."',
    ],
)
def test_a_sign_word_that_is_no_displaying_thing_keeps_the_speaker(text):
    # "writing" as a participle and "signs" as a verb display nothing.
    assert _speakers(text) == [("We will stay.", "Ann Lee", False)]
