"""Find quoted segments: the words between quote marks, paragraph by paragraph, in linear time.

Real copy mixes curly and straight marks inside one quote, uses apostrophes that look like
closing single quotes (don’t, Jones’), and leaves openers unclosed on purpose (a quotation that
runs over several paragraphs opens every paragraph and closes only the last). So each mark's
role is decided from its neighbours, a quote never extends past its paragraph (an odd mark can
never swallow the rest of the article), and every mark is looked at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from service.corpus.paragraphs import paragraphs

# Double marks. „ opens German quotes, which then close with “; » « are handled both ways round.
OPEN_ONLY = "“«„‟〝"
CLOSE_ONLY = "”»〞"
AMBIGUOUS = '"＂'
DOUBLE_MARKS = re.compile("[" + re.escape(OPEN_ONLY + CLOSE_ONLY + AMBIGUOUS) + "]")
SINGLE_MARKS = re.compile("[‘’'‹›]")

# Characters that may follow a closing mark (punctuation a quote is embedded in).
_AFTER_CLOSE = set(" \t,.;:!?)]}—–-…/'’\"”»")
_BEFORE_OPEN = set(" \t([{—–-/:;,…")


@dataclass(frozen=True, slots=True)
class QuotedSegment:
    """Words inside one pair of quote marks, plus where the marks and the paragraph are."""

    start: int  # first quoted character (after the opener and any spaces)
    end: int  # one past the last quoted character (before the closer)
    opener: int  # offset of the opening mark
    closer: int | None  # offset of the closing mark; None when the quote runs to paragraph end
    para_start: int
    para_end: int
    single: bool = False  # delimited by single marks (‘…’)


def _looks_open(text: str, i: int, lo: int, hi: int) -> bool:
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    spacey = prev.isspace() or unicodedata.category(prev) == "Cf"  # \u202a and friends
    return (spacey or prev in _BEFORE_OPEN or prev in OPEN_ONLY) and not nxt.isspace()


def _looks_close(text: str, i: int, lo: int, hi: int) -> bool:
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    return not prev.isspace() and (nxt.isspace() or nxt in _AFTER_CLOSE)


def _segment(text: str, opener: int, closer: int | None, lo: int, hi: int, single: bool = False):
    start = opener + 1
    end = closer if closer is not None else hi
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return None
    return QuotedSegment(start, end, opener, closer, lo, hi, single)


def _double_segments(text: str, lo: int, hi: int) -> list[QuotedSegment]:
    out: list[QuotedSegment] = []
    open_at: int | None = None
    open_char = ""
    for m in DOUBLE_MARKS.finditer(text, lo, hi):
        i, c = m.start(), m.group()
        looks_open, looks_close = _looks_open(text, i, lo, hi), _looks_close(text, i, lo, hi)
        if c in OPEN_ONLY:
            # „…“ (German) closes with “; and copy often closes with the wrong curly mark
            # (“expedited review“), which a closer's position gives away.
            if open_at is not None and (
                (open_char == "„" and c == "“")
                or (open_char == "»" and c == "«")
                or (looks_close and not looks_open)
            ):
                role = "close"
            else:
                role = "open"
        elif c in CLOSE_ONLY:
            # »…« (Danish, Swiss) and a wrong-way ” opening a quote (”get close to Ben ...”).
            role = "open" if open_at is None and looks_open and not looks_close else "close"
        elif open_at is None:
            # A straight mark glued to the end of a word with nothing open is an inch sign or a
            # stray closer: skip it rather than open a quote that runs to paragraph end.
            role = "stray" if looks_close and not looks_open else "open"
        else:
            role = "open" if looks_open and not looks_close else "close"

        if role == "open":
            # An opener while a quote is open: the earlier opener lost its closer. Restart at
            # the new one so attribution text between them is never taken as quoted words.
            open_at, open_char = i, c
        elif role == "close" and open_at is not None:
            seg = _segment(text, open_at, i, lo, hi)
            if seg:
                out.append(seg)
            open_at = None
    if open_at is not None:
        seg = _segment(text, open_at, None, lo, hi)
        if seg:
            out.append(seg)
    return out


def _single_segments(text: str, lo: int, hi: int) -> list[QuotedSegment]:
    """Top-level ‘single-quoted’ passages (British style); must close in the same paragraph."""
    out: list[QuotedSegment] = []
    open_at: int | None = None
    for m in SINGLE_MARKS.finditer(text, lo, hi):
        i, c = m.start(), m.group()
        prev = text[i - 1] if i > lo else " "
        nxt = text[i + 1] if i + 1 < hi else " "
        if prev.isalnum() and nxt.isalnum():
            continue  # don’t, O’Brien
        if c in "‘'‹" and (prev.isspace() or prev in _BEFORE_OPEN) and nxt.isalpha():
            open_at = i
        elif c in "’'›" and open_at is not None and _looks_close(text, i, lo, hi):
            seg = _segment(text, open_at, i, lo, hi, single=True)
            # Reject apostrophe pairs such as ‘90s … Jones’ spanning most of a sentence of
            # narration: a quote in single marks is short or starts with a capital.
            if seg and (text[seg.start].isupper() or seg.end - seg.start < 60):
                out.append(seg)
            open_at = None
    return out


def find_quoted_segments(text: str) -> list[QuotedSegment]:
    """Every quoted segment in `text`, sorted by position, never crossing a paragraph break."""
    out: list[QuotedSegment] = []
    for lo, hi in paragraphs(text):
        doubles = _double_segments(text, lo, hi)
        out.extend(doubles)
        # Single marks only count outside double-quoted passages (inside they are nested quotes).
        cursor = lo
        for seg in [*doubles, None]:
            gap_end = seg.opener if seg is not None else hi
            if gap_end > cursor:
                out.extend(_single_segments(text, cursor, gap_end))
            if seg is not None:
                cursor = seg.closer + 1 if seg.closer is not None else hi
    out.sort(key=lambda s: s.start)
    return out
