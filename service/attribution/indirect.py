"""Stage 7, indirect speech: unquoted reported clauses, 'X said (that) CLAUSE' and
'CLAUSE, X said.', in sentences holding no direct quotation. Reads the paragraph's tokens
and the classified quotes; appends 'indirect' QuoteSpans to `out` and writes `history`.
"""

from __future__ import annotations

from service.attribution.common import (
    _AUXILIARIES,
    CLAUSE_THAT_WINDOW,
    CUE_LOOKBACK,
)
from service.attribution.cues import (
    CLAUSE_CUES,
    DETERMINERS,
)
from service.attribution.speaker_phrases import (
    is_cue,
    phrase_after,
    phrase_before,
)
from service.models import QuoteSpan


class IndirectMixin:
    """Indirect (unquoted) speech of one paragraph."""

    # -- indirect speech ------------------------------------------------------------------------
    def _indirect(self, pi, toks, found) -> None:
        direct_sentences = {
            toks[t].sentence for t, (kind, _, _) in found.items() if kind == "direct"
        }
        n = len(toks)
        i = 0
        while i < n:
            sid = toks[i].sentence
            j = i
            while j < n and toks[j].sentence == sid:
                j += 1
            if sid not in direct_sentences:
                self._indirect_sentence(pi, toks, i, j)
            i = j

    def _indirect_sentence(self, pi, toks, s0, s1) -> None:
        end = s1 - 1
        while end >= s0 and toks[end].kind == "p" and toks[end].text in {".", "!", "?"}:
            end -= 1
        if end - s0 < 4:
            return
        for c in range(s0 + 1, min(end + 1, s0 + CUE_LOOKBACK)):
            tok = toks[c]
            if tok.kind != "w" or tok.low not in CLAUSE_CUES:
                continue
            if tok.is_cap and not is_cue(toks, c):
                continue  # "the United States Coast Guard described": a name's word
            ph = phrase_before(toks, c - 1, s0)
            if ph is None:
                continue
            # Inverted: "CLAUSE, Trump added."
            if c == end and ph.first - 1 > s0 and toks[ph.first - 1].text == ",":
                self._emit_indirect(toks, ph, s0, ph.first - 2, pi)
                return
            start = self._clause_start(toks, c, end)
            if start is not None:
                self._emit_indirect(toks, ph, start, end, pi)
            return

    @staticmethod
    def _clause_start(toks, c, end) -> int | None:
        """First token of the reported clause after a cue, or None if the cue takes an object."""
        j = c + 1
        if j > end:
            return None
        if toks[c].low in {"told", "tells"}:
            obj = phrase_after(toks, j, end + 1)
            if obj is not None:
                j = obj.last + 1
            elif toks[j].low in {"him", "her", "them", "us", "me", "reporters"}:
                j += 1
        for k in range(j, min(end + 1, j + CLAUSE_THAT_WINDOW)):
            if toks[k].low == "that":
                return k + 1 if k + 1 <= end else None
            if toks[k].kind == "q" or toks[k].text in {".", ";", ":", "!", "?"}:
                break
        if j > end:
            return None
        first = toks[j]
        bare = first.low.split("’")[0].split("'")[0]  # he'd, they’re
        if bare in {"he", "she", "they", "it", "i", "we", "you", "there"} or first.is_cap:
            return j
        if (first.low in DETERMINERS or first.low in {"this", "these", "those"}) and any(
            toks[k].low in _AUXILIARIES for k in range(j + 1, min(end + 1, j + 7))
        ):
            return j
        return None

    def _emit_indirect(self, toks, ph, first, last, pi) -> None:
        if last - first < 3 or toks[first].kind == "q":
            return
        ev = self._resolve(toks, ph, pi)
        if ev is None:
            return
        start, end = toks[first].start, toks[last].end
        self.out.append(QuoteSpan(self.text[start:end], start, end, "indirect", ev.attribution()))
        self._remember(ev)
