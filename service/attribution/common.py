"""Shared by every stage: the `_Evidence` record stages pass along, `METHOD_CONFIDENCE`, the
tuning constants, and the token-level helpers (verb/clause tests, phrase builders) the
evidence, resolution and indirect stages read the speech frame with. Pure: no state.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from service.attribution.cues import (
    CUE_GAP_WORDS,
    CUE_VERBS,
    DETERMINERS,
    words_of,
)
from service.attribution.speaker_phrases import (
    FUNCTION_WORDS,
    Phrase,
    is_participle,
    is_possessive,
    phrase_after,
    phrase_before,
)
from service.attribution.speech_frame import Token
from service.models import Mention, SpeakerAttribution

# Confidence by how the speaker was found: the share of speakers each method names right by
# canonical person on the Wikinews dev2 part (in brackets: measured, quotes), fitted by
# `bench/fit_speaker_confidence.py --split dev2` as (right + 1) / (quotes + 2). dev2, not dev:
# it is the larger part and the one whose errors were read least (only from 2026-12-08), so it
# overstates the methods less than dev, on which most rules were developed. "label" has no
# name-level gold (no transcripts in it) and keeps its PolNeAR figure.
METHOD_CONFIDENCE: dict[str, float] = {
    "label": 0.97,  # transcript turn label ("President Trump.")        [PolNeAR: ~100%]
    "explicit": 0.97,  # a name next to a cue verb: "Trump said"  [97.6%, 246]
    "pronoun": 0.88,  # "he added" -> the salient compatible person  [89.3%, 56]
    "subject": 0.75,  # participle, colon or cue-less clause -> its subject  [76.3%, 38]
    "descriptor": 0.91,  # "the US President said" -> titled name met earlier  [93.3%, 30]
    "carry": 0.68,  # nothing beside the quote: previous speaker carries on  [70.6%, 17]
    "narrator": 0.80,  # "I said" / no speaker, in an interview answer -> interviewee  [100%, 3]
    "organisation": 0.64,  # "The Kremlin said"  [66.7%, 12]
    "fragment": 0.56,  # fragment with no cue -> subject of its nearest clause  [56.0%, 25]
    "nearest": 0.33,  # fallback: the nearest earlier speaker or name  [25.0%, 4]
    "unresolved": 0.30,  # a role we could not tie to a name ("the campaign")  [27.8%, 18]
}

# How far (tokens) we look back from a quote for its cue verb; bounds the work per quote so a
# giant sentence with thousands of quotes stays linear.
CUE_LOOKBACK = 60
# Tokens after a cue that may still belong to the attribution ("told reporters on Tuesday:").
CUE_TAIL = 7
# A quote ending in "." followed by a capitalised phrase + cue is still attributed by it only
# when the cue ends its sentence within this many tokens ("...have." Trump said.).
SHORT_AFTER_SENTENCE = 6
# A cue-less fragment this short with no subject to pin it on is a scare quote ("a “reset”").
SCARE_QUOTE_WORDS = 3
# "said during the talks with Zelenskyy and the European leaders that ...": how far "that" may be.
CLAUSE_THAT_WINDOW = 12
# Quotes of one paragraph that may lend each other a speaker, and speakers a pronoun may pick
# from: both bounded so a pathological paragraph of thousands of quotes stays linear.
SHARE_WINDOW = 20
PRONOUN_HISTORY = 50
# Name mentions a pronoun looks back over for a salient subject in its own paragraph.
SALIENCE_MENTIONS = 40
# A "Name:" label before a quote is at most this long ("Michael P. McDonald").
MAX_LABEL_TOKENS = 6
# Carry-over reaches back this many paragraphs (a quotation paragraph right after the speaker's).
CARRY_PARAGRAPHS = 1
# Longest source read after "according to" when it is no speaker phrase we know (tokens).
ACCORDING_SOURCE_WORDS = 10
# Pronoun antecedents are looked for among speakers of the last few paragraphs first.
PRONOUN_SPEAKER_WINDOW = 3
# Words before a pronoun that open a relative or adverbial clause ('what he calls', 'when he
# called'), as opposed to a reported clause ('said (that) he'), where the pronoun is the mention.
_RELATIVE_OPENERS = words_of("what when whenever as where")
_NAME_PARTICLES = words_of("of de da del della van von der al bin le la du y")
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}
_PASSIVE_AUXILIARIES = words_of("was were is are been being be")
_AUXILIARIES = words_of(
    "would will was were is are had has have could should must can may might did does do"
)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """A resolved speaker plus where it was found: what later quotes of the turn inherit."""

    name: str
    mention: Mention
    method: str
    kind: str  # "person", "org", "plural"
    para: int

    def attribution(self) -> SpeakerAttribution:
        return SpeakerAttribution(
            self.name, self.mention, METHOD_CONFIDENCE[self.method], self.method
        )


def _label_before_colon(toks: list[Token], t: int) -> Phrase | None:
    """A name standing alone right before the colon of quote `t` ('Michael P. McDonald: "Q"')."""
    ph = phrase_before(toks, t - 2, max(0, t - MAX_LABEL_TOKENS))
    if ph is not None and ph.kind == "name" and (ph.first == 0 or toks[ph.first - 1].kind == "p"):
        return ph
    return None


# A capitalised word followed by a past-tense or present-tense verb: "Fiorina opened".
_SURNAME_SUBJECT = re.compile(r"[A-Z][\w’'\-]*\s(?:[a-z]+ed|says|said|told|wrote|spoke)\b")

# The next line signs the quotation: "— Maria Lopez, 34, Phoenix". Anchored and linear.
_SIGNATURE = re.compile(r"\s*\n\s*[—–―‒-]+ ?([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3})")


def _between(indices: list[int], lo: int, hi: int) -> list[int]:
    """The sorted indices in [lo, hi)."""
    return indices[bisect.bisect_left(indices, lo) : bisect.bisect_left(indices, hi)]


def _according_source(toks: list[Token], j: int, hi: int) -> Phrase | None:
    """The source after "according to": a speaker phrase, else ('according to his longtime
    physician', 'according to some on Twitter') every word up to the next punctuation, since
    "according to" names a source whatever its words are."""
    ph = phrase_after(toks, j, hi)
    if ph is not None or j >= hi:
        return ph
    last = None
    for k in range(j, min(hi, j + ACCORDING_SOURCE_WORDS)):
        if toks[k].kind != "w" or toks[k].sentence != toks[j].sentence:
            break
        last = k
    return Phrase(j, last, "descriptor") if last is not None else None


_POLL_NOUNS = words_of("poll polls survey surveys study")


def _respondents(toks: list[Token], ph: Phrase) -> bool:
    """'31% of Republicans', '75 percent of voters', '14 percent': a share of people polled."""
    if toks[ph.last].low in {"percent", "%"}:
        return True
    k = ph.first - 1
    return (
        k >= 2
        and toks[k].low == "of"
        and (toks[k - 1].low in {"percent", "%"} or toks[k - 1].low.isdigit())
    )


def _poll_opener(toks: list[Token], cue: int) -> Phrase | None:
    """'In a September Washington Post-ABC News poll, ...': the poll named by a sentence-opening
    "In" phrase, up to its comma."""
    sid = toks[cue].sentence
    s0 = cue
    while s0 > 0 and toks[s0 - 1].sentence == sid and cue - s0 < 60:
        s0 -= 1
    if toks[s0].low != "in":
        return None
    for k in range(s0 + 1, cue):
        if toks[k].text == ",":
            head = [t for t in toks[s0 + 1 : k] if t.low in _POLL_NOUNS]
            return Phrase(s0 + 1, k - 1, "descriptor") if head else None
        if toks[k].kind == "q":
            return None
    return None


def _role_then_name(toks: list[Token], j: int, hi: int) -> Phrase | None:
    """'said retired neurosurgeon Ben Carson', 'said 9/11 widow Ann Lee': lower-case role
    words our lexicon does not know, then the name; the mention runs from the role."""
    k = j
    while k < hi and k - j < 5 and not toks[k].is_cap:
        tok = toks[k]
        if tok.kind == "q" or tok.low in FUNCTION_WORDS or tok.low in CUE_GAP_WORDS:
            return None
        if tok.kind == "p" and tok.text not in {"/", "-"}:
            return None
        k += 1
    if k == j or k >= hi:
        return None
    name = phrase_after(toks, k, hi)
    if name is None or name.kind != "name":
        return None
    nxt = toks[name.last + 1] if name.last + 1 < len(toks) else None
    if not _ends_clause(toks, name.last) and (nxt is None or nxt.low not in _AFTER_NAME):
        return None
    return Phrase(j, name.last, "name")


# Prepositions that may follow an inverted speaker ('said ... Carly Fiorina during the debate').
_AFTER_NAME = words_of("during at in on after before while when")


# Things that display words ('a sign saying', 'a hat reading'). Ads are not here: annotators
# give an ad's words to whoever released it.
_DISPLAY_NOUNS = words_of(
    "sign banner placard poster shirt t-shirt hat cap button sticker billboard headline "
    "caption slogan cover"
)


def _passive_agent_after(toks: list[Token], t: int) -> Phrase | None:
    """'"American Skin" was written by Springsteen', 'the "Q" was called by the SVP': a quote
    that is the subject of a passive verb is the words of its "by" agent."""
    k = t + 1
    if k < len(toks) and toks[k].low in _PASSIVE_AUXILIARIES:
        k += 1
        while k < len(toks) and toks[k].low in CUE_GAP_WORDS:
            k += 1
        verb = toks[k] if k < len(toks) else None
        if (
            verb is not None
            and verb.kind == "w"
            and (verb.low.endswith(("ed", "en")) or verb.low in CUE_VERBS)
            and k + 1 < len(toks)
            and toks[k + 1].low == "by"
        ):
            return phrase_after(toks, k + 2, len(toks))
    return None


def _passive_agent_around(toks: list[Token], t: int) -> Phrase | None:
    """'Amman, who was described as "knife-obsessed" by the police', 'It was announced to be a
    "pandemic" by the WHO': a quote inside a passive clause, its "by" agent right after it,
    is the agent's."""
    if t + 2 >= len(toks) or toks[t + 1].low != "by":
        return None
    for k in range(t + 2, min(len(toks), t + 2 + CUE_LOOKBACK)):
        if toks[k].sentence != toks[t].sentence:
            break
        if toks[k].low == "according":
            return None  # '... by the agency, according to two aides': the outer source
    for k in range(t - 1, max(-1, t - 8), -1):
        tok = toks[k]
        if tok.sentence != toks[t].sentence or tok.kind != "w":
            break
        if tok.low.endswith(("ed", "en")) and k > 0 and not tok.is_cap:
            before = toks[k - 1].low
            if before in CUE_GAP_WORDS and k > 1:
                before = toks[k - 2].low
            if before in _PASSIVE_AUXILIARIES:
                return phrase_after(toks, t + 2, len(toks))
    return None


def _possessor_phrase(toks: list[Token], k: int) -> Phrase:
    """The name ending in a possessive at k ("Donald Trump’s")."""
    first = k
    while first > 0 and toks[first - 1].is_cap and toks[first - 1].low not in DETERMINERS:
        first -= 1
    return Phrase(first, k, "name" if toks[k].is_cap else "descriptor")


def _carry(ev: _Evidence, pi: int, method: str) -> _Evidence:
    return _Evidence(ev.name, ev.mention, method, ev.kind, pi)


def _short_clause_phrase(toks: list[Token], j: int, hi: int) -> Phrase | None:
    """A determiner phrase our lexicon does not know ("a 2008 Clinton veteran", "the two"):
    the words from a determiner up to the first verb-looking lower-case word or punctuation."""
    if j >= hi or toks[j].low not in _PHRASE_DETERMINERS:
        return None
    last = None
    for k in range(j + 1, min(hi, j + 6)):
        tok = toks[k]
        if tok.kind != "w" or tok.low in _CLAUSE_STOPS:
            break
        if not tok.is_cap and not tok.low[:1].isdigit() and last is not None and _looks_verb(tok):
            break
        last = k
    return Phrase(j, last, "descriptor") if last is not None else None


# Cues that take an object and never come before their subject: ', denounced her record' is
# a verb in a series, not 'said X'.
_NEVER_INVERTED = words_of("denounced denounces criticized criticised slammed blasted praised")
# Cues whose next noun is the listener, not the speaker ("told Palo Alto Weekly").
_OBJECT_CUES = frozenset(
    {"told", "tells", "asked", "asks", "informed", "reminded", "assured", "urged"}
)
_PHRASE_DETERMINERS = frozenset(
    {"the", "a", "an", "his", "her", "their", "its", "one", "another", "some", "many", "several"}
)


def _looks_verb(tok: Token) -> bool:
    return (
        tok.low.endswith(("ed", "es", "ted"))
        or tok.low in CUE_VERBS
        or tok.low
        in {
            "write",
            "say",
            "conclude",
            "argue",
            "note",
            "add",
            "explain",
            "insist",
            "tell",
            "ask",
            "shot",
            "went",
            "came",
            "put",
            "wrote",
            "told",
            "said",
            "says",
            "chimed",
            "piped",
            "read",
        }
    )


def _verb_follows(toks: list[Token], k: int, hi: int) -> bool:
    """A lower-case word (the reporting verb) right after the subject, possibly after an
    appositive ("Graham, a former candidate, told")."""
    i = k + 1
    if i < hi and toks[i].text == ",":
        for m in range(i + 1, min(hi, i + 20)):
            if toks[m].kind == "q" or toks[m].text in {".", ";", "!", "?"}:
                return False
            if toks[m].text == ",":
                i = m + 1
                break
        else:
            return False
    while i < hi and toks[i].kind == "w" and toks[i].low in CUE_GAP_WORDS:
        i += 1
    return (
        i < hi
        and toks[i].kind == "w"
        and not toks[i].is_cap
        and toks[i].low not in _CLAUSE_STOPS
        and toks[i].sentence == toks[k].sentence
    )


def _after_bracket(toks: list[Token], k: int) -> int:
    """The ")" closing a bracketed aside right after token k ('Sanders (I-Vt.)'), else k."""
    if k + 1 < len(toks) and toks[k + 1].text == "(":
        for j in range(k + 2, min(len(toks), k + 10)):
            if toks[j].text == ")":
                return j
    return k


def _verb_right_after(toks: list[Token], k: int, hi: int) -> bool:
    """A lower-case word right after the phrase ending at k (gap words allowed, no comma)."""
    i = k + 1
    while i < hi and toks[i].kind == "w" and toks[i].low in CUE_GAP_WORDS:
        i += 1
    return i < hi and _verb_like(toks[i]) and toks[i].low not in _PHRASE_DETERMINERS


def _verb_like(tok: Token) -> bool:
    """A lower-case word that can be a finite verb right after its subject: not a function
    word (auxiliaries excepted), a determiner, an adverb in -ly or a possessive."""
    if tok.kind != "w" or tok.is_cap or is_possessive(tok):
        return False
    low = tok.low
    if low in _AUXILIARIES:
        return True
    if low in FUNCTION_WORDS or low in DETERMINERS or low in _CLAUSE_STOPS:
        return False
    return not low.endswith("ly") and not low[:1].isdigit()


# Words after which a new clause (and so a subject) may start.
_CLAUSE_OPENERS = words_of(
    """and but or nor while when whereas as because if although though since after before so
    where until then once unless yet"""
)


def _opens_clause(toks: list[Token], ph: Phrase, lo: int) -> bool:
    """A subject starts its clause: the sentence start, punctuation or a conjunction before it
    ('dismissed the whole affair as' has an object there, not a subject)."""
    if ph.first <= lo:
        return True
    prev = toks[ph.first - 1]
    return prev.kind == "p" or prev.low in _CLAUSE_OPENERS


def _in_complement(toks: list[Token], ph: Phrase) -> bool:
    """'praised Sanders for what he has done, calling it ...', 'saying he has been ...': the
    subject of a reported or embedded clause is not the subject a later participle hangs off."""
    if ph.first == 0:
        return False
    prev = toks[ph.first - 1]
    return prev.kind == "w" and (
        prev.low in _COMPLEMENTISERS or prev.low in CUE_VERBS or is_participle(prev)
    )


_COMPLEMENTISERS = words_of("that what whether how why whom")


def _is_compound_modifier(toks: list[Token], ph: Phrase) -> bool:
    """'the Sanders campaign', 'the Trump administration': a name after "the" modifies the
    lower-case noun that follows; it is not that noun's subject."""
    return ph.kind == "name" and toks[ph.first].low in {"the", "a", "an"}


_LEADING_CONNECTIVES = frozenset({"and", "but", "so", "then", "yet", "or", "also", "still"})
_CLAUSE_STOPS = frozenset(
    {"and", "or", "but", "that", "which", "who", "when", "where", "while", "because", "if"}
)


def _ends_clause(toks: list[Token], k: int) -> bool:
    """Nothing, a sentence end, a comma or an "of"-phrase follows token k."""
    nxt = k + 1
    if nxt >= len(toks) or toks[nxt].sentence != toks[k].sentence:
        return True
    return toks[nxt].text in {".", ",", ";", "!", "?", "("} or toks[nxt].low in {"of", "who"}


def _sentence_ends_soon(toks: list[Token], cue: int) -> bool:
    sid = toks[cue].sentence
    k = cue + 1
    while k < len(toks) and toks[k].sentence == sid:
        if k - cue > SHORT_AFTER_SENTENCE:
            return False
        k += 1
    return True
