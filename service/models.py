"""Plain data passed between the engine modules and the HTTP layer.

Everything here is a frozen dataclass of plain values so the engines can be used, tested and
benchmarked without Flask, and so the response schemas can serialise them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuoteKind = Literal["direct", "partial", "indirect", "narration"]
Verdict = Literal["verbatim", "close", "altered", "not_found"]
DiffOp = Literal["replace", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. `text` is kept exactly as supplied: every offset we publish indexes it."""

    id: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    licence: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """Words in the article that attribute a quote ("Trump", "he", "The US President")."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SpeakerAttribution:
    """Who said a passage: a canonical name plus the evidence for it."""

    name: str
    mention: Mention | None
    confidence: float
    # How the attribution was made ("explicit", "pronoun", "descriptor", "carry", "label", ...);
    # confidence is derived from it, and evaluations break errors down by it.
    method: str = "explicit"


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A passage of reported speech found in a text, with offsets into that text."""

    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: SpeakerAttribution | None = None
    # A scare quote or a title ("the so-called “peace plan”", "Meet the Press"): marks around
    # words nobody is reported as saying. Kept in the list (the marks are there) but not speech.
    scare: bool = False


@dataclass(frozen=True, slots=True)
class Difference:
    """One word-level edit turning the article's words into the candidate's words."""

    op: DiffOp
    quote: str  # words in the candidate ("" for a delete)
    original: str  # words in the article ("" for an insert)
    # Meaning-changing flags: "negation", "number", "name", "editorial" (a [bracketed] insertion).
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyPlace:
    """Where another article holds the same passage: `[start, end)` of its text."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SpanMatch:
    """Where a candidate quote aligns in one article, before attribution is attached."""

    article_id: str
    start: int
    end: int
    verdict: Verdict
    confidence: float
    differences: tuple[Difference, ...] = ()
    score: float = 0.0  # raw alignment score, for ranking only
    # Articles holding the same words (this one included): syndicated copies, a generic phrase.
    copies: int = 1
    # The earliest published of them (possibly this one); None when none of them has a date.
    earliest: CopyPlace | None = None


@dataclass(frozen=True, slots=True)
class EarliestCopy:
    """The earliest published article holding a match's words, and where: what a citation of
    syndicated text should point to."""

    article: Article
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MatchReport:
    """A located span plus its article, context paragraph, kind and speaker, ready to serialise."""

    text: str
    start: int
    end: int
    article: Article
    context: str
    kind: QuoteKind
    speaker: SpeakerAttribution | None
    confidence: float
    verdict: Verdict
    differences: tuple[Difference, ...] = ()
    copies: int = 1
    earliest: EarliestCopy | None = None


@dataclass(frozen=True, slots=True)
class ClaimedSpeaker:
    name: str
    matches: bool


@dataclass(frozen=True, slots=True)
class VerifyResult:
    verdict: Verdict
    confidence: float
    match: MatchReport | None
    speaker: SpeakerAttribution | None
    claimed_speaker: ClaimedSpeaker | None
    differences: tuple[Difference, ...] = ()
    alternatives: tuple[MatchReport, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class CheckedQuote:
    """One quote of a draft, where it sits in the draft, and its verification."""

    text: str  # exactly draft[start:end], and exactly the quote that was verified
    start: int
    end: int
    kind: QuoteKind  # "direct" or "partial"
    claimed_speaker: str | None  # the canonical name the draft attributes it to
    result: VerifyResult
    misattributed: bool  # found, but the draft names someone other than the original's speaker


@dataclass(frozen=True, slots=True)
class DraftSummary:
    """Counts over the checked quotes; `misattributed` overlaps the verdict counts."""

    verbatim: int = 0
    close: int = 0
    altered: int = 0
    not_found: int = 0
    misattributed: int = 0


@dataclass(frozen=True, slots=True)
class DraftCheck:
    """Every quote of a draft checked, up to a bound: `total` found, `truncated` when cut."""

    quotes: tuple[CheckedQuote, ...]
    summary: DraftSummary
    total: int
    truncated: bool
