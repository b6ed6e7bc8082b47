"""Quoted-segment finding (attribution/quote_marks.py): every mark style, odd marks, paragraphs."""

from __future__ import annotations

import pytest

from service.attribution.quote_marks import find_quoted_segments


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_quoted_segments(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” twice.", ["yes"]),
        ('He said "yes" twice.', ["yes"]),
        ("Il a dit « oui » hier.", ["oui"]),
        ("Er sagte „ja“ gestern.", ["ja"]),
        ("Han sa »ja« i går.", ["ja"]),
        (
            'Mixed “open and straight close" then "straight open and curly close”.',
            [
                "open and straight close",
                "straight open and curly close",
            ],
        ),
        ("An “expedited review“ of the pipes.", ["expedited review"]),
        ("Aides let policy staff ”get close to Ben” at last.", ["get close to Ben"]),
        ("Jones’ dog didn’t bark; the O’Neills’ did.", []),
        ('A 12" pipe burst.', []),
        ("She said 'We will win' on Monday.", ["We will win"]),
        ("“He told me ‘never’ twice,” she said.", ["He told me ‘never’ twice,"]),
        ('""', []),
    ],
)
def test_mark_styles(text, expected):
    assert _texts(text) == expected


def test_multi_paragraph_quote_opens_each_paragraph_and_closes_once():
    text = "“First part.\n“Second part.\n“Last part.”"
    segs = find_quoted_segments(text)
    assert _texts(text) == ["First part.", "Second part.", "Last part."]
    assert [s.closer is None for s in segs] == [True, True, False]


def test_unmatched_opener_stops_at_the_paragraph_end():
    text = "She said “we will\nNext paragraph is narration."
    assert _texts(text) == ["we will"]


def test_offsets_exclude_marks_and_spaces():
    text = "A “ spaced ” quote"
    (seg,) = find_quoted_segments(text)
    assert (seg.opener, seg.start, seg.end, seg.closer) == (2, 4, 10, 11)


def test_thousands_of_marks_in_one_paragraph_are_linear_and_bounded():
    text = ("“" * 2000) + "x" + ('"' * 2001) + "\nTom: “ok”"
    segs = find_quoted_segments(text)
    assert "ok" in _texts(text)
    first_para_end = text.index("\n")
    assert all(s.end <= first_para_end or s.start > first_para_end for s in segs)
