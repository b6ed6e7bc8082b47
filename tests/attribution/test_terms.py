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
