"""Transcripts: turns labelled "President Trump." / "Q." / "SPEAKER NAME:" at paragraph start.

A transcript's words are all speech, delimited by labels instead of quote marks, so every turn
is attributed to its label. Bracketed editorial notes ("[Laughter]", "[At this point, ...]")
are nobody's words and split a turn into separate spans.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from service.attribution.cues import DASHES, words_of

# "President Trump." / "Vice President Vance." / "Q." / "Mr. Leavitt." at the start of a line.
_TITLED_LABEL = re.compile(
    r"(?:The )?(?:President|Vice President|Prime Minister|Chancellor|Secretary(?: of [A-Z][a-z]+)?"
    r"|Press Secretary|Senator|Governor|Ambassador|General|Speaker|Leader|Minister|Mr\.|Mrs\."
    r"|Ms\.|Dr\.)(?: [A-Z][\w’'\-]+){1,3}"
)
_DOT_LABEL = re.compile(r"(" + _TITLED_LABEL.pattern + r"|Q)\.\s+(?=\S)")
# "KEIR STARMER:" / "Keir Starmer:" / "Q:" followed by speech on the same line.
_COLON_LABEL = re.compile(
    r"([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}"
    r"|[A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,3}|Q):\s+(?=\S)"
)
_BRACKET_NOTE = re.compile(r"\[[^\[\]\n]{0,300}\]")
# Fewer labelled paragraphs than this and the "labels" are more likely headings.
MIN_LABELS = 3
REPORTER = "Unidentified reporter"


@dataclass(frozen=True, slots=True)
class Turn:
    """One stretch of speech by one labelled speaker."""

    label: str  # as written, e.g. "President Trump" or "Q"
    label_start: int
    start: int
    end: int


# Headings that look like "NAME:" labels in ordinary articles.
_NOT_LABELS = words_of(
    """update note related editor's note correction watch read more source photo video
    advertisement breaking also see listen editor's pictured getty images"""
)


def _label_at(text: str, lo: int, hi: int) -> re.Match | None:
    m = _DOT_LABEL.match(text, lo, hi)
    if m:
        return m
    m = _COLON_LABEL.match(text, lo, hi)
    if not m:
        return None
    words = m.group(1).split()
    if any(w.lower().strip(".") in _NOT_LABELS for w in words):
        return None
    # A single Title-case word ("Washington:") is a dateline or heading, not a speaker.
    if len(words) == 1 and not (m.group(1).isupper() and len(m.group(1)) > 1) and m.group(1) != "Q":
        return None
    return m


def find_turns(text: str, paras: list[tuple[int, int]]) -> tuple[list[Turn], set[int]]:
    """Speech spans of a labelled transcript and the paragraph indices they cover.

    Returns no turns unless at least MIN_LABELS paragraphs start with a label, so an article
    with one "Trump: ..." line is left to the quotation rules.
    """
    labels = {}
    for i, (lo, hi) in enumerate(paras):
        m = _label_at(text, lo, hi)
        if m:
            labels[i] = m
    names = Counter(m.group(1) for m in labels.values())
    # Turn-taking: some speaker must come back. Newsletter headings ("WHAT'S BREWING:") and
    # one-off "Name: ..." lines never repeat, transcript speakers always do.
    if len(labels) < MIN_LABELS or names.most_common(1)[0][1] < 2:
        return [], set()
    turns: list[Turn] = []
    covered: set[int] = set()
    current: tuple[str, int] | None = None
    for i, (lo, hi) in enumerate(paras):
        m = labels.get(i)
        if m:
            current = (m.group(1), m.start(1))
            lo = m.end()
        if current is None:
            continue
        covered.add(i)
        turns.extend(_speech_pieces(text, lo, hi, current))
    return turns, covered


def _speech_pieces(text: str, lo: int, hi: int, label: tuple[str, int]) -> list[Turn]:
    pieces = []
    cursor = lo
    for note in [*_BRACKET_NOTE.finditer(text, lo, hi), None]:
        end = note.start() if note else hi
        start = cursor
        # Interruption dashes ("——thank you") mark a cut-off turn, they are not words.
        while start < end and (text[start].isspace() or text[start] in DASHES):
            start += 1
        stop = end
        while stop > start and (text[stop - 1].isspace() or text[stop - 1] in DASHES):
            stop -= 1
        if stop > start and any(ch.isalnum() for ch in text[start:stop]):
            pieces.append(Turn(label[0], label[1], start, stop))
        if note:
            cursor = note.end()
    return pieces
