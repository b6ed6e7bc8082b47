"""Quote extraction and speaker attribution: who said each quotation in a news text.

Pipeline, one pass over the article in reading order, one module per stage:
1. quote_marks: the quoted segments of every paragraph (linear, never crosses a paragraph);
2. speech_frame + cues: each paragraph tokenised with every quoted segment as one token, and
   the cue verbs / triggers / speech nouns indexed (`_Extractor._paragraph`);
3. classify: each segment is a direct quotation (starts a sentence or follows "said:" / ","),
   a partial quote embedded in a sentence, or a scare quote / title;
4. evidence + subjects: the speaker phrase read off the frame beside the quote:
   "Q," X said / "Q," said X / X said: "Q" / X said ... "Q" / according to X;
5. resolution: the speaker phrase ("he", "the US President", "Trump") to a canonical name
   clustered across the article (names.NameIndex);
6. carry_over: quotes with no speaker phrase inherit one: another quote of the same paragraph,
   a previous paragraph ending "X said:", or the previous paragraph's speaker (~30% of quotes
   in annotated news), else the nearest speaker;
7. indirect: sentences "X said (that) CLAUSE" / "CLAUSE, X said." give indirect speech.
Transcripts with labelled turns bypass 3-7: every turn belongs to its label.

Stages 3-7 are mixins over one state (`text`, `names`, `history`, `para_last`, `out` and the
per-paragraph cue indexes), composed by `_Extractor` below, which drives them paragraph by
paragraph; `common` holds the `_Evidence` record, `METHOD_CONFIDENCE`, the tuning constants
and the token helpers the stages share.
"""

from __future__ import annotations

import bisect
import logging
import re

from service.attribution.carry_over import CarryOverMixin
from service.attribution.classify import GUESSED_METHODS, ClassifyMixin, displayed_or_statute
from service.attribution.common import (
    METHOD_CONFIDENCE,
    SCARE_QUOTE_WORDS,
    _carry,
    _Evidence,
)
from service.attribution.cues import (
    SPEECH_NOUNS,
)
from service.attribution.evidence import BesideQuoteMixin, SentenceEvidenceMixin
from service.attribution.indirect import IndirectMixin
from service.attribution.name_index import NameIndex
from service.attribution.quote_marks import QuotedSegment, find_quoted_segments
from service.attribution.resolution import ResolutionMixin
from service.attribution.speaker_phrases import (
    is_cue,
    is_participle,
)
from service.attribution.speech_frame import frame_tokens
from service.attribution.subjects import SubjectMixin
from service.attribution.transcripts import REPORTER, Turn, find_turns
from service.corpus.paragraphs import paragraphs
from service.deadline import DeadlineExceeded
from service.deadline import check as check_deadline
from service.models import Mention, QuoteSpan, SpeakerAttribution

log = logging.getLogger(__name__)

# "((Zara Kay)) It started in phases. ...": an interview answer opened by the interviewee's name
# in double brackets (Wikinews' interview layout). The answer runs to the next label.
# Speakers found by a guess, not read beside the quote: an interview answer's narrator beats them.
_GUESSES = frozenset({"fragment", "subject", "carry", "nearest", "unresolved"})
_INTERVIEW_LABEL = re.compile(r"\(\(([^()\n]{1,60})\)\)")
# "Natasha Gownaris: answer" / "NG: answer" after a "((WN)) question": the interviewee's turn.
_ANSWER_LABEL = re.compile(r"([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}):\s+(?=\S)")


def _answer_label(text: str, lo: int, hi: int) -> re.Match | None:
    """The "Name:" opening an interview answer, if the paragraph starts with one."""
    return _ANSWER_LABEL.match(text, lo, hi)


__all__ = ["METHOD_CONFIDENCE", "extract_quotes"]


def extract_quotes(text: str, title: str | None = None) -> list[QuoteSpan]:
    """All reported speech in `text` (direct, partial, indirect), sorted by start offset.

    Never raises: a bug on an odd input must cost that article its quotes, not the request.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _Extractor(text, title if isinstance(title, str) else None).run()
    except DeadlineExceeded:  # the request ran out of time: its caller answers that
        raise
    except Exception:  # pragma: no cover - safety net; the hypothesis tests keep it cold
        log.exception("quote extraction failed on a %d-character text", len(text))
        return []


class _Extractor(
    ClassifyMixin,
    BesideQuoteMixin,
    SentenceEvidenceMixin,
    SubjectMixin,
    ResolutionMixin,
    CarryOverMixin,
    IndirectMixin,
):
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
        # Paragraph starts and quoted spans (sorted): pronoun antecedents are looked for in the
        # paragraph and the one before it, outside quotes.
        self._para_starts: list[int] = []
        self._quote_starts: list[int] = []
        self._quote_ends: list[int] = []
        # Paragraph index -> the interviewee whose answer it is (see `_interview_narrators`).
        self._narrators: dict[int, tuple[str, Mention]] = {}
        # Whether the text is laid out as an interview with "((WN))" question labels.
        self._interview = False

    # -- driver -------------------------------------------------------------------------------
    def run(self) -> list[QuoteSpan]:
        text = self.text
        paras = paragraphs(text)
        segments = find_quoted_segments(text)
        self._para_starts = [lo for lo, _ in paras]
        self._quote_starts = [seg.start for seg in segments]
        self._quote_ends = [seg.end for seg in segments]
        self._narrators = self._interview_narrators(paras)
        if self._interview:
            # A Wikinews interview's answers are the interviewee's own account, not quotations
            # (see `_interview_narrators`); only the quotations inside them are read.
            turns, covered = [], set()
        else:
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
            check_deadline("extraction")
            toks = frame_tokens(text, lo, hi, by_para[pi])
            colon_evidence = self._paragraph(pi, toks, segments, colon_evidence)
        self.out.sort(key=lambda q: (q.start, q.end))
        return self.out

    def _interview_narrators(self, paras: list[tuple[int, int]]) -> dict[int, tuple[str, Mention]]:
        """Paragraph index -> the person answering in it, for interviews laid out as
        '((Name)) answer': the "I" of an answer, and the quotations it recounts with no other
        speaker ('and I'm like, "Q"'), are the interviewee's. A label that is no full name
        ("((WN))", the interviewer's initials) names no one."""
        out: dict[int, tuple[str, Mention]] = {}
        labels = [_INTERVIEW_LABEL.match(self.text, lo, hi) for lo, hi in paras]
        self._interview = sum(m is not None for m in labels) >= 2
        if not self._interview:
            return out
        # Full names the answers are labelled with: "NG:" is the "Natasha Gownaris:" of the
        # same interview (answers are often labelled in full once, then by initials).
        full_labels: dict[str, str] = {}
        current: tuple[str, Mention] | None = None
        for pi, (lo, hi) in enumerate(paras):
            m = labels[pi]
            colon = _answer_label(self.text, lo, hi) if m is None else None
            if m is not None or colon is not None:
                found = m if m is not None else colon
                label = found.group(1).strip()
                words = label.split()
                mention = Mention(found.group(1), found.start(1), found.end(1))
                if len(words) >= 2 and all(w[:1].isupper() for w in words):
                    name = self.names.canonical(label)
                    full_labels.setdefault("".join(w[0] for w in words).upper(), name)
                    current = (name, mention)
                elif colon is not None and label.isupper() and label in full_labels:
                    current = (full_labels[label], mention)
                elif colon is not None and label.isupper():
                    current = (self._initials_name(label) or label, mention)
                else:
                    current = None  # "((WN))": the interviewer's question
            if current is not None:
                out[pi] = current
        return out

    def _initials_name(self, initials: str) -> str | None:
        """The one full name in the article whose words' initials spell `initials` ("NG" for
        Natasha Gownaris), else None."""
        found = {
            name
            for family in self.names.families.values()
            for person in family.persons
            for name in person.full_names
            if "".join(w[0] for w in name.split()).upper() == initials
        }
        return found.pop() if len(found) == 1 else None

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
            guess = ev is None or ev.method in GUESSED_METHODS
            if not any(ch.isalnum() for ch in toks[t].text):
                # '"."', '"…"': marks around punctuation quote no one's words.
                ev = None
                scare.add(t)
            elif self._is_term(toks, t, guess) or (ev is None and self._is_scare_or_title(toks, t)):
                ev = None
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
            if ev is not None and displayed_or_statute(toks, t, ev.mention):
                ev = None  # a sign's or a law's words: 'signs which read "Q"'
                scare.add(t)
            if ev is not None and ev.method in GUESSED_METHODS and self._is_weak_term(toks, t, ev):
                # A guessed speaker yields to a term's cues: 'a "no deal" Brexit'.
                ev = None
                scare.add(t)
            found[t] = (kind, ev, ev is not None)
            if ev is not None:
                # Registered at once: a pronoun later in this paragraph may refer to it.
                self._remember(ev)

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
            if ev is None and pos == 0:
                ev = self._introduced_before(toks, t, pi, prev_speaker)
            if ev is None and prev_speaker is not None:
                ev = _carry(prev_speaker, pi, "carry")
            if ev is None:
                ev = self._nearest(toks, t, pi)
            found[t] = (kind, ev, False)

        self._close_open_quotes(pi, toks, found, q_positions)
        narrator = self._narrators.get(pi)
        for t in q_positions:
            kind, ev, explicit = found[t]
            if (
                narrator is not None
                and kind == "direct"
                and t not in scare
                and (ev is None or ev.method in _GUESSES)
            ):
                # An interview answer: a quotation the answer recounts with no speaker of its
                # own is the interviewee's ("and I'm like, "Q"", "questions like "Q"").
                ev = _Evidence(narrator[0], narrator[1], "narrator", "person", pi)
            seg = segments[toks[t].seg]
            speaker = ev.attribution() if ev else None
            quoted = self.text[seg.start : seg.end]
            self.out.append(QuoteSpan(quoted, seg.start, seg.end, kind, speaker, scare=t in scare))
            if ev is not None and not explicit:
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
