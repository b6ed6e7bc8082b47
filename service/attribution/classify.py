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

from service.attribution.common import _Evidence
from service.attribution.cues import (
    DASHES,
    SCARE_QUOTE_MARKERS,
    words_of,
)
from service.attribution.name_index import credible
from service.attribution.speech_frame import Token

# Nouns that name the quoted words as a term ('the term "family"', 'his nickname "Spike"').
TERM_NOUNS = words_of(
    "term word phrase label slogan hashtag nickname motto catchphrase moniker name title brand"
    " trademark headline caption banner sign"
)
# Term nouns that name a thing, not words a speaker used ("phrase", "slogan" are spoken).
_NAMING_NOUNS = words_of("nickname moniker name title trademark brand headline caption banner")
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


def _named_not_said(toks: list[Token], t: int, guess: bool) -> bool:
    """A naming word before the marks; `guess`: the speaker found is only a guess (or none),
    so the naming words that can follow a speaker's verb count too."""
    if _in_link_line(toks):
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
        if prev.low in ("called", "named") and before is not None:
            return before.low in _PASSIVE_OR_ADVERB
        if prev.low in _NAMING_NOUNS and before is not None:
            return before.kind == "w" and not before.is_cap
        return prev.low == "as" and _naming_as(toks, t)
    if prev.low in SCARE_QUOTE_MARKERS:
        return True
    if prev.low in TERM_NOUNS and before is not None and before.kind == "w" and not before.is_cap:
        return True  # 'the term "family"', 'his nickname "Spike"'
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
        )
    if prev.low == "as":
        return _naming_as(toks, t)
    return False


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
