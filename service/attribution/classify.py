"""Stage 3, classification: is a quoted segment a direct quotation, a partial quote inside a
sentence, or a scare quote / title. Reads the speech frame tokens only; writes nothing.

Scare quotes, terms, nicknames and titles are marks around words nobody is reported as saying,
so they keep no speaker. The cues are general, read off the words around the marks: a naming
word before them ("so-called", "dubbed", "known as", "a process called", "the term"), a link
line ("READ MORE: ..."), a nickname between a first name and a surname, and, for a quote with
no cue verb and a subject the article never introduces as a person, a short slot in a noun
phrase ('a "no deal" Brexit', 'from "moderate" to "high"', 'the "one country, two systems"
model'). A cue beside the quote ('Smith called it "Q"') keeps its speaker unless the marks sit
in a link line, inside a name ('Jeremy "Spike" Cohen') or after a naming phrase ('is called',
'known as', 'his nickname').
"""

from __future__ import annotations

import bisect

from service.attribution.common import _Evidence
from service.attribution.cues import (
    CUE_PARTICIPLES,
    CUE_VERBS,
    DASHES,
    DESCRIPTOR_NOUNS,
    SCARE_QUOTE_MARKERS,
    SPEECH_NOUNS,
    words_of,
)
from service.attribution.name_index import credible
from service.attribution.speech_frame import Token
from service.models import Mention

# Nouns that name the quoted words as a term ('the term "family"', 'his nickname "Spike"').
TERM_NOUNS = words_of(
    "term terms word words phrase label slogan hashtag nickname motto catchphrase moniker name"
    " title brand trademark headline caption banner sign designation description qualifier"
    " acronym abbreviation expression"
)
# Term nouns that name a thing or a term, not words a speaker used ("phrase", "slogan", "word"
# are spoken: 'used the phrase "Q"' reports the user's words).
_NAMING_NOUNS = words_of(
    "nickname moniker name title trademark brand headline caption banner term terms designation"
    " description qualifier acronym abbreviation"
)
# Determiners that may open a sentence before a term noun ('The term "X"', 'This phrase').
_CAP_DETERMINERS = words_of("the this that these its their his her")
# Words before "called" / "named" that make it a naming participle or a passive ('a process
# called "X"', 'is called "X"'), not a speaker's verb ('Smith called "X" a lie').
_NAMING_HOSTS_EXCLUDED = words_of("he she they we i you who it")
# "known as", "referred to as": the words are a name for something, not anyone's speech.
_NAMING_BEFORE_AS = words_of("known")
_PASSIVE_OR_ADVERB = words_of(
    "is are was were be been being often commonly sometimes also widely usually popularly"
)
# A paragraph opening with one of these and a colon is a link to another story or a video.
LINK_LINE_OPENERS = frozenset(
    {
        ("read", "more"),
        ("watch",),
        ("listen",),
        ("related",),
        ("see", "also"),
        ("also", "read"),
        ("more",),
        ("video",),
        ("click", "here"),
        ("live",),
    }
)
# A determiner or preposition right before a short quote puts it in a noun phrase's slot.
# Not "as": 'rejected the idea as "absurd"' is a verdict someone gave.
_NOUN_SLOT_BEFORE = words_of("a an the from to of into than this that these those")
# Longest quote (words) read as a term in a noun phrase's slot, and as a modifier before a
# lower-case noun.
TERM_WORDS = 3
TERM_MODIFIER_WORDS = 5
# Methods that are guesses, not a cue beside the quote: they yield to naming words.
GUESSED_METHODS = frozenset({"fragment", "subject", "unresolved", "nearest"})
_DETERMINERS = words_of("a an the this that")
# Words after a quote that show it is no modifier of a noun ('the "X" and', 'the "X" is').
_NOT_NOUNS = words_of(
    "and or but is are was were has have had will would to of in on for by with as at that"
    " which who"
)
_MINOR = words_of("the a an of and to in on for at with or vs")


class ClassifyMixin:
    """Direct / partial / scare-or-title tests on quote token `t`."""

    # -- classification -----------------------------------------------------------------------
    @staticmethod
    def _is_direct_like(toks: list[Token], t: int) -> bool:
        """A quotation standing as its own sentence or clause, not a fragment inside one."""
        if t == 0:
            return True
        prev = toks[t - 1]
        if prev.sentence != toks[t].sentence or prev.kind == "q":
            return True
        return prev.kind == "p" and prev.text in {":", ",", "(", ";", "…", ".", *DASHES}

    @staticmethod
    def _is_scare_or_title(toks: list[Token], t: int) -> bool:
        """Scare quotes ("the so-called “peace plan”") and titles ("Meet the Press")."""
        return _named_not_said(toks, t, True) or _title_case(toks[t].text)

    @staticmethod
    def _is_term(toks: list[Token], t: int, guess: bool) -> bool:
        """The marks hold a term, a name or a title: a link line or a nickname inside a name
        whatever the speaker found; a naming phrase ('is called', 'known as') beside a cue;
        any naming word when the speaker is only a `guess`."""
        return _named_not_said(toks, t, guess)

    def _is_weak_term(self, toks: list[Token], t: int, ev: _Evidence) -> bool:
        """A weak cue, for a cue-less fragment pinned on a subject that is no person: a short
        quote in a noun phrase's slot ('the process had a "dream team"', 'from "moderate"').
        A person's evaluative words in that slot ('her "passion"', 'as a "strong leader"')
        stay theirs."""
        quoted = toks[t].text
        prev = toks[t - 1] if t > 0 else None
        if (
            _title_case(quoted)
            and prev is not None
            and prev.kind == "w"
            and (prev.low in _NOUN_SLOT_BEFORE or prev.low.endswith(("'s", "’s")))
        ):
            return True  # 'hosted a program on "Learning Together"', "the NHC's "Daily Advisory""
        if ev.method != "fragment":
            return False
        if ev.kind == "person":
            # A name the article never introduces as a person ("Parliament", "CentOS").
            person = self.names.person(ev.name)
            if person is not None and credible(person):
                return False
        words = quoted.split()
        limit = TERM_WORDS
        nxt = toks[t + 1] if t + 1 < len(toks) else None
        if nxt is not None and nxt.kind == "w" and not nxt.is_cap and nxt.low not in _NOT_NOUNS:
            limit = TERM_MODIFIER_WORDS  # 'the "one country, two systems" model'
        if not words or len(words) > limit or any(ch in quoted for ch in "!?;:"):
            return False
        prev = toks[t - 1] if t > 0 else None
        if prev is None or prev.kind != "w" or prev.low not in _NOUN_SLOT_BEFORE:
            return False
        # 'hailed X as a "hero"' is a verdict someone gave, not a term.
        return not (prev.low in ("a", "an") and t > 1 and toks[t - 2].low == "as")


# Things whose words are displayed, not said: 'signs which read "Q"', 'a banner saying "Q"'.
INSCRIPTION_NOUNS = words_of(
    "sign signs banner banners placard placards poster posters writing inscription t-shirt"
    " t-shirts shirt shirts sticker stickers billboard billboards graffiti plaque"
)
# Texts of law: their words are a document's, quoted as it stands ('The 14th Amendment
# states: "Q"', 'Republic Act No. 9 states "Q"').
STATUTE_NOUNS = words_of(
    "amendment amendments act constitution code statute statutes clause charter treaty"
    " article section law"
)
# Verbs that hand over displayed or written words ('a banner saying', 'signs which read').
_DISPLAY_VERBS = words_of("read reads reading saying says said stating states stated")
# Paragraph labels that make it a caption: "... Image: Jane Doe." names a photographer.
_CAPTION_LABELS = words_of("image photo picture credit")
# Tokens at a paragraph's end searched for the caption label (a credit is a few words long).
CAPTION_TAIL = 16


def displayed_or_statute(toks: list[Token], t: int, mention: Mention) -> bool:
    """Words quoted from a sign, a banner or a numbered text of law keep no speaker: the
    speaker phrase is such a thing ('The 14th Amendment states', 'the writing says',
    'Republic Act No. 9 states'), or the verb before the marks follows one ('holding signs
    which read "Q"')."""
    words = mention.text.split()
    if words:
        head = words[-1].lower()
        if head in INSCRIPTION_NOUNS:
            return True
        if "of" not in words and head in STATUTE_NOUNS and _numbered(toks, mention):
            return True
    prev = toks[t - 1] if t > 0 else None
    if prev is None or prev.low not in _DISPLAY_VERBS:
        return False
    for j in range(t - 2, max(-1, t - 8), -1):
        tok = toks[j]
        if tok.kind == "q" or tok.sentence != toks[t].sentence or tok.text == ",":
            return False
        if is_cue_word(tok.low):
            return False  # 'Ann Lee, writing in a blog post, said "Q"'
        if tok.low in INSCRIPTION_NOUNS:
            # A noun, not a verb: 'held up signs saying', not 'Ann Lee signs the bill saying'.
            host = toks[j - 1] if j > 0 else None
            return host is not None and not host.is_cap and host.low not in _SUBJECT_WORDS
    return False


_SUBJECT_WORDS = words_of("he she they we i you who it that which")


def _numbered(toks: list[Token], mention: Mention) -> bool:
    """A number within two words of the mention's head ("the 14th Amendment", "Article 2",
    "Act No. 3846"): the phrase names a numbered text of law, not "the bill" or "Steven Law"."""
    k = bisect.bisect_left(toks, mention.end, key=lambda tok: tok.end)
    if k >= len(toks) or toks[k].end != mention.end:
        return False
    near = toks[max(0, k - 2) : k] + toks[k + 1 : k + 4]
    return any(tok.kind == "w" and tok.low[:1].isdigit() for tok in near)


def _caption(toks: list[Token]) -> bool:
    """'"Q" poster at the march. Image: J. Doe.': a paragraph signed by a photo credit."""
    for i in range(len(toks) - 2, max(0, len(toks) - CAPTION_TAIL), -1):
        tok = toks[i]
        if toks[i + 1].text == ":" and tok.is_cap and tok.low in _CAPTION_LABELS:
            return toks[i - 1].text in {".", "!", "?"} or toks[i - 1].kind == "q"
    return False


def _named_not_said(toks: list[Token], t: int, guess: bool, in_list: bool = True) -> bool:
    """A naming word before the marks; `guess`: the speaker found is only a guess (or none),
    so the naming words that can follow a speaker's verb count too; `in_list`: a quote listed
    after a term counts too."""
    if _in_link_line(toks) or _caption(toks):
        return True
    prev = toks[t - 1] if t > 0 else None
    if prev is None or prev.kind == "q":
        return False
    before = toks[t - 2] if t > 1 else None
    if _nickname(toks, t):
        return True
    if not guess:
        # A cue beside the quote: 'Smith called it "Q"' is Smith's, unless the marks are a
        # name given to something ('is called "X"', 'known as "X"', 'his nickname "X"').
        if (
            prev.low in ("called", "named")
            and before is not None
            and before.low in _PASSIVE_OR_ADVERB
        ):
            return True
        if prev.low in _NAMING_NOUNS and _term_noun_host(before):
            return True  # 'the term "X"', 'the WHO's temporary designation "X"'
        if prev.low in ("called", "named") and _naming_participle(toks, t - 1):
            return True  # 'introduced a plan called "X"'
        if (
            _glossed(toks, t)
            or (in_list and _coordinated_term(toks, t, guess))
            or _passive_naming(toks, t)
        ):
            return True
        if _title_appositive(toks, t):
            return True
        return prev.low == "as" and _naming_as(toks, t)
    if prev.low in SCARE_QUOTE_MARKERS:
        return True
    if prev.low in _ARTICLES and before is not None:
        # 'nicknamed the "king of coal"', 'a pattern called a "glider"'
        if before.low in _NAMING_BEFORE_ARTICLE:
            return True
        if before.low in ("called", "named") and (
            _naming_participle(toks, t - 2) or (t > 2 and toks[t - 3].low in _PASSIVE_OR_ADVERB)
        ):
            return True
    if prev.low in TERM_NOUNS and _term_noun_host(before):
        return True  # 'the term "family"', 'his nickname "Spike"', 'The hashtag "#X#"'
    if (
        _glossed(toks, t)
        or (in_list and _coordinated_term(toks, t, guess))
        or _parenthesised(toks, t)
    ):
        return True
    if _title_appositive(toks, t):
        return True
    if prev.low in ("called", "named") and before is not None and before.kind == "w":
        if before.low in _PASSIVE_OR_ADVERB:
            return True  # 'is called "X"'
        host = toks[t - 3] if t > 2 else None
        # 'a process called "X"'; not 'what lawmakers called "X"', whose subject is speaking.
        return (
            host is not None
            and host.low in _DETERMINERS
            and not before.is_cap
            and before.low not in _NAMING_HOSTS_EXCLUDED
        ) or _naming_participle(toks, t - 1)
    if prev.low == "as":
        return _naming_as(toks, t)
    return False


_ARTICLES = words_of("a an the")
# Naming words that may stand before an article and the marks ('nicknamed the "X"').
_NAMING_BEFORE_ARTICLE = words_of("dubbed termed nicknamed titled entitled")
# Hosts that open the noun phrase a naming participle modifies ('a plan called "X"'); not
# "that"/"what", which open a clause whose subject speaks ('what lawmakers called "X"').
_PHRASE_OPENERS = words_of("a an the this its his her their our")
# Words after a quoted term that define it: '"X" is the name of', '"X" stands for'.
_DEFINING_VERBS = words_of("represents represent stands means refers")
_COPULAS = words_of("is was are were")
# Words a gloss follows: 'which means "smoother"', '"D" is for "disease"'.
_GLOSS_BEFORE = words_of("means meaning meant")
# Longest quote (words) read as a glossed or parenthesised term.
GLOSS_WORDS = 4


def _title_appositive(toks: list[Token], t: int) -> bool:
    """'his event, "Storm the Gates", was posted as a joke': marks set off by commas right
    after a common noun that a determiner opens name that thing (a title); not the words of
    a statement or a speaker ('the statement, "Q", was')."""
    if t < 3 or t + 2 >= len(toks) or toks[t - 1].text != "," or toks[t + 1].text != ",":
        return False
    noun, after = toks[t - 2], toks[t + 2]
    if noun.kind != "w" or noun.is_cap or after.kind != "w" or after.is_cap:
        return False
    if noun.low in SPEECH_NOUNS or noun.low in DESCRIPTOR_NOUNS or noun.low in _SAID_NOUNS:
        return False
    if is_cue_word(noun.low):
        return False
    for j in range(t - 3, max(-1, t - 6), -1):
        tok = toks[j]
        if tok.kind != "w" or (tok.is_cap and tok.low not in _CAP_DETERMINERS):
            return False
        if tok.low in _PHRASE_OPENERS:
            # 'in his live stream, "Q", calling it ...' is speech in a medium, not a title.
            host = toks[j - 1] if j > 0 else None
            return (host is None or host.low not in _MEDIUM_PREPOSITIONS) and (
                after.low not in CUE_PARTICIPLES
            )
        if is_cue_word(tok.low):
            return False
    return False


_MEDIUM_PREPOSITIONS = words_of("in on at during via through")
# Nouns for something said, beyond SPEECH_NOUNS: 'her reply, "Q", was'.
_SAID_NOUNS = words_of(
    "reply replies joke jokes quip retort plea advice line lines vow"
    " answer explanation verdict greeting toast apology"
)


def _passive_naming(toks: list[Token], t: int) -> bool:
    """'was called the "breadbasket"', 'is often dubbed a "X"': a passive naming verb and an
    article before the marks give a name to its subject, whoever reports it."""
    if t < 3 or toks[t - 1].low not in _ARTICLES:
        return False
    verb = toks[t - 2]
    return (verb.low in _NAMING_BEFORE_ARTICLE or verb.low in ("called", "named")) and toks[
        t - 3
    ].low in _PASSIVE_OR_ADVERB


def _term_noun_host(before: Token | None) -> bool:
    """The word before a term noun opens a noun phrase: a lower-case word ('the term',
    'temporary designation') or a capitalised determiner or possessive ('The term', "WHO's
    designation"); not a name ('Trump Title')."""
    if before is None or before.kind != "w":
        return False
    return not before.is_cap or before.low in _CAP_DETERMINERS


def _naming_participle(toks: list[Token], k: int) -> bool:
    """'an economic plan called "X"', 'a pattern named "X"': "called" at k follows a
    lower-case common noun whose phrase opens with a determiner, so it names the thing; not
    'Smith called', 'what lawmakers called', 'he called'."""
    noun = toks[k - 1] if k > 0 else None
    if noun is None or noun.kind != "w" or noun.is_cap or noun.low in _NAMING_HOSTS_EXCLUDED:
        return False
    if noun.low in _PASSIVE_OR_ADVERB or is_cue_word(noun.low):
        return False
    for j in range(k - 2, max(-1, k - 5), -1):
        tok = toks[j]
        if tok.kind != "w" or (tok.is_cap and tok.low not in _CAP_DETERMINERS):
            return False
        if tok.low in _PHRASE_OPENERS:
            return True
        if tok.low in _NAMING_HOSTS_EXCLUDED or is_cue_word(tok.low):
            return False
    return False


def is_cue_word(low: str) -> bool:
    return low in CUE_VERBS or low in CUE_PARTICIPLES


def _glossed(toks: list[Token], t: int) -> bool:
    """A short quoted term being defined or defining one: '"COVID-19" is the name of',
    '"COVI" represents the virus', 'which means "smoother"', '"D" is for "disease"'."""
    words = toks[t].text.split()
    if not words or len(words) > GLOSS_WORDS:
        return False
    prev = toks[t - 1] if t > 0 else None
    before = toks[t - 2] if t > 1 else None
    if prev is not None and prev.low in _GLOSS_BEFORE:
        return True
    if prev is not None and prev.low == "for" and before is not None and before.low in _COPULAS:
        return True
    nxt = toks[t + 1] if t + 1 < len(toks) else None
    if nxt is None or nxt.kind != "w":
        return False
    if nxt.low in _DEFINING_VERBS:
        return True
    after = toks[t + 2 : t + 4]
    return (
        nxt.low in _COPULAS
        and len(after) == 2
        and after[0].low in _ARTICLES
        and after[1].low in _NAMING_NOUNS
    )


def _coordinated_term(toks: list[Token], t: int, guess: bool) -> bool:
    """'the terms "X" and "Y"', '"X", "Y" or "Z"': a short quote listed after a term or a
    title. The list is walked back at most `LIST_QUOTES` quotes to its first quote, which alone
    is tested for a naming word (bounded work however long the list)."""
    if len(toks[t].text.split()) > TERM_MODIFIER_WORDS:
        return False
    first = t
    for _ in range(LIST_QUOTES):
        j = first - 1
        while j >= 0 and j >= first - 3 and toks[j].kind != "q":
            if toks[j].low not in {",", "and", "or"}:
                break
            j -= 1
        if j < 0 or j == first - 1 or toks[j].kind != "q" or toks[j + 1].kind == "q":
            break
        if toks[j + 1].low not in {",", "and", "or"}:
            break
        first = j
    if first == t:
        return False
    # 'songs such as "Dark Star", "Uncle John's Band" and "Truckin'"': titles too.
    if guess and _title_case(toks[first].text):
        return True
    return _named_not_said(toks, first, guess, in_list=False)


# Quotes of a list walked back from a listed quote to the term or title that opens it.
LIST_QUOTES = 6


def _parenthesised(toks: list[Token], t: int) -> bool:
    """'an anti-Brexit ("British exit") march': a short quote alone in brackets glosses the
    word before it."""
    if t == 0 or t + 1 >= len(toks) or toks[t - 1].text != "(" or toks[t + 1].text != ")":
        return False
    return 0 < len(toks[t].text.split()) <= GLOSS_WORDS


def _naming_as(toks: list[Token], t: int) -> bool:
    """'known as "X"', 'often referred to as "X"': a name for something, not speech."""
    before = toks[t - 2] if t > 1 else None
    if before is None:
        return False
    if before.low in _NAMING_BEFORE_AS:
        return True
    if before.low == "to" and t > 2 and toks[t - 3].low == "referred":
        host = toks[t - 4] if t > 3 else None
        return host is None or host.low in _PASSIVE_OR_ADVERB or host.kind == "p"
    return False


def _nickname(toks: list[Token], t: int) -> bool:
    """'Jeremy "Spike" Cohen': one or two capitalised words between a first name and a
    surname."""
    if t == 0 or t + 1 >= len(toks):
        return False
    prev, nxt = toks[t - 1], toks[t + 1]
    words = toks[t].text.split()
    return (
        prev.kind == "w"
        and prev.is_cap
        and nxt.kind == "w"
        and nxt.is_cap
        and 1 <= len(words) <= 2
        and all(w[:1].isupper() for w in words)
        and not any(ch in toks[t].text for ch in ".!?,")
    )


def _in_link_line(toks: list[Token]) -> bool:
    """'READ MORE: ...', 'WATCH: ...': the paragraph is a link to another story."""
    words: list[str] = []
    for tok in toks[:4]:
        if tok.kind == "p":
            return tok.text in {":", "|"} and tuple(words) in LINK_LINE_OPENERS
        if tok.kind != "w":
            return False
        words.append(tok.low)
    return False


def _title_case(quoted: str) -> bool:
    words = quoted.split()
    if not words or len(words) > 6 or any(ch in quoted for ch in "!?,;:"):
        return False
    if "." in quoted.replace("vs.", ""):
        return False
    content = [w for w in words if w.lower() not in _MINOR]
    return bool(content) and len(words) >= 2 and all(w[:1].isupper() for w in content)
