from service.corpus.paragraphs import paragraph_around

TEXT = "Headline\n\nFirst paragraph here.\nSecond one, with the quote.\n\nLast."


def test_paragraph_containing_the_span() -> None:
    start = TEXT.index("the quote")
    assert paragraph_around(TEXT, start, start + 9) == "Second one, with the quote."


def test_span_over_two_paragraphs_returns_both() -> None:
    start = TEXT.index("here")
    end = TEXT.index("Second") + 6
    expected = "First paragraph here.\nSecond one, with the quote."
    assert paragraph_around(TEXT, start, end) == expected


def test_out_of_range_offsets_are_clamped() -> None:
    assert paragraph_around(TEXT, 10_000, 20_000) == "Last."
    assert paragraph_around("", 0, 5) == ""
