"""Find the speaker phrase next to a cue verb: "UK Defence Secretary John Healey said",
"said Democratic pollster Geoff Garin", "Khalid Mahmood, a Labour MP, said", "according to the
Daily Caller". Works on the frame tokens of one paragraph, a bounded number of tokens at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.attribution.cues import (
    ABBREVIATIONS,
    CUE_GAP_WORDS,
    CUE_PARTICIPLES,
    CUE_VERBS,
    DASHES,
    DESCRIPTOR_MODIFIERS,
    DESCRIPTOR_NOUNS,
    DETERMINERS,
    HONORIFICS,
    NON_NAME_WORDS,
    PRONOUNS,
    ROLE_WORDS,
    TITLE_WORDS,
    words_of,
)
from service.attribution.speech_frame import Token

POSSESSIVE_DETERMINERS = frozenset(
    {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "these", "those", "this"}
)
# Words that can never head a speaker phrase ("the organization that", "the resolution which").
FUNCTION_WORDS = words_of(
    """
    that which who whom whose to of in on at for with by from into about as than then is are
    was were be been being has have had do does did will would can could should may might must
    not no so such very more most less least just only also even still too out up down off over
    under again further once here there when where why how all any both each few other some own
    same
    """
)
TIME_WORDS = words_of(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december today yesterday tonight morning afternoon
    evening night week weekend month year earlier later recently past time
    """
)
_TIME_GLUE = words_of("on in at during last this next early late a the of press call sunday's")
NAMING_VERBS = words_of("called dubbed labeled labelled titled named nicknamed termed")
NOUN_LIKE_CUES = words_of(
    """remarks comments claims notes reports calls states posts quotes charges offers answers
    tweets statements responds counters"""
)
# Words that stand alone for unnamed speakers: "another said", "others wrote", "one added".
QUANTIFIER_SUBJECTS = words_of("another others one some many several both most few")
# Longest speaker phrase we read (tokens): "Democratic pollster Geoff Garin" is 4, titles
# stacked on a name rarely exceed 8.
MAX_PHRASE = 9
# Appositive or relative clause between a speaker and its cue ("Khalid Mahmood, a Labour MP,
# said"): searched up to this many tokens back for the opening comma.
MAX_APPOSITIVE = 24


@dataclass(frozen=True, slots=True)
class Phrase:
    """A speaker phrase: token range [first, last] in the frame and what kind of phrase it is."""

    first: int
    last: int
    kind: str  # "pronoun", "name", "descriptor"


def is_cue(toks: list[Token], i: int) -> bool:
    """A finite cue verb at i. "Trump’s comments" / "his remarks" / "the claims" are nouns."""
    tok = toks[i]
    if tok.kind != "w":
        return False
    if tok.low in {"put", "puts"}:  # "as John Cornyn put it:", "as the Post's X puts it"
        return i + 1 < len(toks) and toks[i + 1].low == "it"
    if tok.low not in CUE_VERBS:
        return False
    if i == 0:
        return True
    prev = toks[i - 1]
    if prev.low in POSSESSIVE_DETERMINERS or is_possessive(prev):
        return False
    if tok.is_cap and prev.is_cap and prev.sentence == tok.sentence:
        # "the United States that ...", "Fox Reports host": a capitalised cue word inside a
        # name, unless the whole line is in title case ("Trump Says He Will Run").
        # 'said the United States "must ..."', "the United States Department of Defense
        # justified": a name, not a headline, when a lower-case word comes before it.
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or not (nxt.is_cap or nxt.kind == "q"):
            return False
        if not _title_case_so_far(toks, i):
            return False
    if tok.low in NAMING_VERBS or tok.low in NOUN_LIKE_CUES:
        # "a book called", "the loophole called", "his anti-Muslim remarks": after a common
        # noun or adjective these are names and nouns; a speaker's verb follows a name or
        # a pronoun ("Trump called", "he remarks").
        return (
            prev.is_cap
            or prev.low in {"he", "she", "it", "they", "who", "also", "then"}
            or (tok.low in NAMING_VERBS and _closes_appositive(toks, i - 1))
        )
    return True


def _title_case_so_far(toks: list[Token], i: int) -> bool:
    """Every word from the start of token i's sentence up to i is capitalised (a headline)."""
    for j in range(i - 1, max(-1, i - 2 * MAX_PHRASE), -1):
        if toks[j].sentence != toks[i].sentence:
            return True
        if toks[j].kind == "w" and not toks[j].is_cap:
            return False
    return True


def _closes_appositive(toks: list[Token], k: int) -> bool:
    """'Stuart Stevens, who served as an aide, called': the comma at k closes an appositive or
    relative clause that follows a name ("a book, called" has no such clause)."""
    if toks[k].text != ",":
        return False
    for j in range(k - 1, max(-1, k - MAX_APPOSITIVE), -1):
        if toks[j].kind == "q" or toks[j].sentence != toks[k].sentence:
            return False
        if toks[j].text == ",":
            return j > 0 and toks[j - 1].is_cap
    return False


def is_possessive(tok: Token) -> bool:
    return tok.kind == "w" and tok.low.endswith(("’s", "'s", "s’"))


def is_participle(tok: Token) -> bool:
    return tok.kind == "w" and tok.low in CUE_PARTICIPLES


def _abbreviated(tok: Token) -> bool:
    """A word whose full stop does not end the phrase: an abbreviation ("Sen.", "U.S.") or a
    capital initial ("John G. Roberts")."""
    return tok.low in ABBREVIATIONS or (tok.is_cap and len(tok.text) == 1)


# A surname opened by a lower-case particle and a hyphen ("al-Assad", "el-Sisi", "bin-Laden").
_PARTICLE_SURNAME = re.compile(r"[a-z]{1,3}-[A-Z]")


def particle_surname(tok: Token) -> bool:
    """'al-Assad', 'el-Sisi': a name word though it opens in lower case."""
    return tok.kind == "w" and _PARTICLE_SURNAME.match(tok.text) is not None


def _np_word(tok: Token, sentence_initial: bool) -> bool:
    """Can this token be part of a speaker phrase?"""
    if tok.kind != "w":
        return False
    if particle_surname(tok):
        return True
    low = tok.low
    if (low in CUE_VERBS or low in CUE_PARTICIPLES) and (sentence_initial or not tok.is_cap):
        # A capitalised cue word within a sentence is a name's ("the United States"); is_cue
        # has already told a title-case headline's "Says" from it.
        return False
    if tok.is_cap:
        return low not in NON_NAME_WORDS or low in DETERMINERS or low in HONORIFICS
    if is_possessive(tok):
        # "the former vice president’s spokeswoman": a possessed role is part of the phrase.
        low = low[:-2] if low.endswith(("’s", "'s")) else low[:-1]
    return low in DESCRIPTOR_NOUNS or low in DESCRIPTOR_MODIFIERS or low in DETERMINERS


def _inner_role(toks: list[Token], i: int, lo: int, hi: int) -> bool:
    """'Bristol coach Anna Kowalski', 'Harbour Watch chief Lena Varga': a lower-case role
    word between a capitalised place or organisation and a capitalised name is part of the
    speaker phrase, which runs on to the name."""
    tok = toks[i]
    if tok.kind != "w" or tok.is_cap or tok.low not in ROLE_WORDS or not lo < i < hi - 1:
        return False
    prev, nxt = toks[i - 1], toks[i + 1]
    return (
        prev.kind == "w"
        and prev.is_cap
        and prev.low not in NON_NAME_WORDS
        and nxt.kind == "w"
        and nxt.is_cap
        and nxt.low not in NON_NAME_WORDS
        and nxt.sentence == tok.sentence == prev.sentence
    )


def classify(toks: list[Token], first: int, last: int) -> str | None:
    words = [t for t in toks[first : last + 1] if t.kind == "w"]
    if not words:
        return None
    head = words[-1]
    if len(words) == 1 and head.low in PRONOUNS:
        return "pronoun"
    content = [w for w in words if w.low not in DETERMINERS]
    if not content:
        return None
    caps = [
        w
        for w in content
        if (w.is_cap or particle_surname(w)) and w.low.rstrip(".") not in TITLE_WORDS
    ]
    head_cap = head.is_cap or particle_surname(head)
    if caps and head_cap and head.low.rstrip(".") not in TITLE_WORDS:
        if words[0].low in {"the", "a", "an"} and len(content) == len(caps):
            return "descriptor"  # "The Kremlin", "the Daily Caller": an organisation
        return "name"
    if head.low in DESCRIPTOR_NOUNS or head.low.rstrip(".") in TITLE_WORDS:
        return "descriptor"
    return None


def phrase_before(toks: list[Token], k: int, lo: int) -> Phrase | None:
    """Speaker phrase ending at or before token k (the token just before a cue), not before lo."""
    k = _skip_back(toks, k, lo)
    k = _skip_time_adverbial(toks, k, lo)
    k = _skip_gerund_adverbial(toks, k, lo)
    if k - 1 >= lo and toks[k].text == "," and toks[k - 1].text == ")":
        k -= 1  # "Gov. John Kasich (R-OH), said": the comma closes the bracketed aside
    if k >= lo and toks[k].text == ")":
        # "Bernie Sanders (I-Vt.) on Saturday criticized": skip a bracketed aside.
        for j in range(k - 1, max(lo - 1, k - 12), -1):
            if toks[j].text == "(":
                k = j - 1
                break
    if k < lo:
        return None
    if toks[k].text == ",":
        # Appositive: "Khalid Mahmood, a Labour MP, said" / "Garin, who ..., said".
        for j in range(k - 1, max(lo, k - MAX_APPOSITIVE) - 1, -1):
            if toks[j].kind == "q":
                break
            if toks[j].text == ",":
                if _age_or_hometown(toks, j - 1, lo) or _prepositional_aside(toks, j, lo):
                    # "Cory Lund, 22, of Flint, Mich., said", "Clinton, during a town hall in
                    # Columbus, Ohio, said": read on to the name
                    continue
                if j - 1 > lo and toks[j - 1].text == ")" and toks[j + 1].low in {"who", "which"}:
                    # "Sen. Ann Lee (D-Mo.), who backs Smith, said": past the bracketed aside
                    for b in range(j - 2, max(lo - 1, j - 12), -1):
                        if toks[b].text == "(":
                            return _phrase_ending_at(toks, b - 1, lo)
                return _phrase_ending_at(toks, j - 1, lo)
            if toks[j].sentence != toks[k].sentence:
                break
        return None
    if toks[k].low in {"who", "which"} and k - 1 > lo and toks[k - 1].text in {",", "(", *DASHES}:
        # "Sen. Marco Rubio of Florida, who mused ...": the relative pronoun's antecedent; the
        # mention runs to "who" (annotators mark either).
        ante = _phrase_ending_at(toks, k - 2, lo)
        return Phrase(ante.first, k, ante.kind) if ante is not None else None
    ph = _phrase_ending_at(toks, k, lo)
    if (
        ph is not None
        and ph.first - 3 >= lo
        and toks[ph.first - 1].low == "by"
        and toks[ph.first - 2].low.endswith(("ed", "en"))
        and not toks[ph.first - 2].is_cap
    ):
        # 'A letter from the Legion obtained by The Associated Press warns': the agent of a
        # participle modifying the subject is not the subject.
        return _phrase_ending_at(toks, ph.first - 3, lo) or ph
    if (
        ph is not None
        and ph.kind == "name"
        and ph.first - 1 >= lo
        and toks[ph.first - 1].low in _OBJECT_PREPOSITIONS
    ):
        return None  # '..., and on Twitter referred to it as "Q"': a preposition's object
    return ph


# Prepositions whose object is never the subject of the verb after it ("with X saying" is).
_OBJECT_PREPOSITIONS = words_of("on in at from into onto via through during")


_ASIDE_OPENERS = words_of("during in at on after before speaking")


def _prepositional_aside(toks: list[Token], j: int, lo: int) -> bool:
    """The words before the comma at j are an aside of time or place opened by a preposition
    after an earlier comma ('Clinton, during a town hall in Columbus, Ohio, said'): the name
    they end with is a place, and the speaker comes before the aside."""
    for m in range(j - 1, max(lo, j - MAX_APPOSITIVE) - 1, -1):
        tok = toks[m]
        if tok.kind == "q" or tok.sentence != toks[j].sentence:
            return False
        if tok.text == ",":
            first = toks[m + 1]
            if first.kind != "w" or first.is_cap or first.low not in _ASIDE_OPENERS:
                return False
            # The aside follows its speaker ('Clinton, during ...'), not a clause ('... in
            # 1976, in what X called').
            return _phrase_ending_at(toks, m - 1, lo) is not None
        if tok.low in {"what", "who", "which", "that"}:
            return False
    return False


def _age_or_hometown(toks: list[Token], k: int, lo: int) -> bool:
    """Token k ends an age ("22") or a hometown ("of Flint", "Mich.") set off by commas after a
    name, as news writes its ordinary speakers: "Cory Lund, 22, of Flint, Mich., said"."""
    j = k
    while j >= lo and toks[j].text != "," and k - j < 6:
        j -= 1
    if j < lo or toks[j].text != ",":
        return False
    seg = toks[j + 1 : k + 1]
    words = [t for t in seg if t.kind == "w"]
    if len(seg) == 1 and seg[0].low.isdigit():
        return True
    if words and words[0].low in {"of", "from"}:
        return all(t.is_cap for t in words[1:]) and len(words) > 1
    # The state after a town ("of Flint, Mich."): capitalised words right after a hometown.
    return bool(words) and all(t.is_cap for t in words) and _age_or_hometown(toks, j - 1, lo)


def _skip_time_adverbial(toks: list[Token], k: int, lo: int) -> int:
    """'Priebus later Thursday told', 'Sanders during a Sunday thanked', 'who, on a press call
    Friday, criticized': a time expression between a subject and its cue is not the subject."""
    if k < lo or toks[k].low not in TIME_WORDS:
        return k
    j = k
    while j >= lo and k - j < 6 and (toks[j].low in TIME_WORDS or toks[j].low in _TIME_GLUE):
        j -= 1
    if j >= lo and toks[j].text == ",":
        # "who, on a press call Friday, criticized": the whole aside sits between commas.
        return j
    return _skip_back(toks, j, lo)


_GERUND_OPENERS = words_of("in while after before when upon")


def _skip_gerund_adverbial(toks: list[Token], k: int, lo: int) -> int:
    """'Richard Ferrand in relaying the news to parliament said': an "in/while/after V-ing
    ..." phrase between a named subject and its cue is not the subject."""
    for j in range(k, max(lo, k - 8), -1):
        t = toks[j]
        if t.kind != "w":
            return k
        if t.low.endswith("ing") and not t.is_cap and j - 1 > lo:
            opener = toks[j - 1]
            if opener.low in _GERUND_OPENERS and not opener.is_cap and toks[j - 2].is_cap:
                return j - 2
            return k
    return k


def _skip_back(toks: list[Token], k: int, lo: int) -> int:
    # Lower case only: "Will acknowledges" has a subject named Will.
    while k >= lo and toks[k].kind == "w" and not toks[k].is_cap and toks[k].low in CUE_GAP_WORDS:
        k -= 1
    return k


def _phrase_ending_at(toks: list[Token], k: int, lo: int) -> Phrase | None:
    if k < lo or toks[k].kind != "w":
        return None
    if toks[k].low in PRONOUNS:
        return Phrase(k, k, "pronoun")
    if toks[k].low in QUANTIFIER_SUBJECTS and (
        k == lo or toks[k - 1].kind != "w" or toks[k - 1].low in {"yet", "and", "but"}
    ):
        # '"Q1," said one. Yet another said, "Q2"', 'Some chanted "Q"' (capitalised too)
        return Phrase(k, k, "descriptor")
    if toks[k].is_cap and not _np_word(toks[k], False):
        return None  # "While", "When", "Rather": a capitalised function word is no name
    if is_possessive(toks[k]):
        return None  # "Trump’s comments": the possessor is not the verb's subject
    if toks[k].low in {"percent", "%"} and k > lo and toks[k - 1].low[:1].isdigit():
        return Phrase(k - 1, k, "descriptor")  # "14 percent said"
    generic = _determiner_phrase(toks, k, lo)
    if generic is not None:
        return _role_of(toks, generic, lo)
    first = k
    j = k
    while j >= lo and k - j < MAX_PHRASE:
        t = toks[j]
        if t.kind == "p" and t.text == "." and j > lo and _abbreviated(toks[j - 1]):
            j -= 1
            continue
        if t.kind == "p" and t.text in {"-", "’", "'"}:
            j -= 1
            continue
        sentence_initial = j == lo or toks[j - 1].sentence != t.sentence
        if not _np_word(t, sentence_initial) and not _inner_role(toks, j, lo, len(toks)):
            break
        first = j
        if t.low in DETERMINERS:
            break
        j -= 1
    while first < k and toks[first].low in _PHRASE_GLUE:
        first += 1  # "footage of Trump": "of" joins a phrase, it never opens one
    kind = classify(toks, first, k)
    return Phrase(first, k, kind) if kind else None


_PHRASE_GLUE = words_of("of for and")


def _role_of(toks: list[Token], ph: Phrase, lo: int) -> Phrase:
    """'The head of the police's investigators told': a determiner phrase right after "of" or
    "for" is the complement of a role noun before it ("the head of", "a spokeswoman for"),
    and the speaker phrase is the role's."""
    j = ph.first - 1
    if j - 1 < lo or toks[j].low not in {"of", "for"}:
        return ph
    if toks[j].sentence != toks[ph.first].sentence:
        return ph
    role = toks[j - 1]
    if role.kind != "w" or role.is_cap or role.low not in ROLE_WORDS | DESCRIPTOR_NOUNS:
        return ph
    for d in range(j - 2, max(lo, j - 4) - 1, -1):
        t = toks[d]
        if t.kind != "w" or t.low in CUE_VERBS or t.low in FUNCTION_WORDS - DETERMINERS:
            return ph
        if t.low in _OPENING_DETERMINERS:
            return Phrase(d, ph.last, "descriptor")
    return ph


_OPENING_DETERMINERS = words_of("the a an this his her their its one another those")


def _determiner_phrase(toks: list[Token], k: int, lo: int) -> Phrase | None:
    """'the suit reads', 'The nearly 90-second ad slams': any determiner + lower-case noun
    directly before a cue is its subject, even when the noun is not in our lexicon."""
    head = toks[k]
    if head.kind != "w" or head.is_cap or head.low in DETERMINERS or head.low in CUE_GAP_WORDS:
        return None
    if head.low in FUNCTION_WORDS or head.low in NON_NAME_WORDS:
        return None
    for j in range(k - 1, max(lo, k - 4) - 1, -1):
        t = toks[j]
        if t.kind != "w":
            return None
        if t.low in _OPENING_DETERMINERS:
            return Phrase(j, k, "descriptor")  # "the GOP front-runner", "those polled"
        if t.low in CUE_VERBS or t.low in CUE_PARTICIPLES or t.low in CUE_GAP_WORDS:
            return None
    return None


def phrase_after(toks: list[Token], j: int, hi: int) -> Phrase | None:
    """Speaker phrase starting at token j ("said Trump", "according to the Kremlin")."""
    if j >= hi or toks[j].kind != "w" or toks[j].low in _PHRASE_GLUE:
        return None  # '"Q," and voters cheer': a conjunction opens no speaker phrase
    if toks[j].low in PRONOUNS:
        return Phrase(j, j, "pronoun")
    last = None
    i = j
    while i < hi and i - j < MAX_PHRASE:
        t = toks[i]
        if t.kind == "p" and t.text == "." and i > j and _abbreviated(toks[i - 1]):
            i += 1
            continue
        if t.kind == "p" and t.text in {"-", "’", "'"}:
            i += 1
            continue
        if not _np_word(t, False) and not _inner_role(toks, i, j, hi):
            break
        # A lower-case "of"/"for" only continues a phrase that goes on ("secretary of state").
        last = i
        i += 1
    while (
        last is not None and last >= j and toks[last].low in DESCRIPTOR_MODIFIERS - DESCRIPTOR_NOUNS
    ):
        if toks[last].is_cap:
            break
        last -= 1
    if last is None or last < j:
        return None
    kind = classify(toks, j, last)
    if kind is None and toks[j].low in {"the", "a", "an", "this", "his", "her", "their", "its"}:
        return _determiner_phrase_after(toks, j, hi)
    return Phrase(j, last, kind) if kind else None


_ADJECTIVE_ENDINGS = ("ed", "al", "ic", "ive", "ous", "ful", "ent", "ant", "ary", "ly", "an", "ish")


def _determiner_phrase_after(toks: list[Token], j: int, hi: int) -> Phrase | None:
    """'The retired neurosurgeon addressed ...', 'The piece goes on': a determiner, modifiers
    (adjective-looking words, numbers) and one head noun, when the noun is not in our lexicon."""
    i = j + 1
    while i + 1 < hi and i - j < 4:
        t, nxt = toks[i], toks[i + 1]
        modifier = t.low.endswith(_ADJECTIVE_ENDINGS) or any(ch.isdigit() for ch in t.low)
        if t.kind == "w" and not t.is_cap and modifier and nxt.kind == "w" and not nxt.is_cap:
            i += 1
            continue
        break
    if i >= hi:
        return None
    head = toks[i]
    if head.kind != "w" or head.is_cap or head.low in CUE_VERBS or head.low in CUE_GAP_WORDS:
        return None
    if head.low in NON_NAME_WORDS or head.low in DETERMINERS or head.low in FUNCTION_WORDS:
        return None
    return Phrase(j, i, "descriptor")


def _cue_in_unclosed_appositive(toks: list[Token], lo: int, end: int) -> int | None:
    """'Nate Silver, the polling guru who founded the site tweeted on Wednesday.': an
    appositive whose closing comma is missing; the last cue before the sentence ends."""
    for m in range(end - 1, lo, -1):
        if toks[m].kind == "w" and toks[m].low in CUE_VERBS and not toks[m].is_cap:
            return m if end - m <= 6 else None
    return None


def cue_after_phrase(toks: list[Token], phrase: Phrase, hi: int) -> int | None:
    """Index of a cue verb right after a speaker phrase (allowing gap words and an appositive)."""
    i = phrase.last + 1
    if i < hi and toks[i].text == ",":
        # "Khalid Mahmood, a Labour MP, said": jump to the closing comma of the appositive.
        for j in range(i + 1, min(hi, i + MAX_APPOSITIVE)):
            if toks[j].kind == "q":
                return None
            if toks[j].text == ",":
                i = j + 1
                break
            if toks[j].text in {".", "!", "?", ";"} and (
                toks[j].text == ";" or j + 1 >= hi or toks[j + 1].sentence != toks[j].sentence
            ):  # not the "." of 'R-Pa.,'
                return _cue_in_unclosed_appositive(toks, i + 1, j)
        else:
            return None
    while i < hi and toks[i].kind == "w" and toks[i].low in CUE_GAP_WORDS:
        i += 1
    if i < hi and is_cue(toks, i):
        return i
    return None
