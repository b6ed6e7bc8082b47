"""Whether a passage starts inside the article's quote marks, against the plain character loop."""

from hypothesis import given, settings
from hypothesis import strategies as st

from service.matching.passages import _inside_after
from service.matching.reference import inside_after_reference

TEXT = st.text(alphabet=st.sampled_from(list("ab .,\n'“”«»„\"")), max_size=200)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.booleans())
def test_marks_counted_as_the_character_loop_counts_them(segment: str, inside: bool) -> None:
    assert _inside_after(segment, inside) == inside_after_reference(segment, inside)


def test_long_narration_after_a_closed_quotation_is_outside() -> None:
    segment = "“We will not back down,” the minister said. " + "She spoke for an hour. " * 40
    assert _inside_after(segment, False) is False
    assert _inside_after(segment + "Then: “And", False) is True
    assert _inside_after('He said "yes" and "no', False) is True
