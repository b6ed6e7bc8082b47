"""Stage 6, carry-over and fallbacks: quotes with no speaker phrase of their own inherit one
(another quote of the paragraph, the paragraph's earlier 'X says', a signature line, the
previous paragraph's speaker, the nearest name). Reads `history`, `para_last` and `_cues`;
writes `history` (`_remember`) and `para_last` (`_note_last_speaker`).
"""

from __future__ import annotations

import bisect

from service.attribution.common import (
    _SIGNATURE,
    CARRY_PARAGRAPHS,
    CUE_LOOKBACK,
    SHARE_WINDOW,
    _between,
    _carry,
    _Evidence,
)
from service.attribution.cues import (
    DETERMINERS,
)
from service.attribution.name_index import credible
from service.attribution.resolution import _MENTION
from service.attribution.speaker_phrases import (
    phrase_after,
    phrase_before,
)
from service.models import Mention


class CarryOverMixin:
    """Inherited speakers and the speaker bookkeeping they read."""

    # -- fallbacks ------------------------------------------------------------------------------
    @staticmethod
    def _shared_in_paragraph(found, q_positions, pos) -> _Evidence | None:
        # Bounded both ways: a paragraph of thousands of scare quotes must stay linear.
        for k in range(pos - 1, max(-1, pos - 1 - SHARE_WINDOW), -1):
            ev = found[q_positions[k]][1]
            if ev is not None:
                return _carry(ev, ev.para, "carry")
        for k in range(pos + 1, min(len(q_positions), pos + 1 + SHARE_WINDOW)):
            kind, ev, explicit = found[q_positions[k]]
            if ev is not None and explicit and kind == "direct":
                return _carry(ev, ev.para, "carry")
        return None

    def _signature_below(self, toks, t, pi) -> _Evidence | None:
        """A quotation paragraph signed on the next line: '“...”' then '— Maria Lopez, 34'."""
        if any(tok.kind == "w" for tok in toks[t + 1 :]):
            return None
        m = _SIGNATURE.match(self.text, toks[-1].end)
        if m is None:
            return None
        start, end = m.span(1)
        name = self.names.canonical(m.group(1))
        return _Evidence(name, Mention(m.group(1), start, end), "explicit", "person", pi)

    def _earlier_speaker_in_paragraph(self, toks, t, pi, lo: int = -1) -> _Evidence | None:
        """'Ghazala Khan says she received a call. "She called me ..."': the last "X says"
        earlier in the quote's own paragraph (after token lo)."""
        for i in reversed(_between(self._cues, max(lo + 1, t - 2 * CUE_LOOKBACK), t)):
            ev = self._resolve(toks, phrase_before(toks, i - 1, max(0, i - CUE_LOOKBACK)), pi)
            if ev is not None:
                return _carry(ev, pi, "carry")
        return None

    def _previous_speaker(self, pi) -> _Evidence | None:
        for back in range(1, CARRY_PARAGRAPHS + 1):
            if pi - back in self.para_last:
                return self.para_last[pi - back]
        return None

    def _note_last_speaker(self, pi, toks, quote_evidence: list[_Evidence]) -> None:
        """Remember the paragraph's last speaker, including parentheticals ('Rather, he said,
        ...') that attribute no quote but tell the reader who is talking."""
        last = max(quote_evidence, key=lambda ev: ev.mention.start, default=None)
        for c in reversed(_between(self._cues, len(toks) - 4 * CUE_LOOKBACK, len(toks))):
            if last is not None and toks[c].end <= last.mention.start:
                break
            ev = self._resolve(toks, phrase_before(toks, c - 1, 0), pi)
            if ev is not None:
                last = ev
                break
        if last is not None:
            self.para_last[pi] = last

    def _introduced_before(self, toks, t, pi, previous: _Evidence | None) -> _Evidence | None:
        """'The home side got two yellow cards, leaving Ingram unimpressed. "Q"': a quotation
        with no speaker of its own, after narration in its paragraph that names one person
        (a credible full name or a known person, outside quotes) who is not the previous
        speaker, is that person's: the narration has handed them the floor."""
        lo = self._para_starts[pi] if pi < len(self._para_starts) else 0
        hi = toks[t].start
        k = bisect.bisect_left(self._name_positions, lo)
        people = {}
        for i in range(k, min(len(self._name_positions), k + SHARE_WINDOW)):
            start, cluster = self.names.mentions[i]
            if start >= hi:
                break
            if cluster.kind != "person" or self._inside_quote(start):
                continue
            if not (credible(cluster) or self._person_like(cluster)):
                continue
            people[id(cluster)] = (start, cluster)
        if len(people) != 1:
            return None
        start, cluster = next(iter(people.values()))
        name = cluster.canonical()
        if previous is not None and previous.name == name:
            return None
        run = _MENTION.match(self.text, start)
        end = run.end() if run is not None else start
        return _Evidence(name, Mention(self.text[start:end], start, end), "carry", "person", pi)

    def _nearest(self, toks, t, pi) -> _Evidence | None:
        for i in range(t - 1, max(-1, t - CUE_LOOKBACK), -1):
            if toks[i].is_cap and toks[i].low not in DETERMINERS:
                ph = phrase_after(toks, i, t)
                if ph is not None and ph.kind == "name":
                    ev = self._resolve(toks, ph, pi)
                    if ev is not None:
                        return _carry(ev, pi, "nearest")
        if self.history:
            return _carry(self.history[-1], pi, "nearest")
        return None

    def _remember(self, ev: _Evidence) -> None:
        if not self.history or self.history[-1] != ev:
            self.history.append(ev)
