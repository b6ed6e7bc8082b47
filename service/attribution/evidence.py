"""Stage 4, local evidence: the speaker phrase beside a quote ('"Q," X said', 'X said: "Q"',
'according to X', a cue later in the sentence). Reads the paragraph's tokens and the cue /
trigger / speech-noun indexes the pipeline sets per paragraph (`_cues`, `_triggers`,
`_nouns`); returns `_Evidence` through resolution and writes no state.
"""

from __future__ import annotations

from service.attribution.common import (
    _CLAUSE_OPENERS,
    _COMPLEMENTISERS,
    _NEVER_INVERTED,
    _OBJECT_CUES,
    _PASSIVE_AUXILIARIES,
    _POSSESSIVE_PRONOUNS,
    CUE_LOOKBACK,
    CUE_TAIL,
    MAX_LABEL_TOKENS,
    _according_source,
    _between,
    _carry,
    _ends_clause,
    _Evidence,
    _label_before_colon,
    _looks_verb,
    _passive_agent_after,
    _passive_agent_around,
    _poll_opener,
    _possessor_phrase,
    _respondents,
    _role_then_name,
    _sentence_ends_soon,
    _short_clause_phrase,
    _verb_follows,
    _verb_like,
)
from service.attribution.cues import (
    CUE_GAP_WORDS,
    DASHES,
)
from service.attribution.speaker_phrases import (
    Phrase,
    cue_after_phrase,
    is_cue,
    is_participle,
    is_possessive,
    phrase_after,
    phrase_before,
)
from service.models import Mention


class BesideQuoteMixin:
    """Evidence for direct quotations: colon labels, cues before and after."""

    # -- evidence beside a quote --------------------------------------------------------------
    def _direct_evidence(self, toks, t, pi) -> _Evidence | None:
        colon = t > 0 and toks[t - 1].text == ":"
        if colon:
            # 'HEADLINE - Michael P. McDonald: "Q"' / '... he tweeted ... Donald Trump: "Q"':
            # a name right before the colon is a label and beats any cue further back.
            ph = _label_before_colon(toks, t)
            if ph is not None and not is_cue(toks, ph.first - 1):
                return self._resolve(toks, ph, pi)
        before = self._before_evidence(toks, t, pi)
        boundary_after = t + 1 < len(toks) and toks[t + 1].sentence != toks[t].sentence
        if (colon or (t > 0 and toks[t - 1].text == ",")) and not boundary_after:
            # 'Clinton seemed irritated: "Q," she wrote' / 'X said: "Q1," he added': the cue
            # written right after the quote is the one that attributes it (as annotators mark)
            # and beats both the cue before the colon and a guess from the colon alone.
            after = self._after_evidence(toks, t, pi)
            if after is not None:
                return after
        if before is not None and (colon or boundary_after or toks[t - 1].text == ","):
            # 'X said: "Q"', 'X said. "Q"' and 'Clinton, a top aide said, "Q"': a cue right
            # before the quote beats guessing from the words after it.
            return before
        if colon:
            # 'Michael P. McDonald: "Q"' / 'Trump leaned in and boomed: "Q"' / 'McConnell
            # delivered a blunt message to Trump: "Q"': a colon hands the floor to the name
            # before it, else to the sentence's subject, whatever the verb.
            ph = _label_before_colon(toks, t)
            if ph is not None:
                return self._resolve(toks, ph, pi)
            absolute = self._with_absolute(toks, t - 1)  # ', with Trump yelling: "Q"'
            if absolute is not None:
                return self._resolve(toks, absolute, pi)
            ev = self._sentence_subject(toks, t - 1, pi)
            if ev is not None:
                return _carry(ev, pi, "subject") if ev.method == "explicit" else ev
        if before is not None and not boundary_after and toks[t - 1].sentence != toks[t].sentence:
            # '“Q” to drive up the price, she said.': a quotation opening a sentence that an
            # attribution closes is that attribution's, not the previous sentence's cue's.
            closing = self._closing_attribution(toks, t, pi)
            if closing is not None:
                return closing
        return self._after_evidence(toks, t, pi) or before or self._sentence_evidence(toks, t, pi)

    def _after_evidence(self, toks, t, pi) -> _Evidence | None:
        """Speaker phrase after a quote: "Q," X said / "Q," said X / "Q" – Name."""
        n = len(toks)
        j = t + 1
        dash = False
        if j < n and toks[j].text in {",", *DASHES}:
            dash = toks[j].text != ","
            j += 1
        elif not (j < n and toks[j].kind == "w"):
            return None
        hi = min(n, j + 30)
        if j >= hi:
            return None
        crossed = toks[j].sentence != toks[t].sentence
        if is_cue(toks, j) and not crossed and toks[j].low not in _NEVER_INVERTED:
            # '"Q," said Trump' / '"Q," said a 2008 Clinton veteran'
            ph = (
                phrase_after(toks, j + 1, hi)
                or _short_clause_phrase(toks, j + 1, hi)
                or _role_then_name(toks, j + 1, hi)
            )
            return self._resolve(toks, ph, pi)
        if toks[j].low == "according" and j + 1 < hi and toks[j + 1].low == "to":
            return self._resolve(toks, _according_source(toks, j + 2, hi), pi)
        ph = phrase_after(toks, j, hi)
        ends = toks[t].text.rstrip("”\"»’' ")[-1:]
        question = ends in {"?", "!"}
        if (not crossed or question) and (
            ends in {",", "?", "!", *DASHES} or toks[t + 1].text == ","
        ):
            # '"Q," the two write' / '"Q," an angry Hollande retaliated' / '"Q," Trump shot
            # back': a quotation whose sentence goes on after a comma is attributed by the
            # subject + verb that follow, whatever the verb.
            subject = ph or _short_clause_phrase(toks, j, hi)
            if subject is not None and _verb_follows(toks, subject.last, hi):
                return self._resolve(toks, subject, pi)
        if ph is None:
            # '"This is fantastic!" beamed Donald Hartley of Madison': any verb between a quote
            # and a name that closes the sentence is a reporting verb.
            if not crossed and toks[j].kind == "w" and _looks_verb(toks[j]):
                name = phrase_after(toks, j + 1, hi)
                if (
                    name is not None
                    and (
                        (name.kind == "name" and toks[name.first].is_cap)
                        # '"Q," read the statement, which ...': a determiner phrase too
                        or toks[name.first].low in {"the", "a", "an"}
                    )
                    and _ends_clause(toks, name.last)
                ):
                    return self._resolve(toks, name, pi)
            return None
        cue = cue_after_phrase(toks, ph, hi)
        if cue is not None:
            # '"Why now?" Clinton asked' is attribution whatever follows; after '."' only a
            # short sentence is ('..." Trump said.' but not '..." Trump said the plan ...').
            if crossed and not question and not _sentence_ends_soon(toks, cue):
                return None
            if crossed and not question and _introduces_quote(toks, cue):
                # '..."Q1." Leinen said "Q2"': the next sentence's cue introduces its own quote.
                return None
            return self._resolve(toks, ph, pi)
        if dash and ph.kind == "name":
            nxt = ph.last + 1
            if (
                nxt >= n
                or toks[nxt].text in {".", ",", "(", ";"}
                or toks[nxt].sentence != toks[ph.last].sentence
            ):
                return self._resolve(toks, ph, pi)
        return None

    def _before_evidence(self, toks, t, pi) -> _Evidence | None:
        """Speaker phrase before position t in its sentence: X said: "Q" / according to X, "Q"."""
        if t == 0:
            return None
        sid = toks[t - 1].sentence
        lo = t - 1
        while (
            lo >= 0 and toks[lo].kind != "q" and toks[lo].sentence == sid and t - lo < CUE_LOOKBACK
        ):
            lo -= 1
        lo += 1
        if lo >= t:
            return None
        end = t - 1
        if toks[end].kind == "p" and toks[end].text in {":", ",", *DASHES}:
            end -= 1
        for i in range(end, lo - 1, -1):
            tok = toks[i]
            if end - i > CUE_TAIL:
                break
            if tok.low == "according" and i + 1 <= end and toks[i + 1].low == "to":
                return self._resolve(toks, _according_source(toks, i + 2, end + 1), pi)
            if _as_reported_by(toks, i):
                continue
            quoted = _quoted_as_saying(toks, i, lo)
            if quoted is not None:
                return self._resolve(toks, quoted, pi)
            if is_cue(toks, i):
                if i + 2 <= end and toks[i + 1].low == "by":  # "Sanders was asked by Bill Maher"
                    ph = phrase_after(toks, i + 2, end + 1)
                    if ph is not None:
                        return self._resolve(toks, ph, pi)
                ph = self._outer_subject(toks, phrase_before(toks, i - 1, lo), lo)
                if ph is None and i + 1 <= end and toks[i].low not in _OBJECT_CUES:
                    ph = phrase_after(toks, i + 1, end + 1)  # 'said Trump: "Q"'
                    inverted = (
                        toks[i - 1].text == "," and ph is not None and _ends_clause(toks, ph.last)
                    )  # '"Q1," said X, a professor. "Q2"'
                    if ph is not None and ph.last != end and not inverted:
                        ph = None
                if ph is not None:
                    return self._resolve(toks, ph, pi)
                return self._cue_subject(toks, i, lo, pi)
            if is_participle(tok):
                return self._cue_subject(toks, i, lo, pi)
        return None


class SentenceEvidenceMixin:
    """Evidence for quotes inside a sentence: cues, 'according to', speech nouns."""

    def _sentence_evidence(self, toks, t, pi) -> _Evidence | None:
        """A quote inside reported speech belongs to the subject of the nearest cue before it,
        else to the speaker named after it, else to the subject of a cue later in the sentence."""
        closing = self._closing_attribution(toks, t, pi)
        if closing is not None:
            return closing
        agent = _passive_agent_around(toks, t)
        if agent is not None:
            ev = self._resolve(toks, agent, pi)
            if ev is not None:
                return ev
        sid = toks[t].sentence
        stop = max(0, t - CUE_LOOKBACK)
        aside = self._parenthetical_attribution(toks, t, stop)
        if aside is not None:
            return self._resolve(toks, aside, pi)
        saw_cue, last_cue = False, t
        for i in reversed(_between(self._triggers, stop, t)):
            tok = toks[i]
            if tok.sentence != sid:
                break
            if _as_reported_by(toks, i):
                continue
            quoted = _quoted_as_saying(toks, i, stop)
            if quoted is not None:
                return self._resolve(toks, quoted, pi)
            fresh = self._fresh_clause_subject(toks, i, t, pi) if tok.low != "according" else None
            if fresh is not None:
                # 'While X proclaims "Q1," Clinton fixates on the "Q2"': a new clause with its
                # own subject stands between the cue and the quote; the quote is that clause's.
                return _carry(fresh, pi, "fragment") if fresh.method == "explicit" else fresh
            if is_cue(toks, i):
                saw_cue, last_cue = True, (i if not saw_cue else last_cue)
                if i > 0 and toks[i + 1].low == "by" and toks[i - 1].low in _PASSIVE_AUXILIARIES:
                    # 'Rubio was asked by moderator Gerard Baker whether ... "Q"': a passive
                    # cue's agent is the speaker.
                    ph = phrase_after(toks, i + 2, t)
                    if ph is not None:
                        return self._resolve(toks, ph, pi)
                ph = self._outer_subject(toks, phrase_before(toks, i - 1, stop), stop)
                ph = self._governing_subject(toks, ph, stop)
                if ph is not None and _respondents(toks, ph):
                    # 'In a CNN/ORC poll, 31% of Republicans said they were "Q"': the poll
                    # framing the sentence reports what its respondents said.
                    ph = _poll_opener(toks, i) or ph
                if ph is not None:
                    return self._resolve(toks, ph, pi)
            elif tok.low == "according" and toks[i + 1].low == "to":
                ph = _according_source(toks, i + 2, t)
                if ph is not None:
                    return self._resolve(toks, ph, pi)
            elif is_participle(tok):
                return self._cue_subject(toks, i, stop, pi)
        if saw_cue:
            return self._subjectless_cue(toks, last_cue, t, pi)
        agent = _passive_agent_after(toks, t)
        if agent is not None:
            return self._resolve(toks, agent, pi)
        return (
            self._after_evidence(toks, t, pi)
            or self._later_cue_evidence(toks, t, pi)
            or self._later_according(toks, t, pi)
            or self._speech_noun_evidence(toks, t, pi)
        )

    @staticmethod
    def _parenthetical_attribution(toks, t, stop) -> Phrase | None:
        """'CNN, Cruz said, called the announcement "Q"', 'The move, Carr explained, was ... "Q"':
        an attribution set off by commas inside the sentence reports all of it."""
        sid = toks[t].sentence
        for c in range(t - 1, stop, -1):
            if toks[c].sentence != sid or toks[c].kind == "q":
                return None
            if not (toks[c].text == "," and is_cue(toks, c - 1)):
                continue
            ph = phrase_before(toks, c - 2, max(stop, c - 2 - MAX_LABEL_TOKENS))
            if ph is None or ph.first < 1 or toks[ph.first - 1].text != ",":
                continue
            if ph.kind not in {"name", "pronoun"}:
                continue
            return ph
        return None

    def _fresh_clause_subject(self, toks, i, t, pi) -> _Evidence | None:
        """Subject of the clause a quote hangs off when that clause starts after the cue at i
        with a comma (', and as Trump went on about "Q"'): the nearest named subject + verb
        before the quote, if a comma (and conjunctions) opens it."""
        for v in range(t - 1, i + 1, -1):
            tok = toks[v]
            if tok.kind == "q" or toks[v - 1].kind == "q" or not _verb_like(tok):
                continue
            ph = self._real_phrase(toks, phrase_before(toks, v - 1, i + 1))
            if ph is None or ph.kind != "name":
                return None
            k = ph.first - 1
            while k > i and toks[k].low in _CLAUSE_OPENERS:
                k -= 1
            opener = toks[k]
            if (
                opener.text == ","
                or (opener.kind == "q" and opener.text.rstrip("”\"’' ").endswith(","))
            ) and not any(
                toks[m].low in _COMPLEMENTISERS
                for m in range(max(0, k - CUE_LOOKBACK), k)
                if toks[m].sentence == toks[k].sentence
            ):
                # 'X said that by refusing ..., Democrats are "Q"' is still inside X's clause.
                return self._resolve(toks, ph, pi)
            return None
        return None

    def _later_according(self, toks, t, pi) -> _Evidence | None:
        """'... labelled "top secret" by the department, according to intelligence sources':
        with no cue in the sentence, a later "according to" names the source."""
        sid = toks[t].sentence
        for i in _between(self._triggers, t + 1, t + CUE_LOOKBACK):
            if toks[i].sentence != sid:
                break
            if toks[i].low == "according":
                return self._resolve(toks, _according_source(toks, i + 2, len(toks)), pi)
        return None

    def _closing_attribution(self, toks, t, pi) -> _Evidence | None:
        """'Nothing the president said "will assuage fears," the senator said.': a sentence
        closed by ', X said.' or ', said X.' is X's, whatever cue sits before its quote."""
        sid = toks[t].sentence
        cues = [c for c in _between(self._cues, t + 1, t + CUE_LOOKBACK) if toks[c].sentence == sid]
        if not cues or not _sentence_ends_soon(toks, cues[-1]):
            return None
        c = cues[-1]
        ph = phrase_before(toks, c - 1, t + 1)  # also 'X, a Clinton supporter, told'
        if ph is not None and ph.first - 1 >= t:
            before = toks[ph.first - 1]
            if before.text == "," or (
                ph.first - 1 == t and before.text.rstrip("”\"’' ").endswith(",")
            ):
                if ph.kind == "pronoun" and toks[ph.first].low in {"he", "she"}:
                    # 'Lee said she felt ... “Q,” she said.': the closing "she" repeats the
                    # sentence's named subject, which is the attribution annotators mark.
                    subject = self._named_subject_of(
                        toks, ph.first, toks[ph.first].low, max(0, t - CUE_LOOKBACK)
                    )
                    if subject is not None and cue_after_phrase(toks, subject, t) is not None:
                        return self._resolve(toks, subject, pi)
                return self._resolve(toks, ph, pi)
        if toks[c - 1].text == "," and toks[c].low not in _OBJECT_CUES:
            ph = phrase_after(toks, c + 1, len(toks))
            return self._resolve(toks, ph, pi) if ph and _ends_clause(toks, ph.last) else None
        return None

    def _speech_noun_evidence(self, toks, t, pi) -> _Evidence | None:
        """'Donald Trump’s claim that Obama “founded ISIS”' / 'in Forbes’ words, “...”'."""
        sid = toks[t].sentence
        for i in reversed(_between(self._nouns, max(1, t - CUE_LOOKBACK), t)):
            if toks[i].sentence != sid:
                break
            if toks[t - 1].low == "as" and t - 1 > i:
                # 'Hollande denounced Trump’s remarks as “hurtful”': the words after "as" are
                # the subject's verdict on the remarks, not the remarks.
                ev = self._clause_subject(toks, t, pi)
                if ev is not None:
                    return ev
            if is_possessive(toks[i - 1]):
                ph = _possessor_phrase(toks, i - 1)
                return self._resolve(toks, ph, pi)
            owner = _POSSESSIVE_PRONOUNS.get(toks[i - 1].low)
            if owner in {"he", "she"}:
                # 'Trump stood by his comment that "Q"': the named subject of the sentence owns
                # the words, and is the mention that attributes them.
                subject = self._named_subject_of(toks, i - 1, owner, max(0, t - CUE_LOOKBACK))
                if subject is not None:
                    return self._resolve(toks, subject, pi)
            if owner is not None:
                # 'over her remark that "Q"': the possessive pronoun is the speaker's mention.
                tok = toks[i - 1]
                return self._resolve_pronoun(owner, Mention(tok.text, tok.start, tok.end), pi)
        return None

    def _subjectless_cue(self, toks, cue, t, pi) -> _Evidence | None:
        """A cue with no subject beside it. Coordinated ("Starmer described ... and said") takes
        the sentence's subject; otherwise ("when Trump in his speech called") the nearest name
        or subject pronoun before the cue."""
        j = cue - 1
        while j > 0 and cue - j < 4 and (toks[j].low in CUE_GAP_WORDS or toks[j].low == "now"):
            j -= 1  # 'but now said', 'and later also said'
        if cue > 0 and toks[j].low not in {"and", "but", "or", "then", "also"}:
            sid = toks[cue].sentence
            for k in range(cue - 1, max(-1, cue - CUE_LOOKBACK), -1):
                if toks[k].sentence != sid or toks[k].kind == "q":
                    break
                if toks[k].low in {"he", "she", "they"}:
                    return self._resolve(toks, Phrase(k, k, "pronoun"), pi)
                if toks[k].is_cap and not (k + 1 < len(toks) and toks[k + 1].is_cap):
                    ph = self._real_phrase(toks, phrase_before(toks, k, max(0, k - 8)))
                    if ph is not None and ph.kind == "name":
                        return self._resolve(toks, ph, pi)
        return self._sentence_subject(toks, t, pi)

    def _later_cue_evidence(self, toks, t, pi) -> _Evidence | None:
        """'"Q" about fixing inequality, said Marla Kilfoyle' / '"A" and "B," Dean proclaimed'."""
        sid = toks[t].sentence
        for i in _between(self._cues, t + 1, t + CUE_LOOKBACK):
            if toks[i].sentence != sid:
                break
            if toks[i - 1].text == "," and toks[i].low not in _NEVER_INVERTED:
                # '..., forcing her to fight both rivals, said Brad Bannon, a pollster.': the
                # inverted speaker after the cue, not the last noun before the comma.
                ph = phrase_after(toks, i + 1, len(toks))
                if ph is not None and _ends_clause(toks, ph.last):
                    return self._resolve(toks, ph, pi)
            if toks[i - 1].low in {"and", "but", "or"}:
                # '... used the phrase "Q" often, and criticized Obama': a coordinated cue
                # shares the sentence's subject; the noun after it is its object.
                return self._sentence_subject(toks, t, pi)
            ph = phrase_before(toks, i - 1, t + 1)
            if ph is None and toks[i].low not in _NEVER_INVERTED:
                ph = phrase_after(toks, i + 1, len(toks))
            return self._resolve(toks, ph, pi)
        return None


def _introduces_quote(toks, cue: int) -> bool:
    """The cue is followed by a quotation of its own, past a colon or comma ('said: "Q"')."""
    k = cue + 1
    while k < len(toks) and toks[k].kind == "w" and toks[k].low in {"that"}:
        k += 1
    if k < len(toks) and toks[k].text in {",", ":"}:
        k += 1
    return k < len(toks) and toks[k].kind == "q"


# "Politico quoted X as saying", "The paper cited X as saying": the outlet reports; X speaks.
_QUOTING_VERBS = frozenset({"quoted", "quotes", "quote", "cited", "cites", "cite"})


def _quoted_as_saying(toks, i: int, lo: int) -> Phrase | None:
    """At a participle "saying" after "as": the object of an earlier "quoted"/"cited" in the
    sentence ('Politico quoted Tim Manning, a former official, as saying "Q"'), else None."""
    if toks[i].low != "saying" or i < 2 or toks[i - 1].low != "as":
        return None
    sid = toks[i].sentence
    for k in range(i - 2, max(lo, i - MAX_QUOTED_AS) - 1, -1):
        if toks[k].sentence != sid or toks[k].kind == "q":
            return None
        if toks[k].low in _QUOTING_VERBS:
            return phrase_after(toks, k + 1, i - 1)
    return None


# Tokens looked back over from "as saying" for the quoting verb.
MAX_QUOTED_AS = 30


def _as_reported_by(toks, i: int) -> bool:
    """'X said — as reported by Hurriyet Daily News — "Q"': the outlet that reported the words,
    not their speaker (the cue before it names who spoke)."""
    return (
        toks[i].low in {"reported", "quoted", "cited", "carried"}
        and i > 0
        and toks[i - 1].low == "as"
        and i + 1 < len(toks)
        and toks[i + 1].low == "by"
    )
