"""Quote extraction and speaker attribution (service/attribution.py) on the seed story, on
sentences written for each construction, and on the UCSB transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.attribution import METHOD_CONFIDENCE, extract_quotes
from service.models import QuoteSpan

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed" / "000_905687e090b6f006.txt"
UCSB_NAME = "ucsb-2025-08-18-remarks-prior-to-meeting-with-zelenskyy.txt"


def _quoted(quotes: list[QuoteSpan]) -> list[tuple[str, str, str | None, str | None]]:
    """(text, kind, speaker name, mention text) of the direct and partial quotes."""
    return [
        (
            q.text,
            q.kind,
            q.speaker.name if q.speaker else None,
            q.speaker.mention.text if q.speaker and q.speaker.mention else None,
        )
        for q in quotes
        if q.kind != "indirect"
    ]


def _one(text: str) -> tuple[str, str, str | None, str | None]:
    quotes = _quoted(extract_quotes(text))
    assert len(quotes) == 1, quotes
    return quotes[0]


# --- the seed story -----------------------------------------------------------------------
SEED_QUOTES = [
    ("want", "partial", "Donald Trump", "US President Donald Trump"),
    ("from the air", "partial", "Donald Trump", "The US President"),
    ("They’re willing to put people on the ground,", "direct", "Donald Trump", "Trump"),
    (
        "Some of them, France and Germany, a couple of them, the UK – they are going to have "
        "boots on the ground.",
        "direct",
        "Donald Trump",
        "Trump",
    ),
    (
        "We’re willing to help them with things, especially probably if you could talk about by "
        "air, because there’s nobody has the kind of stuff we have.",
        "direct",
        "Donald Trump",
        "Trump",
    ),
    ("They want to have boots on the ground,", "direct", "Donald Trump", "he"),
    ("I don't think it's going to be a problem.", "direct", "Donald Trump", "he"),
    (
        "ready to put boots on the ground",
        "partial",
        "John Healey",
        "UK Defence Secretary John Healey",
    ),
    ("rough situation", "partial", "Donald Trump", "Trump"),
    ("show some flexibility", "partial", "Donald Trump", "Trump"),
    ("in any format", "partial", "Volodymyr Zelenskyy", "Volodymyr Zelenskyy"),
    ("good chance", "partial", "Donald Trump", "Trump"),
    (
        "I know the president, I know myself, and I believe Vladimir Putin wants to see it end,",
        "direct",
        "Donald Trump",
        "Trump",
    ),
    (
        "At the conclusion of the meetings, I called President Putin, and began the arrangements "
        "for a meeting, at a location to be determined, between President Putin and President "
        "Zelenskyy,",
        "direct",
        "Donald Trump",
        "Trump",
    ),
    (
        "A will to end the war is a diplomatic meeting at the level of leaders. If one or another "
        "side will not demonstrate a will to meet, then we will ask the United States to act "
        "accordingly.",
        "direct",
        "Volodymyr Zelenskyy",
        "Zelenskyy",
    ),
    ("first time", "partial", "Volodymyr Zelenskyy", "Zelenskyy"),
    # Trump's word for Starmer: "introduced him ... as" is Trump speaking, not Starmer.
    ("friend.", "partial", "Donald Trump", "Trump"),
    (
        "Your indication of security guarantees, of some sort of article five-style guarantees, "
        "fits with what we’ve been doing with the coalition of the willing, which we started some "
        "months ago, bringing countries together and showing that we were prepared to step up to "
        "the plate when it came to security.",
        "direct",
        "Keir Starmer",
        "Starmer",
    ),
    (
        "With you coming alongside, what we’ve already developed, I think we could take a really "
        "important step forward today – a historic step, actually, could come out of this meeting "
        "in terms of security for Ukraine and security in Europe.",
        "direct",
        "Keir Starmer",
        "Starmer",
    ),
    ("sensible next step", "partial", "Keir Starmer", "Starmer"),
    ("will be seen as a very important day in recent years.", "partial", "Keir Starmer", "Starmer"),
    ("really good", "partial", "Volodymyr Zelenskyy", "Zelenskyy"),
    ("the best", "partial", "Volodymyr Zelenskyy", "Zelenskyy"),
    (
        "We are very happy with the president that all the leaders are here and security in "
        "Ukraine depends on the United States and on you and on those leaders who are with us in "
        "our hearts,",
        "direct",
        "Volodymyr Zelenskyy",
        "he",
    ),
]


@pytest.fixture(scope="module")
def seed() -> tuple[str, list[QuoteSpan]]:
    text = SEED.read_text(encoding="utf-8")
    return text, extract_quotes(text)


def test_seed_every_quote_span_kind_and_speaker(seed):
    _, quotes = seed
    assert _quoted(quotes) == SEED_QUOTES


def test_seed_offsets_slice_the_text(seed):
    text, quotes = seed
    for q in quotes:
        assert text[q.start : q.end] == q.text
        if q.speaker and q.speaker.mention:
            m = q.speaker.mention
            assert text[m.start : m.end] == m.text


def test_seed_methods_reflect_how_the_speaker_was_found(seed):
    _, quotes = seed
    by_text = {q.text: q.speaker for q in quotes if q.kind != "indirect"}
    assert by_text["They’re willing to put people on the ground,"].method == "explicit"
    assert by_text["They want to have boots on the ground,"].method == "pronoun"
    assert by_text["from the air"].method == "descriptor"
    carried = by_text[SEED_QUOTES[3][0]]
    assert carried.method == "carry"
    assert carried.confidence == METHOD_CONFIDENCE["carry"]
    assert carried.confidence < by_text["They’re willing to put people on the ground,"].confidence


def test_seed_indirect_speech(seed):
    _, quotes = seed
    indirect = {
        q.text: (q.speaker.name, q.speaker.mention.text) for q in quotes if q.kind == "indirect"
    }
    assert indirect[
        "European troops would be involved on the ground in Ukraine to deter any future Russian "
        "invasion"
    ] == ("Donald Trump", "Trump")
    assert indirect[
        "A trilateral meeting that would include Trump, Zelenskyy and Putin would follow the "
        "meeting between Ukraine and Russia"
    ] == ("Donald Trump", "Trump")
    assert indirect["the leaders spoke for around 40 minutes"] == ("Kremlin", "The Kremlin")


def test_seed_boilerplate_and_narration_have_no_quotes(seed):
    text, quotes = seed
    boilerplate = text.index("Subscribe free to our weekly newsletter")
    assert all(q.end <= boilerplate for q in quotes)
    narration = text.index("Russia now controls roughly one-fifth")
    assert not any(q.start <= narration < q.end for q in quotes)


def test_seed_quotes_are_sorted(seed):
    _, quotes = seed
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)


# --- constructions, on sentences written for these tests -----------------------------------
def test_colon_form():
    text = "Mary Jones met voters.\nJones said: “We will win this seat.”"
    assert _one(text) == ("We will win this seat.", "direct", "Mary Jones", "Jones")


def test_inverted_said_name():
    text = "Ed Barnes toured the plant.\n“The line will stay open,” said Barnes."
    assert _one(text) == ("The line will stay open,", "direct", "Ed Barnes", "Barnes")


def test_appositive_between_name_and_cue():
    text = "“This is a betrayal of workers,” Khalid Mahmood, a Labour MP, said."
    assert _one(text) == (
        "This is a betrayal of workers,",
        "direct",
        "Khalid Mahmood",
        "Khalid Mahmood",
    )


def test_time_expression_between_subject_and_cue():
    text = "Reince Priebus later Thursday told Fox News: “Both men are meeting next week.”"
    assert _one(text)[2:] == ("Reince Priebus", "Reince Priebus")
    text = "Bernie Sanders (I-Vt.) on Saturday criticized the accord as “nowhere near far enough.”"
    assert _one(text)[2:] == ("Bernie Sanders", "Bernie Sanders")


def test_told_takes_the_listener_not_the_speaker():
    text = 'As one employee told the Weekly, "She wants to put fear in our hearts."'
    assert _one(text)[2:] == ("employee", "one employee")


def test_according_to():
    text = "According to the Daily Ledger, “the budget was never approved.”"
    assert _one(text) == (
        "the budget was never approved.",
        "direct",
        "Daily Ledger",
        "the Daily Ledger",
    )


def test_wrote_on_social_platform():
    text = "Senator Ann Price posted a photo.\n“Great day in Ohio!” Price wrote on Truth Social."
    assert _one(text) == ("Great day in Ohio!", "direct", "Ann Price", "Price")


def test_told_reporters_before_quote():
    text = "Governor Tom Hale told reporters on Monday: “We are not raising taxes.”"
    assert _one(text) == ("We are not raising taxes.", "direct", "Tom Hale", "Governor Tom Hale")


def test_split_quote_gives_two_segments_with_one_speaker():
    text = "Lena Ortiz spoke first.\n“We tried,” she added, “and we failed.”"
    assert _quoted(extract_quotes(text)) == [
        ("We tried,", "direct", "Lena Ortiz", "she"),
        ("and we failed.", "direct", "Lena Ortiz", "she"),
    ]


def test_multi_paragraph_quote_carries_the_speaker():
    text = (
        "“The first part of the plan is simple,” said Paul Grant, the mayor.\n"
        "“The second part needs money. We will find it.\n"
        "“The third part is the hardest of all.”"
    )
    quotes = extract_quotes(text)
    assert [(q.text, q.speaker.name, q.speaker.mention.text) for q in quotes] == [
        ("The first part of the plan is simple,", "Paul Grant", "Paul Grant"),
        ("The second part needs money. We will find it.", "Paul Grant", "Paul Grant"),
        ("The third part is the hardest of all.", "Paul Grant", "Paul Grant"),
    ]
    assert [q.speaker.method for q in quotes] == ["explicit", "carry", "carry"]


def test_pronoun_respects_gender():
    text = "Hillary Clinton spoke after Bernie Sanders left the stage.\n“We need a plan,” she said."
    assert _one(text)[2:] == ("Hillary Clinton", "she")


def test_descriptor_resolves_to_the_titled_person():
    text = (
        "Ukrainian President Volodymyr Zelensky arrived in Washington.\n"
        "“We are ready,” the Ukrainian president said."
    )
    assert _one(text)[2:] == ("Volodymyr Zelensky", "the Ukrainian president")


def test_partial_quote_belongs_to_the_reporting_subject_not_the_object():
    text = "Trump said Putin would face a “rough situation” if he did not cooperate."
    assert _one(text) == ("rough situation", "partial", "Trump", "Trump")


def test_cueless_fragment_belongs_to_the_nearest_clause_subject():
    # Not the first capitalised word of the sentence, and not the verb's object.
    text = "Mia Cole ran in 2004.\nTwelve days later, she had voted against the plan as “a waste.”"
    assert _one(text)[2:] == ("Mia Cole", "she")
    text = "Reading from notes, Carl Moss repeatedly called the new tax “a disgrace.”"
    assert _one(text)[2:] == ("Carl Moss", "Carl Moss")
    text = "Ada Burns dismissed the whole affair as “nonsense from start to finish.”"
    assert _one(text)[2:] == ("Ada Burns", "Ada Burns")
    text = "Tim Lee likes “The Long Road,” while the former governor loves “Sea Lanes.”"
    assert [q[3] for q in _quoted(extract_quotes(text))] == ["Tim Lee", "the former governor"]


def test_fragment_in_a_that_clause_belongs_to_the_governing_subject():
    text = "In the recession, Paul Reed worried that the safety net was becoming “a hammock.”"
    assert _one(text)[2:] == ("Paul Reed", "Paul Reed")


def test_a_sentence_opening_preposition_is_not_part_of_the_name():
    text = "Like Ann Price, Tom Hale went on the attack, calling the deal “a trap.”"
    assert _one(text)[2:] == ("Tom Hale", "Tom Hale")


def test_the_name_modifying_a_noun_is_not_its_subject():
    text = "The city grew, and the Hale campaign rejected the idea as “absurd and cynical.”"
    assert _one(text)[3] == "the Hale campaign"


def test_quote_completing_a_cueless_clause_belongs_to_its_subject():
    text = (
        "Ruth Kane spoke first. “We will win,” she said.\n"
        "Omar Diaz also embraced the plan — “It is the only way forward.”"
    )
    assert _quoted(extract_quotes(text))[-1] == (
        "It is the only way forward.",
        "direct",
        "Omar Diaz",
        "Omar Diaz",
    )


def test_coordinated_participles_share_the_main_subject():
    text = (
        "Lena Ortiz spoke for her brother. She defended him, saying he had been a fair boss "
        "and calling him “a man of his word.”"
    )
    assert _one(text)[2:] == ("Lena Ortiz", "She")


def test_participle_skips_the_subject_of_an_embedded_clause():
    text = (
        "Former mayor Ed Rhodes praised Tom Hale for what he has built, calling it "
        "“a remarkable feat.”"
    )
    assert _one(text)[2:] == ("Ed Rhodes", "Former mayor Ed Rhodes")


def test_cue_after_the_quote_beats_the_colon_before_it():
    text = "Mary Burns met Peter Hale.\nHale looked tired: “We lost the vote,” she said."
    assert _one(text)[2:] == ("Mary Burns", "she")
    text = "Nia Roberts spoke first.\nNia Roberts said: “We lost,” she added."
    assert _one(text)[2:] == ("Nia Roberts", "she")


def test_a_cue_word_inside_a_name_is_not_a_cue():
    # "States" in "the United States" is part of a name, not the verb "states".
    text = "Sara Vance said that the United States should “stop treating allies like tenants.”"
    assert _one(text)[2:] == ("Sara Vance", "Sara Vance")


def test_read_after_a_quote_is_a_reporting_verb():
    text = "“Come home and lead, senator,” the editorial read."
    assert _one(text)[2:] == ("editorial", "the editorial")


def test_paragraph_ending_in_a_colon_without_cue_verb_hands_over_its_subject():
    text = (
        "After the vote, Governor Tom Hale issued the following statement:\n"
        "“Our state has chosen a new road.”"
    )
    assert _one(text)[2:] == ("Tom Hale", "Governor Tom Hale")


def test_capitalised_function_word_is_never_a_speaker():
    # The speaker is "those polled", never the capitalised "While" before it.
    text = "While those polled said the plan was “a mess,” the mayor kept it."
    assert _one(text) == ("a mess,", "partial", "those polled", "those polled")


def test_cue_after_a_quote_beats_a_participle_before_it():
    text = (
        "Senator Ann Price weighed in, telling a radio host on Monday, “Both are qualified,” "
        "she said."
    )
    assert _one(text)[2:] == ("Ann Price", "she")


def test_inverted_cue_later_in_the_sentence_names_the_speaker_after_it():
    text = (
        "That would create a “summer of agony” for the mayor before the convention, said "
        "Brad Olsen, a pollster."
    )
    assert _one(text)[2:] == ("Brad Olsen", "Brad Olsen")


def test_pronoun_in_a_reported_clause_names_the_outer_speaker():
    text = "Ed Cruz spoke later.\nPeter Hale said he replied: “You cannot be too careful.”"
    assert _one(text)[2:] == ("Peter Hale", "Peter Hale")
    # ... unless the name's gender rules the pronoun out.
    text = "Peter Hale spoke later.\nMary Burns said he replied: “You cannot be too careful.”"
    assert _one(text)[2:] == ("Peter Hale", "he")


def test_organisation_can_speak():
    text = "“The call lasted 40 minutes,” the Kremlin said."
    assert _one(text)[2:] == ("Kremlin", "the Kremlin")


def test_guillemets_and_german_quotes():
    text = "Emmanuel Macron arrived.\n«Nous sommes prêts», Macron said."
    assert _one(text) == ("Nous sommes prêts", "direct", "Emmanuel Macron", "Macron")
    text = "Olaf Scholz said: „Wir schaffen das.“"
    assert _one(text) == ("Wir schaffen das.", "direct", "Olaf Scholz", "Olaf Scholz")


def test_mixed_curly_and_straight_marks():
    text = 'Ruth Kane spoke.\n“We won," she said. "It was close.”'
    assert _quoted(extract_quotes(text)) == [
        ("We won,", "direct", "Ruth Kane", "she"),
        ("It was close.", "direct", "Ruth Kane", "she"),
    ]


def test_apostrophes_are_not_quote_marks():
    text = "Jones’ dog didn’t bark at the O’Neills’ house, the report said."
    assert _quoted(extract_quotes(text)) == []


def test_single_quote_headline_style():
    text = "Dan Roe said 'We will rebuild the bridge' at a rally."
    assert _one(text) == ("We will rebuild the bridge", "partial", "Dan Roe", "Dan Roe")


def test_unclosed_mark_never_swallows_the_next_paragraph():
    text = "Amy Lund said: “We will\nThe council met on Friday to discuss roads and budgets."
    quotes = extract_quotes(text)
    assert [q.text for q in quotes if q.kind != "indirect"] == ["We will"]


def test_scare_quotes_and_titles_have_no_speaker():
    text = (
        "The so-called “peace plan” was published on Monday.\n"
        "Critics compared it to the film “Dr. Strangelove” and the show “Meet the Press”."
    )
    quotes = _quoted(extract_quotes(text))
    assert ("peace plan", "partial", None, None) in quotes
    assert ("Meet the Press", "partial", None, None) in quotes


def test_first_person_is_never_named():
    text = "“We must act now,” I said."
    assert all(q.speaker is None for q in extract_quotes(text))


@pytest.mark.parametrize("dash", ["–", "—", "―", "-"])
def test_dash_attribution(dash):
    text = f"“Ask not what your country can do for you.” {dash} John Kennedy"
    assert _one(text)[2:] == ("John Kennedy", "John Kennedy")
    glued = f"“Ask not what your country can do for you.”{dash} John Kennedy"
    assert _one(glued)[2:] == ("John Kennedy", "John Kennedy")


def test_quotation_signed_on_the_next_line():
    text = (
        "Voters told us why.\n“I love this country and I want it back.”\n— Maria Lopez, 34, Phoenix"
    )
    assert _one(text) == (
        "I love this country and I want it back.",
        "direct",
        "Maria Lopez",
        "Maria Lopez",
    )


def test_indirect_speech_and_narration():
    text = "Nia Roberts said the bridge would reopen in May. The river rose overnight."
    quotes = extract_quotes(text)
    assert [(q.kind, q.text, q.speaker.name) for q in quotes] == [
        ("indirect", "the bridge would reopen in May", "Nia Roberts")
    ]


def test_inverted_indirect_speech():
    text = "The bridge will reopen in May, Nia Roberts added."
    quotes = extract_quotes(text)
    assert [(q.kind, q.text, q.speaker.mention.text) for q in quotes] == [
        ("indirect", "The bridge will reopen in May", "Nia Roberts")
    ]


# --- transcripts -----------------------------------------------------------------------------
def _transcript_text() -> str:
    path = ROOT / "corpus" / "open" / UCSB_NAME
    if not path.exists():
        path = ROOT.parent / "shared" / "corpus" / "open" / UCSB_NAME
    raw = path.read_text(encoding="utf-8")
    return raw.split("\n\n", 1)[1]  # the text after the header's blank line


def test_transcript_turns_go_to_their_labels():
    text = _transcript_text()
    quotes = extract_quotes(text, title="Remarks With President Volodymyr Zelenskyy of Ukraine")
    assert all(q.kind == "direct" and q.speaker.method == "label" for q in quotes)
    by_text = {q.text: q.speaker.name for q in quotes}
    assert by_text["Thank you so much, Mr. President. If I can, first of all"] == (
        "Volodymyr Zelenskyy"
    )
    assert by_text["That's very nice."] == "Trump"
    assert by_text["So we are saying this sensitive topic."] == "Volodymyr Zelenskyy"
    # Bracketed editorial notes are nobody's words.
    assert not any("[" in q.text or "Laughter" in q.text for q in quotes)
    assert "I want it. I want it." in by_text
    for q in quotes:
        assert text[q.start : q.end] == q.text


def test_reporter_turns():
    text = (
        "Q. Will you meet him this week?\n"
        "President Trump. We'll see. Maybe.\n"
        "Q. And the sanctions?\n"
        "President Trump. Next question."
    )
    quotes = extract_quotes(text)
    assert [(q.text, q.speaker.name, q.speaker.mention.text) for q in quotes] == [
        ("Will you meet him this week?", "Unidentified reporter", "Q"),
        ("We'll see. Maybe.", "Trump", "President Trump"),
        ("And the sanctions?", "Unidentified reporter", "Q"),
        ("Next question.", "Trump", "President Trump"),
    ]


def test_colon_labelled_transcript():
    text = (
        "KEIR STARMER: Thank you for coming.\nREPORTER: Is the deal done?\nKEIR STARMER: Not yet."
    )
    quotes = extract_quotes(text)
    assert [(q.text, q.speaker.mention.text) for q in quotes] == [
        ("Thank you for coming.", "KEIR STARMER"),
        ("Is the deal done?", "REPORTER"),
        ("Not yet.", "KEIR STARMER"),
    ]


# --- robustness --------------------------------------------------------------------------------
# Quote marks, punctuation and attribution words in every order: the constructions the rules
# look for, broken in every way.
ODD_TEXT = st.lists(
    st.sampled_from(
        [*"ab Z.,:;!?\n\"'“”‘’«»„—-[]", " said", " he", " Trump", " told", "Q. ", "Mr. ", " the"]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ODD_TEXT, st.text(max_size=300)))
def test_never_raises_and_offsets_always_slice(text):
    quotes = extract_quotes(text)
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert q.kind in {"direct", "partial", "indirect"}
        if q.speaker is not None:
            assert q.speaker.name
            assert q.speaker.name.lower() not in {"i", "we", "you", "he", "she", "they"}
            m = q.speaker.mention
            assert m is None or text[m.start : m.end] == m.text
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)


def test_adversarial_marks_stay_inside_their_paragraph():
    text = '"' * 5001 + "x\n" + "“" * 3000 + "\n" + "Tom said: “ok”"
    quotes = extract_quotes(text)
    assert ("ok", "Tom") in [(q.text, q.speaker and q.speaker.name) for q in quotes]
    assert all(q.end <= text.index("\n") or q.start > text.index("\n") for q in quotes)


def test_quoted_words_are_never_read_as_attribution_words():
    # A quotation consisting of "he" once crashed the subject finder; it must stay a quote.
    text = "Back then “he” was the word of the year for many “critics”."
    quotes = extract_quotes(text)
    assert [q.text for q in quotes] == ["he", "critics"]


def test_non_string_input_returns_nothing():
    assert extract_quotes("") == []
    assert extract_quotes(None) == []  # type: ignore[arg-type]


def test_according_to_names_any_source_up_to_the_comma():
    # Sources our lexicon does not know are still the source of what follows.
    text = "According to her family doctor, the senator was “fit as a fiddle” last spring."
    assert _one(text)[2:] == ("family doctor", "her family doctor")
    text = "According to some on the council, the plan was “dead on arrival.”"
    assert _one(text)[3] == "some on the council"


def test_repeated_pronoun_names_the_outer_one():
    text = "Ann Lee spoke.\nShe said she asked the mayor “to look again” before the vote."
    quotes = [q for q in extract_quotes(text) if q.kind == "partial"]
    assert [(q.speaker.name, q.speaker.mention.start) for q in quotes] == [
        ("Ann Lee", text.index("She said"))
    ]


def test_speaker_named_after_the_previous_quote_takes_over():
    text = (
        "“We need more buses,” says Rosa Delgado, a nurse. Her neighbour Tom Reyes says "
        "the line is too long. He waits daily. “I wait an hour every day.”"
    )
    assert _quoted(extract_quotes(text)) == [
        ("We need more buses,", "direct", "Rosa Delgado", "Rosa Delgado"),
        ("I wait an hour every day.", "direct", "Tom Reyes", "Tom Reyes"),
    ]


def test_passive_cue_names_its_agent():
    text = (
        "Ann Lee was asked by moderator Tom Reyes whether the plan would risk “doubling the "
        "waiting lists” to the budget."
    )
    assert _one(text)[2:] == ("Tom Reyes", "moderator Tom Reyes")


def test_sentence_opening_participle_belongs_to_the_main_subject():
    text = (
        "Citing “a family wedding,” the mayor’s spokeswoman told reporters that the mayor "
        "would skip the dinner."
    )
    assert _one(text)[2:] == ("mayor’s spokeswoman", "the mayor’s spokeswoman")


def test_possessive_pronoun_before_a_speech_noun_is_the_mention():
    text = (
        "Ann Lee spoke first.\nThe debate grew tense over her remark that “nobody reads the "
        "budget anyway.”"
    )
    assert _one(text)[2:] == ("Ann Lee", "her")


def test_pronoun_in_a_relative_clause_defers_to_the_sentence_subject():
    text = "Tom Reyes spoke.\nTom Reyes has railed against what he calls the “downtown cartel”."
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")
    text = "Ann Lee spoke.\nAnn Lee was cheered when she called the plan “a disaster” on Monday."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")
    # A pronoun of the other gender is someone else.
    text = "Tom Reyes spoke first.\nAnn Lee was cheered when he called the plan “a disaster”."
    assert _one(text)[2:] == ("Tom Reyes", "he")


def test_bracketed_party_before_the_cue_comma():
    text = "After winning the state primary, Gov. Tom Reyes (R-OH), said, “We are going west.”"
    assert _one(text)[2:] == ("Tom Reyes", "Gov. Tom Reyes")


def test_time_adverbial_inside_a_relative_clause_is_not_the_speaker():
    text = "Ann Lee, who has in the past described the plan as “a disaster,” spoke on Monday."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee, who")


def test_sentence_closed_by_an_attribution_belongs_to_it():
    text = "Nothing the mayor said “will calm the voters,” the Ohio senator said."
    assert _one(text)[2:] == ("Ohio senator", "the Ohio senator")
    text = (
        "Ann Lee “kept the farm vote” in the spring race, said Dayton University professor Tom "
        "Reyes. “The barns were hers.”"
    )
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Tom Reyes", "Dayton University professor Tom Reyes"),
        ("Tom Reyes", "Dayton University professor Tom Reyes"),
    ]


def test_appositive_speaker_before_told_beats_the_listener():
    text = (
        "Polls moved.\n\nTom Reyes “has found a way into the suburbs,” Ivo Brandt, a park "
        "ranger, told the Gazette."
    )
    assert _one(text)[2:] == ("Ivo Brandt", "Ivo Brandt")


def test_pronoun_resolves_to_a_bare_surname_that_was_a_subject():
    text = (
        "Later, Marlowe opened with a story about her garden.\n\n"
        "“The roses came back,” she told the crowd in Dayton."
    )
    assert _one(text)[2:] == ("Marlowe", "she")


def test_later_according_to_names_the_source_of_a_cueless_fragment():
    text = "The report was marked “urgent” by the agency, according to two aides who handled it."
    assert _one(text)[3] == "two aides"


def test_as_x_puts_it():
    text = "As the Post’s Ann Lee puts it, the mayor made the council “a plan it can live with.”"
    assert _one(text)[3] == "the Post’s Ann Lee"


def test_naming_verb_after_an_appositive_is_the_speakers_cue():
    text = "Tom Reyes, who served as an aide, called the mayor’s statements “childish.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")
    # ... but "a book, called" names the book.
    text = "She wrote a book, called “Long Roads,” about her years in office."
    assert _one(text)[2] is None


def test_participle_after_an_opening_phrase_takes_the_clause_subject():
    text = (
        "In a talk with the Gazette, Tom Reyes continued to doubt the budget, saying the mayor "
        "could not “balance the books” this year."
    )
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")


def test_unnamed_quantifier_speakers():
    text = (
        "“The bus is always late,” added one Republican. Yet another said, “The fares keep "
        "rising” at every stop."
    )
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Republican", "one Republican"),
        ("another", "another"),
    ]
    text = "Asked about the bridge, 30 percent said “worth it” and 12 percent said “a waste.”"
    assert [q[3] for q in _quoted(extract_quotes(text))] == ["30 percent", "12 percent"]


def test_coordinated_cue_after_an_adverb_takes_the_sentence_subject():
    text = (
        "Senator Tom Reyes used to support fellow Ohioan Ann Lee, but now said the mayor had "
        "“the chance to unite us.”"
    )
    assert _one(text)[2:] == ("Tom Reyes", "Senator Tom Reyes")


def test_period_after_a_closing_bracket_ends_the_sentence():
    text = (
        "The council met on Friday (after the storm). Mayor Ann Lee, in her speech, kept calling "
        "the budget “a mess.”"
    )
    assert _one(text)[2:] == ("Ann Lee", "Mayor Ann Lee")


def test_name_right_before_a_participle_is_its_subject():
    text = "The new spot opens with footage of Tom Reyes saying, “The roads come first.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")
    # After a comma the participle hangs off the main clause, not the name before it.
    text = "Ann Lee wrote to Tom Reyes on Monday, saying, “The roads come first.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_quotation_carried_over_a_paragraph_break_takes_the_speaker_where_it_closes():
    text = (
        "“The bridge is safe,” Tom Reyes said in a long talk with the town council on "
        "Monday. “We checked every bolt twice.\n\n"
        "“And the river is calm this year,” the engineer added. “Nobody needs to worry.”"
    )
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Tom Reyes", "Tom Reyes"),
        ("engineer", "the engineer"),
        ("engineer", "the engineer"),
        ("engineer", "the engineer"),
    ]


def test_age_and_hometown_after_a_name_are_skipped():
    text = "Ann Lee, 34, of Dayton, Ohio, said she still hoped the mayor would “find the money.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


@pytest.mark.parametrize(
    "text",
    [
        "“We played well,” Bristol coach Anna Kowalski said.",
        "“We played well,” said Bristol coach Anna Kowalski.",
    ],
)
def test_a_role_between_a_place_and_a_name_stays_in_the_speaker_mention(text):
    assert _one(text)[2:] == ("Anna Kowalski", "Bristol coach Anna Kowalski")


@pytest.mark.parametrize(
    "text", ["“We will stay,” said Omar al-Rashid.", "Omar al-Rashid said: “We will stay.”"]
)
def test_a_surname_opened_by_a_particle_and_a_hyphen_stays_in_the_name(text):
    assert _one(text)[2:] == ("Omar al-Rashid", "Omar al-Rashid")


def test_an_aside_of_time_or_place_between_a_speaker_and_the_cue_is_skipped():
    text = "Ann Lee, during a visit to Dayton, Ohio, said the plan would “fix the roads.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_a_clause_opened_by_a_preposition_is_no_aside():
    text = "The team won the cup in 1990, in what Ann Lee, the coach, called “a long dream.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_a_relative_clause_after_a_bracketed_party_reaches_the_name():
    text = "Sen. Ann Lee (D-Ohio), who has endorsed Tom Reyes, said he was a “steady hand.”"
    assert _one(text)[2:] == ("Ann Lee", "Sen. Ann Lee")


def test_sentence_opening_quote_closed_by_an_attribution_is_not_the_previous_cues():
    text = "“This is not fair,” Ann Lee said. “You raised the fares” to pay for the hall, she said."
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Ann Lee", "Ann Lee"),
        ("Ann Lee", "she"),
    ]


def test_subject_after_an_opener_is_the_phrase_a_verb_follows():
    text = (
        "Speaking at a school in Akron, New Carlisle, Ann Lee went after the mayor, calling him "
        "“a tired old hand.”"
    )
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_absolute_with_clause_names_its_own_subject():
    text = "The crowd grew restless, with Tom Reyes loudly shouting: “Let them speak!”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")
    text = (
        "Critics were quick to respond, with Ann Lee writing that the plan was a “mess” and "
        "adding, “Nobody asked the farmers.”"
    )
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Ann Lee", "Ann Lee"),
        ("Ann Lee", "Ann Lee"),
    ]
    text = "Both men favour tariffs, with Tom Reyes recently promising to “tax every import.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")


def test_his_speech_noun_belongs_to_the_named_subject_of_the_sentence():
    text = "Tom Reyes later defended his remarks as “only a joke.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")


def test_closing_pronoun_repeating_the_named_subject_gives_way_to_it():
    text = "Ann Lee said she doubted the plan because “the numbers do not add up,” she said."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_new_clause_after_a_comma_owns_its_fragment():
    text = (
        "While Tom Reyes praised the plan as a “fresh start,” Ann Lee laughed at the “empty words.”"
    )
    assert [q[2:] for q in _quoted(extract_quotes(text))] == [
        ("Tom Reyes", "Tom Reyes"),
        ("Ann Lee", "Ann Lee"),
    ]
    # ... but a clause inside the reported "that" clause is still the cue's.
    text = "Tom Reyes said that when the vote came, Ann Lee laughed at the “empty words.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")


def test_share_of_respondents_in_a_poll_names_the_poll():
    text = (
        "In a Gazette poll released Monday, 62 percent of Democrats said the new tax was "
        "“simply unfair.”"
    )
    assert _one(text)[3] == "a Gazette poll released Monday"


def test_unknown_role_words_before_an_inverted_speaker_name():
    text = "“We fixed the roads,” said retired bricklayer Tom Reyes during the town meeting."
    assert _one(text)[2:] == ("Tom Reyes", "retired bricklayer Tom Reyes")
    text = "“We fixed the roads,” said 9/11 widow Ann Lee."
    assert _one(text)[2:] == ("Ann Lee", "9/11 widow Ann Lee")


def test_inverted_verb_before_a_determiner_phrase_attributes_the_quote():
    text = "“The fund is empty,” read the letter, which the mayor signed on Friday."
    assert _one(text)[2:] == ("letter", "the letter")


def test_appositive_missing_its_closing_comma_before_the_cue():
    text = "“The bridge will hold,” Ann Lee, the engineer who designed it wrote on Friday."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_verdict_after_as_belongs_to_the_subject_not_the_remarks_owner():
    text = "Ann Lee dismissed Tom Reyes’s remarks as “pure theatre.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_coordinated_cue_after_the_quote_takes_the_sentence_subject_not_its_object():
    text = "Ann Lee has used the word “reckless” often this year, and praised Tom Reyes for it."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_attribution_set_off_by_commas_reports_the_whole_sentence():
    text = "The Gazette, Ann Lee said, called the budget “a fairy tale.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_phrases_that_are_no_subjects():
    # A conjunction opens no speaker phrase.
    text = "Ann Lee talks about “a second term,” and voters cheer."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")
    # "at the time" is a time adverbial between the subject and its cue.
    text = "Tom Reyes at the time said the bridge was “perfectly safe.”"
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")
    # An opening phrase no verb follows is an adverbial; the subject comes after its comma.
    text = "Ann Lee waited by the phone. Minutes later, she sent the mayor a note saying, “done.”"
    assert _one(text)[2:] == ("Ann Lee", "she")


def test_capitalised_quantifier_opening_a_sentence_is_a_speaker():
    text = "Supporters held signs above their heads. Some chanted “Four more years!”"
    assert _one(text)[2:] == ("some", "Some")


def test_abbreviation_inside_an_appositive_does_not_end_it():
    text = "“Perpetual motion!” Rep. Tom Reyes, R-Pa., said of the swirl of activities."
    assert _one(text)[2:] == ("Tom Reyes", "Rep. Tom Reyes")


def test_quote_that_is_the_subject_of_a_passive_verb_belongs_to_its_agent():
    text = "The phrase “a deal for nobody” was coined by Ann Lee in 1990."
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_words_displayed_on_a_sign_are_nobodys():
    # A sign's words are no one's speech: the holder is not quoted, and a sign is no speaker.
    text = "Ann Lee held up a sign saying “Fix the roads first.”"
    assert _one(text)[2:] == (None, None)


def test_more_speech_participles_and_verbs():
    text = "Tom Reyes was booed when protesters interrupted his speech, yelling “Go home!”"
    assert _one(text)[2:] == ("protesters", "protesters")
    # "denounced" is a cue, but never an inverted one: ', denounced her record' is a verb in a
    # series whose subject opens the sentence.
    text = "Tom Reyes summed up Ann Lee as “tired,” denounced her record and said she should quit."
    assert _one(text)[2:] == ("Tom Reyes", "Tom Reyes")


def test_capitalised_cue_word_inside_a_name_before_a_quote():
    # "States" is part of a name here, although a quote follows it ...
    text = "Ann Lee said the United States “must build more roads.”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")
    # ... while a headline in title case keeps its cue.
    text = "Ann Lee Says “The Roads Come First”"
    assert _one(text)[2:] == ("Ann Lee", "Ann Lee")


def test_agent_of_a_participle_modifying_the_subject_is_not_the_subject():
    text = "A letter from the Farm Bureau obtained by the Gazette warns the plan is “reckless.”"
    assert _one(text)[2:] == ("Farm Bureau", "the Farm Bureau")


def test_coordinated_participles_with_their_own_subjects_keep_them():
    text = (
        "Council members attacked the plan, with Tomas Varga of Kelso calling it "
        '"reckless" and Ilse Marwick of Dunmore calling the vote "a stitch-up".'
    )
    speakers = [(q.text, q.speaker.name) for q in extract_quotes(text) if q.speaker]
    assert speakers == [("reckless", "Tomas Varga"), ("a stitch-up", "Ilse Marwick")]


def test_a_cue_after_a_closed_quote_that_introduces_its_own_quote_is_not_the_first_ones():
    text = (
        'Ewa Lindqvist spoke first. Lindqvist talked of the crews\' "quiet courage" and '
        '"their long nights at sea." Tariq Osei said "we owe them everything."'
    )
    assert [(q.text, q.speaker.name if q.speaker else None) for q in extract_quotes(text)] == [
        ("quiet courage", "Ewa Lindqvist"),
        ("their long nights at sea.", "Ewa Lindqvist"),
        ("we owe them everything.", "Tariq Osei"),
    ]


def test_a_gerund_phrase_between_the_subject_and_its_cue_is_skipped():
    text = 'Council leader Amara Okafor in opening the new library said, "Books are for everyone."'
    assert [(q.text, q.speaker.name if q.speaker else None) for q in extract_quotes(text)] == [
        ("Books are for everyone.", "Amara Okafor"),
    ]
