"""Quote extraction and speaker attribution: who said each quotation in a news text.

Pipeline, one pass over the article in reading order:
1. quote_marks finds the quoted segments of every paragraph (linear, never crosses a paragraph);
2. speech_frame tokenises each paragraph with every quoted segment as one token;
3. each segment is classed as a direct quotation (starts a sentence or follows "said:" / ",")
   or a partial quote embedded in a sentence, and its speaker phrase is read off the frame:
   "Q," X said / "Q," said X / X said: "Q" / X said ... "Q" / according to X;
4. quotes with no speaker phrase inherit one: another quote of the same paragraph, a previous
   paragraph ending "X said:", or the previous paragraph's speaker (carry-over, ~30% of quotes
   in annotated news);
5. the speaker phrase ("he", "the US President", "Trump") is resolved to a canonical name
   clustered across the article (names.NameIndex);
6. sentences "X said (that) CLAUSE" / "CLAUSE, X said." give indirect (unquoted) speech.
Transcripts with labelled turns bypass 3-6: every turn belongs to its label.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from service.attribution.cues import (
    CLAUSE_CUES,
    CUE_GAP_WORDS,
    CUE_VERBS,
    DETERMINERS,
    NEUTER_PRONOUNS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    SCARE_QUOTE_MARKERS,
    SPEECH_NOUNS,
    TITLE_WORDS,
    UNNAMEABLE_PRONOUNS,
    words_of,
)
from service.attribution.names import NameIndex
from service.attribution.quote_marks import QuotedSegment, find_quoted_segments
from service.attribution.speaker_phrases import (
    FUNCTION_WORDS,
    QUANTIFIER_SUBJECTS,
    Phrase,
    cue_after_phrase,
    is_cue,
    is_participle,
    is_possessive,
    phrase_after,
    phrase_before,
)
from service.attribution.speech_frame import Token, frame_tokens
from service.attribution.transcripts import REPORTER, Turn, find_turns
from service.corpus.paragraphs import paragraphs
from service.models import Mention, QuoteSpan, SpeakerAttribution

log = logging.getLogger(__name__)

# Dashes that introduce a speaker ("...” ― Sonya Herridge") or join a quote to its sentence.
DASHES = frozenset({"-", "–", "—", "―", "‒"})

# Confidence by how the speaker was found: close to each method's share of right speaker
# mentions on PolNeAR train (bench/eval_attribution.py; in brackets), but kept in the order a
# reader can defend - a name beside the cue beats a resolved title beats a pronoun beats
# carry-over beats a guess - because the pronoun figure is flattered by the scoring rule (the
# mention "he" counts as right even when we resolve it to the wrong name).
METHOD_CONFIDENCE: dict[str, float] = {
    "label": 0.97,  # transcript turn label ("President Trump.")        [transcripts: ~100%]
    "explicit": 0.94,  # a name next to a cue verb: "Trump said"         [95%]
    "descriptor": 0.86,  # "the US President said" -> titled name met earlier [75%, n=12]
    "pronoun": 0.82,  # "he added" -> most recent compatible speaker      [95%]
    "organisation": 0.8,  # "The Kremlin said"                          [88%]
    "unresolved": 0.75,  # a role we could not tie to a name ("the campaign") [90%]
    "subject": 0.72,  # participle, colon or cue-less clause -> its subject [83%]
    "carry": 0.7,  # nothing beside the quote: previous speaker carries on [82%]
    "fragment": 0.6,  # fragment with no cue -> subject of its nearest clause [72%]
    "nearest": 0.2,  # fallback: the nearest earlier speaker or name       [19%]
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


def extract_quotes(text: str, title: str | None = None) -> list[QuoteSpan]:
    """All reported speech in `text` (direct, partial, indirect), sorted by start offset.

    Never raises: a bug on an odd input must cost that article its quotes, not the request.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _Extractor(text, title if isinstance(title, str) else None).run()
    except Exception:  # pragma: no cover - safety net; the hypothesis tests keep it cold
        log.exception("quote extraction failed on a %d-character text", len(text))
        return []


def _label_before_colon(toks: list[Token], t: int) -> Phrase | None:
    """A name standing alone right before the colon of quote `t` ('Michael P. McDonald: "Q"')."""
    ph = phrase_before(toks, t - 2, max(0, t - MAX_LABEL_TOKENS))
    if ph is not None and ph.kind == "name" and (ph.first == 0 or toks[ph.first - 1].kind == "p"):
        return ph
    return None


class _Extractor:
    def __init__(self, text: str, title: str | None) -> None:
        self.text = text
        self.names = NameIndex(text, title)
        self.history: list[_Evidence] = []
        # Paragraph index -> the last speaker named in it (by position): who carries over.
        self.para_last: dict[int, _Evidence] = {}
        self.out: list[QuoteSpan] = []
        self._name_positions = [p for p, _ in self.names.mentions]
        self._cues: list[int] = []
        self._triggers: list[int] = []
        self._nouns: list[int] = []
        # (paragraph, index into out) of quotations left open at a paragraph's end whose
        # speaker was inherited, waiting for the attribution where the quotation closes.
        self._open_quotes: list[tuple[int, int]] = []

    # -- driver -------------------------------------------------------------------------------
    def run(self) -> list[QuoteSpan]:
        text = self.text
        paras = paragraphs(text)
        segments = find_quoted_segments(text)
        turns, covered = find_turns(text, paras)
        for turn in turns:
            self._emit_turn(turn)
        by_para: list[list[tuple[int, QuotedSegment]]] = [[] for _ in paras]
        starts = [lo for lo, _ in paras]
        for idx, seg in enumerate(segments):
            by_para[bisect.bisect_right(starts, seg.para_start) - 1].append((idx, seg))
        colon_evidence: _Evidence | None = None
        for pi, (lo, hi) in enumerate(paras):
            if pi in covered:
                colon_evidence = None
                continue
            toks = frame_tokens(text, lo, hi, by_para[pi])
            colon_evidence = self._paragraph(pi, toks, segments, colon_evidence)
        self.out.sort(key=lambda q: (q.start, q.end))
        return self.out

    def _close_open_quotes(self, pi, toks, found, q_positions) -> None:
        """'"Q1," Sanders said. "Q2' / '"Q3," Sanders continued.': a quotation carried over a
        paragraph break (no closing mark, the next paragraph opens with a mark) is one
        quotation; the speaker beside its last part is the speaker of every part."""
        open_quotes, self._open_quotes = self._open_quotes, []
        if not open_quotes or open_quotes[-1][0] != pi - 1:
            return
        if not q_positions or q_positions[0] != 0:
            return
        _, ev, explicit = found[0]
        if ev is None or not explicit:
            if len(q_positions) == 1 and toks[-1].kind == "q":
                self._open_quotes = open_quotes  # a middle part: the chain goes on
            return
        for _, index in open_quotes:
            q = self.out[index]
            self.out[index] = QuoteSpan(
                q.text, q.start, q.end, q.kind, _carry(ev, pi, "carry").attribution()
            )

    def _emit_turn(self, turn: Turn) -> None:
        name = REPORTER if turn.label == "Q" else self.names.canonical(turn.label)
        mention = Mention(turn.label, turn.label_start, turn.label_start + len(turn.label))
        speaker = SpeakerAttribution(name, mention, METHOD_CONFIDENCE["label"], "label")
        quoted = self.text[turn.start : turn.end]
        self.out.append(QuoteSpan(quoted, turn.start, turn.end, "direct", speaker))

    # -- one paragraph ------------------------------------------------------------------------
    def _paragraph(self, pi, toks, segments, colon_evidence) -> _Evidence | None:
        # Where the cue verbs (and other triggers) are, so every per-quote search is a bisect
        # plus a walk over a few cues instead of a walk over tokens.
        self._cues = [i for i in range(len(toks)) if is_cue(toks, i)]
        self._triggers = [
            i
            for i, tok in enumerate(toks)
            if is_cue(toks, i)
            or is_participle(tok)
            or (tok.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to")
        ]
        self._nouns = [i for i, tok in enumerate(toks) if i > 0 and tok.low in SPEECH_NOUNS]
        q_positions = [i for i, t in enumerate(toks) if t.kind == "q"]
        # token index -> (kind, evidence, explicit); explicit = found beside the quote itself.
        found: dict[int, tuple[str, _Evidence | None, bool]] = {}
        scare: set[int] = set()
        for t in q_positions:
            direct = self._is_direct_like(toks, t)
            kind = "direct" if direct else "partial"
            if direct:
                ev = self._direct_evidence(toks, t, pi)
            else:
                ev = self._sentence_evidence(toks, t, pi)
            if ev is None and self._is_scare_or_title(toks, t):
                scare.add(t)
            elif ev is None and not direct:
                # A fragment with no cue at all ('He assumed ... “la raza” ...'): the words are
                # usually those of the clause's subject, a weak guess.
                ev = self._clause_subject(toks, t, pi) or self._sentence_subject(toks, t, pi)
                ev = _carry(ev, pi, "fragment") if ev is not None else None
                if ev is None and len(toks[t].text.split()) <= SCARE_QUOTE_WORDS:
                    scare.add(t)
            elif ev is None and t > 0 and toks[t - 1].sentence == toks[t].sentence:
                # 'Trump also embraced waterboarding -- "Q"', 'But he wanted to know, "Q"': a
                # quotation that completes a clause with no cue belongs to that clause's subject.
                ev = self._clause_subject(toks, t, pi)
                ev = _carry(ev, pi, "subject") if ev is not None else None
            found[t] = (kind, ev, ev is not None)

        # Quotes with no speaker phrase of their own inherit one.
        prev_speaker = self._previous_speaker(pi)
        for pos, t in enumerate(q_positions):
            kind, ev, _ = found[t]
            if ev is not None or t in scare:
                continue
            # 'X says ... "Q1". She says ... "Q2"': a speaker named after the previous quote
            # beats that quote's speaker.
            after_prev = q_positions[pos - 1] if pos > 0 else -1
            ev = self._earlier_speaker_in_paragraph(toks, t, pi, after_prev)
            if ev is None:
                ev = self._shared_in_paragraph(found, q_positions, pos)
            if ev is None and after_prev >= 0:
                # The cues after the previous quote were read above.
                ev = self._earlier_speaker_in_paragraph(toks, after_prev + 1, pi)
            if ev is None and pos == len(q_positions) - 1:
                ev = self._signature_below(toks, t, pi)
            if ev is None and pos == 0 and colon_evidence is not None:
                ev = _carry(colon_evidence, pi, colon_evidence.method)
            if ev is None and prev_speaker is not None:
                ev = _carry(prev_speaker, pi, "carry")
            if ev is None:
                ev = self._nearest(toks, t, pi)
            found[t] = (kind, ev, False)

        self._close_open_quotes(pi, toks, found, q_positions)
        for t in q_positions:
            kind, ev, explicit = found[t]
            seg = segments[toks[t].seg]
            speaker = ev.attribution() if ev else None
            quoted = self.text[seg.start : seg.end]
            self.out.append(QuoteSpan(quoted, seg.start, seg.end, kind, speaker))
            if ev is not None:
                self._remember(ev)
            if t == q_positions[-1] and seg.closer is None and not explicit:
                # A quotation left open at the paragraph's end goes on in the next paragraph,
                # and the attribution written where it finally closes may name its speaker.
                self._open_quotes.append((pi, len(self.out) - 1))
        self._indirect(pi, toks, found)
        self._note_last_speaker(pi, toks, [ev for _, ev, _ in found.values() if ev is not None])
        if toks and toks[-1].text == ":":
            # 'X said:' or, with no cue, 'Donald Trump issued the following statement:' - the
            # subject of the clause that hands the floor to the next paragraph.
            ev = self._before_evidence(toks, len(toks), pi)
            if ev is None:
                ev = self._clause_subject(toks, len(toks) - 1, pi)
                ev = _carry(ev, pi, "subject") if ev is not None else None
            return ev
        return None

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
        prev = toks[t - 1] if t > 0 else None
        if prev is not None and prev.low in SCARE_QUOTE_MARKERS:
            return True
        quoted = toks[t].text
        words = quoted.split()
        if not words or len(words) > 6 or any(ch in quoted for ch in ".!?,;:"):
            return False
        minor = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "at", "with", "or"}
        content = [w for w in words if w.lower() not in minor]
        return bool(content) and len(words) >= 2 and all(w[:1].isupper() for w in content)

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

    def _sentence_evidence(self, toks, t, pi) -> _Evidence | None:
        """A quote inside reported speech belongs to the subject of the nearest cue before it,
        else to the speaker named after it, else to the subject of a cue later in the sentence."""
        closing = self._closing_attribution(toks, t, pi)
        if closing is not None:
            return closing
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

    # -- resolution -----------------------------------------------------------------------------
    def _resolve(self, toks: list[Token], ph: Phrase | None, pi: int) -> _Evidence | None:
        if ph is None:
            return None
        start, end = toks[ph.first].start, toks[ph.last].end
        mention = Mention(self.text[start:end], start, end)
        words = [t.text for t in toks[ph.first : ph.last + 1] if t.kind == "w"]
        if ph.kind == "pronoun":
            return self._resolve_pronoun(words[0].lower(), mention, pi)
        if ph.kind == "name":
            name_words = [w for w in words if w.lower() not in {"the", "a", "an", "who", "which"}]
            # "moderator Tom Reyes", "Ohio State professor Paul Beck": the name is what follows
            # the last lower-case role word or possessor ("Marco Rubio of Florida" keeps "of").
            roles = [
                k
                for k, w in enumerate(name_words[:-1])
                if (not w[:1].isupper() and w.lower() not in _NAME_PARTICLES)
                or w.endswith(("’s", "'s"))  # "the Post’s Ann Lee"
            ]
            if roles:
                name_words = name_words[roles[-1] + 1 :]
            name = self.names.canonical(" ".join(name_words))
            return _Evidence(name, mention, "explicit", "person", pi)
        # Descriptor: a title met earlier with a name, else an organisation or a role.
        resolved = self.names.resolve_descriptor(words, start)
        if resolved is not None:
            return _Evidence(resolved, mention, "descriptor", "person", pi)
        content = [w for w in words if w.lower() not in DETERMINERS]
        if not content and len(words) == 1 and words[0].lower() in QUANTIFIER_SUBJECTS:
            content = words  # "one said"
        if not content:
            return None
        if content[-1].lower() in QUANTIFIER_SUBJECTS or content[-1].lower() in {"percent", "%"}:
            # "another", "others", "14 percent": unnamed people, never an organisation.
            return _Evidence(" ".join(content).lower(), mention, "unresolved", "plural", pi)
        if all(w[:1].isupper() for w in content):
            if all(w.lower().rstrip(".") in TITLE_WORDS for w in content):
                return _Evidence(" ".join(content), mention, "unresolved", "person", pi)
            return _Evidence(" ".join(content), mention, "organisation", "org", pi)
        kind = "plural" if content[-1].lower().endswith("s") else "org"
        return _Evidence(" ".join(content), mention, "unresolved", kind, pi)

    def _resolve_pronoun(self, pronoun: str, mention: Mention, pi: int) -> _Evidence | None:
        if pronoun in UNNAMEABLE_PRONOUNS:
            return None
        recent = [
            ev
            for ev in reversed(self.history[-PRONOUN_HISTORY:])
            if pi - ev.para <= PRONOUN_SPEAKER_WINDOW
        ]
        if pronoun in PERSONAL_PRONOUNS:
            want = "m" if pronoun == "he" else "f"
            for ev in recent:
                if ev.kind == "person" and self.names.gender(ev.name) in (want, None):
                    return _Evidence(ev.name, mention, "pronoun", "person", pi)
            name = self._nearest_person_name(mention.start, want)
            if name is not None:
                return _Evidence(name, mention, "pronoun", "person", pi)
        elif pronoun in PLURAL_PRONOUNS or pronoun in NEUTER_PRONOUNS:
            wanted = {"plural", "org"} if pronoun in PLURAL_PRONOUNS else {"org"}
            for ev in recent:
                if ev.kind in wanted:
                    return _Evidence(ev.name, mention, "pronoun", ev.kind, pi)
            # "The Post reported ... It added": the nearest capitalised name before it.
            k = bisect.bisect_left(self._name_positions, mention.start)
            if k > 0:
                name = self.names.mentions[k - 1][1].canonical()
                return _Evidence(name, mention, "pronoun", "org", pi)
        return None

    def _nearest_person_name(self, pos: int, gender: str) -> str | None:
        k = bisect.bisect_left(self._name_positions, pos)
        surname_subject = None
        for i in range(k - 1, max(-1, k - 40), -1):
            start, cluster = self.names.mentions[i]
            if not cluster.full_names:
                # Places and organisations rarely come with a first name; a bare surname is a
                # person when it is the subject of a verb ("Fiorina opened by ...").
                if surname_subject is None and _SURNAME_SUBJECT.match(self.text, start):
                    surname_subject = cluster.canonical()
                continue
            name = cluster.canonical()
            if self.names.gender(name) in (gender, None):
                return name
        return surname_subject

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
