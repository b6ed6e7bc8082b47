"""Stage 4, local evidence (continued): the subject a cue verb or clause belongs to
('X, who ..., said', participle openers, 'with X saying', governing subjects of pronouns).
Reads the paragraph's tokens, `_cues`, `_triggers` and `names`; returns `_Evidence` through
resolution and writes no state.
"""

from __future__ import annotations

from service.attribution.common import (
    _AUXILIARIES,
    _DISPLAY_NOUNS,
    _LEADING_CONNECTIVES,
    _OBJECT_CUES,
    _RELATIVE_OPENERS,
    CUE_LOOKBACK,
    _after_bracket,
    _between,
    _carry,
    _Evidence,
    _in_complement,
    _is_compound_modifier,
    _opens_clause,
    _verb_follows,
    _verb_like,
    _verb_right_after,
)
from service.attribution.cues import DASHES
from service.attribution.speaker_phrases import (
    Phrase,
    is_cue,
    is_participle,
    phrase_after,
    phrase_before,
)
from service.attribution.speech_frame import Token


class SubjectMixin:
    """The subject of a cue, clause or sentence, as a speaker phrase."""

    def _cue_subject(self, toks, cue_index, lo, pi) -> _Evidence | None:
        """Subject for a cue with none of its own: an earlier finite cue's, else the sentence's."""
        sid = toks[cue_index].sentence
        opener = self._opening_participle_subject(toks, cue_index, pi)
        if opener is not None:
            return opener
        # "with the campaign of the former senator saying ...": an absolute "with X V-ing".
        ph = phrase_before(toks, cue_index - 1, lo)
        if (
            ph is not None
            and ph.first > lo
            and toks[ph.first - 1].low == "with"
            and ph.last == cue_index - 1  # not 'In an interview with CNN, Trump ..., saying'
        ):
            return self._resolve(toks, ph, pi)
        if (
            ph is not None
            and ph.kind == "name"
            and ph.first > lo
            and ph.last == cue_index - 1
            and toks[ph.first - 1].low == "and"
        ):
            # 'with X calling it "Q1" and Y calling it "Q2"': the second participle has its
            # own subject, named right before it.
            return self._resolve(toks, ph, pi)
        absolute = self._with_absolute(toks, cue_index)
        if absolute is not None:
            return self._resolve(toks, absolute, pi)
        if (
            ph is not None
            and ph.last == cue_index - 1
            and toks[ph.last].low.rstrip("s") in _DISPLAY_NOUNS
        ):
            # 'held up a sign saying "Q"', 'a campaign hat reading "Q"': words displayed on
            # a thing are the thing's, not its bearer's.
            return self._resolve(toks, ph, pi)
        if (
            ph is not None
            and ph.kind == "name"
            and ph.last == cue_index - 1
            and ph.first > lo
            and toks[ph.first - 1].low in {"of", "and", ",", ";", *DASHES}
        ):
            # 'footage of Hillary Clinton asking, "Q"', 'a video showing Trump saying "Q"': a
            # person named right before the participle, with no comma between, is its subject
            # (a reduced clause); ', saying' after a comma hangs off the main clause instead.
            return self._resolve(toks, ph, pi)
        for i in reversed(_between(self._cues, lo, cue_index)):
            if toks[i].sentence != sid:
                break
            ph = phrase_before(toks, i - 1, lo)
            if ph is not None:
                return self._resolve(toks, ph, pi)
        for i in reversed(_between(self._triggers, lo, cue_index)):
            # "She pushed back, saying he was a pioneer and calling him “a feminist”": a
            # participle shares the subject of the earlier participle it is coordinated with.
            if toks[i].sentence != sid:
                break
            if is_participle(toks[i]) and toks[cue_index - 1].low in {"and", "or", "while"}:
                return self._cue_subject(toks, i, lo, pi)
        # "... where about 50 protesters had gathered, chanting": the participle hangs off the
        # nearest clause, whose subject sits right before its verb.
        for k in range(cue_index - 2, max(lo, cue_index - CUE_LOOKBACK) - 1, -1):
            if toks[k].sentence != sid or toks[k].kind == "q":
                break
            verb = toks[k + 1]
            if (
                verb.kind == "w"
                and not verb.is_cap
                and (verb.low in _AUXILIARIES or verb.low.endswith("ed"))
            ):
                ph = self._real_phrase(toks, phrase_before(toks, k, max(lo, k - 12)))
                if ph is not None and ph.last == k and not _in_complement(toks, ph):
                    ev = self._resolve(toks, ph, pi)
                    if ev is not None:
                        return _carry(ev, pi, "subject") if ev.method == "explicit" else ev
        ev = self._sentence_subject(toks, cue_index, pi)
        if ev is not None and ev.method in {"explicit", "organisation", "descriptor"}:
            return _carry(ev, pi, "subject")
        return ev

    def _with_absolute(self, toks, cue_index) -> Phrase | None:
        """'..., with Trump reportedly yelling: "Q"', 'with X tweeting that ... and asking, "Q"':
        the subject of an absolute "with X V-ing" clause the participle belongs to."""
        sid = toks[cue_index].sentence
        # Back to the sentence start, across quotes ('with X calling it a "disaster" and
        # asking'), but never across a comma: 'with CNN, Trump ..., saying' is no absolute.
        for k in range(cue_index - 1, max(0, cue_index - CUE_LOOKBACK) - 1, -1):
            tok = toks[k]
            if tok.sentence != sid or tok.text in {",", ";", ":", "(", *DASHES}:
                return None
            if tok.low != "with":
                continue
            ph = self._real_phrase(toks, phrase_after(toks, k + 1, cue_index))
            if ph is None or ph.kind not in {"name", "descriptor"}:
                return None
            v = ph.last + 1
            while v < cue_index and toks[v].low.endswith("ly"):
                v += 1
            ing = toks[v] if v <= cue_index else None
            if ing is None or ing.is_cap or not ing.low.endswith("ing"):
                return None
            return ph
        return None

    def _opening_participle_subject(self, toks, cue_index, pi) -> _Evidence | None:
        """'Citing "Q," the spokeswoman told ...': a participle that opens its sentence hangs
        off the main clause, whose subject follows the participle's clause and its comma."""
        sid = toks[cue_index].sentence
        if cue_index > 0 and toks[cue_index - 1].sentence == sid:
            return None
        for k in range(cue_index + 1, min(len(toks), cue_index + CUE_LOOKBACK)):
            if toks[k].sentence != sid:
                return None
            if toks[k].text == "," or (toks[k].kind == "q" and toks[k].text.endswith(",")):
                ph = self._real_phrase(toks, phrase_after(toks, k + 1, len(toks)))
                if ph is None or not _verb_follows(toks, ph.last, len(toks)):
                    return None
                ev = self._resolve(toks, ph, pi)
                return _carry(ev, pi, "subject") if ev and ev.method == "explicit" else ev
        return None

    def _sentence_subject(self, toks, t, pi) -> _Evidence | None:
        sid = toks[t].sentence
        s0 = t
        while s0 > 0 and toks[s0 - 1].sentence == sid and t - s0 < CUE_LOOKBACK:
            s0 -= 1
        while s0 < t and toks[s0].low in _LEADING_CONNECTIVES:
            s0 += 1  # "And then Trump went fully on the attack, saying ..."
        opening = self._real_phrase(toks, phrase_after(toks, s0, t))
        if opening is not None and not _verb_follows(toks, _after_bracket(toks, opening.last), t):
            # 'Minutes later, she sent ...', 'Shortly after the call, Rubio's campaign sent':
            # a sentence-opening phrase no verb follows is an adverbial, not the subject; it
            # is the subject only if nothing after the opener's comma is.
            fallback, opening = opening, None
        else:
            fallback = None
        ev = self._resolve(toks, opening, pi)
        if ev is None:
            # "Speaking to reporters, the Ukrainian president said ...": subject after the opener.
            # "Speaking at a rally in Salem, New Hampshire, Trump went": the phrase a verb follows
            # is the subject, not a place that ends the opener.
            commas, first = 0, None
            for k in range(s0, t):
                if toks[k].text == ",":
                    ph = self._real_phrase(toks, phrase_after(toks, k + 1, t))
                    commas += 1
                    if ph is not None and _verb_right_after(toks, ph.last, t):
                        ev = self._resolve(toks, ph, pi)
                        if ev is not None:
                            break
                    first = first or ph
                    if commas == 3:
                        break
            if ev is None:
                ev = self._resolve(toks, first, pi)
            if ev is None:
                ev = self._resolve(toks, fallback, pi)
        if ev is None:
            # "when I asked Sanders ..., he looked ... and said": the last subject pronoun.
            for k in range(t - 1, s0 - 1, -1):
                if toks[k].low in {"he", "she", "they", "it"}:
                    ev = self._resolve(toks, Phrase(k, k, "pronoun"), pi)
                    break
        return ev

    def _clause_subject(self, toks, t, pi) -> _Evidence | None:
        """Subject of the nearest clause before a quote: 'Cruz knocked Rubio and called him a
        “moderate”', 'Thirteen years earlier, she had voted for “...”'. A quoted word with no
        cue is the word of whoever does the verb it hangs off, which is the nearest subject +
        verb pair before it, not the first capitalised word of the sentence."""
        sid = toks[t].sentence
        lo = t
        while lo > 0 and toks[lo - 1].sentence == sid and t - lo < CUE_LOOKBACK:
            lo -= 1
        for v in range(t - 1, lo, -1):
            tok = toks[v]
            if toks[v - 1].kind == "q" or tok.kind == "q":
                break
            if not _verb_like(tok):
                continue
            ph = self._real_phrase(toks, phrase_before(toks, v - 1, lo))
            if ph is None or _is_compound_modifier(toks, ph) or not _opens_clause(toks, ph, lo):
                continue
            ev = self._resolve(toks, ph, pi)
            if ev is not None:
                return ev
        return None

    def _outer_subject(self, toks, ph: Phrase | None, lo: int) -> Phrase | None:
        """'Trump said he responded: "Q"': a he/she subject of a clause reported by a named
        speaker ('X said (that) he ...') is that speaker; name the outer subject, whose words
        these are, unless the name's gender rules the pronoun out."""
        if ph is None or ph.kind != "pronoun" or toks[ph.first].low not in {"he", "she"}:
            return ph
        k = ph.first - 1
        if k >= lo and toks[k].low == "that":
            k -= 1
        if k < lo or not is_cue(toks, k) or toks[k].low in _OBJECT_CUES:
            return ph
        outer = phrase_before(toks, k - 1, lo)
        if outer is None:
            return ph
        if outer.kind == "pronoun":
            # 'She said she asked the question "Q"': the same pronoun twice is one person, and
            # the outer one is the attribution of the sentence.
            return outer if toks[outer.first].low == toks[ph.first].low else ph
        if outer.kind == "name":
            words = [t.text for t in toks[outer.first : outer.last + 1] if t.kind == "w"]
            want = "m" if toks[ph.first].low == "he" else "f"
            if self.names.gender(self.names.canonical(" ".join(words))) not in (want, None):
                return ph
        return outer

    def _governing_subject(self, toks, ph: Phrase | None, lo: int) -> Phrase | None:
        """'Cruz has railed against what he calls the "Q"', 'Bush ..., when he called him
        "Q"': a he/she inside a later clause of a sentence opened by a named subject of the same
        gender is that subject, and the sentence's subject is the mention that attributes it."""
        if ph is None or ph.kind != "pronoun" or toks[ph.first].low not in {"he", "she"}:
            return ph
        prev = toks[ph.first - 1] if ph.first > 0 else None
        if prev is None or prev.kind != "w" or prev.low not in _RELATIVE_OPENERS:
            return ph
        return self._named_subject_of(toks, ph.first, toks[ph.first].low, lo) or ph

    def _named_subject_of(self, toks, k: int, pronoun: str, lo: int) -> Phrase | None:
        """The named subject opening the sentence of the he/she at k, when its gender allows
        the pronoun to be that person ('Trump stood by his comment that "Q"')."""
        sid = toks[k].sentence
        s0 = k
        while s0 > lo and toks[s0 - 1].sentence == sid:
            s0 -= 1
        while s0 < k and toks[s0].low in _LEADING_CONNECTIVES:
            s0 += 1
        subject = self._real_phrase(toks, phrase_after(toks, s0, k))
        if (
            subject is None
            or subject.kind != "name"
            or subject.last >= k - 1
            or not _verb_follows(toks, subject.last, k)
        ):
            return None
        words = [t.text for t in toks[subject.first : subject.last + 1] if t.kind == "w"]
        want = "m" if pronoun == "he" else "f"
        if self.names.gender(self.names.canonical(" ".join(words))) not in (want, None):
            return None
        return subject

    def _real_phrase(self, toks: list[Token], ph: Phrase | None) -> Phrase | None:
        """Drop a sentence-initial capitalised common word taken for a name ("Even", "Just"):
        a word the article also writes in lower case is not a name."""
        single = ph is not None and ph.kind == "name" and ph.first == ph.last
        if single and toks[ph.first].low in self.names.lower_words:
            return None
        return ph
